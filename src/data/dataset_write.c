/* Data-set writer: attributes (parameters + provenance), chunked datasets, rows in
 * blocks (docs/FORMAT.md). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/h5.h"
#include "data/dataset_io.h"

tl_status tl_ds_block_init(tl_ds_block_t *b, long cap, int L, int R, int float32, int has_qab,
                           int has_onsite, int windowed, tl_error *err) {
  memset(b, 0, sizeof *b);
  b->cap = cap;
  for (int f = 0; f < TL_FIELD_COUNT; f++) {
    if (!tl_ds_field_present((tl_field)f, has_qab, has_onsite, windowed)) continue;
    b->row_bytes[f] = (size_t)tl_ds_field_per_chain((tl_field)f, L, R) *
                      tl_ds_kind_size(tl_ds_field_kind((tl_field)f, float32));
    if (!(b->f[f] = tl_malloc((size_t)cap * b->row_bytes[f]))) {
      tl_ds_block_free(b);
      return tl_error_set(err, TL_ERR_NOMEM, "out of memory for a block of %ld chains at L = %d",
                          cap, L);
    }
  }
  return TL_OK;
}

void tl_ds_block_free(tl_ds_block_t *b) {
  for (int f = 0; f < TL_FIELD_COUNT; f++) {
    tl_free(b->f[f]);
    b->f[f] = NULL;
  }
}

void tl_ds_block_copy(tl_ds_block_t *dst, long i, const tl_ds_block_t *src, long j) {
  for (int f = 0; f < TL_FIELD_COUNT; f++)
    if (src->f[f])
      memcpy(dst->f[f] + (size_t)i * dst->row_bytes[f], src->f[f] + (size_t)j * src->row_bytes[f],
             src->row_bytes[f]);
}

size_t tl_ds_block_row_bytes(const tl_ds_block_t *b) {
  size_t s = 0;
  for (int f = 0; f < TL_FIELD_COUNT; f++) s += b->row_bytes[f];
  return s;
}

static void utc_now(char *created, size_t cap) {
  time_t now = time(NULL);
  struct tm tmv;
  gmtime_r(&now, &tmv);
  strftime(created, cap, "%Y-%m-%dT%H:%M:%SZ", &tmv);
}

static tl_status write_attrs(hid_t root, const char *path, const tl_dataset_params_t *p,
                             int windowed, tl_error *err) {
  const tl_family_t *fam = &p->fam;
  const int R = fam->r_max - fam->r_min + 1;
  char created[64];
  utc_now(created, sizeof created);
  tl_status st;
#define TRY(x) if ((st = (x))) return st
  TRY(tl_h5_write_attr_string(root, path, "/", "kind", "dataset", err));
  TRY(tl_h5_write_attr_int(root, path, "/", "format_version", TL_DATASET_FORMAT_VERSION, err));
  TRY(tl_h5_write_attr_int(root, path, "/", "n", p->n, err));
  TRY(tl_h5_write_attr_int(root, path, "/", "L", fam->L, err));
  TRY(tl_h5_write_attr_int(root, path, "/", "r_min", fam->r_min, err));
  TRY(tl_h5_write_attr_int(root, path, "/", "r_max", fam->r_max, err));
  TRY(tl_h5_write_attr_int(root, path, "/", "seed", (long long)p->seed, err));
  TRY(tl_h5_write_attr_double(root, path, "/", "bulk_fraction", p->rswn.bulk_fraction, err));
  TRY(tl_h5_write_attr_double(root, path, "/", "delta", p->rswn.delta, err));
  TRY(tl_h5_write_attr_string(root, path, "/", "boundary", fam->boundary == TL_PBC ? "pbc" : "obc", err));
  TRY(tl_h5_write_attr_doubles(root, path, "/", "hop_lo", p->t_lo, (size_t)R, err));
  TRY(tl_h5_write_attr_doubles(root, path, "/", "hop_hi", p->t_hi, (size_t)R, err));
  TRY(tl_h5_write_attr_doubles(root, path, "/", "disorder", fam->disorder, (size_t)R, err));
  TRY(tl_h5_write_attr_double(root, path, "/", "onsite_disorder", fam->onsite, err));
  TRY(tl_h5_write_attr_int(root, path, "/", "balanced", p->balanced ? 1 : 0, err));
  TRY(tl_h5_write_attr_string(root, path, "/", "method", windowed ? "window" : "full", err));
  if (windowed) {
    TRY(tl_h5_write_attr_int(root, path, "/", "window_block", p->window.block, err));
    TRY(tl_h5_write_attr_int(root, path, "/", "window_buffer0", p->window.buffer0, err));
    TRY(tl_h5_write_attr_int(root, path, "/", "window_buffer_limit", p->window.buffer_limit, err));
    TRY(tl_h5_write_attr_double(root, path, "/", "window_tol", p->window.tol, err));
  }
  TRY(tl_h5_write_attr_string(root, path, "/", "version", TL_VERSION, err));
  TRY(tl_h5_write_attr_string(root, path, "/", "command", p->command ? p->command : "", err));
  TRY(tl_h5_write_attr_string(root, path, "/", "created", created, err));
#undef TRY
  return TL_OK;
}

/* Chunks along the chain axis. Large fields (eigvecs, qab, energies, local_marker): about
 * 1 MiB, big enough for deflate and fast sequential reads, small enough that a training
 * minibatch touches few of them. Small fields (always deflated): one chunk per block of
 * the generator, so every block written compresses the same amount (a chunk that
 * filled only every few blocks made those writes ten times longer, which rank 0 of a
 * multi-rank run could not plan for); at least 64 KiB of values for deflate. */
static hsize_t chunk_chains(size_t row_bytes, long n, int large, long block) {
  const size_t bytes = row_bytes ? row_bytes : 1;
  hsize_t c = large ? (hsize_t)((1u << 20) / bytes) : (hsize_t)block;
  if (!large) {
    const hsize_t min_c = (hsize_t)((64u << 10) / bytes);
    if (c < min_c) c = (min_c + (hsize_t)block - 1) / (hsize_t)block * (hsize_t)block;
  }
  if (c < 1) c = 1;
  if (c > (hsize_t)n) c = (hsize_t)n;
  return c;
}

tl_status tl_ds_writer_open(tl_ds_writer_t *w, const char *file_path, const char *path,
                            const tl_dataset_params_t *p, long block, tl_error *err) {
  tl_h5_quiet();
  memset(w, 0, sizeof *w);
  for (int f = 0; f < TL_FIELD_COUNT; f++) w->d[f] = H5I_INVALID_HID;
  w->path = path;
  w->float32 = p->float32;
  w->file = tl_h5_create_temporary(file_path);
  if (w->file < 0) return tl_error_set(err, TL_ERR_IO, "%s: cannot create the HDF5 file", path);
  const int windowed = tl_dataset_params_windowed(p);
  tl_status st = write_attrs(w->file, path, p, windowed, err);
  const int L = p->fam.L, R = p->fam.r_max - p->fam.r_min + 1;
  const int has_onsite = p->fam.onsite > 0;
  for (int f = 0; f < TL_FIELD_COUNT && !st; f++) {
    if (!tl_ds_field_present((tl_field)f, p->store_qab, has_onsite, windowed)) continue;
    hsize_t dims[3];
    int rank = tl_ds_field_dims((tl_field)f, p->n, L, R, dims);
    tl_kind k = tl_ds_field_kind((tl_field)f, p->float32);
    size_t row = (size_t)tl_ds_field_per_chain((tl_field)f, L, R) * tl_ds_kind_size(k);
    const int large = tl_ds_field_is_large((tl_field)f);
    st = tl_h5_create_chunked(w->file, path, tl_field_name((tl_field)f), tl_ds_kind_ftype(k), rank,
                              dims, chunk_chains(row, p->n, large, block),
                              large ? p->compress : TL_DS_SMALL_LEVEL, &w->d[f], err);
  }
  if (st) {
    tl_error scratch;
    tl_ds_writer_close(w, &scratch);
  }
  return st;
}

tl_status tl_ds_writer_rows(tl_ds_writer_t *w, const tl_ds_block_t *b, long first, long count,
                            tl_error *err) {
  for (int f = 0; f < TL_FIELD_COUNT; f++) {
    if (w->d[f] < 0) continue;
    tl_status st = tl_h5_write_rows(w->d[f], w->path, tl_field_name((tl_field)f),
                                    tl_ds_kind_mtype(tl_ds_field_kind((tl_field)f, w->float32)),
                                    (hsize_t)first, (hsize_t)count, b->f[f], err);
    if (st) return st;
  }
  return TL_OK;
}

tl_status tl_ds_writer_close(tl_ds_writer_t *w, tl_error *err) {
  herr_t rc = 0;
  for (int f = 0; f < TL_FIELD_COUNT; f++)
    if (w->d[f] >= 0) {
      if (H5Dclose(w->d[f]) < 0) rc = -1;
      w->d[f] = H5I_INVALID_HID;
    }
  if (w->file >= 0) {
    if (H5Fclose(w->file) < 0) rc = -1;
    w->file = H5I_INVALID_HID;
  }
  if (rc < 0) return tl_error_set(err, TL_ERR_IO, "%s: cannot finish the HDF5 file (disk full?)", w->path);
  return TL_OK;
}

tl_status tl_ds_writer_reopen(tl_ds_writer_t *w, const char *file_path, const char *path,
                              const tl_dataset_params_t *p, tl_error *err) {
  tl_h5_quiet();
  memset(w, 0, sizeof *w);
  for (int f = 0; f < TL_FIELD_COUNT; f++) w->d[f] = H5I_INVALID_HID;
  w->path = path;
  w->float32 = p->float32;
  w->file = H5Fopen(file_path, H5F_ACC_RDWR, H5P_DEFAULT);
  if (w->file < 0)
    return tl_error_set(err, TL_ERR_IO, "%s: cannot reopen the copy of its checkpoint", path);
  const int windowed = tl_dataset_params_windowed(p), has_onsite = p->fam.onsite > 0;
  for (int f = 0; f < TL_FIELD_COUNT; f++) {
    if (!tl_ds_field_present((tl_field)f, p->store_qab, has_onsite, windowed)) continue;
    w->d[f] = H5Dopen2(w->file, tl_field_name((tl_field)f), H5P_DEFAULT);
    if (w->d[f] < 0) {
      tl_error scratch;
      tl_ds_writer_close(w, &scratch);
      return tl_error_set(err, TL_ERR_INPUT, "%s: its checkpoint has no dataset '%s'", path,
                          tl_field_name((tl_field)f));
    }
  }
  return TL_OK;
}

tl_status tl_ds_checkpoint_mark(tl_ds_writer_t *w, const tl_dataset_params_t *p, long rows,
                                long next, tl_error *err) {
  char desc[8192];
  tl_ds_params_describe(p, desc, sizeof desc);
  tl_status st;
  if ((st = tl_h5_write_attr_string(w->file, w->path, "/", "kind", TL_DS_CHECKPOINT_KIND, err)) ||
      (st = tl_h5_write_attr_int(w->file, w->path, "/", "checkpoint_rows", rows, err)) ||
      (st = tl_h5_write_attr_int(w->file, w->path, "/", "checkpoint_next", next, err)) ||
      (st = tl_h5_write_attr_string(w->file, w->path, "/", "checkpoint_params", desc, err)))
    return st;
  return TL_OK;
}

tl_status tl_ds_checkpoint_unmark(tl_ds_writer_t *w, const tl_dataset_params_t *p,
                                  tl_error *err) {
  static const char *const names[] = {"checkpoint_rows", "checkpoint_next", "checkpoint_params"};
  for (int i = 0; i < 3; i++)
    if (tl_h5_has_attr(w->file, "/", names[i]) && H5Adelete(w->file, names[i]) < 0)
      return tl_error_set(err, TL_ERR_IO, "%s: cannot remove attribute '%s'", w->path, names[i]);
  char created[64];
  utc_now(created, sizeof created);
  tl_status st;
  if ((st = tl_h5_write_attr_string(w->file, w->path, "/", "kind", "dataset", err)) ||
      (st = tl_h5_write_attr_string(w->file, w->path, "/", "command", p->command ? p->command : "",
                                    err)) ||
      (st = tl_h5_write_attr_string(w->file, w->path, "/", "created", created, err)))
    return st;
  return TL_OK;
}
