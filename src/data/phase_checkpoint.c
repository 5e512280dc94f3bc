/* Checkpoints of an interrupted phase diagram (docs/FORMAT.md "Phase-diagram
 * checkpoints"): every realisation's W, W_error, ambiguous flag and done flag, and a
 * canonical description of the parameters so that a resume with other ones is refused
 * instead of mixing two grids. Here rather than in physics/, which holds no file
 * formats: this layer owns the HDF5 files and their validation. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/h5.h"
#include "core/params_text.h"
#include "data/dataset_io.h"
#include "topolearn/outfile.h"
#include "topolearn/phase.h"

#define PHASE_CHECKPOINT_VERSION 1

void tl_phase_checkpoint_path(const char *prefix, char *buf, size_t cap) {
  snprintf(buf, cap, "%s.partial.h5", prefix);
}

/* " key=lo:hi", as the flag takes it */
static void put_range(char *buf, size_t cap, size_t *len, const char *key, double lo, double hi) {
  char a[32], b[32];
  tl_text_exact(a, sizeof a, lo);
  tl_text_exact(b, sizeof b, hi);
  tl_text_put(buf, cap, len, " %s=%s:%s", key, a, b);
}

void tl_phase_params_describe(const tl_phase_params_t *p, char *buf, size_t cap) {
  const tl_family_t *f = &p->base;
  const int R = f->r_max - f->r_min + 1, vw = p->mode == TL_PHASE_VW;
  size_t len = 0;
  buf[0] = '\0';
  tl_text_put(buf, cap, &len, "grid=%s", vw ? "vw" : "wD");
  put_range(buf, cap, &len, vw ? "v_range" : "w_range", p->x_lo, p->x_hi);
  put_range(buf, cap, &len, vw ? "w_range" : "D_range", p->y_lo, p->y_hi);
  /* the realisations run per point: --samples has no effect on a clean grid */
  tl_text_put(buf, cap, &len, " nx=%d ny=%d samples=%d L=%d ranges=%d..%d boundary=%s", p->nx,
              p->ny, tl_phase_samples_run(p), f->L, f->r_min, f->r_max,
              f->boundary == TL_PBC ? "pbc" : "obc");
  /* the hoppings and disorder the grid sets are "*": a flag with no effect on the result
   * (--w in the wD grid) does not make a resume differ */
  const int k0 = -f->r_min;
  tl_text_put(buf, cap, &len, " hop=");
  for (int k = 0; k < R; k++) {
    char x[32] = "*";
    if (k != k0 + 1 && (k != k0 || !vw)) tl_text_exact(x, sizeof x, f->t[k]);
    tl_text_put(buf, cap, &len, "%s%s", k ? "," : "", x);
  }
  if (vw) tl_text_doubles(buf, cap, &len, "disorder", f->disorder, R);
  tl_text_doubles(buf, cap, &len, "onsite", &f->onsite, 1);
  tl_text_put(buf, cap, &len, " seed=%llu", (unsigned long long)p->seed);
  tl_text_doubles(buf, cap, &len, "bulk_fraction", &p->rswn.bulk_fraction, 1);
  tl_text_doubles(buf, cap, &len, "delta", &p->rswn.delta, 1);
  if (tl_phase_params_windowed(p)) {
    char tol[32];
    tl_text_exact(tol, sizeof tol, p->window.tol);
    tl_text_put(buf, cap, &len, " method=window block=%d buffer=%d buffer_limit=%d tol=%s",
                p->window.block, p->window.buffer0, p->window.buffer_limit, tol);
  } else {
    tl_text_put(buf, cap, &len, " method=full");
  }
}

/* s was made for p (a state of another grid would be stored under p's description). */
static tl_status check_fits(const tl_phase_params_t *p, const tl_phase_state_t *s, tl_error *err) {
  const int S = tl_phase_samples_run(p);
  if (s->S != S || s->total != (long)p->nx * p->ny * S)
    return tl_error_set(err, TL_ERR_INPUT, "phase-diagram state of %ld realisations (%d per "
                        "point) does not fit this grid (expected %ld, %d per point)", s->total,
                        s->S, (long)p->nx * p->ny * S, S);
  return TL_OK;
}

tl_status tl_phase_checkpoint_save(const char *path, const tl_phase_params_t *p,
                                   const tl_phase_state_t *s, tl_error *err) {
  tl_status st = tl_phase_params_validate(p, err);
  if (!st) st = check_fits(p, s, err);
  if (st) return st;
  char desc[8192];
  tl_phase_params_describe(p, desc, sizeof desc);
  tl_outfile_t of;
  if ((st = tl_outfile_begin(&of, path, 1, 0, err))) return st;
  hid_t f = tl_h5_create_temporary(of.tmp_path);
  if (f < 0) {
    tl_outfile_abort(&of);
    return tl_error_set(err, TL_ERR_IO, "%s: cannot create its temporary %s", path, of.tmp_path);
  }
  const hsize_t n = (hsize_t)s->total;
  if (!(st = tl_h5_write_attr_string(f, path, "/", "kind", TL_PHASE_CHECKPOINT_KIND, err)) &&
      !(st = tl_h5_write_attr_int(f, path, "/", "format_version", PHASE_CHECKPOINT_VERSION, err)) &&
      !(st = tl_h5_write_attr_string(f, path, "/", "version", TL_VERSION, err)) &&
      !(st = tl_h5_write_attr_string(f, path, "/", "checkpoint_params", desc, err)) &&
      !(st = tl_h5_write_vector(f, path, "W", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, n, s->W, err)) &&
      !(st = tl_h5_write_vector(f, path, "W_error", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, n,
                                s->W_error, err)) &&
      !(st = tl_h5_write_vector(f, path, "ambiguous", H5T_STD_U8LE, H5T_NATIVE_UCHAR, n,
                                s->ambiguous, err)))
    st = tl_h5_write_vector(f, path, "done", H5T_STD_U8LE, H5T_NATIVE_UCHAR, n, s->done, err);
  /* a full disk may show only when the file is flushed */
  if (H5Fclose(f) < 0 && !st)
    st = tl_error_set(err, TL_ERR_IO, "%s: cannot finish writing (disk full?)", path);
  if (!st) st = tl_outfile_commit(&of, err);
  if (st) tl_outfile_abort(&of);
  return st;
}

/* Flags 0/1 everywhere; wherever done, W and W_error finite, W_error >= 0 (exactly 0 for
 * realisations computed in full) and W a winding of the chains with its ambiguous flag
 * (tl_ds_check_winding, the data-set reader's rule). */
static tl_status check_values(const char *path, const tl_phase_params_t *p, tl_phase_state_t *s,
                              tl_error *err) {
  const int windowed = tl_phase_params_windowed(p);
  s->done_count = 0;
  for (long i = 0; i < s->total; i++) {
    if (s->done[i] > 1 || s->ambiguous[i] > 1)
      return tl_error_set(err, TL_ERR_INPUT, "%s: dataset '%s' holds %d at entry %ld (expected 0 "
                          "or 1)", path, s->done[i] > 1 ? "done" : "ambiguous",
                          s->done[i] > 1 ? s->done[i] : s->ambiguous[i], i);
    if (!s->done[i]) continue;
    s->done_count++;
    if (!isfinite(s->W[i]) || !isfinite(s->W_error[i]) || s->W_error[i] < 0)
      return tl_error_set(err, TL_ERR_INPUT, "%s: finished realisation %ld has W = %g, W_error = "
                          "%g (expected finite values, W_error >= 0)", path, i, s->W[i],
                          s->W_error[i]);
    if (!windowed && s->W_error[i] != 0)
      return tl_error_set(err, TL_ERR_INPUT, "%s: finished realisation %ld has W_error = %g "
                          "(expected 0: method full computes W exactly)", path, i, s->W_error[i]);
    tl_status st = tl_ds_check_winding(path, "finished realisation", i, s->W[i], p->base.L,
                                       p->rswn.delta, NULL, s->ambiguous[i], err);
    if (st) return st;
  }
  return TL_OK;
}

static tl_status read_checkpoint(hid_t f, const char *path, const tl_phase_params_t *p,
                                 tl_phase_state_t *s, tl_error *err) {
  char have[8192], want[8192];
  tl_status st = tl_h5_expect_kind(f, path, TL_PHASE_CHECKPOINT_KIND, "phase-diagram checkpoint", err);
  if (st) return st;
  long v;
  if ((st = tl_h5_attr_int(f, path, "/", "format_version", &v, err))) return st;
  if (v != PHASE_CHECKPOINT_VERSION)
    return tl_error_set(err, TL_ERR_INPUT, "%s: format_version %ld is not supported (expected %d)",
                        path, v, PHASE_CHECKPOINT_VERSION);
  if ((st = tl_h5_attr_string(f, path, "/", "checkpoint_params", have, sizeof have, err)))
    return st;
  tl_phase_params_describe(p, want, sizeof want);
  if ((st = tl_text_params_match(path, have, want, err))) return st;
  const hsize_t n = (hsize_t)s->total;
  if ((st = tl_h5_read_vector(f, path, "W", H5T_NATIVE_DOUBLE, n, s->W, err)) ||
      (st = tl_h5_read_vector(f, path, "W_error", H5T_NATIVE_DOUBLE, n, s->W_error, err)) ||
      (st = tl_h5_read_vector(f, path, "ambiguous", H5T_NATIVE_UCHAR, n, s->ambiguous, err)) ||
      (st = tl_h5_read_vector(f, path, "done", H5T_NATIVE_UCHAR, n, s->done, err)))
    return st;
  return check_values(path, p, s, err);
}

tl_status tl_phase_checkpoint_load(const char *path, const tl_phase_params_t *p,
                                   tl_phase_state_t **out, tl_error *err) {
  *out = NULL;
  struct stat sb;
  if (stat(path, &sb) != 0)
    return tl_error_set(err, TL_ERR_INPUT, "%s: no checkpoint to resume (run without --resume "
                        "to start)", path);
  tl_phase_state_t *s;
  tl_status st = tl_phase_state_new(&s, p, err);
  if (st) return st;
  hid_t f;
  if (!(st = tl_h5_open_read(path, &f, err))) {
    st = read_checkpoint(f, path, p, s, err);
    H5Fclose(f);
  }
  if (st) {
    tl_phase_state_free(s);
    return st;
  }
  *out = s;
  return TL_OK;
}
