/* Spectral solver: Q_AB = sign(H)_AB of one chain through the cheapest exact path.
 *
 * Chiral chains: h = U S V^T and Q_AB = U V^T (SPEC 1.3), from
 *   - bidiagonal h (plain SSH, OBC):        dbdsdc directly;
 *   - banded h (any ranges, OBC):           Givens band reduction h = Q B P^T (here,
 *                                           rotations logged), dbdsdc of B, then the
 *                                           logs replayed: U = Q U_B, V^T = V_B^T P^T;
 *   - anything else (PBC wraps the band):   dgesdd of the dense block.
 * Non-chiral chains (on-site terms): dsyevd of H, Q = sum_j sign(E_j) psi_j psi_j^T with
 * sign(0) = 0 for |E| < 1e-8 max|E| (SPEC 1.4: zero modes are dropped on both sides).
 * Workspaces are allocated on a path's first use and reused for every later chain. */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "topolearn/invariant.h"

#define ZERO_MODE_REL 1e-8

/* Plane rotations of the band reduction, in creation order: rotation t acts on lines
 * (k[t], k[t] + 1) with cosine c[t] and sine s[t]; chain[j] is where the rotations of the
 * j-th bulge chase begin (one chase moves down the band: k increases within it). The
 * replay schedule (built from the log) holds the same rotations in the order they are
 * applied: op j covers sk/sc/ss[op_at[j] ..], either one rotation (op_pairs[j] = 0) or
 * op_pairs[j] fused pairs (see replay_log). */
typedef struct {
  int *k;
  double *c, *s;
  size_t n, cap;
  size_t *chain;
  size_t nchain, chain_cap;
  int *sk;
  double *sc, *ss;
  size_t *op_at;
  int *op_pairs;
  size_t nop, sched_cap;
} rotlog_t;

typedef struct {
  double *h;         /* dense block, L x L                           */
  double *ab;        /* band storage with bulge room, ab_len doubles */
  size_t ab_len;
  double *d, *e;     /* bidiagonal, L each                           */
  double *ub, *vtb;  /* banded path: SVD factors of B, L x L         */
  rotlog_t rot_left, rot_right;
  double *panel;     /* banded path: packed panels, one per thread    */
  size_t panel_len;
  double *za, *zb;   /* full path: A and B rows of Z, L x 2L          */
  double *work;
  lapack_int *iwork;
  size_t lwork, liwork;
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

static void rotlog_free(rotlog_t *g) {
  tl_free(g->k);
  tl_free(g->c);
  tl_free(g->s);
  tl_free(g->chain);
  tl_free(g->sk);
  tl_free(g->sc);
  tl_free(g->ss);
  tl_free(g->op_at);
  tl_free(g->op_pairs);
}

void tl_solver_free(tl_solver_t *s) {
  if (!s) return;
  scratch_t *w = s->scratch;
  if (w) {
    tl_free(w->h);
    tl_free(w->ab);
    tl_free(w->d);
    tl_free(w->e);
    tl_free(w->ub);
    tl_free(w->vtb);
    tl_free(w->panel);
    rotlog_free(&w->rot_left);
    rotlog_free(&w->rot_right);
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

/* ---- banded path -----------------------------------------------------------------
 *
 * LAPACK's dgbbrd accumulates its plane rotations into Q and P^T itself, the P^T ones
 * along rows (stride L): at L = 1000 that is 2/3 of the whole RSWN, at L = 2000 4 s of
 * cache misses. So the band is reduced here, by the same bulge-chasing Givens scheme,
 * with every rotation logged; dbdsdc then gives B = U_B S V_B^T, and the logs are
 * replayed onto U_B and V_B^T (U = Q U_B, V^T = V_B^T P^T) on contiguous lines, blocked
 * so that a panel stays in cache while the whole log passes over it. Same flops as
 * dgbbrd's accumulation, no Q/P^T products: U and V^T come out directly. */

/* Band of the matrix A being reduced, with room for one bulge on each side: A(i, j)
 * for -(kub+1) <= i - j <= klb + 1, column-major band storage. */
typedef struct {
  double *ab;
  int L, klb, kub, ld;
} band_t;

#define BAND(A, i, j) ((A)->ab[(size_t)((A)->kub + 1 + (i) - (j)) + (size_t)(j) * (A)->ld])

/* c, s, r with [c s; -s c] [a; b] = [r; 0] (b != 0). sqrt(a^2 + b^2) is exact enough for
 * hoppings of order 1; hypot only when that would under- or overflow. */
static void givens(double a, double b, double *c, double *s, double *r) {
  double rr = sqrt(a * a + b * b);
  if (!(rr > 1e-150 && rr < 1e150)) rr = hypot(a, b);
  *c = a / rr;
  *s = b / rr;
  *r = rr;
}

static int chain_push(rotlog_t *g) {
  if (g->nchain == g->chain_cap) {
    size_t cap = g->chain_cap ? 2 * g->chain_cap : 1024;
    size_t *nc = tl_malloc(cap * sizeof *nc);
    if (!nc) return -1;
    if (g->nchain) memcpy(nc, g->chain, g->nchain * sizeof *nc);
    tl_free(g->chain);
    g->chain = nc;
    g->chain_cap = cap;
  }
  g->chain[g->nchain++] = g->n;
  return 0;
}

static int log_push(rotlog_t *g, int k, double c, double s) {
  if (g->n == g->cap) {
    size_t cap = g->cap ? 2 * g->cap : 4096;
    int *nk = tl_malloc(cap * sizeof *nk);
    double *nc = tl_malloc(cap * sizeof *nc), *ns = tl_malloc(cap * sizeof *ns);
    if (!nk || !nc || !ns) {
      tl_free(nk);
      tl_free(nc);
      tl_free(ns);
      return -1;
    }
    if (g->n) {
      memcpy(nk, g->k, g->n * sizeof *nk);
      memcpy(nc, g->c, g->n * sizeof *nc);
      memcpy(ns, g->s, g->n * sizeof *ns);
    }
    tl_free(g->k);
    tl_free(g->c);
    tl_free(g->s);
    g->k = nk;
    g->c = nc;
    g->s = ns;
    g->cap = cap;
  }
  g->k[g->n] = k;
  g->c[g->n] = c;
  g->s[g->n] = s;
  g->n++;
  return 0;
}

/* Zeroes A(i, j) — from below (left rotation of rows i-1, i) when below_diag, else from
 * the right (right rotation of columns j-1, j) — and chases the bulge that creates off the
 * end of the band: a left rotation fills A(i-1, i+kub), a right one A(j+klb, j-1). */
static int chase(band_t *A, int i, int j, int from_below, rotlog_t *left, rotlog_t *right) {
  const int L = A->L, klb = A->klb, kub = A->kub;
  for (;;) {
    double c, s, r;
    if (from_below) { /* rows i-1, i over columns j..i+kub */
      double b = BAND(A, i, j);
      if (b == 0.0) return 0;
      givens(BAND(A, i - 1, j), b, &c, &s, &r);
      BAND(A, i - 1, j) = r;
      BAND(A, i, j) = 0.0;
      const int jmax = i + kub < L - 1 ? i + kub : L - 1;
      for (int jj = j + 1; jj <= jmax; jj++) {
        double x = BAND(A, i - 1, jj), y = BAND(A, i, jj);
        BAND(A, i - 1, jj) = c * x + s * y;
        BAND(A, i, jj) = c * y - s * x;
      }
      if (log_push(left, i - 1, c, s)) return -1;
      if (i + kub > L - 1) return 0;
      j = i + kub; /* bulge A(i-1, i+kub) */
      i = i - 1;
      from_below = 0;
    } else { /* columns j-1, j over rows i..j+klb */
      double b = BAND(A, i, j);
      if (b == 0.0) return 0;
      givens(BAND(A, i, j - 1), b, &c, &s, &r);
      BAND(A, i, j - 1) = r;
      BAND(A, i, j) = 0.0;
      const int imax = j + klb < L - 1 ? j + klb : L - 1;
      for (int ii = i + 1; ii <= imax; ii++) {
        double x = BAND(A, ii, j - 1), y = BAND(A, ii, j);
        BAND(A, ii, j - 1) = c * x + s * y;
        BAND(A, ii, j) = c * y - s * x;
      }
      if (log_push(right, j - 1, c, s)) return -1;
      if (j + klb > L - 1) return 0;
      i = j + klb; /* bulge A(j+klb, j-1) */
      j = j - 1;
      from_below = 1;
    }
  }
}

/* A = Q B P^T with B upper bidiagonal (d, e): column i is cleared below the diagonal,
 * then row i right of the superdiagonal, each step chased to the end of the band. The
 * logs hold Q = G_1^T G_2^T ... (left) and P = H_1 H_2 ... (right) in creation order. */
static int band_to_bidiag(band_t *A, double *d, double *e, rotlog_t *left, rotlog_t *right) {
  const int L = A->L;
  left->n = right->n = left->nchain = right->nchain = 0;
  for (int i = 0; i < L; i++) {
    for (int p = (i + A->klb < L - 1 ? i + A->klb : L - 1); p > i; p--)
      if (chain_push(left) || chain_push(right) || chase(A, p, i, 1, left, right)) return -1;
    for (int q = (i + A->kub < L - 1 ? i + A->kub : L - 1); q > i + 1; q--)
      if (chain_push(left) || chain_push(right) || chase(A, i, q, 0, left, right)) return -1;
  }
  if (chain_push(left) || chain_push(right)) return -1; /* end of the last chain */
  for (int i = 0; i < L; i++) {
    d[i] = BAND(A, i, i);
    e[i] = i + 1 < L ? BAND(A, i, i + 1) : 0.0;
  }
  return 0;
}

/* Replay (X holds L lines of length L, line k at X + k L): the log runs backwards, each
 * rotation taking lines (k, k+1) to (c x - s y, s x + c y). For the left log on the rows
 * of U_B that is Q U_B = G_1^T (... (G_m^T U_B)); for the right log on the columns of
 * V_B^T it is V_B^T P^T = ((V_B^T H_n^T) ...) H_1^T. Positions along a line are
 * independent, so the log runs over one panel of positions at a time (the panel stays
 * in cache) and panels go to threads: the result does not depend on the thread count.
 *
 * One rotation at a time the kernel is bound by stores (2 lines written per rotation).
 * Two consecutive chases interleave: in replay order the later one rotates lines
 * (k, k+1), (k-2, k-1), ... and the earlier one (k+1, k+2), (k-1, k), ...; the earlier
 * one's (k+1, k+2) may go as soon as the later one is done with lines >= k, i.e. right
 * after its (k, k+1). Applied as such pairs, pair k then pair k-2, line k stays in
 * registers from one pair to the next: 2 lines loaded and stored per 2 rotations. Every
 * line sees the same operations in the same order as in the one-at-a-time replay, so the
 * result is bitwise the same; only rotations on disjoint lines are reordered. */
static int sched_reserve(rotlog_t *g) {
  if (g->n <= g->sched_cap) return 0;
  tl_free(g->sk);
  tl_free(g->sc);
  tl_free(g->ss);
  tl_free(g->op_at);
  tl_free(g->op_pairs);
  g->sk = tl_malloc(g->n * sizeof *g->sk);
  g->sc = tl_malloc(g->n * sizeof *g->sc);
  g->ss = tl_malloc(g->n * sizeof *g->ss);
  g->op_at = tl_malloc(g->n * sizeof *g->op_at);
  g->op_pairs = tl_malloc(g->n * sizeof *g->op_pairs);
  g->sched_cap = g->n;
  if (g->sk && g->sc && g->ss && g->op_at && g->op_pairs) return 0;
  g->sched_cap = 0; /* freed with the solver; reallocated on the next run */
  return -1;
}

static void sched_emit(rotlog_t *g, size_t *pos, size_t t) {
  g->sk[*pos] = g->k[t];
  g->sc[*pos] = g->c[t];
  g->ss[*pos] = g->s[t];
  (*pos)++;
}

/* Merges chases 2j+1 and 2j (replay order: the later first) into singles and runs of
 * pairs. A rotation of the earlier chase on (kb, kb+1) may go once the later chase has
 * done everything on lines >= kb - 1 (its k descend in replay order). */
static int build_schedule(rotlog_t *g) {
  if (sched_reserve(g)) return -1;
  size_t pos = 0;
  g->nop = 0;
  const long nch = (long)g->nchain - 1; /* chain[nch] closes the last chase */
  for (long ch = nch - 1; ch >= 0; ch -= 2) {
    long ia = (long)g->chain[ch + 1] - 1, a_end = (long)g->chain[ch];
    long ib = a_end - 1, b_end = ch > 0 ? (long)g->chain[ch - 1] : a_end; /* none: empty */
    for (;;) {
      const int haveA = ia >= a_end, haveB = ib >= b_end;
      if (!haveA && !haveB) break;
      if (haveA && (!haveB || g->k[ia] >= g->k[ib] - 1)) {
        if (haveB && g->k[ia] == g->k[ib] - 1) {
          /* a pair: extends the previous run when it is the next one down */
          if (g->nop && g->op_pairs[g->nop - 1] > 0 &&
              g->op_at[g->nop - 1] + 2 * (size_t)g->op_pairs[g->nop - 1] == pos &&
              g->sk[pos - 2] == g->k[ia] + 2) {
            g->op_pairs[g->nop - 1]++;
          } else {
            g->op_at[g->nop] = pos;
            g->op_pairs[g->nop++] = 1;
          }
          sched_emit(g, &pos, (size_t)ia--);
          sched_emit(g, &pos, (size_t)ib--);
          continue;
        }
        g->op_at[g->nop] = pos;
        g->op_pairs[g->nop++] = 0;
        sched_emit(g, &pos, (size_t)ia--);
      } else {
        g->op_at[g->nop] = pos;
        g->op_pairs[g->nop++] = 0;
        sched_emit(g, &pos, (size_t)ib--);
      }
    }
  }
  return 0;
}

#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define TL_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define TL_CLONES
#endif

TL_CLONES
static void rotate_one(double *restrict X, int L, int c0, int nb, int k, double c, double s) {
  double *restrict x = X + (size_t)k * L + c0;
  double *restrict y = x + L;
  for (int j = 0; j < nb; j++) {
    double xj = x[j], yj = y[j];
    x[j] = c * xj - s * yj;
    y[j] = s * xj + c * yj;
  }
}

/* m pairs: pair t rotates (k_t, k_t+1) by (sk, sc, ss)[2t], then (k_t+1, k_t+2) by [2t+1],
 * with k_{t+1} = k_t - 2: line k_t is carried to the next pair as its third line, in
 * registers (GCC vector extension: 8 positions = two 4-double vectors). */
typedef double v4d __attribute__((vector_size(32)));

/* Unaligned load/store as macros: no function passes a vector by value (psABI). */
#define V4_LOAD(v, p) memcpy(&(v), (p), sizeof(v4d))
#define V4_STORE(p, v)        \
  do {                        \
    v4d v4_tmp_ = (v);        \
    memcpy((p), &v4_tmp_, sizeof v4_tmp_); \
  } while (0)

TL_CLONES
static void rotate_run(double *restrict X, int L, int c0, int nb, const int *k, const double *c,
                       const double *s, int m) {
  const size_t ld = (size_t)L;
  int j = 0;
  for (; j + 8 <= nb; j += 8) {
    double *base = X + c0 + j;
    const double *zr = base + (size_t)(k[0] + 2) * ld;
    v4d z0, z1;
    V4_LOAD(z0, zr);
    V4_LOAD(z1, zr + 4);
    for (int t = 0; t < m; t++) {
      double *xr = base + (size_t)k[2 * t] * ld, *yr = xr + ld, *zw = yr + ld;
      const double ca = c[2 * t], sa = s[2 * t], cb = c[2 * t + 1], sb = s[2 * t + 1];
      v4d x0, x1, y0, y1;
      V4_LOAD(x0, xr);
      V4_LOAD(x1, xr + 4);
      V4_LOAD(y0, yr);
      V4_LOAD(y1, yr + 4);
      const v4d xa0 = ca * x0 - sa * y0, xa1 = ca * x1 - sa * y1; /* (x, y) by a */
      const v4d ya0 = sa * x0 + ca * y0, ya1 = sa * x1 + ca * y1;
      V4_STORE(zw, sb * ya0 + cb * z0); /* (y, z) by b; line k_t + 2 is done */
      V4_STORE(zw + 4, sb * ya1 + cb * z1);
      V4_STORE(yr, cb * ya0 - sb * z0);
      V4_STORE(yr + 4, cb * ya1 - sb * z1);
      z0 = xa0;
      z1 = xa1;
    }
    double *last = base + (size_t)k[2 * (m - 1)] * ld;
    V4_STORE(last, z0);
    V4_STORE(last + 4, z1);
  }
  if (j < nb) /* the tail, one rotation at a time in the same order */
    for (int t = 0; t < m; t++) {
      rotate_one(X, L, c0 + j, nb - j, k[2 * t], c[2 * t], s[2 * t]);
      rotate_one(X, L, c0 + j, nb - j, k[2 * t + 1], c[2 * t + 1], s[2 * t + 1]);
    }
}

/* Positions per panel. The panel is packed (L lines of nb doubles, contiguous), so a run
 * of pairs streams down consecutive cache lines; one 64-byte line per line of the panel
 * measured fastest (CPU time on a 2-core EPYC, one thread: L = 500 / 1000 / 2000 in
 * 22 / 129 / 944 ms against 23 / 145 / 1140 ms with 16 positions and 25 / 168 / 1359 ms
 * for one rotation at a time on unpacked 4 MB panels). */
static int panel_width(int L) { return L < 8 ? L : 8; }

static int max_threads(void) {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

/* buf: max_threads() * L * panel_width(L) doubles, one packed panel per thread. */
static void replay_log(double *X, int L, const rotlog_t *g, double *buf) {
  if (!g->nop) return;
  const int nb = panel_width(L), panels = (L + nb - 1) / nb;
#pragma omp parallel for schedule(dynamic, 1) if (L >= 256)
  for (int b = 0; b < panels; b++) {
#ifdef _OPENMP
    double *P = buf + (size_t)omp_get_thread_num() * L * nb;
#else
    double *P = buf;
#endif
    const int c0 = b * nb, w = L - c0 < nb ? L - c0 : nb;
    for (int k = 0; k < L; k++) memcpy(P + (size_t)k * nb, X + (size_t)k * L + c0, (size_t)w * sizeof *P);
    for (size_t o = 0; o < g->nop; o++) {
      const size_t at = g->op_at[o];
      if (g->op_pairs[o] == 0) rotate_one(P, nb, 0, w, g->sk[at], g->sc[at], g->ss[at]);
      else rotate_run(P, nb, 0, w, g->sk + at, g->sc + at, g->ss + at, g->op_pairs[o]);
    }
    for (int k = 0; k < L; k++) memcpy(X + (size_t)k * L + c0, P + (size_t)k * nb, (size_t)w * sizeof *P);
  }
}

/* dst = src^T, both L x L column-major, in cache blocks. */
static void transpose(const double *restrict src, double *restrict dst, int L) {
  const int B = 32;
  for (int j0 = 0; j0 < L; j0 += B)
    for (int i0 = 0; i0 < L; i0 += B)
      for (int j = j0; j < j0 + B && j < L; j++)
        for (int i = i0; i < i0 + B && i < L; i++) dst[j + (size_t)i * L] = src[i + (size_t)j * L];
}

/* Reduction cost ~ (chains per column) / (chase stride): reduce h or h^T, the cheaper. */
static double band_cost(int kl, int ku) {
  const int kub = ku > 1 ? ku : 1;
  return (double)(kl + kub - 1) / (double)(kl + kub);
}

static tl_status run_banded(tl_solver_t *s, const tl_chain_t *c, tl_error *err) {
  scratch_t *w = s->scratch;
  const int L = s->L, R = tl_chain_ranges(c);
  const int kl = c->r_max > 0 ? c->r_max : 0, ku = c->r_min < 0 ? -c->r_min : 0;
  /* h[n+r, n] = t_r(n) has kl bands below and ku above; h^T the reverse. */
  const int trans = band_cost(ku, kl) < band_cost(kl, ku);
  band_t A = {NULL, L, trans ? ku : kl, 0, 0};
  A.kub = (trans ? kl : ku) > 1 ? (trans ? kl : ku) : 1; /* the superdiagonal stays */
  A.ld = (A.kub + 1) + (A.klb + 1) + 1;
  const size_t LL = (size_t)L * L;
  int fail = 0;
  /* Each on its own: after a failed allocation the next run retries the missing one. */
  if (!w->ub) w->ub = grab(LL, sizeof *w->ub, &fail);
  if (!w->vtb) w->vtb = grab(LL, sizeof *w->vtb, &fail);
  if (!w->ab || w->ab_len < (size_t)A.ld * L) {
    tl_free(w->ab);
    w->ab = grab((size_t)A.ld * L, sizeof *w->ab, &fail);
    w->ab_len = w->ab ? (size_t)A.ld * L : 0;
  }
  const size_t plen = (size_t)max_threads() * L * panel_width(L);
  if (!w->panel || w->panel_len < plen) {
    tl_free(w->panel);
    w->panel = grab(plen, sizeof *w->panel, &fail);
    w->panel_len = w->panel ? plen : 0;
  }
  if (fail) return tl_error_set(err, TL_ERR_NOMEM, "out of memory for the banded SVD at L = %d", L);
  A.ab = w->ab;
  memset(A.ab, 0, (size_t)A.ld * L * sizeof *A.ab);
  for (int n = 0; n < L; n++)
    for (int k = 0; k < R; k++) {
      const int m = n + c->r_min + k;
      if (m < 0 || m >= L) continue;
      if (trans) BAND(&A, n, m) = c->t[(size_t)n * R + k];
      else BAND(&A, m, n) = c->t[(size_t)n * R + k];
    }
  if (band_to_bidiag(&A, w->d, w->e, &w->rot_left, &w->rot_right) ||
      build_schedule(&w->rot_left) || build_schedule(&w->rot_right))
    return tl_error_set(err, TL_ERR_NOMEM, "out of memory for the rotations of the band at L = %d", L);
  tl_status st = ensure_work(w, 3 * LL + 4 * (size_t)L, 8 * (size_t)L, err);
  if (st) return st;
  /* dbdsdc's factors are column-major; the logs want lines along the element index
   * (rows of U_B, columns of V_B^T): one transpose in and one out on the U side. */
  double *ub = w->ub, *vtb = trans ? w->vtb : s->vt;
  double qd;
  lapack_int iqd;
  lapack_int info = LAPACKE_dbdsdc_work(LAPACK_COL_MAJOR, 'U', 'I', L, w->d, w->e, ub, L, vtb, L,
                                        &qd, &iqd, w->work, w->iwork);
  if (info) return lapack_failed("dbdsdc", info, err);
  memcpy(s->s, w->d, (size_t)L * sizeof *s->s);
  double *uat = trans ? s->vt : w->vtb;  /* U_B^T, then U_A^T = (Q U_B)^T */
  transpose(ub, uat, L);
  replay_log(uat, L, &w->rot_left, w->panel);
  replay_log(vtb, L, &w->rot_right, w->panel);    /* V_A^T = V_B^T P^T */
  /* h = A: U = U_A, V^T = V_A^T (already in s->vt).
   * h = A^T = V_A S U_A^T: U = V_A, V^T = U_A^T (already in s->vt). */
  transpose(trans ? vtb : uat, s->u, L);
  return TL_OK;
}

static tl_status run_dense(tl_solver_t *s, const tl_chain_t *c, tl_error *err) {
  scratch_t *w = s->scratch;
  const int L = s->L;
  if (!w->h && !(w->h = tl_malloc((size_t)L * L * sizeof *w->h)))
    return tl_error_set(err, TL_ERR_NOMEM, "out of memory for the dense SVD at L = %d", L);
  tl_chain_block(c, w->h);
  double q;
  lapack_int info = LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'S', L, L, w->h, L, s->s, s->u, L, s->vt,
                                        L, &q, -1, NULL);
  if (info) return lapack_failed("dgesdd (workspace query)", info, err);
  tl_status st = ensure_work(w, (size_t)q + 1, 8 * (size_t)L, err);
  if (st) return st;
  info = LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'S', L, L, w->h, L, s->s, s->u, L, s->vt, L,
                             w->work, (lapack_int)w->lwork, w->iwork);
  if (info) return lapack_failed("dgesdd", info, err);
  return TL_OK;
}

static tl_status run_full_h(tl_solver_t *s, const tl_chain_t *c, tl_error *err) {
  scratch_t *w = s->scratch;
  const int L = s->L, N = 2 * L;
  int fail = 0;
  if (!s->z_full) {
    s->z_full = grab((size_t)N * N, sizeof *s->z_full, &fail);
    s->e_full = grab(N, sizeof *s->e_full, &fail);
    w->za = grab((size_t)L * N, sizeof *w->za, &fail);
    w->zb = grab((size_t)L * N, sizeof *w->zb, &fail);
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
                             (lapack_int)w->lwork, w->iwork, (lapack_int)w->liwork);
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

tl_status tl_solver_run(tl_solver_t *s, const tl_chain_t *c, tl_path path, tl_error *err) {
  if (c->L != s->L || c->r_min != s->r_min || c->r_max != s->r_max)
    return tl_error_set(err, TL_ERR_INTERNAL,
                        "chain (L %d, ranges %d..%d) does not fit solver (L %d, ranges %d..%d)",
                        c->L, c->r_min, c->r_max, s->L, s->r_min, s->r_max);
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
  switch (path) {
    case TL_PATH_BIDIAG: st = run_bidiag(s, c, err); break;
    case TL_PATH_BANDED: st = run_banded(s, c, err); break;
    case TL_PATH_DENSE: st = run_dense(s, c, err); break;
    case TL_PATH_FULL_H: return run_full_h(s, c, err);
    default: return tl_error_set(err, TL_ERR_INTERNAL, "unknown solver path %d", (int)path);
  }
  if (st) return st;
  qab_from_svd(s);
  return TL_OK;
}
