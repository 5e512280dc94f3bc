/* Spectral solver: Q_AB = sign(H)_AB of one chain through the cheapest exact path.
 *
 * Chiral chains: h = U S V^T and Q_AB = U V^T (SPEC 1.3), from
 *   - bidiagonal h (plain SSH, OBC):        dbdsdc directly;
 *   - banded h (any ranges, OBC):           dgbbrd -> Q B P^T, dbdsdc of B, then
 *                                           U = Q U_B, V^T = V_B^T P^T;
 *   - anything else (PBC wraps the band):   dgesdd of the dense block.
 * Non-chiral chains (on-site terms): dsyevd of H, Q = sum_j sign(E_j) psi_j psi_j^T with
 * sign(0) = 0 for |E| < 1e-8 max|E| (SPEC 1.4: zero modes are dropped on both sides).
 * Workspaces are allocated on a path's first use and reused for every later chain. */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <omp.h>
#include <string.h>

#include "core/blas_serial.h"
#include "topolearn/invariant.h"

#define ZERO_MODE_REL 1e-8

typedef struct {
  double *h;         /* dense block, L x L                      */
  double *ab;        /* band storage, (kl+ku+1) x L             */
  double *d, *e;     /* bidiagonal, L each                      */
  double *q, *pt;    /* dgbbrd's orthogonal factors, L x L       */
  double *ub, *vtb;  /* SVD factors of the bidiagonal B, L x L  */
  double *za, *zb;   /* full path: A and B rows of Z, L x 2L     */
  double *work;
  lapack_int *iwork;
  size_t lwork, liwork;
  int kl, ku;
} scratch_t;

static void *grab(size_t count, size_t size, int *fail) {
  void *p = tl_malloc(count * size);
  if (!p) *fail = 1;
  return p;
}

static tl_status ensure_work(scratch_t *w, size_t lwork, size_t liwork, tl_error *err) {
  if (lwork > w->lwork) {
    tl_free(w->work);
    if (!(w->work = tl_malloc(lwork * sizeof *w->work))) goto nomem;
    w->lwork = lwork;
  }
  if (liwork > w->liwork) {
    tl_free(w->iwork);
    if (!(w->iwork = tl_malloc(liwork * sizeof *w->iwork))) goto nomem;
    w->liwork = liwork;
  }
  return TL_OK;
nomem:
  w->lwork = w->liwork = 0;
  tl_free(w->work);
  tl_free(w->iwork);
  w->work = NULL;
  w->iwork = NULL;
  return tl_error_set(err, TL_ERR_NOMEM, "out of memory for a LAPACK workspace");
}

tl_status tl_solver_new(tl_solver_t **out, int L, int r_min, int r_max, tl_boundary bc,
                        tl_error *err) {
  *out = NULL;
  if (L < 1 || L > TL_L_MAX)
    return tl_error_set(err, TL_ERR_INPUT, "L = %d is out of range (expected 1..%d)", L, TL_L_MAX);
  tl_solver_t *s = tl_calloc(1, sizeof *s);
  scratch_t *w = tl_calloc(1, sizeof *w);
  int fail = !s || !w;
  if (!fail) {
    const size_t LL = (size_t)L * L;
    s->L = L;
    s->capacity = L;
    s->r_min = r_min;
    s->r_max = r_max;
    s->boundary = bc;
    s->scratch = w;
    s->s = grab(L, sizeof *s->s, &fail);
    s->u = grab(LL, sizeof *s->u, &fail);
    s->vt = grab(LL, sizeof *s->vt, &fail);
    s->qab = grab(LL, sizeof *s->qab, &fail);
    w->d = grab(L, sizeof *w->d, &fail);
    w->e = grab(L, sizeof *w->e, &fail);
  } else {
    tl_free(w);
  }
  if (fail) {
    tl_solver_free(s);
    return tl_error_set(err, TL_ERR_NOMEM, "out of memory for a solver at L = %d", L);
  }
  *out = s;
  return TL_OK;
}

void tl_solver_free(tl_solver_t *s) {
  if (!s) return;
  scratch_t *w = s->scratch;
  if (w) {
    tl_free(w->h);
    tl_free(w->ab);
    tl_free(w->d);
    tl_free(w->e);
    tl_free(w->q);
    tl_free(w->pt);
    tl_free(w->ub);
    tl_free(w->vtb);
    tl_free(w->za);
    tl_free(w->zb);
    tl_free(w->work);
    tl_free(w->iwork);
    tl_free(w);
  }
  tl_free(s->s);
  tl_free(s->u);
  tl_free(s->vt);
  tl_free(s->e_full);
  tl_free(s->z_full);
  tl_free(s->qab);
  tl_free(s);
}

static tl_status lapack_failed(const char *routine, lapack_int info, tl_error *err) {
  if (info < 0)
    return tl_error_set(err, TL_ERR_INTERNAL, "%s: argument %d was illegal", routine, (int)-info);
  return tl_error_set(err, TL_ERR_NUMERIC, "%s did not converge (info %d)", routine, (int)info);
}

/* Q_AB = U V^T into row-major qab: column-major C = V U^T holds q[n, m] at n*L + m. */
static void qab_from_svd(tl_solver_t *s) {
  const int L = s->L;
  cblas_dgemm(CblasColMajor, CblasTrans, CblasTrans, L, L, L, 1.0, s->vt, L, s->u, L, 0.0,
              s->qab, L);
}

static tl_status run_bidiag(tl_solver_t *s, const tl_chain_t *c, tl_error *err) {
  scratch_t *w = s->scratch;
  const int L = s->L;
  /* ranges {0,1}: h[n,n] = t_0(n), h[n+1,n] = t_1(n): lower bidiagonal.
   * ranges {-1,0}: h[n-1,n] = t_{-1}(n): upper bidiagonal. */
  const int lower = c->r_max == 1;
  const int diag_k = lower ? 0 : 1;
  for (int n = 0; n < L; n++) w->d[n] = c->t[2 * (size_t)n + diag_k];
  for (int n = 0; n + 1 < L; n++) w->e[n] = lower ? c->t[2 * (size_t)n + 1] : c->t[2 * (size_t)(n + 1)];
  tl_status st = ensure_work(w, 3 * (size_t)L * L + 4 * (size_t)L, 8 * (size_t)L, err);
  if (st) return st;
  double qd;
  lapack_int iqd;
  lapack_int info = LAPACKE_dbdsdc_work(LAPACK_COL_MAJOR, lower ? 'L' : 'U', 'I', L, w->d, w->e,
                                        s->u, L, s->vt, L, &qd, &iqd, w->work, w->iwork);
  if (info) return lapack_failed("dbdsdc", info, err);
  memcpy(s->s, w->d, (size_t)L * sizeof *s->s);
  return TL_OK;
}

static tl_status run_banded(tl_solver_t *s, const tl_chain_t *c, tl_error *err) {
  scratch_t *w = s->scratch;
  const int L = s->L, R = tl_chain_ranges(c);
  const int kl = c->r_max > 0 ? c->r_max : 0, ku = c->r_min < 0 ? -c->r_min : 0;
  const int ldab = kl + ku + 1;
  const size_t LL = (size_t)L * L, cap = (size_t)s->capacity;
  int fail = 0;
  if (!w->q || !w->pt || !w->ub || !w->vtb) { /* all or nothing: a failed run can be retried */
    w->q = w->q ? w->q : grab(cap * cap, sizeof *w->q, &fail);
    w->pt = w->pt ? w->pt : grab(cap * cap, sizeof *w->pt, &fail);
    w->ub = w->ub ? w->ub : grab(cap * cap, sizeof *w->ub, &fail);
    w->vtb = w->vtb ? w->vtb : grab(cap * cap, sizeof *w->vtb, &fail);
  }
  if (!w->ab || w->kl != kl || w->ku != ku) {
    tl_free(w->ab); /* (also after a failed grab: ab is NULL, the shape is re-set below) */
    w->ab = grab((size_t)ldab * cap, sizeof *w->ab, &fail);
    w->kl = kl;
    w->ku = ku;
  }
  if (fail) return tl_error_set(err, TL_ERR_NOMEM, "out of memory for the banded SVD at L = %d", L);
  /* Band storage: A(i, j) at ab[ku + i - j + j*ldab]; h[n+r, n] = t_r(n). */
  memset(w->ab, 0, (size_t)ldab * L * sizeof *w->ab);
  for (int n = 0; n < L; n++)
    for (int k = 0; k < R; k++) {
      int r = c->r_min + k;
      if (n + r >= 0 && n + r < L) w->ab[(size_t)(ku + r) + (size_t)n * ldab] = c->t[(size_t)n * R + k];
    }
  tl_status st = ensure_work(w, 3 * LL + 4 * (size_t)L, 8 * (size_t)L, err);
  if (st) return st;
  double cd;
  lapack_int info = LAPACKE_dgbbrd_work(LAPACK_COL_MAJOR, 'B', L, L, 0, kl, ku, w->ab, ldab, w->d,
                                        w->e, w->q, L, w->pt, L, &cd, 1, w->work);
  if (info) return lapack_failed("dgbbrd", info, err);
  double qd;
  lapack_int iqd;
  info = LAPACKE_dbdsdc_work(LAPACK_COL_MAJOR, 'U', 'I', L, w->d, w->e, w->ub, L, w->vtb, L, &qd,
                             &iqd, w->work, w->iwork);
  if (info) return lapack_failed("dbdsdc", info, err);
  memcpy(s->s, w->d, (size_t)L * sizeof *s->s);
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, L, L, L, 1.0, w->q, L, w->ub, L, 0.0,
              s->u, L);
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, L, L, L, 1.0, w->vtb, L, w->pt, L, 0.0,
              s->vt, L);
  return TL_OK;
}

static tl_status run_dense(tl_solver_t *s, const tl_chain_t *c, tl_error *err) {
  scratch_t *w = s->scratch;
  const int L = s->L;
  if (!w->h && !(w->h = tl_malloc((size_t)s->capacity * s->capacity * sizeof *w->h)))
    return tl_error_set(err, TL_ERR_NOMEM, "out of memory for the dense SVD at L = %d", L);
  tl_chain_block(c, w->h);
  double q;
  lapack_int info = LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'S', L, L, w->h, L, s->s, s->u, L, s->vt,
                                        L, &q, -1, NULL);
  if (info) return lapack_failed("dgesdd (workspace query)", info, err);
  tl_status st = ensure_work(w, (size_t)q + 1, 8 * (size_t)L, err);
  if (st) return st;
  /* Pass the queried size, not the (possibly larger) buffer: LAPACK picks blocked or
   * unblocked code from lwork, and the result must not depend on earlier chains. */
  info = LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'S', L, L, w->h, L, s->s, s->u, L, s->vt, L,
                             w->work, (lapack_int)q, w->iwork);
  if (info) return lapack_failed("dgesdd", info, err);
  return TL_OK;
}

static tl_status run_full_h(tl_solver_t *s, const tl_chain_t *c, tl_error *err) {
  scratch_t *w = s->scratch;
  const int L = s->L, N = 2 * L;
  const size_t cap = (size_t)s->capacity;
  int fail = 0;
  if (!s->z_full || !s->e_full || !w->za || !w->zb) { /* retried after a failure: fill gaps */
    s->z_full = s->z_full ? s->z_full : grab(4 * cap * cap, sizeof *s->z_full, &fail);
    s->e_full = s->e_full ? s->e_full : grab(2 * cap, sizeof *s->e_full, &fail);
    w->za = w->za ? w->za : grab(2 * cap * cap, sizeof *w->za, &fail);
    w->zb = w->zb ? w->zb : grab(2 * cap * cap, sizeof *w->zb, &fail);
  }
  if (fail) return tl_error_set(err, TL_ERR_NOMEM, "out of memory for the full H at L = %d", L);
  tl_chain_hamiltonian(c, s->z_full);
  double q;
  lapack_int iq;
  lapack_int info = LAPACKE_dsyevd_work(LAPACK_COL_MAJOR, 'V', 'U', N, s->z_full, N, s->e_full, &q,
                                        -1, &iq, -1);
  if (info) return lapack_failed("dsyevd (workspace query)", info, err);
  tl_status st = ensure_work(w, (size_t)q + 1, (size_t)iq + 1, err);
  if (st) return st;
  info = LAPACKE_dsyevd_work(LAPACK_COL_MAJOR, 'V', 'U', N, s->z_full, N, s->e_full, w->work,
                             (lapack_int)q, w->iwork, iq); /* queried sizes: see run_dense */
  if (info) return lapack_failed("dsyevd", info, err);
  double emax = fmax(fabs(s->e_full[0]), fabs(s->e_full[N - 1]));
  for (int j = 0; j < N; j++) {
    double e = s->e_full[j];
    double sgn = fabs(e) < ZERO_MODE_REL * emax ? 0.0 : (e > 0 ? 1.0 : -1.0);
    const double *z = s->z_full + (size_t)j * N;
    for (int n = 0; n < L; n++) {
      w->za[n + (size_t)j * L] = sgn * z[2 * n];
      w->zb[n + (size_t)j * L] = z[2 * n + 1];
    }
  }
  /* column-major C = Z_B diag(sign) Z_A^T holds q[n, m] at n*L + m (row-major qab). */
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, L, L, N, 1.0, w->zb, L, w->za, L, 0.0,
              s->qab, L);
  return TL_OK;
}

static tl_path choose_path(const tl_chain_t *c) {
  if (!tl_chain_is_chiral(c)) return TL_PATH_FULL_H;
  if (c->boundary == TL_PBC) return TL_PATH_DENSE;
  if ((c->r_min == 0 && c->r_max == 1) || (c->r_min == -1 && c->r_max == 0)) return TL_PATH_BIDIAG;
  /* A band as wide as the matrix is a dense matrix: dgesdd is then cheaper. */
  int kl = c->r_max > 0 ? c->r_max : 0, ku = c->r_min < 0 ? -c->r_min : 0;
  return (kl + ku) * 4 < c->L ? TL_PATH_BANDED : TL_PATH_DENSE;
}

static tl_status run_path(tl_solver_t *s, const tl_chain_t *c, tl_path path, tl_error *err) {
  tl_status st;
  switch (path) {
    case TL_PATH_BIDIAG: st = run_bidiag(s, c, err); break;
    case TL_PATH_BANDED: st = run_banded(s, c, err); break;
    case TL_PATH_DENSE: st = run_dense(s, c, err); break;
    case TL_PATH_FULL_H: return run_full_h(s, c, err);
    default: return tl_error_set(err, TL_ERR_INTERNAL, "unknown solver path %d", (int)path);
  }
  if (!st) qab_from_svd(s);
  return st;
}

tl_status tl_solver_run(tl_solver_t *s, const tl_chain_t *c, tl_path path, tl_error *err) {
  if (c->L > s->capacity || c->r_min != s->r_min || c->r_max != s->r_max)
    return tl_error_set(err, TL_ERR_INTERNAL,
                        "chain (L %d, ranges %d..%d) does not fit solver (L <= %d, ranges %d..%d)",
                        c->L, c->r_min, c->r_max, s->capacity, s->r_min, s->r_max);
  s->L = c->L;
  s->boundary = c->boundary;
  tl_status st = tl_chain_validate(c, err);
  if (st) return st;
  s->chiral = tl_chain_is_chiral(c);
  if (path == TL_PATH_AUTO) path = choose_path(c);
  if (!s->chiral && path != TL_PATH_FULL_H)
    return tl_error_set(err, TL_ERR_INPUT, "chain has on-site terms: only the full-H path applies");
  if (path == TL_PATH_BIDIAG && choose_path(c) != TL_PATH_BIDIAG)
    return tl_error_set(err, TL_ERR_INPUT, "the bidiagonal path needs ranges {0,1} or {-1,0} and OBC");
  if (path == TL_PATH_BANDED && c->boundary != TL_OBC)
    return tl_error_set(err, TL_ERR_INPUT, "the banded path needs open boundaries");
  s->path = path;
  /* One chain is always decomposed by one thread: a threaded BLAS splits sums
   * differently with the thread count, and results must not depend on it (SPEC 6).
   * Parallelism is over chains, grid points and windows instead. Inside an OpenMP
   * region the OpenMP build of OpenBLAS is single-threaded already. */
  if (omp_in_parallel()) return run_path(s, c, path, err);
  const int saved = tl_blas_serial_begin();
  st = run_path(s, c, path, err);
  tl_blas_serial_end(saved);
  return st;
}
