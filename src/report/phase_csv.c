/* Phase-diagram CSV: one row per grid point, x fastest. */
#include <math.h>

#include "topolearn/outfile.h"
#include "topolearn/report.h"

tl_status tl_phase_write_csv(const char *path, const tl_phase_params_t *p,
                             const tl_phase_point_t *pts, int force, tl_error *err) {
  tl_outfile_t o;
  tl_status st = tl_outfile_begin(&o, path, force, 1, err);
  if (st) return st;
  fprintf(o.fp, "v,w,D,samples,W_mean,W_std,frac_ambiguous,W_kspace,W_error\n");
  const long n = (long)p->nx * p->ny;
  for (long i = 0; i < n; i++) {
    const tl_phase_point_t *q = &pts[i];
    fprintf(o.fp, "%.10g,%.10g,%.10g,%d,%.12g,%.6g,%.6g,", q->v, q->w, q->D, q->samples,
            q->W_mean, q->W_std, q->frac_ambiguous);
    if (isnan(q->W_kspace)) fprintf(o.fp, "nan,");
    else fprintf(o.fp, "%d,", (int)q->W_kspace);
    fprintf(o.fp, "%.3g\n", q->W_error);
  }
  return tl_outfile_commit(&o, err);
}
