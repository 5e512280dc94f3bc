/* bench_train — training epochs of mlp, cnn and topo against the same architectures in
 * PyTorch (bench/train_torch.py), same data, batch, epochs and thread count, in one run
 * (SPEC 6 "Speed": epochs at least 2x faster, same final accuracy).
 *
 * Data: plain SSH, v and w uniform in [0, 2], OBC, no disorder, L cells; chain i drawn
 * from stream (seed, i), the first n_train for training, the next n_test for testing.
 * Written as .npy files to a temporary directory for the PyTorch side. Ours trains
 * with tl_train (Adam lr 1e-3, no validation split, ambiguous chains excluded, as
 * tl_train does); PyTorch trains on the same non-ambiguous chains. Time per epoch is
 * the median over epochs of the training loop (batch gather/featurise, forward, loss,
 * backward, optimiser step). Prints; never asserts.
 *
 *   usage: bench_train [epochs=10] [n_train=4096] [L=32] [batch=64] [threads=1,2]
 *                      [models=mlp,cnn,topo] [python=/usr/bin/python3]
 *   The script is found beside this source file (CMake compiles it by absolute path);
 *   the environment variable TL_TORCH_SCRIPT overrides that. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "topolearn.h"


#define MAX_EPOCHS 1000

static void die(const tl_error *err) {
  fprintf(stderr, "bench_train: %s\n", err->msg);
  exit(1);
}

/* ---- .npy writer (format 1.0, little-endian, C order) -------------------------------- */

static void npy_write(const char *dir, const char *name, const char *descr, size_t elem,
                      const void *data, int ndim, const long *shape) {
  char path[4096], hdr[256], shp[128] = "";
  snprintf(path, sizeof path, "%s/%s.npy", dir, name);
  size_t count = 1;
  for (int d = 0; d < ndim; d++) {
    char s[32];
    snprintf(s, sizeof s, "%ld,%s", shape[d], ndim == 1 ? "" : " ");
    strncat(shp, s, sizeof shp - strlen(shp) - 1);
    count *= (size_t)shape[d];
  }
  int n = snprintf(hdr, sizeof hdr, "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }",
                   descr, shp);
  int total = 10 + n + 1; /* magic(6) version(2) len(2) + dict + '\n', padded to 64 */
  int pad = (64 - total % 64) % 64;
  FILE *f = fopen(path, "wb");
  if (!f) {
    perror(path);
    exit(1);
  }
  unsigned short hlen = (unsigned short)(n + pad + 1);
  fwrite("\x93NUMPY\x01\x00", 1, 8, f);
  fputc(hlen & 0xff, f);
  fputc(hlen >> 8, f);
  fwrite(hdr, 1, (size_t)n, f);
  for (int i = 0; i < pad; i++) fputc(' ', f);
  fputc('\n', f);
  if (fwrite(data, elem, count, f) != count || fclose(f)) {
    perror(path);
    exit(1);
  }
}

static void write_set(const char *dir, const char *prefix, const tl_samples_t *s) {
  char nm[64];
  const long N = s->N, L = s->L, R = s->R;
  long sh[3];
  snprintf(nm, sizeof nm, "%s_psi", prefix);
  sh[0] = N, sh[1] = L, sh[2] = 2 * L;
  npy_write(dir, nm, "<f8", 8, s->psi, 3, sh);
  snprintf(nm, sizeof nm, "%s_t", prefix);
  sh[2] = R;
  npy_write(dir, nm, "<f8", 8, s->t, 3, sh);
  snprintf(nm, sizeof nm, "%s_W", prefix);
  npy_write(dir, nm, "<f8", 8, s->W, 1, sh);
  snprintf(nm, sizeof nm, "%s_label", prefix);
  npy_write(dir, nm, "<i4", 4, s->label, 1, sh);
  snprintf(nm, sizeof nm, "%s_ambiguous", prefix);
  npy_write(dir, nm, "|u1", 1, s->ambiguous, 1, sh);
}

/* ---- data ------------------------------------------------------------------------- */

/* Chains first..first+N-1 of the family: v, w ~ U[0, 2] from stream (seed, i). */
static tl_samples_t *make_set(int N, int first, int L, uint64_t seed) {
  tl_error err = {0};
  tl_samples_t *s;
  tl_solver_t *solver;
  tl_chain_t *c;
  tl_family_t f;
  tl_rswn_opts_t ro;
  tl_rswn_opts_default(&ro);
  tl_family_ssh(&f, L, 1.0, 1.0);
  if (tl_samples_new(&s, N, L, 0, 1, TL_OBC, 0, &err) ||
      tl_solver_new(&solver, L, 0, 1, TL_OBC, &err) || tl_chain_new(&c, L, 0, 1, TL_OBC, &err))
    die(&err);
  for (int i = 0; i < N; i++) {
    tl_rng_t rng;
    tl_rng_init(&rng, seed, (uint64_t)(first + i));
    f.t[0] = 2 * tl_rng_uniform(&rng);
    f.t[1] = 2 * tl_rng_uniform(&rng);
    if (tl_chain_realise(c, &f, &rng, &err) || tl_samples_fill(s, i, solver, c, &ro, &err))
      die(&err);
  }
  tl_chain_free(c);
  tl_solver_free(solver);
  return s;
}

/* ---- ours --------------------------------------------------------------------------- */

typedef struct {
  double sec[MAX_EPOCHS], cpu[MAX_EPOCHS], cpu_mark;
  int n;
} times_t;

/* Called right after each epoch (no validation split: e->seconds is the training loop);
 * the CPU time since the previous call is that epoch's, plus the callback itself. */
static int on_epoch(const tl_train_epoch_t *e, void *user) {
  times_t *t = user;
  const double c = cpu_now();
  if (t->n < MAX_EPOCHS) t->sec[t->n] = e->seconds, t->cpu[t->n++] = c - t->cpu_mark;
  t->cpu_mark = c;
  return 0;
}

typedef struct {
  double sec, cpu, acc; /* median wall and CPU seconds per epoch, test accuracy */
  int n_train;
} result_t;

static result_t run_ours(const tl_model_kind_t *kind, const tl_samples_t *tr, const tl_samples_t *te,
                         int cmin, int cmax, int epochs, int batch, int threads, uint64_t seed) {
  tl_error err = {0};
  tl_model_hyper_t hp;
  tl_model_hyper_default(&hp, kind);
  hp.cmin = cmin, hp.cmax = cmax;
  tl_rng_t rng;
  tl_rng_init(&rng, seed, 0);
  tl_model_t *m;
  if (tl_model_new(&m, &hp, tr->L, 0, 1, &rng, &err)) die(&err);
  times_t t = {.n = 0};
  tl_train_opts_t o;
  tl_train_opts_default(&o);
  o.epochs = epochs;
  o.batch = batch;
  o.seed = seed;
  o.val_fraction = 0;
  o.threads = threads;
  o.callback = on_epoch;
  o.user = &t;
  tl_train_result_t res;
  t.cpu_mark = cpu_now(); /* the first epoch's CPU time includes tl_train's setup */
  if (tl_train(m, tr, &o, &res, &err)) die(&err);
  tl_eval_opts_t eo;
  tl_eval_opts_default(&eo);
  tl_eval_t ev;
  omp_set_num_threads(threads);
  if (tl_model_eval(m, te, &eo, NULL, NULL, &ev, &err)) die(&err);
  result_t r = {.sec = median(t.sec, t.n), .cpu = median(t.cpu, t.n), .acc = ev.accuracy,
                .n_train = res.n_train};
  tl_eval_free(&ev);
  tl_model_free(m);
  return r;
}

/* ---- PyTorch ----------------------------------------------------------------------- */

/* Runs the script for all models at one thread count; the thread variables are set in
 * the command's environment, so OpenBLAS sees them when torch loads it. */
static int run_torch(const char *python, const char *script, const char *dir, int threads,
                     int epochs, int batch, uint64_t seed, const char *mlist,
                     const char *models[], int nm, result_t *out) {
  char cmd[8192];
  snprintf(cmd, sizeof cmd,
           "OMP_NUM_THREADS=%d OPENBLAS_NUM_THREADS=%d MKL_NUM_THREADS=%d "
           "%s %s --data %s --threads %d --epochs %d --batch %d --seed %llu --models %s",
           threads, threads, threads, python, script, dir, threads, epochs, batch,
           (unsigned long long)seed, mlist);
  FILE *p = popen(cmd, "r");
  if (!p) return -1;
  char line[1024];
  int got = 0;
  while (fgets(line, sizeof line, p)) {
    char name[32];
    double sec, acc, cpu;
    int n;
    if (sscanf(line, "RESULT %31s %lf %lf %d %lf", name, &sec, &acc, &n, &cpu) == 5) {
      for (int k = 0; k < nm; k++)
        if (!strcmp(name, models[k])) {
          out[k].sec = sec, out[k].acc = acc, out[k].n_train = n, out[k].cpu = cpu;
          got++;
        }
    } else {
      fputs(line, stderr); /* torch's own notes */
    }
  }
  int rc = pclose(p);
  return rc == 0 && got == nm ? 0 : -1;
}

int main(int argc, char **argv) {
  const int epochs = argc > 1 ? atoi(argv[1]) : 10;
  const int n_train = argc > 2 ? atoi(argv[2]) : 4096;
  const int L = argc > 3 ? atoi(argv[3]) : 32;
  const int batch = argc > 4 ? atoi(argv[4]) : 64;
  const char *tlist = argc > 5 ? argv[5] : "1,2", *mlist = argc > 6 ? argv[6] : "mlp,cnn,topo";
  const char *python = argc > 7 ? argv[7] : "/usr/bin/python3";
  char script[4096];
  if (getenv("TL_TORCH_SCRIPT")) {
    snprintf(script, sizeof script, "%s", getenv("TL_TORCH_SCRIPT"));
  } else { /* beside this file */
    const char *slash = strrchr(__FILE__, '/');
    snprintf(script, sizeof script, "%.*strain_torch.py", slash ? (int)(slash - __FILE__ + 1) : 0,
             __FILE__);
  }
  const int n_test = n_train / 4;
  const uint64_t seed = 2026;
  int thr[8], nt = 0, nm = 0;
  const char *names[3];
  const tl_model_kind_t *kinds[3];
  for (const char *p = tlist; *p && nt < 8; p = strchr(p, ',') ? strchr(p, ',') + 1 : "")
    thr[nt++] = atoi(p);
  const char *all[3] = {"mlp", "cnn", "topo"};
  const tl_model_kind_t *const allk[3] = {tl_model_kind_find("mlp"), tl_model_kind_find("cnn"), tl_model_kind_find("topo")};
  for (int k = 0; k < 3; k++) {
    const char *at = strstr(mlist, all[k]);
    if (at && (at == mlist || at[-1] == ',')) names[nm] = all[k], kinds[nm++] = allk[k];
  }
  int bad = epochs < 1 || epochs > MAX_EPOCHS || n_train < 8 || L < 4 || batch < 1 || !nm;
  for (int i = 0; i < nt; i++) bad |= thr[i] < 1;
  if (bad) {
    fprintf(stderr, "usage: bench_train [epochs 1..%d] [n_train >= 8] [L >= 4] [batch >= 1] "
            "[threads, e.g. 1,2] [models, e.g. mlp,cnn,topo] [python]\n", MAX_EPOCHS);
    return 2;
  }

  char dir[] = "/tmp/tl_bench_train_XXXXXX";
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  tl_samples_t *tr = make_set(n_train, 0, L, seed), *te = make_set(n_test, n_train, L, seed);
  write_set(dir, "train", tr);
  write_set(dir, "test", te);
  tl_error err = {0};
  int cmin, cmax;
  if (tl_samples_label_range(tr, 0, &cmin, &cmax, &err)) die(&err);

  printf("# training epochs vs PyTorch: plain SSH, v, w ~ U[0,2], OBC, L = %d, %d train + %d "
         "test chains, batch %d, %d epochs, Adam lr 1e-3, classes %d..%d\n",
         L, n_train, n_test, batch, epochs, cmin, cmax);
  printf("# s/ep: median wall seconds per epoch; ratio = torch / ours (> 1: ours faster); "
         "cpu s/ep: median process CPU seconds per epoch (all threads; less sensitive to "
         "other load); acc: test accuracy on non-ambiguous chains after the last epoch\n");
  printf("# issue's reference (1 thread, 4096 chains, batch 64; +-2x run to run): torch mlp "
         "0.126, cnn 0.30, topo 0.13 s/epoch\n");
  printf("%-5s %7s %8s %10s %10s %6s %10s %10s %10s %10s %6s %8s %9s\n", "model", "threads",
         "n_train", "ours s/ep", "torch s/ep", "ratio", "ours smp/s", "torch smp/s",
         "ours cpu", "torch cpu", "ratio", "ours acc", "torch acc");
  fflush(stdout);
  int status = 0;
  for (int ti = 0; ti < nt; ti++) {
    const int threads = thr[ti];
    result_t ours[3], torch[3];
    for (int k = 0; k < nm; k++)
      ours[k] = run_ours(kinds[k], tr, te, cmin, cmax, epochs, batch, threads, seed);
    if (run_torch(python, script, dir, threads, epochs, batch, seed, mlist, names, nm, torch)) {
      fprintf(stderr, "bench_train: the PyTorch reference failed (%s %s)\n", python, script);
      for (int k = 0; k < nm; k++)
        torch[k].sec = torch[k].cpu = torch[k].acc = NAN, torch[k].n_train = 0;
      status = 1;
    }
    for (int k = 0; k < nm; k++)
      printf("%-5s %7d %8d %10.4f %10.4f %6.2f %10.0f %10.0f %10.4f %10.4f %6.2f %8.4f %9.4f\n",
             names[k], threads, ours[k].n_train, ours[k].sec, torch[k].sec,
             torch[k].sec / ours[k].sec, ours[k].n_train / ours[k].sec,
             torch[k].n_train / torch[k].sec, ours[k].cpu, torch[k].cpu,
             torch[k].cpu / ours[k].cpu, ours[k].acc, torch[k].acc);
    fflush(stdout);
  }
  tl_samples_free(tr);
  tl_samples_free(te);
  const char *files[] = {"psi", "t", "W", "label", "ambiguous"};
  for (int p = 0; p < 2; p++)
    for (int k = 0; k < 5; k++) {
      char path[4200];
      snprintf(path, sizeof path, "%s/%s_%s.npy", dir, p ? "test" : "train", files[k]);
      remove(path);
    }
  rmdir(dir);
  return status;
}
