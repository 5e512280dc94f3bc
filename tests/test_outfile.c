/* Atomic outputs (topolearn/outfile.h), issue 17: a commit without force never replaces
 * a file that appeared after the begin (two runs of one command), character devices and
 * FIFOs are written in place (never replaced by a regular file), temporaries name their
 * writer, and tl_outfile_sweep removes exactly those whose writer has ended. */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dataset_util.h"

static int setup(void **state) {
  (void)state;
  return tmpdir_make("tl_outfile");
}

static char *slurp_text(const char *path) {
  static char buf[256];
  FILE *fp = fopen(path, "r");
  if (!fp) return NULL;
  size_t n = fread(buf, 1, sizeof buf - 1, fp);
  buf[n] = '\0';
  fclose(fp);
  return buf;
}

static void spit_text(const char *path, const char *text) {
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  fputs(text, fp);
  fclose(fp);
}

static void write_ok(const char *path, int force, const char *text) {
  tl_outfile_t o;
  tl_error err = {0};
  if (tl_outfile_begin(&o, path, force, 1, &err)) fail_msg("begin %s: %s", path, err.msg);
  fputs(text, o.fp);
  if (tl_outfile_commit(&o, &err)) fail_msg("commit %s: %s", path, err.msg);
}

/* A file that appears between begin and commit stays; force replaces it. */
static void test_commit_never_clobbers_without_force(void **state) {
  (void)state;
  const char *out = path_of("race.csv");
  const int files = count_files();
  tl_outfile_t o;
  tl_error err = {0};
  assert_int_equal(tl_outfile_begin(&o, out, 0, 1, &err), TL_OK);
  fputs("mine\n", o.fp);
  spit_text(out, "theirs\n"); /* another run of the same command finished first */
  assert_int_equal(tl_outfile_commit(&o, &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "exists (written by another process while this one ran; use "
                                  "--force to overwrite)"));
  assert_string_equal(slurp_text(out), "theirs\n");
  assert_int_equal(count_files(), files + 1); /* their file, no temporary of ours */
  write_ok(out, 1, "forced\n");
  assert_string_equal(slurp_text(out), "forced\n");
  /* an HDF5-style output (not a stream) the same way */
  const char *h5 = path_of("race.h5");
  assert_int_equal(tl_outfile_begin(&o, h5, 0, 0, &err), TL_OK);
  spit_text(h5, "theirs\n");
  assert_int_equal(tl_outfile_commit(&o, &err), TL_ERR_INPUT);
  assert_string_equal(slurp_text(h5), "theirs\n");
  /* a checkpoint replaces the older one it continued, force or not */
  const char *ck = path_of("race.partial");
  spit_text(ck, "old checkpoint\n");
  assert_int_equal(tl_outfile_begin(&o, path_of("race2.csv"), 0, 1, &err), TL_OK);
  fputs("new checkpoint\n", o.fp);
  assert_int_equal(tl_outfile_commit_to(&o, ck, &err), TL_OK);
  assert_string_equal(slurp_text(ck), "new checkpoint\n");
}

/* The temporary is "path.tmp-HOST.PID-XXXXXX" (the sweep reads the writer from it). */
static void test_temporary_names_its_writer(void **state) {
  (void)state;
  tl_outfile_t o;
  tl_error err = {0};
  const char *out = path_of("named.csv");
  assert_int_equal(tl_outfile_begin(&o, out, 0, 1, &err), TL_OK);
  char want[64];
  snprintf(want, sizeof want, ".%ld-", (long)getpid());
  const char *tail = o.tmp_path + strlen(out);
  assert_memory_equal(tail, ".tmp-", 5);
  assert_non_null(strstr(tail, want));
  assert_int_equal((int)strlen(strstr(tail, want) + strlen(want)), 6); /* mkstemp's XXXXXX */
  tl_outfile_abort(&o);
}

/* A character device is written in place: no --force needed, still a device after. A
 * FIFO too, read by a child. An output that another library writes by name must be a
 * regular file. */
static void test_devices_and_fifos_in_place(void **state) {
  (void)state;
  tl_outfile_t o;
  tl_error err = {0};
  const int files = count_files();
  write_ok("/dev/null", 0, "discarded\n");
  struct stat sb;
  assert_int_equal(stat("/dev/null", &sb), 0);
  assert_true(S_ISCHR(sb.st_mode));
  assert_int_equal(tl_outfile_begin(&o, "/dev/null", 1, 0, &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "/dev/null: is a character device (expected a regular file"));

  const char *fifo = path_of("fifo");
  assert_int_equal(mkfifo(fifo, 0600), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) { /* the reader: exit 0 iff it received exactly the text */
    char *got = slurp_text(fifo);
    _exit(got && !strcmp(got, "through the pipe\n") ? 0 : 1);
  }
  write_ok(fifo, 0, "through the pipe\n");
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  assert_int_equal(stat(fifo, &sb), 0);
  assert_true(S_ISFIFO(sb.st_mode));
  assert_int_equal(tl_outfile_begin(&o, fifo, 1, 0, &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "is a FIFO (expected a regular file"));
  assert_int_equal(count_files(), files + 1); /* the FIFO, no temporary */
  unlink(fifo);
}

/* Ended writers' temporaries go, the others stay and are counted. */
static void test_sweep_removes_only_ended_writers(void **state) {
  (void)state;
  tl_outfile_t o;
  tl_error err = {0};
  const char *out = path_of("swept.h5");
  assert_int_equal(tl_outfile_begin(&o, out, 0, 0, &err), TL_OK); /* ours: in use */
  char host[256], name[900];
  snprintf(host, sizeof host, "%s", strstr(o.tmp_path, ".tmp-") + 5);
  *strrchr(host, '.') = '\0'; /* HOST.PID-XXXXXX -> HOST */
  /* an ended writer of this host (no pid that large), a live one (our parent), another
   * host's, and an older name with no writer in it */
  snprintf(name, sizeof name, "%s.tmp-%s.999999999-AbC123", out, host);
  spit_text(name, "12345");
  char ended[900];
  snprintf(ended, sizeof ended, "%s", name);
  snprintf(name, sizeof name, "%s.tmp-%s.%ld-AbC123", out, host, (long)getppid());
  spit_text(name, "x");
  char live[900];
  snprintf(live, sizeof live, "%s", name);
  snprintf(name, sizeof name, "%s.tmp-elsewhere%s.999999999-AbC123", out, host);
  spit_text(name, "x");
  snprintf(name, sizeof name, "%s.tmp-Qw3rTy", out);
  spit_text(name, "x");
  spit_text(path_of("swept.h5x.tmp-other"), "x"); /* another output's */
  tl_outfile_stale_t s;
  assert_int_equal(tl_outfile_sweep(out, &s, &err), TL_OK);
  assert_int_equal(s.removed, 1);
  assert_true(s.removed_bytes == 5.0);
  assert_int_equal(s.kept, 3);
  assert_int_equal(access(ended, F_OK), -1);
  assert_int_equal(access(live, F_OK), 0);
  assert_int_equal(access(o.tmp_path, F_OK), 0);
  tl_outfile_abort(&o);
  /* the live one alone now: named with its pid */
  unlink(name);
  unlink(path_of("swept.h5x.tmp-other"));
  snprintf(name, sizeof name, "%s.tmp-elsewhere%s.999999999-AbC123", out, host);
  unlink(name);
  assert_int_equal(tl_outfile_sweep(out, &s, &err), TL_OK);
  assert_int_equal(s.removed, 0);
  assert_int_equal(s.kept, 1);
  assert_string_equal(s.example, live);
  assert_int_equal(s.example_pid, (long)getppid());
  unlink(live);
}

int main(void) {
  tl_init();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_commit_never_clobbers_without_force),
      cmocka_unit_test(test_temporary_names_its_writer),
      cmocka_unit_test(test_devices_and_fifos_in_place),
      cmocka_unit_test(test_sweep_removes_only_ended_writers),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
