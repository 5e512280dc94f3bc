/* bench_generate — data-set generation speed (SPEC 6): chains per second of
 * tl_dataset_generate at L = 32 and L = 100 with 1 and 2 threads, against the NumPy
 * reference loop bench/generate_numpy.py storing the same fields with the same chunking
 * and compression, measured in the same run. Prints where the time goes (solving vs
 * HDF5 writes) and the ratios. Not a test: it asserts nothing.
 *
 * usage: bench_generate [--python PY] [--dir TMPDIR] [--quick] [--reps R (3)] [--L 32|100]
 *                       [--compress K] [--float32] [--no-qab] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "topolearn.h"

static double numpy_rate(const char *py, const char *dir, int L, long n, int compress,
                         int float32, int no_qab, const char *method) {
  char script[1024], cmd[4096], out[1024];
  snprintf(script, sizeof script, "%s", __FILE__);
  char *slash = strrchr(script, '/');
  snprintf(slash ? slash + 1 : script, sizeof script - (size_t)(slash ? slash + 1 - script : 0),
           "generate_numpy.py");
  snprintf(out, sizeof out, "%s/bench_numpy_%d.h5", dir, L);
  /* NumPy with one BLAS thread: its matrices are too small to gain from more, and
   * OpenMP spin-waits on cores shared with the C run or other jobs only add noise. */
  snprintf(cmd, sizeof cmd, "OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 %s %s --out %s --n %ld --L %d --compress %d --method %s%s%s", py,
           script, out, n, L, compress, method, float32 ? " --float32" : "",
           no_qab ? " --no-qab" : "");
  FILE *p = popen(cmd, "r");
  double rate = -1;
  char line[512];
  while (p && fgets(line, sizeof line, p))
    if (sscanf(line, "chains_per_second %lf", &rate) == 1) break;
  if (p) pclose(p);
  unlink(out);
  return rate;
}

int main(int argc, char **argv) {
  const char *py = "/usr/bin/python3", *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  int quick = 0, compress = 0, float32 = 0, no_qab = 0, reps = 3, only_L = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--python") && i + 1 < argc) py = argv[++i];
    else if (!strcmp(argv[i], "--dir") && i + 1 < argc) dir = argv[++i];
    else if (!strcmp(argv[i], "--quick")) quick = 1;
    else if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--L") && i + 1 < argc) only_L = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--compress") && i + 1 < argc) compress = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--float32")) float32 = 1;
    else if (!strcmp(argv[i], "--no-qab")) no_qab = 1;
    else {
      fprintf(stderr, "usage: bench_generate [--python PY] [--dir TMPDIR] [--quick] [--reps R] [--L 32|100] "
                      "[--compress K] [--float32] [--no-qab]\n");
      return 2;
    }
  }
  const int sizes[2] = {32, 100};
  char load[128] = "?";
  FILE *la = fopen("/proc/loadavg", "r");
  if (la) {
    if (!fgets(load, sizeof load, la)) load[0] = '\0';
    fclose(la);
    load[strcspn(load, "\n")] = '\0';
  }
  printf("# load average at start: %s\n", load);
  printf("# bench_generate: default family (plain SSH, v, w ~ U[0, 2], OBC, clean), all fields%s,\n"
         "# %s eigvecs/qab, large fields deflate level %d (small fields level 1), output in %s\n",
         no_qab ? " but qab" : " incl. qab", float32 ? "float32" : "float64", compress, dir);
  printf("# best of %d interleaved rounds per implementation\n", reps);
  printf("%-5s %-10s %8s %12s %12s %12s %10s\n", "L", "impl", "chains", "chains/s", "solve s",
         "write s", "MB/s out");
  for (int s = 0; s < 2; s++) {
    const int L = sizes[s];
    if (only_L && L != only_L) continue;
    /* The same N for C and NumPy (~250 MB each, the same page-cache regime). Best of
     * `reps` interleaved rounds: other jobs share the cores, and the fastest round is
     * the one least disturbed by them. */
    const long n = (L == 32 ? 10000 : 1000) / (quick ? 10 : 1), n_np = n;
    double rate[3] = {0}, solve[3] = {0}, wr[3] = {0}, mbs[3] = {0}, np_svd = 0, np_eigh = 0;
    for (int rep = 0; rep < reps; rep++) {
      for (int t = 1; t <= 2; t++) {
        tl_dataset_params_t p;
        tl_dataset_params_default(&p);
        p.fam.L = L;
        p.n = n;
        p.threads = t;
        p.force = 1;
        p.compress = compress;
        p.float32 = float32;
        p.store_qab = !no_qab;
        char out[4096];
        snprintf(out, sizeof out, "%s/bench_c_%d.h5", dir, L);
        tl_dataset_stats_t st;
        tl_error err;
        if (tl_dataset_generate(&p, out, NULL, NULL, &st, &err)) {
          fprintf(stderr, "bench_generate: %s\n", err.msg);
          return 1;
        }
        FILE *fp = fopen(out, "rb");
        double mb = 0;
        if (fp) {
          fseek(fp, 0, SEEK_END);
          mb = (double)ftell(fp) / 1e6;
          fclose(fp);
        }
        unlink(out);
        double r = (double)n / st.seconds_total;
        if (r > rate[t]) {
          rate[t] = r;
          solve[t] = st.seconds_compute;
          wr[t] = st.seconds_write;
          mbs[t] = mb / st.seconds_total;
        }
      }
      double a = numpy_rate(py, dir, L, n_np, compress, float32, no_qab, "svd");
      double b = numpy_rate(py, dir, L, n_np, compress, float32, no_qab, "eigh");
      if (a > np_svd) np_svd = a;
      if (b > np_eigh) np_eigh = b;
    }
    for (int t = 1; t <= 2; t++)
      printf("%-5d C %dthr     %8ld %12.0f %12.3f %12.3f %10.0f\n", L, t, n, rate[t], solve[t],
             wr[t], mbs[t]);
    printf("%-5d numpy-svd  %8ld %12.0f\n", L, n_np, np_svd);
    printf("%-5d numpy-eigh %8ld %12.0f\n", L, n_np, np_eigh);
    printf("L = %d: C(1 thread) / numpy-svd = %.1fx, C(2 threads) / numpy-svd = %.1fx, "
           "C(2 threads) / numpy-eigh = %.1fx, speedup 1 -> 2 threads = %.2fx\n",
           L, rate[1] / np_svd, rate[2] / np_svd, rate[2] / np_eigh, rate[2] / rate[1]);
    fflush(stdout);
  }
  return 0;
}
