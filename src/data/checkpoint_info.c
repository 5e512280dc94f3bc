/* What an interrupted run's checkpoint holds, for `topolearn info`: how much of the run
 * is done and the parameter words a resume must match (docs/FORMAT.md "Checkpoints",
 * "Phase-diagram checkpoints"). Full validation is the resume's job. */
#include <string.h>

#include "core/h5.h"
#include "data/dataset_io.h"
#include "topolearn/dataset.h"
#include "topolearn/phase.h"

/* The done flags of a phase checkpoint: how many of how many. */
static tl_status count_done(hid_t f, const char *path, tl_checkpoint_info_t *out, tl_error *err) {
  int rank = 0;
  hsize_t dims[8];
  tl_status st = tl_h5_dims(f, path, "done", &rank, dims, err);
  if (st) return st;
  if (rank != 1 || dims[0] > (hsize_t)1 << 40)
    return tl_error_set(err, TL_ERR_INPUT, "%s: dataset 'done' has rank %d (expected a vector)",
                        path, rank);
  unsigned char *done = tl_malloc(dims[0] ? (size_t)dims[0] : 1);
  if (!done) return tl_error_set(err, TL_ERR_NOMEM, "out of memory for %llu flags",
                                 (unsigned long long)dims[0]);
  st = tl_h5_read_vector(f, path, "done", H5T_NATIVE_UCHAR, dims[0], done, err);
  out->total = (long)dims[0];
  for (hsize_t i = 0; !st && i < dims[0]; i++) out->done += done[i] != 0;
  tl_free(done);
  return st;
}

tl_status tl_checkpoint_info(const char *path, tl_checkpoint_info_t *out, tl_error *err) {
  memset(out, 0, sizeof *out);
  hid_t f;
  tl_status st = tl_h5_open_read(path, &f, err);
  if (st) return st;
  char kind[64];
  st = tl_h5_kind(f, path, kind, sizeof kind, err);
  if (!st && !strcmp(kind, TL_DS_CHECKPOINT_KIND)) {
    out->unit = "chains";
    if (!(st = tl_h5_attr_int(f, path, "/", "checkpoint_rows", &out->done, err)))
      st = tl_h5_attr_int(f, path, "/", "n", &out->total, err);
  } else if (!st && !strcmp(kind, TL_PHASE_CHECKPOINT_KIND)) {
    out->unit = "realisations";
    st = count_done(f, path, out, err);
  } else if (!st) {
    st = tl_error_set(err, TL_ERR_INPUT, "%s: kind '%s' is not a checkpoint (expected '%s' or "
                      "'%s')", path, kind, TL_DS_CHECKPOINT_KIND, TL_PHASE_CHECKPOINT_KIND);
  }
  if (!st) st = tl_h5_attr_string(f, path, "/", "checkpoint_params", out->params,
                                  sizeof out->params, err);
  H5Fclose(f);
  return st;
}
