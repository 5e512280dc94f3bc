/* The HDF5 probe: walk every object of a file in a child process before the caller
 * reads it.
 *
 * libhdf5 trusts the bytes it reads. A file with corrupt metadata (a global heap, a
 * B-tree, an object header) can make it read out of bounds and crash the process
 * (seen: 64 bytes of 0xff at offset 2100 of a data set segfault in H5HG_read). HDF5
 * checksums only part of its metadata, and files written by h5py or older tools carry
 * no checksums at all, so no check of our own can be sure a file is safe before
 * libhdf5 parses it. Instead a forked child parses it first, the way a reader would:
 * every object, every attribute of any type and shape (variable-length strings
 * included: they live in the global heap), every dataset's type, filters and chunk
 * index (H5Dget_num_chunks walks the whole index), and the values of every
 * variable-length dataset. If the child dies, the caller gets one line and never
 * touches the file. Errors that HDF5 reports cleanly are not the probe's business:
 * the walk skips the object and goes on, and the reader then refuses the file with
 * its own message.
 *
 * What remains possible (docs/FORMAT.md, "Corrupt files"): a crash while decoding
 * raw chunk data (the filters report corrupt deflate streams as errors, and the
 * readers then check every value), and a file that changes between the probe and the
 * read. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/h5.h"

/* A corrupt global heap can make libhdf5 loop for ever (seen: H5HG__protect). A real
 * file's metadata walk takes milliseconds; the limit allows 10 s plus 1 s per 100 MB,
 * so a big file on a slow disk is not mistaken for a corrupt one. */
#define PROBE_SECONDS 10
#define PROBE_BYTES_PER_SECOND 100000000L
/* Values the walk reads per attribute or variable-length dataset; beyond it only the
 * header is walked (our readers refuse such objects from their headers too). */
#define PROBE_MAX_BYTES ((size_t)64 << 20)

static void read_values(hid_t obj, hid_t ftype, hid_t space, int is_attr) {
  hssize_t n = H5Sget_simple_extent_npoints(space);
  hid_t mt = H5Tget_native_type(ftype, H5T_DIR_DEFAULT);
  size_t sz = mt >= 0 ? H5Tget_size(mt) : 0;
  if (n > 0 && sz > 0 && (size_t)n <= PROBE_MAX_BYTES / sz) {
    void *buf = calloc((size_t)n, sz);
    if (buf) {
      herr_t rc = is_attr ? H5Aread(obj, mt, buf) : H5Dread(obj, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
      if (rc >= 0 && (H5Tdetect_class(mt, H5T_VLEN) > 0 || H5Tis_variable_str(mt) > 0))
        H5Dvlen_reclaim(mt, space, H5P_DEFAULT, buf);
      free(buf);
    }
  }
  if (mt >= 0) H5Tclose(mt);
}

static herr_t walk_attr(hid_t loc, const char *name, const H5A_info_t *info, void *op) {
  (void)info, (void)op;
  hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
  if (a < 0) return 0;
  hid_t ft = H5Aget_type(a), sp = H5Aget_space(a);
  if (ft >= 0 && sp >= 0) read_values(a, ft, sp, 1);
  if (sp >= 0) H5Sclose(sp);
  if (ft >= 0) H5Tclose(ft);
  H5Aclose(a);
  return 0;
}

static void walk_dataset(hid_t d) {
  hid_t ft = H5Dget_type(d), sp = H5Dget_space(d), dcpl = H5Dget_create_plist(d);
  if (dcpl >= 0) {
    int nf = H5Pget_nfilters(dcpl);
    for (int k = 0; k < nf && k < 32; k++) {
      unsigned flags, cd[16];
      size_t ncd = 16;
      char fname[64];
      H5Pget_filter2(dcpl, (unsigned)k, &flags, &ncd, cd, sizeof fname, fname, NULL);
    }
    if (H5Pget_layout(dcpl) == H5D_CHUNKED && sp >= 0) {
      hsize_t nchunks = 0;
      H5Dget_num_chunks(d, sp, &nchunks);
    }
    H5Pclose(dcpl);
  }
  H5Dget_storage_size(d);
  if (ft >= 0 && sp >= 0 && (H5Tdetect_class(ft, H5T_VLEN) > 0 || H5Tis_variable_str(ft) > 0))
    read_values(d, ft, sp, 0);
  if (sp >= 0) H5Sclose(sp);
  if (ft >= 0) H5Tclose(ft);
}

static herr_t walk_object(hid_t root, const char *name, const H5O_info_t *info, void *op) {
  (void)op;
  hid_t o = H5Oopen(root, name, H5P_DEFAULT);
  if (o < 0) return 0;
  hsize_t idx = 0;
  H5Aiterate2(o, H5_INDEX_NAME, H5_ITER_NATIVE, &idx, walk_attr, NULL);
  if (info->type == H5O_TYPE_DATASET) walk_dataset(o);
  H5Oclose(o);
  return 0;
}

/* A corrupt length can make libhdf5 allocate gigabytes for one string (seen: 4 GiB
 * for a data set's 'kind', 9 s of page faults). The child runs with a data limit of
 * 1 GiB above what it inherited (relative, so sanitizer shadow memory is not counted),
 * and an allocation that HDF5 reports as failed marks the file as corrupt: no object
 * of a real file needs that much. */
#define PROBE_EXTRA_DATA ((rlim_t)1 << 30)
#define PROBE_EXIT_HUGE 3

static int alloc_failed;

/* Set by a sanitizer runtime (ASan, UBSan), absent otherwise. libFuzzer registers a death
 * callback that saves the current input as a crash; in the child it would save inputs
 * whose crash the parent turns into a refusal (a fuzzing run then leaves crash-* files
 * and exits 0). The child removes it and dies quietly. */
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static herr_t note_alloc(unsigned n, const H5E_error2_t *e, void *op) {
  (void)n, (void)op;
  if (e->min_num == H5E_CANTALLOC || e->min_num == H5E_NOSPACE) alloc_failed = 1;
  return 0;
}

static herr_t on_error(hid_t stack, void *op) {
  (void)op;
  H5Ewalk2(stack, H5E_WALK_DOWNWARD, note_alloc, NULL);
  return 0;
}

static void limit_data(void) {
  FILE *f = fopen("/proc/self/status", "r");
  if (!f) return;
  char line[256];
  unsigned long long kb = 0;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "VmData: %llu kB", &kb) == 1) break;
  fclose(f);
  if (!kb) return;
  struct rlimit r;
  if (getrlimit(RLIMIT_DATA, &r)) return;
  rlim_t want = (rlim_t)kb * 1024 + PROBE_EXTRA_DATA;
  if (r.rlim_max == RLIM_INFINITY || want < r.rlim_max) r.rlim_cur = want;
  setrlimit(RLIMIT_DATA, &r);
}

/* The child's whole job; any return is a walk that did not crash. */
static void walk_file(const char *path) {
  if (H5Fis_hdf5(path) <= 0) return;
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return;
  H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_NATIVE, walk_object, NULL, H5O_INFO_BASIC);
  H5Fclose(f);
}

tl_status tl_h5_probe(const char *path, tl_error *err) {
  tl_h5_quiet();
  struct stat sb;
  const unsigned seconds = PROBE_SECONDS + (stat(path, &sb) ? 0u :
                           (unsigned)(sb.st_size / PROBE_BYTES_PER_SECOND));
  fflush(NULL); /* the child must not flush the caller's buffered output a second time */
  pid_t pid = fork();
  if (pid < 0)
    return tl_error_set(err, TL_ERR_IO, "%s: cannot check the file (fork: %s)", path,
                        strerror(errno));
  if (pid == 0) {
    /* Sanitizers and libhdf5 report a crash on stderr: the caller prints the one line. */
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, STDERR_FILENO);
    /* An interrupt ends the child at once; the caller sees it below and stops too. */
    signal(SIGINT, SIG_DFL), signal(SIGTERM, SIG_DFL), signal(SIGHUP, SIG_DFL);
    signal(SIGALRM, SIG_DFL);
    if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(NULL);
    alarm(seconds);
    limit_data();
    H5Eset_auto2(H5E_DEFAULT, on_error, NULL);
    walk_file(path);
    _exit(alloc_failed ? PROBE_EXIT_HUGE : 0);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return tl_error_set(err, TL_ERR_INTERNAL, "%s: cannot check the file (waitpid: %s)", path,
                          strerror(errno));
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return TL_OK;
  if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGINT || WTERMSIG(status) == SIGTERM ||
                              WTERMSIG(status) == SIGHUP))
    return tl_error_set(err, TL_ERR_INTERRUPTED, "interrupted while checking %s", path);
  if (WIFEXITED(status) && WEXITSTATUS(status) == PROBE_EXIT_HUGE)
    return tl_error_set(err, TL_ERR_INPUT, "%s: corrupt HDF5 file (an object of its metadata "
                        "claims more than 1 GiB; expected an intact HDF5 file)", path);
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
    return tl_error_set(err, TL_ERR_INPUT, "%s: corrupt HDF5 file (reading its metadata did not "
                        "finish in %u s; expected an intact HDF5 file)", path, seconds);
  return tl_error_set(err, TL_ERR_INPUT, "%s: corrupt HDF5 file (the HDF5 library crashed "
                      "reading its metadata; expected an intact HDF5 file)", path);
}
