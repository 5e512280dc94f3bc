/* Checkpoints of an interrupted generation (docs/FORMAT.md "Checkpoints"): the data-set
 * file itself, rows [0, checkpoint_rows) final, kind "dataset_checkpoint" so that no
 * reader takes it for data, and a canonical description of the parameters so that a
 * resume with other ones is refused instead of splicing two different data sets. The
 * state after the rows is recovered from the file: per-class counts from `label`, the
 * next candidate from `checkpoint_next` (checked against the stored `candidate`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/h5.h"
#include "core/params_text.h"
#include "data/dataset_io.h"

void tl_dataset_checkpoint_path(const char *out_path, char *buf, size_t cap) {
  snprintf(buf, cap, "%s.partial", out_path);
}

void tl_ds_params_describe(const tl_dataset_params_t *p, char *buf, size_t cap) {
  const tl_family_t *f = &p->fam;
  const int R = f->r_max - f->r_min + 1, windowed = tl_dataset_params_windowed(p);
  char x[32];
  size_t len = 0;
  buf[0] = '\0';
  tl_text_put(buf, cap, &len, "n=%ld L=%d ranges=%d..%d boundary=%s", p->n, f->L, f->r_min,
              f->r_max, f->boundary == TL_PBC ? "pbc" : "obc");
  tl_text_doubles(buf, cap, &len, "hop_lo", p->t_lo, R);
  tl_text_doubles(buf, cap, &len, "hop_hi", p->t_hi, R);
  tl_text_doubles(buf, cap, &len, "disorder", f->disorder, R);
  tl_text_doubles(buf, cap, &len, "onsite", &f->onsite, 1);
  tl_text_put(buf, cap, &len, " seed=%llu", (unsigned long long)p->seed);
  tl_text_doubles(buf, cap, &len, "bulk_fraction", &p->rswn.bulk_fraction, 1);
  tl_text_doubles(buf, cap, &len, "delta", &p->rswn.delta, 1);
  tl_text_put(buf, cap, &len, " balanced=%d", p->balanced ? 1 : 0);
  if (p->balanced) /* where a run that cannot fill its classes gives up */
    tl_text_put(buf, cap, &len, " max_candidates=%ld",
                p->max_candidates > 0 ? p->max_candidates : 20 * p->n + 1000);
  tl_text_put(buf, cap, &len, " method=%s", windowed ? "window" : "full");
  if (windowed) {
    tl_text_exact(x, sizeof x, p->window.tol);
    tl_text_put(buf, cap, &len, " block=%d buffer=%d buffer_limit=%d tol=%s", p->window.block,
                p->window.buffer0, p->window.buffer_limit, x);
  } else { /* no effect in long-chain mode, which stores no spectrum */
    tl_text_put(buf, cap, &len, " qab=%d float32=%d", p->store_qab ? 1 : 0, p->float32 ? 1 : 0);
  }
  tl_text_put(buf, cap, &len, " compress=%d", p->compress);
}

static tl_status check_state(tl_dataset_t *ds, const char *ck, const tl_dataset_params_t *p,
                             const long *quota, long max_cand, tl_ds_resume_t *r, tl_error *err) {
  const int C = p->fam.r_max - p->fam.r_min + 1;
  if (r->rows < 0 || r->rows > p->n || r->next < r->rows || r->next > max_cand ||
      (!p->balanced && r->next != r->rows))
    return tl_error_set(err, TL_ERR_INPUT, "%s: checkpoint_rows = %ld, checkpoint_next = %ld are "
                        "inconsistent (expected rows <= next <= %ld, equal without balancing)",
                        ck, r->rows, r->next, max_cand);
  if (r->rows == 0) return TL_OK;
  int64_t last;
  tl_status st = tl_dataset_read(ds, TL_FIELD_CANDIDATE, r->rows - 1, 1, TL_MEM_I64, &last, err);
  if (st) return st;
  if (last < r->rows - 1 || last >= r->next)
    return tl_error_set(err, TL_ERR_INPUT, "%s: candidate of row %ld is %lld (expected %ld..%ld)",
                        ck, r->rows - 1, (long long)last, r->rows - 1, r->next - 1);
  if (!p->balanced) return TL_OK;
  int32_t *lab = tl_malloc((size_t)r->rows * sizeof *lab);
  if (!lab) return tl_error_set(err, TL_ERR_NOMEM, "out of memory for %ld labels", r->rows);
  st = tl_dataset_read(ds, TL_FIELD_LABEL, 0, r->rows, TL_MEM_I32, lab, err);
  for (long i = 0; i < r->rows && !st; i++) {
    const int c = lab[i] - p->fam.r_min;
    if (c < 0 || c >= C || ++r->filled[c] > quota[c])
      st = tl_error_set(err, TL_ERR_INPUT, "%s: label %d of row %ld exceeds its class quota "
                        "(a balanced checkpoint holds at most %ld per winding %d..%d)", ck,
                        (int)lab[i], i, c >= 0 && c < C ? quota[c] : 0L, p->fam.r_min,
                        p->fam.r_max);
  }
  tl_free(lab);
  return st;
}

tl_status tl_ds_checkpoint_load(const char *ck, const tl_dataset_params_t *p, const long *quota,
                                long max_cand, tl_ds_resume_t *r, tl_error *err) {
  memset(r, 0, sizeof *r);
  struct stat sb;
  if (stat(ck, &sb) != 0)
    return tl_error_set(err, TL_ERR_INPUT, "%s: no checkpoint to resume (run without --resume "
                        "to start)", ck);
  tl_dataset_t *ds = NULL;
  tl_status st = tl_dataset_open(&ds, ck, TL_DS_OPEN_CHECKPOINT, err);
  if (st) return st;
  const hid_t fl = tl_ds_file(ds);
  char have[8192], want[8192];
  if (!(st = tl_h5_attr_int(fl, ck, "/", "checkpoint_rows", &r->rows, err)) &&
      !(st = tl_h5_attr_int(fl, ck, "/", "checkpoint_next", &r->next, err)))
    st = tl_h5_attr_string(fl, ck, "/", "checkpoint_params", have, sizeof have, err);
  tl_ds_params_describe(p, want, sizeof want);
  if (!st) st = tl_text_params_match(ck, have, want, err);
  if (!st) st = check_state(ds, ck, p, quota, max_cand, r, err);
  /* the kept rows become rows of the finished data set: the reader's rules, now */
  if (!st) st = tl_ds_check_storage(ds, r->rows, err);
  if (!st) st = tl_ds_verify_rows(ds, r->rows, err);
  tl_dataset_close(ds);
  return st;
}
