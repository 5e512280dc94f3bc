/* Checkpoints of an interrupted generation (docs/FORMAT.md "Checkpoints"): the data-set
 * file itself, rows [0, checkpoint_rows) final, kind "dataset_checkpoint" so that no
 * reader takes it for data, and a canonical description of the parameters so that a
 * resume with other ones is refused instead of splicing two different data sets. The
 * state after the rows is recovered from the file: per-class counts from `label`, the
 * next candidate from `checkpoint_next` (checked against the stored `candidate`). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/h5.h"
#include "data/dataset_io.h"

void tl_dataset_checkpoint_path(const char *out_path, char *buf, size_t cap) {
  snprintf(buf, cap, "%s.partial", out_path);
}

/* Appends printf output to buf at *len (silently truncated at cap). */
static void put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t cap, size_t *len, const char *fmt, ...) {
  if (*len >= cap) return;
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(buf + *len, cap - *len, fmt, ap);
  va_end(ap);
  if (k > 0) *len += (size_t)k;
}

/* The shortest %g form that reads back as exactly x: equal strings <=> equal bits
 * (NaN cannot occur: parameters are validated finite). */
static void exact(char *out, size_t cap, double x) {
  for (int digits = 15; digits <= 17; digits++) {
    snprintf(out, cap, "%.*g", digits, x);
    if (strtod(out, NULL) == x) return;
  }
}

static void put_doubles(char *buf, size_t cap, size_t *len, const char *key, const double *v,
                        int n) {
  put(buf, cap, len, " %s=", key);
  for (int k = 0; k < n; k++) {
    char x[32];
    exact(x, sizeof x, v[k]);
    put(buf, cap, len, "%s%s", k ? "," : "", x);
  }
}

void tl_ds_params_describe(const tl_dataset_params_t *p, char *buf, size_t cap) {
  const tl_family_t *f = &p->fam;
  const int R = f->r_max - f->r_min + 1, windowed = tl_dataset_params_windowed(p);
  char x[32];
  size_t len = 0;
  buf[0] = '\0';
  put(buf, cap, &len, "n=%ld L=%d ranges=%d..%d boundary=%s", p->n, f->L, f->r_min, f->r_max,
      f->boundary == TL_PBC ? "pbc" : "obc");
  put_doubles(buf, cap, &len, "hop_lo", p->t_lo, R);
  put_doubles(buf, cap, &len, "hop_hi", p->t_hi, R);
  put_doubles(buf, cap, &len, "disorder", f->disorder, R);
  put_doubles(buf, cap, &len, "onsite", &f->onsite, 1);
  put(buf, cap, &len, " seed=%llu", (unsigned long long)p->seed);
  put_doubles(buf, cap, &len, "bulk_fraction", &p->rswn.bulk_fraction, 1);
  put_doubles(buf, cap, &len, "delta", &p->rswn.delta, 1);
  put(buf, cap, &len, " balanced=%d", p->balanced ? 1 : 0);
  if (p->balanced) /* where a run that cannot fill its classes gives up */
    put(buf, cap, &len, " max_candidates=%ld",
        p->max_candidates > 0 ? p->max_candidates : 20 * p->n + 1000);
  put(buf, cap, &len, " method=%s", windowed ? "window" : "full");
  if (windowed) {
    exact(x, sizeof x, p->window.tol);
    put(buf, cap, &len, " block=%d buffer=%d buffer_limit=%d tol=%s", p->window.block,
        p->window.buffer0, p->window.buffer_limit, x);
  } else { /* no effect in long-chain mode, which stores no spectrum */
    put(buf, cap, &len, " qab=%d float32=%d", p->store_qab ? 1 : 0, p->float32 ? 1 : 0);
  }
  put(buf, cap, &len, " compress=%d", p->compress);
}

/* The first word "key=value" of want that have lacks or holds with another value. */
static int first_difference(const char *have, const char *want, char *h_word, char *w_word,
                            size_t cap) {
  for (const char *w = want; *w;) {
    while (*w == ' ') w++;
    size_t wl = strcspn(w, " "), kl = strcspn(w, "=");
    if (!wl) break;
    snprintf(w_word, cap, "%.*s", (int)wl, w);
    snprintf(h_word, cap, "no %.*s", (int)kl, w);
    for (const char *h = have; *h;) {
      while (*h == ' ') h++;
      size_t hl = strcspn(h, " ");
      if (!hl) break;
      if (hl > kl && !strncmp(h, w, kl + 1)) {
        snprintf(h_word, cap, "%.*s", (int)hl, h);
        break;
      }
      h += hl;
    }
    if (strcmp(h_word, w_word)) return 1;
    w += wl;
  }
  return 0;
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
  char hw[512], ww[512];
  if (!st && strcmp(have, want)) {
    /* a word of this command's, else one only the checkpoint has */
    if (!first_difference(have, want, hw, ww, sizeof hw)) first_difference(want, have, ww, hw, sizeof hw);
    st = tl_error_set(err, TL_ERR_INPUT, "%s: checkpoint of other parameters: %s there, %s in this "
                      "command (--resume continues the interrupted command unchanged)", ck, hw, ww);
  }
  if (!st) st = check_state(ds, ck, p, quota, max_cand, r, err);
  tl_dataset_close(ds);
  return st;
}
