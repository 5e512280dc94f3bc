/* W over a (v, w) or (w, D) grid, disorder-averaged, parallel over realisations. */
#include <math.h>
#include <omp.h>
#include <string.h>

#include "core/failure.h"
#include "topolearn/phase.h"

void tl_phase_params_default(tl_phase_params_t *p) {
  memset(p, 0, sizeof *p);
  p->mode = TL_PHASE_VW;
  p->nx = p->ny = 1;
  p->samples = 1;
  p->method = -1;
  tl_rswn_opts_default(&p->rswn);
  tl_window_opts_default(&p->window);
  p->window.buffer_limit = 256;
}

tl_status tl_phase_params_validate(const tl_phase_params_t *p, tl_error *err) {
  if (p->mode != TL_PHASE_VW && p->mode != TL_PHASE_WD)
    return tl_error_set(err, TL_ERR_INPUT, "unknown phase-diagram mode %d", (int)p->mode);
  if (p->base.r_min > 0 || p->base.r_max < 1)
    return tl_error_set(err, TL_ERR_INPUT, "phase diagrams vary t_0 and t_1: ranges %d..%d must "
                        "include 0 and 1", p->base.r_min, p->base.r_max);
  if (p->nx < 1 || p->ny < 1 || (long)p->nx * p->ny > 10000000L)
    return tl_error_set(err, TL_ERR_INPUT, "grid %d x %d is out of range (expected 1..10^7 points)",
                        p->nx, p->ny);
  if (p->samples < 1 || p->samples > 1000000)
    return tl_error_set(err, TL_ERR_INPUT, "samples = %d is out of range (expected 1..10^6)",
                        p->samples);
  if (!(p->x_lo <= p->x_hi) || !(p->y_lo <= p->y_hi) || !isfinite(p->x_lo) || !isfinite(p->x_hi) ||
      !isfinite(p->y_lo) || !isfinite(p->y_hi))
    return tl_error_set(err, TL_ERR_INPUT, "grid ranges must be finite with lo <= hi");
  if (p->mode == TL_PHASE_WD && p->y_lo < 0)
    return tl_error_set(err, TL_ERR_INPUT, "disorder range starts at %g (expected >= 0)", p->y_lo);
  if (p->method < -1 || p->method > 1)
    return tl_error_set(err, TL_ERR_INPUT, "unknown phase-diagram method %d", p->method);
  if (p->method == 1 && p->base.onsite > 0)
    return tl_error_set(err, TL_ERR_INPUT, "windowed RSWN needs chiral chains (no on-site disorder)");
  tl_status st = tl_family_validate(&p->base, err);
  if (!st) st = tl_window_opts_validate(&p->window, err);
  return st ? st : tl_rswn_opts_validate(&p->rswn, err);
}

static double axis(double lo, double hi, int n, int i) {
  return n == 1 ? lo : lo + (hi - lo) * i / (n - 1);
}

/* The family of grid point (ix, iy). */
static void point_family(const tl_phase_params_t *p, int ix, int iy, tl_family_t *f) {
  *f = p->base;
  const int k0 = -p->base.r_min, k1 = k0 + 1; /* indices of t_0 and t_1 */
  double x = axis(p->x_lo, p->x_hi, p->nx, ix), y = axis(p->y_lo, p->y_hi, p->ny, iy);
  if (p->mode == TL_PHASE_VW) {
    f->t[k0] = x;
    f->t[k1] = y;
  } else {
    f->t[k1] = x;
    for (int k = 0; k <= f->r_max - f->r_min; k++) f->disorder[k] = y;
  }
}

static int has_disorder(const tl_family_t *f) {
  for (int k = 0; k <= f->r_max - f->r_min; k++)
    if (f->disorder[k] > 0) return 1;
  return f->onsite > 0;
}

int tl_phase_samples_run(const tl_phase_params_t *p) {
  /* A clean grid has one realisation per point whatever samples says. */
  tl_family_t corner;
  point_family(p, p->nx - 1, p->ny - 1, &corner);
  return has_disorder(&p->base) || has_disorder(&corner) ? p->samples : 1;
}

int tl_phase_params_windowed(const tl_phase_params_t *p) {
  return p->method == 1 ||
         (p->method == -1 && p->base.onsite == 0 && p->base.L >= TL_WINDOW_AUTO_MIN_L);
}

tl_status tl_phase_state_new(tl_phase_state_t **out, const tl_phase_params_t *p, tl_error *err) {
  *out = NULL;
  tl_status st = tl_phase_params_validate(p, err);
  if (st) return st;
  const int S = tl_phase_samples_run(p);
  const long total = (long)p->nx * p->ny * S;
  tl_phase_state_t *s = tl_calloc(1, sizeof *s);
  if (s) {
    s->total = total;
    s->S = S;
    s->W = tl_calloc((size_t)total, sizeof *s->W);
    s->W_error = tl_calloc((size_t)total, sizeof *s->W_error);
    s->ambiguous = tl_calloc((size_t)total, 1);
    s->done = tl_calloc((size_t)total, 1);
  }
  if (!s || !s->W || !s->W_error || !s->ambiguous || !s->done) {
    tl_phase_state_free(s);
    return tl_error_set(err, TL_ERR_NOMEM, "out of memory for %ld realisations", total);
  }
  *out = s;
  return TL_OK;
}

void tl_phase_state_free(tl_phase_state_t *s) {
  if (!s) return;
  tl_free(s->W);
  tl_free(s->W_error);
  tl_free(s->ambiguous);
  tl_free(s->done);
  tl_free(s);
}

/* The points from a complete state, in index order: the same sums whatever thread
 * computed each realisation, and whichever run. */
static void reduce(const tl_phase_params_t *p, const tl_phase_state_t *s, tl_phase_point_t *out) {
  const long npts = (long)p->nx * p->ny, S = s->S;
  for (long pt = 0; pt < npts; pt++) {
    tl_phase_point_t *o = &out[pt];
    tl_family_t f;
    point_family(p, (int)(pt % p->nx), (int)(pt / p->nx), &f);
    const int k0 = -f.r_min;
    o->v = f.t[k0];
    o->w = f.t[k0 + 1];
    o->D = f.disorder[0];
    const int ns = has_disorder(&f) ? (int)S : 1;
    const double *W = s->W + pt * S;
    double sum = 0, sum2 = 0, na = 0, esum = 0;
    for (int sidx = 0; sidx < ns; sidx++) {
      sum += W[sidx];
      na += s->ambiguous[pt * S + sidx];
      esum += s->W_error[pt * S + sidx];
    }
    o->W_error = esum / ns;
    o->W_mean = sum / ns;
    for (int sidx = 0; sidx < ns; sidx++) {
      double d = W[sidx] - o->W_mean;
      sum2 += d * d;
    }
    o->W_std = ns > 1 ? sqrt(sum2 / (ns - 1)) : 0.0;
    o->frac_ambiguous = na / ns;
    o->samples = ns;
    int kw = 0, kd = 0;
    if (!has_disorder(&f)) tl_kspace_winding(f.t, f.r_min, f.r_max, &kw, &kd, NULL);
    o->W_kspace = kd ? kw : NAN;
  }
}

tl_status tl_phase_diagram_continue(const tl_phase_params_t *p, tl_phase_state_t *s,
                                    tl_phase_point_t *out, tl_progress_fn progress, void *ctx,
                                    tl_error *err) {
  tl_status st = tl_phase_params_validate(p, err);
  if (st) return st;
  const int S = tl_phase_samples_run(p);
  const long total = (long)p->nx * p->ny * S;
  if (s->S != S || s->total != total)
    return tl_error_set(err, TL_ERR_INPUT, "phase-diagram state of %ld realisations (%d per "
                        "point) does not fit this grid (expected %ld, %d per point)", s->total,
                        s->S, total, S);
  const int windowed = tl_phase_params_windowed(p);
  tl_failure_t fail;
  tl_failure_init(&fail);
  int cancelled = 0;
  if (s->done_count < total) {
#pragma omp parallel
    {
      tl_solver_t *sv = NULL;
      tl_chain_t *c = NULL;
      tl_error e = {0};
      /* Windows bring their own small workspaces; an L x L solver is only for full runs. */
      tl_status mine = windowed ? TL_OK
                                : tl_solver_new(&sv, p->base.L, p->base.r_min, p->base.r_max,
                                                p->base.boundary, &e);
      if (!mine) mine = tl_chain_new(&c, p->base.L, p->base.r_min, p->base.r_max, p->base.boundary, &e);
      long mine_at = -1;
#pragma omp for schedule(dynamic, 1)
      for (long i = 0; i < total; i++) {
        int stop;
#pragma omp atomic read
        stop = cancelled;
        if (mine || stop || s->done[i]) continue;
        long pt = i / S;
        tl_family_t f;
        point_family(p, (int)(pt % p->nx), (int)(pt / p->nx), &f);
        tl_rng_t rng;
        tl_rng_init(&rng, p->seed, (uint64_t)i);
        mine = tl_chain_realise(c, &f, &rng, &e);
        tl_rswn_t r;
        double werr = 0.0;
        if (!mine && windowed) {
          tl_window_result_t wr;
          mine = tl_rswn_windowed(c, &p->rswn, &p->window, &wr, NULL, &e);
          r = wr.rswn;
          werr = wr.W_error;
        } else if (!mine) {
          mine = tl_solver_run(sv, c, TL_PATH_AUTO, &e);
          if (!mine) tl_rswn_from_qab(sv->qab, c->L, c->boundary, &p->rswn, &r, NULL);
        }
        if (mine) {
          mine_at = i;
          continue;
        }
        s->W[i] = r.W;
        s->W_error[i] = werr;
        s->ambiguous[i] = (unsigned char)r.ambiguous;
        s->done[i] = 1;
        long d;
#pragma omp atomic capture
        d = ++s->done_count;
        if (progress && omp_get_thread_num() == 0 && progress(ctx, d, total)) {
#pragma omp atomic write
          cancelled = 1;
        }
      }
      tl_failure_offer(&fail, mine, mine_at, &e);
      tl_solver_free(sv);
      tl_chain_free(c);
    }
  }
  if (fail.status) {
    if (err) *err = fail.err;
    return fail.status;
  }
  /* a cancel that came with the last realisation changes nothing */
  if (cancelled && s->done_count < total)
    return tl_error_set(err, TL_ERR_INTERRUPTED, "phase diagram interrupted; %ld of %ld "
                        "realisations done", s->done_count, total);
  reduce(p, s, out);
  return TL_OK;
}

tl_status tl_phase_diagram(const tl_phase_params_t *p, tl_phase_point_t *out,
                           tl_progress_fn progress, void *ctx, tl_error *err) {
  tl_phase_state_t *s;
  tl_status st = tl_phase_state_new(&s, p, err);
  if (!st) st = tl_phase_diagram_continue(p, s, out, progress, ctx, err);
  tl_phase_state_free(s);
  return st;
}
