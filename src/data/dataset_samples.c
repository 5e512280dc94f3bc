/* A whole data-set file into an in-memory sample set (what train and eval use): the
 * reader validates the file, then every field the models read is copied in double.
 * Long-chain files (no spectrum) are refused. */
#include <stdio.h>
#include <string.h>

#include "topolearn/dataset.h"
#include "topolearn/samples.h"

tl_status tl_dataset_load_samples(const char *path, tl_samples_t **out, tl_error *err) {
  *out = NULL;
  tl_dataset_t *ds;
  tl_status st = tl_dataset_open(&ds, path, TL_DATASET_VERIFY, err);
  if (st) return st;
  const tl_dataset_meta_t *mt = tl_dataset_meta(ds);
  if (!mt->has_spectrum) {
    tl_dataset_close(ds);
    return tl_error_set(err, TL_ERR_INPUT, "%s: has no spectrum: generated with --method window; "
                        "models need eigenvectors", path);
  }
  if (mt->n > 0x7fffffffL) {
    tl_dataset_close(ds);
    return tl_error_set(err, TL_ERR_INPUT, "%s: %ld chains do not fit in memory here", path, mt->n);
  }
  tl_samples_t *s = NULL;
  st = tl_samples_new(&s, (int)mt->n, mt->L, mt->r_min, mt->r_max, mt->boundary, mt->has_qab, err);
  const long n = mt->n;
  if (!st) st = tl_dataset_read(ds, TL_FIELD_HOPPINGS, 0, n, TL_MEM_F64, s->t, err);
  if (!st) st = tl_dataset_read(ds, TL_FIELD_EIGVECS, 0, n, TL_MEM_F64, s->psi, err);
  if (!st && mt->has_qab) st = tl_dataset_read(ds, TL_FIELD_QAB, 0, n, TL_MEM_F64, s->qab, err);
  if (!st) st = tl_dataset_read(ds, TL_FIELD_ENERGIES, 0, n, TL_MEM_F64, s->energies, err);
  if (!st) st = tl_dataset_read(ds, TL_FIELD_W, 0, n, TL_MEM_F64, s->W, err);
  if (!st) st = tl_dataset_read(ds, TL_FIELD_LABEL, 0, n, TL_MEM_I32, s->label, err);
  if (!st) st = tl_dataset_read(ds, TL_FIELD_AMBIGUOUS, 0, n, TL_MEM_U8, s->ambiguous, err);
  tl_dataset_close(ds);
  if (st) {
    tl_samples_free(s);
    return st;
  }
  *out = s;
  return TL_OK;
}

size_t tl_dataset_params_size(void) { return sizeof(tl_dataset_params_t); }
size_t tl_dataset_meta_size(void) { return sizeof(tl_dataset_meta_t); }
