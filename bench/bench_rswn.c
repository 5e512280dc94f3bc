/* bench_rswn — RSWN of one disordered chain (SPEC 6 "Speed"), three ways in one run:
 *
 *   ours   tl_solver_run + tl_rswn_from_qab on a solver made once (workspaces reused:
 *          the steady-state cost of one chain in a data-set loop);
 *   bare   the bare LAPACK route, workspaces preallocated, plus ONE L x L dgemm
 *          (Q_AB = U V^T): dbdsdc for plain SSH; dgbbrd (Q and P^T accumulated) -> dbdsdc
 *          -> the two back-transform dgemms for ranges 0..2;
 *   core   the bare route without its band reduction: dbdsdc of the bidiagonal (from
 *          dgbbrd without vectors, untimed) plus the ONE dgemm — the floor a faster band
 *          reduction could reach. For plain SSH core = bare;
 *   numpy  bench/rswn_numpy.py on the same hoppings (dense eigh of the 2L x 2L H, Q by a
 *          BLAS product, the marker), run through /usr/bin/python3 from here.
 *
 * Times are medians over repeats; ours and bare alternate repeat by repeat so a change of
 * machine load hits both. Prints a table with the ratios numpy/ours and ours/bare and the
 * agreement of W; never asserts time (STYLE). The thread count is whatever the
 * environment says (OMP_NUM_THREADS); bench/run_all.sh sets it for both sides.
 *
 * usage: bench_rswn [--sizes 100,500,1000,2000] [--families ssh,r02] [--min-time S]
 *                   [--script PATH] [--python PATH] [--no-numpy] */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "topolearn/chain.h"
#include "topolearn/invariant.h"

#ifndef TL_BENCH_DIR
#define TL_BENCH_DIR "bench"
#endif
#define MAX_REPEATS 200
#define W_AGREE 1e-8       /* brief: W of the C path and of NumPy agree to 1e-8 */
#define ZERO_MODE_REL 1e-8 /* SPEC 1.4 and rswn_numpy.py: sign(E) = 0 below this */

static void die(const char *what, const tl_error *err) {
  fprintf(stderr, "bench_rswn: %s: %s\n", what, err ? err->msg : "failed");
  exit(1);
}

/* ---- the bare LAPACK calls, workspaces preallocated ------------------------------ */

typedef struct {
  int L, banded, kl, ku, ldab;
  double *d0, *e0, *ab0;    /* the input, copied in because LAPACK overwrites it */
  double *dc, *ec;          /* banded: the bidiagonal B, for the core timing      */
  double *d, *e, *ab;
  double *q, *pt, *ub, *vtb; /* banded: dgbbrd's factors and B's SVD                */
  double *u, *vt, *qab;
  double *work;
  lapack_int *iwork;
} bare_t;

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) die("malloc", NULL);
  return p;
}

static void bare_init(bare_t *b, const tl_chain_t *c) {
  const int L = c->L, R = tl_chain_ranges(c);
  const size_t LL = (size_t)L * L;
  memset(b, 0, sizeof *b);
  b->L = L;
  b->banded = !(c->r_min == 0 && c->r_max == 1);
  b->d0 = xmalloc(L * sizeof(double));
  b->e0 = xmalloc(L * sizeof(double));
  b->d = xmalloc(L * sizeof(double));
  b->e = xmalloc(L * sizeof(double));
  b->u = xmalloc(LL * sizeof(double));
  b->vt = xmalloc(LL * sizeof(double));
  b->qab = xmalloc(LL * sizeof(double));
  b->work = xmalloc((3 * LL + 4 * (size_t)L) * sizeof(double));
  b->iwork = xmalloc(8 * (size_t)L * sizeof(lapack_int));
  if (!b->banded) { /* lower bidiagonal: h[n,n] = t_0(n), h[n+1,n] = t_1(n) */
    for (int n = 0; n < L; n++) b->d0[n] = c->t[2 * (size_t)n];
    for (int n = 0; n + 1 < L; n++) b->e0[n] = c->t[2 * (size_t)n + 1];
    return;
  }
  b->kl = c->r_max > 0 ? c->r_max : 0;
  b->ku = c->r_min < 0 ? -c->r_min : 0;
  b->ldab = b->kl + b->ku + 1;
  b->ab0 = calloc((size_t)b->ldab * L, sizeof(double));
  b->ab = xmalloc((size_t)b->ldab * L * sizeof(double));
  if (!b->ab0) die("calloc", NULL);
  for (int n = 0; n < L; n++)
    for (int k = 0; k < R; k++) {
      int r = c->r_min + k;
      if (n + r >= 0 && n + r < L) b->ab0[(size_t)(b->ku + r) + (size_t)n * b->ldab] = c->t[(size_t)n * R + k];
    }
  b->q = xmalloc(LL * sizeof(double));
  b->pt = xmalloc(LL * sizeof(double));
  b->ub = xmalloc(LL * sizeof(double));
  b->vtb = xmalloc(LL * sizeof(double));
  b->dc = xmalloc(L * sizeof(double));
  b->ec = xmalloc(L * sizeof(double));
  double cd;
  memcpy(b->ab, b->ab0, (size_t)b->ldab * L * sizeof(double));
  if (LAPACKE_dgbbrd_work(LAPACK_COL_MAJOR, 'N', L, L, 0, b->kl, b->ku, b->ab, b->ldab, b->dc,
                          b->ec, NULL, 1, NULL, 1, &cd, 1, b->work))
    die("dgbbrd (core)", NULL);
}

static void bare_free(bare_t *b) {
  free(b->d0); free(b->e0); free(b->ab0); free(b->d); free(b->e); free(b->ab);
  free(b->q); free(b->pt); free(b->ub); free(b->vtb); free(b->dc); free(b->ec);
  free(b->u); free(b->vt); free(b->qab); free(b->work); free(b->iwork);
}

/* One chain: the LAPACK calls plus the one product; qab row-major as in the library. */
static void bare_run(bare_t *b) {
  const int L = b->L;
  double qd;
  lapack_int iqd, info;
  memcpy(b->d, b->d0, L * sizeof(double));
  memcpy(b->e, b->e0, L * sizeof(double));
  if (!b->banded) {
    info = LAPACKE_dbdsdc_work(LAPACK_COL_MAJOR, 'L', 'I', L, b->d, b->e, b->u, L, b->vt, L, &qd,
                               &iqd, b->work, b->iwork);
    if (info) die("dbdsdc (bare)", NULL);
  } else {
    double cd;
    memcpy(b->ab, b->ab0, (size_t)b->ldab * L * sizeof(double));
    info = LAPACKE_dgbbrd_work(LAPACK_COL_MAJOR, 'B', L, L, 0, b->kl, b->ku, b->ab, b->ldab, b->d,
                               b->e, b->q, L, b->pt, L, &cd, 1, b->work);
    if (info) die("dgbbrd (bare)", NULL);
    info = LAPACKE_dbdsdc_work(LAPACK_COL_MAJOR, 'U', 'I', L, b->d, b->e, b->ub, L, b->vtb, L, &qd,
                               &iqd, b->work, b->iwork);
    if (info) die("dbdsdc (bare)", NULL);
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, L, L, L, 1.0, b->q, L, b->ub, L, 0.0,
                b->u, L);
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, L, L, L, 1.0, b->vtb, L, b->pt, L, 0.0,
                b->vt, L);
  }
  cblas_dgemm(CblasColMajor, CblasTrans, CblasTrans, L, L, L, 1.0, b->vt, L, b->u, L, 0.0, b->qab, L);
}

/* The LAPACK/BLAS core of the banded path: dbdsdc of B plus the one product. */
static void core_run(bare_t *b) {
  const int L = b->L;
  double qd;
  lapack_int iqd;
  memcpy(b->d, b->dc, L * sizeof(double));
  memcpy(b->e, b->ec, L * sizeof(double));
  if (LAPACKE_dbdsdc_work(LAPACK_COL_MAJOR, 'U', 'I', L, b->d, b->e, b->ub, L, b->vtb, L, &qd, &iqd,
                          b->work, b->iwork))
    die("dbdsdc (core)", NULL);
  cblas_dgemm(CblasColMajor, CblasTrans, CblasTrans, L, L, L, 1.0, b->vtb, L, b->ub, L, 0.0, b->qab, L);
}

/* ---- the NumPy reference --------------------------------------------------------- */

typedef struct {
  double W, W_lean, ms, lean_ms, cpu_ms;
  int repeats, ok;
} numpy_t;

static void write_hoppings(const char *path, const tl_chain_t *c) {
  FILE *f = fopen(path, "w");
  if (!f) die(path, NULL);
  const int R = tl_chain_ranges(c);
  fprintf(f, "%d %d %d\n", c->L, c->r_min, c->r_max);
  for (int n = 0; n < c->L; n++)
    for (int k = 0; k < R; k++) fprintf(f, "%.17g%c", c->t[(size_t)n * R + k], k + 1 < R ? ' ' : '\n');
  if (fclose(f)) die(path, NULL);
}

static numpy_t run_numpy(const char *python, const char *script, const tl_chain_t *c,
                         double min_time) {
  numpy_t r = {0};
  char path[] = "/tmp/bench_rswn_XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) die("mkstemp", NULL);
  close(fd);
  write_hoppings(path, c);
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "'%s' '%s' '%s' %g 3", python, script, path, min_time);
  FILE *p = popen(cmd, "r");
  if (p) {
    char line[1024];
    if (fgets(line, sizeof line, p) &&
        sscanf(line, "W %lf numpy_ms %lf lean_ms %lf repeats %d W_lean %lf cpu_ms %lf", &r.W,
               &r.ms, &r.lean_ms, &r.repeats, &r.W_lean, &r.cpu_ms) == 6)
      r.ok = 1;
    if (pclose(p) != 0) r.ok = 0;
  }
  unlink(path);
  if (!r.ok) fprintf(stderr, "bench_rswn: the NumPy reference failed: %s\n", cmd);
  return r;
}

/* Removes u_j v_j^T from qab for every s_j < 1e-8 s_max (the eigh path's sign(0) = 0). */
static int drop_zero_modes(tl_solver_t *s) {
  const int L = s->L;
  int dropped = 0;
  for (int j = 0; j < L; j++) {
    if (s->s[j] >= ZERO_MODE_REL * s->s[0]) continue;
    dropped++;
    for (int n = 0; n < L; n++)
      for (int m = 0; m < L; m++) s->qab[(size_t)n * L + m] -= s->u[n + (size_t)j * L] * s->vt[j + (size_t)m * L];
  }
  return dropped;
}

/* ---- one row of the table -------------------------------------------------------- */

static void family_for(tl_family_t *fam, const char *name, int L) {
  if (!strcmp(name, "ssh")) { /* SPEC 6: plain SSH, v = 0.5, w = 1, D = 1 */
    tl_family_ssh(fam, L, 0.5, 1.0);
    fam->disorder[0] = fam->disorder[1] = 1.0;
    return;
  }
  /* ranges 0..2, t = 0.3, 0.6, 1: h(k) = 0.3 + 0.6 e^{ik} + e^{2ik} has both roots
   * inside the unit circle (W = 2) and min |h(k)| = 0.59, so D = 1 leaves it gapped
   * (0.3, 1, 0.6 has min |h(k)| = 0.1 at k = pi and D = 1 closes it). */
  memset(fam, 0, sizeof *fam);
  fam->L = L;
  fam->r_min = 0;
  fam->r_max = 2;
  fam->t[0] = 0.3;
  fam->t[1] = 0.6;
  fam->t[2] = 1.0;
  fam->disorder[0] = fam->disorder[1] = fam->disorder[2] = 1.0;
  fam->boundary = TL_OBC;
}

typedef struct {
  const char *python, *script;
  double min_time;
  int numpy;
} opts_t;

static void bench_one(const opts_t *o, int L, const char *family) {
  tl_error err;
  tl_family_t fam;
  family_for(&fam, family, L);
  tl_rng_t rng;
  tl_rng_init(&rng, 20251124u, (uint64_t)L);
  tl_chain_t *c;
  if (tl_chain_build(&c, &fam, &rng, &err)) die("tl_chain_build", &err);

  tl_rswn_opts_t ro;
  tl_rswn_opts_default(&ro);
  tl_rswn_t res;
  tl_solver_t *s;
  double t0 = now();
  if (tl_solver_new(&s, L, fam.r_min, fam.r_max, fam.boundary, &err)) die("tl_solver_new", &err);
  if (tl_solver_run(s, c, TL_PATH_AUTO, &err)) die("tl_solver_run", &err);
  tl_rswn_from_qab(s->qab, L, c->boundary, &ro, &res, NULL);
  const double first_ms = 1e3 * (now() - t0); /* new + first run: allocations included */

  bare_t b;
  bare_init(&b, c);
  bare_run(&b); /* warm-up: page in the workspaces */

  static double t_ours[MAX_REPEATS], t_bare[MAX_REPEATS], t_core[MAX_REPEATS], c_ours[MAX_REPEATS];
  int n = 0;
  double total = 0.0;
  while (n < 3 || (total < o->min_time && n < MAX_REPEATS)) {
    const double c0 = cpu_now();
    t0 = now();
    if (tl_solver_run(s, c, TL_PATH_AUTO, &err)) die("tl_solver_run", &err);
    tl_rswn_from_qab(s->qab, L, c->boundary, &ro, &res, NULL);
    double t1 = now();
    c_ours[n] = cpu_now() - c0;
    bare_run(&b);
    double t2 = now();
    if (b.banded) core_run(&b);
    double t3 = now();
    t_ours[n] = t1 - t0;
    t_bare[n] = t2 - t1;
    t_core[n] = b.banded ? t3 - t2 : t2 - t1;
    total += t3 - t0;
    n++;
  }
  const double ours_ms = 1e3 * median(t_ours, n), bare_ms = 1e3 * median(t_bare, n);
  const double core_ms = 1e3 * median(t_core, n), cpu_ms = 1e3 * median(c_ours, n);
  const tl_path path = s->path;

  /* Checks outside the timing: the bare product gives the same W, and so does the
   * dense dgesdd path (different SVD routine: compare W, not Q_AB, SPEC 1.4). */
  tl_rswn_t res_bare, res_dense, res_nz;
  bare_run(&b); /* core_run overwrote qab */
  tl_rswn_from_qab(b.qab, L, c->boundary, &ro, &res_bare, NULL);
  /* NumPy drops modes with |E| < 1e-8 max|E| (sign 0, SPEC 1.4); the SVD keeps them with
   * an arbitrary pairing of the A-edge and B-edge zero modes, which moves W by the edge
   * modes' weight in the bulk window (~1e-8 at L = 100). Compare like with like: ours
   * with the same modes removed. */
  drop_zero_modes(s);
  tl_rswn_from_qab(s->qab, L, c->boundary, &ro, &res_nz, NULL);
  if (tl_solver_run(s, c, TL_PATH_DENSE, &err)) die("tl_solver_run (dense)", &err);
  tl_rswn_from_qab(s->qab, L, c->boundary, &ro, &res_dense, NULL);

  numpy_t np = {0};
  if (o->numpy) np = run_numpy(o->python, o->script, c, o->min_time);

  printf("%5d  %-6s %-6s %9.2f %9.2f %9.2f %10.2f %10.2f %8.1f %8.1f %6.2f %6.2f %9.2f %8.1f  %8.1e %8.1e %8.1e %8.1e  %-4s %3d  %9.2f  %.10f\n",
         L, family, path == TL_PATH_BIDIAG ? "bidiag" : path == TL_PATH_BANDED ? "banded" : "dense",
         ours_ms, bare_ms, core_ms, np.ok ? np.ms : NAN, np.ok ? np.lean_ms : NAN,
         np.ok ? np.ms / ours_ms : NAN, np.ok ? np.lean_ms / ours_ms : NAN, ours_ms / bare_ms,
         ours_ms / core_ms, cpu_ms, np.ok ? np.cpu_ms / cpu_ms : NAN,
         np.ok ? fabs(res_nz.W - np.W) : NAN, np.ok ? fabs(res.W - np.W) : NAN,
         fabs(res.W - res_dense.W), fabs(res.W - res_bare.W),
         !np.ok ? "n/a" : fabs(res_nz.W - np.W) <= W_AGREE && fabs(np.W_lean - np.W) <= W_AGREE ? "yes" : "NO",
         n, first_ms, res.W);
  fflush(stdout);
  bare_free(&b);
  tl_solver_free(s);
  tl_chain_free(c);
}

static int parse_list(const char *s, int *out, int max) {
  int n = 0;
  char *end;
  while (*s && n < max) {
    long v = strtol(s, &end, 10);
    if (end == s || v < 2 || v > 100000) return -1;
    out[n++] = (int)v;
    s = *end == ',' ? end + 1 : end;
  }
  return n;
}

int main(int argc, char **argv) {
  opts_t o = {"/usr/bin/python3", TL_BENCH_DIR "/rswn_numpy.py", 1.0, 1};
  int sizes[16] = {100, 500, 1000, 2000}, nsizes = 4;
  const char *families = "ssh,r02";
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--no-numpy")) { o.numpy = 0; continue; }
    if (!v) { fprintf(stderr, "bench_rswn: %s needs a value (see the header of bench_rswn.c)\n", a); return 2; }
    if (!strcmp(a, "--sizes")) {
      if ((nsizes = parse_list(v, sizes, 16)) <= 0) { fprintf(stderr, "bench_rswn: --sizes '%s' is not a list of sizes 2..100000\n", v); return 2; }
    } else if (!strcmp(a, "--families")) families = v;
    else if (!strcmp(a, "--min-time")) o.min_time = atof(v);
    else if (!strcmp(a, "--script")) o.script = v;
    else if (!strcmp(a, "--python")) o.python = v;
    else { fprintf(stderr, "bench_rswn: unknown option '%s'\n", a); return 2; }
    i++;
  }
  const char *env = getenv("OMP_NUM_THREADS");
  printf("# bench_rswn: RSWN of one disordered OBC chain (D = 1); times are medians in ms\n");
  printf("# threads: OMP_NUM_THREADS=%s, omp_get_max_threads %d, openblas_get_num_threads %d\n",
         env ? env : "(unset)", omp_get_max_threads(), openblas_get_num_threads());
  printf("# ssh: v = 0.5, w = 1 (W = 1);  r02: ranges 0..2, t = 0.3, 0.6, 1 (W = 2)\n");
  printf("# ours  = tl_solver_run + tl_rswn_from_qab, solver made once (steady state)\n");
  printf("# bare  = bare LAPACK route + ONE L x L dgemm (ssh: dbdsdc; r02: dgbbrd with Q, P^T -> dbdsdc -> 2 dgemm)\n");
  printf("# core  = the bare route without the band reduction (r02: dbdsdc of B + ONE dgemm; ssh: = bare)\n");
  printf("# numpy = %s %s: eigh of the 2L x 2L H, Q = V sign(E) V^T, marker;"
         " lean = only the A-B block of Q formed\n", o.python, o.script);
  printf("# ours_cpu, np/o_cpu: process CPU time (median) of ours and the ratio numpy/ours in CPU time;\n"
         "#   with one thread it leaves out the time other jobs on a shared machine hold the core\n");
  printf("# dW_x = |W_ours - W_x|; dW_np: ours with its zero modes (s < 1e-8 s_max) dropped as NumPy drops\n"
         "#   them (sign 0), dW_npraw: ours as is; agree = dW_np and |W_lean - W_numpy| <= %.0e;\n"
         "#   dW_dense: our dgesdd path; first = solver_new + first run [ms]; rep = repeats\n", W_AGREE);
  printf("%5s  %-6s %-6s %9s %9s %9s %10s %10s %8s %8s %6s %6s %9s %8s  %8s %8s %8s %8s  %-4s %3s  %9s  %s\n", "L",
         "family", "path", "ours", "bare", "core", "numpy", "np_lean", "np/ours", "lean/our", "our/bar",
         "our/cor", "ours_cpu", "np/o_cpu",
         "dW_np", "dW_npraw", "dW_dense", "dW_bare", "agree", "rep", "first", "W");
  for (int i = 0; i < nsizes; i++) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", families);
    for (char *f = strtok(buf, ","); f; f = strtok(NULL, ",")) {
      if (strcmp(f, "ssh") && strcmp(f, "r02")) { fprintf(stderr, "bench_rswn: unknown family '%s' (ssh, r02)\n", f); return 2; }
      bench_one(&o, sizes[i], f);
    }
  }
  return 0;
}
