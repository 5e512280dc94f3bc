/* Windowed RSWN: blocks of cells, each from the SVD of block + adaptive buffer (see
 * topolearn/window.h). Blocks run in parallel, one solver workspace per thread that
 * grows only when a larger window is first needed; results are reduced in block order,
 * so they do not depend on the thread count. */
#include <math.h>
#include <string.h>

#include "core/failure.h"
#include "topolearn/window.h"

void tl_window_opts_default(tl_window_opts_t *wo) {
  wo->block = 200;
  wo->buffer0 = 50;
  wo->buffer_limit = 16384;
  wo->tol = 1e-8;
}

tl_status tl_window_opts_validate(const tl_window_opts_t *wo, tl_error *err) {
  if (wo->block < 1 || wo->block > 1000000)
    return tl_error_set(err, TL_ERR_INPUT, "window block %d is out of range (expected 1..10^6)", wo->block);
  if (wo->buffer0 < 1 || wo->buffer_limit < wo->buffer0 || wo->buffer_limit > 1000000)
    return tl_error_set(err, TL_ERR_INPUT, "window buffers %d..%d are invalid (expected 1 <= first "
                        "<= limit <= 10^6)", wo->buffer0, wo->buffer_limit);
  if (!(wo->tol > 0) || !isfinite(wo->tol))
    return tl_error_set(err, TL_ERR_INPUT, "window tolerance %g is invalid (expected > 0)", wo->tol);
  return TL_OK;
}

/* Per-thread workspace: a solver and a sub-chain, both regrown only when needed. */
typedef struct {
  tl_solver_t *solver;
  tl_chain_t *sub;
  int cap;
} thread_ws;

static tl_status ws_reserve(thread_ws *ws, const tl_chain_t *c, int n, tl_error *err) {
  if (n <= ws->cap) return TL_OK;
  tl_solver_free(ws->solver);
  tl_chain_free(ws->sub);
  ws->solver = NULL;
  ws->sub = NULL;
  ws->cap = 0;
  tl_status st = tl_solver_new(&ws->solver, n, c->r_min, c->r_max, TL_OBC, err);
  if (!st) st = tl_chain_new(&ws->sub, n, c->r_min, c->r_max, TL_OBC, err);
  if (!st) ws->cap = n;
  return st;
}

/* Markers of cells [b0, b1) from the open sub-chain of cells [lo, hi) (indices mod L
 * under PBC), into out[0 .. b1-b0). */
static tl_status window_markers(thread_ws *ws, const tl_chain_t *c, long lo, long hi, long b0,
                                long b1, double *out, tl_error *err) {
  const int n = (int)(hi - lo), R = tl_chain_ranges(c), L = c->L;
  tl_status st = ws_reserve(ws, c, n, err);
  if (st) return st;
  tl_chain_t *sub = ws->sub;
  sub->L = n;
  for (int k = 0; k < n; k++) {
    long cell = ((lo + k) % L + L) % L;
    memcpy(sub->t + (size_t)k * R, c->t + (size_t)cell * R, (size_t)R * sizeof *c->t);
  }
  tl_chain_apply_boundary(sub); /* cut the bonds leaving the window */
  if ((st = tl_solver_run(ws->solver, sub, TL_PATH_AUTO, err))) return st;
  const double *q = ws->solver->qab;
  for (long cell = b0; cell < b1; cell++) {
    const int i = (int)(cell - lo);
    const double *row = q + (size_t)i * n;
    double w = 0.0;
    for (int m = 0; m < n; m++) w -= row[m] * row[m] * (m - i);
    out[cell - b0] = w;
  }
  return TL_OK;
}

typedef struct {
  double err_sum;   /* sum over the block's cells of the last |marker change| */
  int buffer;       /* buffer accepted                                        */
  int spans_chain;  /* the window would cover the whole chain                */
  int converged;
} block_info;

/* One block: doubles the buffer until two successive marker sets agree within tol. */
static tl_status run_block(thread_ws *ws, const tl_chain_t *c, const tl_window_opts_t *wo,
                           long b0, long b1, double *out, double *prev, block_info *bi,
                           tl_error *err) {
  const long L = c->L, nb = b1 - b0;
  memset(bi, 0, sizeof *bi);
  int have_prev = 0;
  for (long bf = wo->buffer0;; bf *= 2) {
    long lo = b0 - bf, hi = b1 + bf;
    if (c->boundary == TL_OBC) {
      if (lo < 0) lo = 0;
      if (hi > L) hi = L;
      if (lo == 0 && hi == L) bi->spans_chain = 1;
    } else if (hi - lo >= L) {
      bi->spans_chain = 1;
    }
    if (bi->spans_chain) return TL_OK;
    tl_status st = window_markers(ws, c, lo, hi, b0, b1, out, err);
    if (st) return st;
    if (have_prev) {
      double dmax = 0, dsum = 0;
      for (long k = 0; k < nb; k++) {
        double d = fabs(out[k] - prev[k]);
        dmax = fmax(dmax, d);
        dsum += d;
      }
      bi->err_sum = dsum;
      bi->buffer = (int)bf;
      if (dmax < wo->tol) {
        bi->converged = 1;
        return TL_OK;
      }
      if (2 * bf > wo->buffer_limit) return TL_OK; /* not converged: estimate stands */
    }
    memcpy(prev, out, (size_t)nb * sizeof *out);
    have_prev = 1;
  }
}

static tl_status full_path(const tl_chain_t *c, const tl_rswn_opts_t *o, tl_window_result_t *res,
                           double *marker, tl_error *err) {
  memset(res, 0, sizeof *res);
  tl_status st = tl_rswn(c, o, &res->rswn, marker, err);
  res->full = 1;
  res->converged = 1;
  return st;
}

tl_status tl_rswn_windowed(const tl_chain_t *c, const tl_rswn_opts_t *o,
                           const tl_window_opts_t *wo, tl_window_result_t *res, double *marker,
                           tl_error *err) {
  tl_status st = tl_rswn_opts_validate(o, err);
  if (!st) st = tl_window_opts_validate(wo, err);
  if (!st) st = tl_chain_validate(c, err);
  if (st) return st;
  if (!tl_chain_is_chiral(c))
    return tl_error_set(err, TL_ERR_INPUT, "the windowed RSWN needs a chiral chain (on-site terms "
                        "present: use the full method)");
  const long L = c->L;
  if ((long)wo->block + 2L * wo->buffer0 >= L) return full_path(c, o, res, marker, err);

  int start, cells;
  tl_bulk_window(c->L, o->bulk_fraction, &start, &cells);
  const long first = start, count = cells;
  const long nblocks = (count + wo->block - 1) / wo->block;
  double *vals = tl_malloc((size_t)count * sizeof *vals);
  block_info *info = tl_calloc((size_t)nblocks, sizeof *info);
  if (!vals || !info) {
    tl_free(vals);
    tl_free(info);
    return tl_error_set(err, TL_ERR_NOMEM, "out of memory for %ld windowed markers", count);
  }
  tl_failure_t fail;
  tl_failure_init(&fail);
  int spans = 0;
#pragma omp parallel
  {
    thread_ws ws = {0};
    tl_error e = {0};
    tl_status mine = TL_OK;
    double *prev = tl_malloc((size_t)wo->block * sizeof *prev);
    if (!prev) mine = tl_error_set(&e, TL_ERR_NOMEM, "out of memory for a window");
    long mine_at = -1;
#pragma omp for schedule(dynamic, 1)
    for (long b = 0; b < nblocks; b++) {
      int stop;
#pragma omp atomic read
      stop = spans;
      if (mine || stop) continue;
      long b0 = first + b * wo->block, b1 = b0 + wo->block;
      if (b1 > first + count) b1 = first + count;
      mine = run_block(&ws, c, wo, b0, b1, vals + (b0 - first), prev, &info[b], &e);
      if (mine) mine_at = b;
      if (!mine && info[b].spans_chain) {
#pragma omp atomic write
        spans = 1;
      }
    }
    tl_failure_offer(&fail, mine, mine_at, &e);
    tl_free(prev);
    tl_solver_free(ws.solver);
    tl_chain_free(ws.sub);
  }
  if (fail.status || spans) {
    tl_free(vals);
    tl_free(info);
    if (fail.status) {
      if (err) *err = fail.err;
      return fail.status;
    }
    return full_path(c, o, res, marker, err);
  }
  /* Reduce in cell order: independent of which thread ran which block. */
  memset(res, 0, sizeof *res);
  res->converged = 1;
  double sum = 0, esum = 0;
  for (long b = 0; b < nblocks; b++) {
    if (info[b].buffer > res->buffer_max) res->buffer_max = info[b].buffer;
    res->converged &= info[b].converged;
  }
  for (long k = 0; k < cells; k++) sum += vals[k];
  for (long b = 0; b < nblocks; b++) esum += info[b].err_sum;
  if (marker) {
    for (long n = 0; n < L; n++) marker[n] = NAN;
    memcpy(marker + start, vals, (size_t)cells * sizeof *marker);
  }
  tl_rswn_t *r = &res->rswn;
  r->W = sum / cells;
  r->label = (int)lround(r->W);
  r->ambiguous = fabs(r->W - r->label) > o->delta;
  r->chiral = 1;
  r->bulk_start = start;
  r->bulk_cells = cells;
  res->W_error = esum / cells;
  tl_free(vals);
  tl_free(info);
  return TL_OK;
}
