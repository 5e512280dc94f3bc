/* Data-set reader: validates a file before use (kind, format version, attributes,
 * shapes, dtypes, and optionally every value) and reports the first problem in one line
 * naming the file and the field (docs/FORMAT.md). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/h5.h"
#include "data/dataset_io.h"

struct tl_dataset {
  hid_t file;
  hid_t d[TL_FIELD_COUNT];
  tl_kind kind[TL_FIELD_COUNT];
  char path[4096];
  tl_dataset_meta_t meta;
  int windowed;                 /* meta.method is "window"                     */
  int bulk_start, bulk_cells;   /* bulk window: local_marker finite there      */
};

void tl_dataset_close(tl_dataset_t *ds) {
  if (!ds) return;
  for (int f = 0; f < TL_FIELD_COUNT; f++)
    if (ds->d[f] >= 0) H5Dclose(ds->d[f]);
  if (ds->file >= 0) H5Fclose(ds->file);
  tl_free(ds);
}

const tl_dataset_meta_t *tl_dataset_meta(const tl_dataset_t *ds) { return &ds->meta; }

long tl_dataset_field_size(const tl_dataset_t *ds, tl_field f) {
  if (f < 0 || f >= TL_FIELD_COUNT || ds->d[f] < 0) return 0;
  return tl_ds_field_per_chain(f, ds->meta.L, ds->meta.r_max - ds->meta.r_min + 1);
}

static void shape_str(char *out, size_t cap, int rank, const hsize_t *d) {
  size_t k = (size_t)snprintf(out, cap, "(");
  for (int i = 0; i < rank && k < cap; i++)
    k += (size_t)snprintf(out + k, cap - k, "%s%llu", i ? ", " : "", (unsigned long long)d[i]);
  if (k < cap) snprintf(out + k, cap - k, rank == 1 ? ",)" : ")");
}

static const char *shape_names(tl_field f) {
  switch (f) {
    case TL_FIELD_HOPPINGS: return "(N, L, R)";
    case TL_FIELD_EIGVECS: return "(N, L, 2L)";
    case TL_FIELD_QAB: return "(N, L, L)";
    case TL_FIELD_ENERGIES: case TL_FIELD_ONSITE: return "(N, 2L)";
    case TL_FIELD_LOCAL_MARKER: return "(N, L)";
    default: return "(N,)";
  }
}

/* The stored type of field f must be exactly its kind (eigvecs/qab: float64 or float32). */
static tl_status check_type(tl_dataset_t *ds, tl_field f, tl_error *err) {
  hid_t t = H5Dget_type(ds->d[f]);
  H5T_class_t cls = H5Tget_class(t);
  size_t sz = H5Tget_size(t);
  H5T_sign_t sg = cls == H5T_INTEGER ? H5Tget_sign(t) : H5T_SGN_ERROR;
  H5Tclose(t);
  tl_kind want = tl_ds_field_kind(f, 0), got;
  if (cls == H5T_FLOAT && sz == 8) got = TL_KIND_F64;
  else if (cls == H5T_FLOAT && sz == 4) got = TL_KIND_F32;
  else if (cls == H5T_INTEGER && sz == 4 && sg == H5T_SGN_2) got = TL_KIND_I32;
  else if (cls == H5T_INTEGER && sz == 1 && sg == H5T_SGN_NONE) got = TL_KIND_U8;
  else if (cls == H5T_INTEGER && sz == 8 && sg == H5T_SGN_2) got = TL_KIND_I64;
  else got = (tl_kind)-1;
  int ok = got == want || ((f == TL_FIELD_EIGVECS || f == TL_FIELD_QAB) && got == TL_KIND_F32);
  if (!ok)
    return tl_error_set(err, TL_ERR_INPUT, "%s: dataset '%s' has type %s (expected %s%s)",
                        ds->path, tl_field_name(f),
                        (int)got >= 0 ? tl_ds_kind_name(got) : "of another kind",
                        tl_ds_kind_name(want),
                        f == TL_FIELD_EIGVECS || f == TL_FIELD_QAB ? " or float32" : "");
  ds->kind[f] = got;
  return TL_OK;
}

/* Attribute 'method' ("full" or "window"; absent in files written before long-chain mode:
 * full) and, for window, the window options. */
static tl_status read_method(tl_dataset_t *ds, tl_error *err) {
  const char *p = ds->path;
  tl_dataset_meta_t *m = &ds->meta;
  snprintf(m->method, sizeof m->method, "full");
  tl_window_opts_default(&m->window);
  if (tl_h5_has_attr(ds->file, "/", "method")) {
    tl_status st = tl_h5_attr_string(ds->file, p, "/", "method", m->method, sizeof m->method, err);
    if (st) return st;
    if (strcmp(m->method, "full") && strcmp(m->method, "window"))
      return tl_error_set(err, TL_ERR_INPUT, "%s: attribute 'method' is '%s' (expected full or "
                          "window)", p, m->method);
  }
  ds->windowed = !strcmp(m->method, "window");
  m->has_spectrum = !ds->windowed;
  if (!ds->windowed) return TL_OK;
  long block, buf0, buflim;
  tl_status st;
  if ((st = tl_h5_attr_int(ds->file, p, "/", "window_block", &block, err)) ||
      (st = tl_h5_attr_int(ds->file, p, "/", "window_buffer0", &buf0, err)) ||
      (st = tl_h5_attr_int(ds->file, p, "/", "window_buffer_limit", &buflim, err)) ||
      (st = tl_h5_attr_double(ds->file, p, "/", "window_tol", &m->window.tol, err)))
    return st;
  if (block < 1 || block > 1000000 || buf0 < 1 || buflim < buf0 || buflim > 1000000 ||
      !(m->window.tol > 0) || !isfinite(m->window.tol))
    return tl_error_set(err, TL_ERR_INPUT, "%s: window attributes block = %ld, buffer0 = %ld, "
                        "buffer_limit = %ld, tol = %g are out of range", p, block, buf0, buflim,
                        m->window.tol);
  m->window.block = (int)block;
  m->window.buffer0 = (int)buf0;
  m->window.buffer_limit = (int)buflim;
  if (m->onsite != 0)
    return tl_error_set(err, TL_ERR_INPUT, "%s: method 'window' with onsite_disorder = %g (expected "
                        "0: windows need a chiral family)", p, m->onsite);
  return TL_OK;
}

static tl_status read_meta(tl_dataset_t *ds, const char *want_kind, tl_error *err) {
  const char *p = ds->path;
  hid_t fl = ds->file;
  tl_dataset_meta_t *m = &ds->meta;
  tl_status st = tl_h5_expect_kind(
      fl, p, want_kind, strcmp(want_kind, "dataset") ? "generation checkpoint" : "data set", err);
  if (st) return st;
  long v, L, rmin, rmax, n, seed, bal;
  if ((st = tl_h5_attr_int(fl, p, "/", "format_version", &v, err))) return st;
  if (v != TL_DATASET_FORMAT_VERSION)
    return tl_error_set(err, TL_ERR_INPUT, "%s: format_version %ld is not supported (expected %d)",
                        p, v, TL_DATASET_FORMAT_VERSION);
  if ((st = tl_h5_attr_int(fl, p, "/", "n", &n, err)) ||
      (st = tl_h5_attr_int(fl, p, "/", "L", &L, err)) ||
      (st = tl_h5_attr_int(fl, p, "/", "r_min", &rmin, err)) ||
      (st = tl_h5_attr_int(fl, p, "/", "r_max", &rmax, err)) ||
      (st = tl_h5_attr_int(fl, p, "/", "seed", &seed, err)) ||
      (st = tl_h5_attr_int(fl, p, "/", "balanced", &bal, err)))
    return st;
  if (n < 1 || L < 1 || L > TL_L_MAX || rmin < -TL_RANGE_MAX || rmax > TL_RANGE_MAX || rmin > rmax)
    return tl_error_set(err, TL_ERR_INPUT, "%s: attributes n = %ld, L = %ld, r_min..r_max = "
                        "%ld..%ld are out of range", p, n, L, rmin, rmax);
  m->n = n;
  m->L = (int)L;
  m->r_min = (int)rmin;
  m->r_max = (int)rmax;
  m->seed = (uint64_t)seed;
  m->balanced = bal != 0;
  const size_t R = (size_t)(rmax - rmin + 1);
  char bc[16];
  if ((st = tl_h5_attr_double(fl, p, "/", "bulk_fraction", &m->bulk_fraction, err)) ||
      (st = tl_h5_attr_double(fl, p, "/", "delta", &m->delta, err)) ||
      (st = tl_h5_attr_double(fl, p, "/", "onsite_disorder", &m->onsite, err)) ||
      (st = tl_h5_attr_doubles(fl, p, "/", "hop_lo", m->t_lo, R, err)) ||
      (st = tl_h5_attr_doubles(fl, p, "/", "hop_hi", m->t_hi, R, err)) ||
      (st = tl_h5_attr_doubles(fl, p, "/", "disorder", m->disorder, R, err)) ||
      (st = tl_h5_attr_string(fl, p, "/", "boundary", bc, sizeof bc, err)) ||
      (st = tl_h5_attr_string(fl, p, "/", "version", m->version, sizeof m->version, err)) ||
      (st = tl_h5_attr_string(fl, p, "/", "created", m->created, sizeof m->created, err)) ||
      (st = tl_h5_attr_string(fl, p, "/", "command", m->command, sizeof m->command, err)))
    return st;
  if (strcmp(bc, "obc") && strcmp(bc, "pbc"))
    return tl_error_set(err, TL_ERR_INPUT, "%s: attribute 'boundary' is '%s' (expected obc or pbc)",
                        p, bc);
  m->boundary = strcmp(bc, "pbc") ? TL_OBC : TL_PBC;
  if (!(m->bulk_fraction > 0 && m->bulk_fraction <= 1) || !(m->delta > 0 && m->delta <= 0.5))
    return tl_error_set(err, TL_ERR_INPUT, "%s: attributes bulk_fraction = %g, delta = %g are out "
                        "of range (expected 0 < f <= 1, 0 < delta <= 0.5)", p, m->bulk_fraction,
                        m->delta);
  if ((st = tl_ds_check_meta(p, m, err))) return st;
  tl_bulk_window(m->L, m->bulk_fraction, &ds->bulk_start, &ds->bulk_cells);
  return read_method(ds, err);
}

static tl_status open_fields(tl_dataset_t *ds, tl_error *err) {
  tl_dataset_meta_t *m = &ds->meta;
  const int R = m->r_max - m->r_min + 1;
  for (int i = 0; i < TL_FIELD_COUNT; i++) {
    tl_field f = (tl_field)i;
    const char *name = tl_field_name(f);
    int present = tl_h5_has_dataset(ds->file, name);
    /* which fields may, must or must not be there (docs/FORMAT.md) */
    const int spectral = f == TL_FIELD_ENERGIES || f == TL_FIELD_EIGVECS || f == TL_FIELD_QAB;
    if (present && ((ds->windowed && spectral) || (!ds->windowed && f == TL_FIELD_W_ERROR)))
      return tl_error_set(err, TL_ERR_INPUT, "%s: dataset '%s' in a file with method '%s' "
                          "(expected %s)", ds->path, name, m->method,
                          ds->windowed ? "no spectrum: energies, eigvecs, qab absent"
                                       : "W_error only in method 'window' files");
    if (!present) {
      if (f == TL_FIELD_QAB || (ds->windowed && spectral)) continue;
      if (f == TL_FIELD_W_ERROR && !ds->windowed) continue;
      if (f == TL_FIELD_ONSITE && m->onsite == 0) continue;
      return tl_error_set(err, TL_ERR_INPUT, "%s: no dataset '%s' (expected shape %s%s)", ds->path,
                          name, shape_names(f),
                          f == TL_FIELD_W_ERROR ? " in a method 'window' file" : "");
    }
    int rank;
    hsize_t dims[8], want[3];
    tl_status st = tl_h5_dims(ds->file, ds->path, name, &rank, dims, err);
    if (st) return st;
    int wrank = tl_ds_field_dims(f, m->n, m->L, R, want);
    int ok = rank == wrank;
    for (int k = 0; ok && k < rank; k++) ok = dims[k] == want[k];
    if (!ok) {
      char got_s[96], want_s[96];
      shape_str(got_s, sizeof got_s, rank, dims);
      shape_str(want_s, sizeof want_s, wrank, want);
      return tl_error_set(err, TL_ERR_INPUT, "%s: dataset '%s' has shape %s (expected %s = %s "
                          "with N = %ld, L = %d, R = %d)", ds->path, name, got_s, want_s,
                          shape_names(f), m->n, m->L, R);
    }
    if ((ds->d[f] = H5Dopen2(ds->file, name, H5P_DEFAULT)) < 0)
      return tl_error_set(err, TL_ERR_INPUT, "%s: cannot open dataset '%s'", ds->path, name);
    if ((st = check_type(ds, f, err))) return st;
  }
  m->has_qab = ds->d[TL_FIELD_QAB] >= 0;
  m->has_onsite = ds->d[TL_FIELD_ONSITE] >= 0;
  m->eig_float32 = ds->kind[TL_FIELD_EIGVECS] == TL_KIND_F32;
  return TL_OK;
}

/* The rows a file claims must be stored in it. An HDF5 dataset may claim any extent
 * without the bytes: chunks never written read as fill values, so a file of a few
 * kilobytes can claim n = 10^9 chains and keep a reader busy for half an hour before the
 * values give it away. Our writer writes every row, so every chunk that holds one of the
 * rows [0, rows) exists (H5Dget_num_chunks walks the chunk index: O(chunks stored), which
 * the file's size bounds); a contiguous dataset holds all its bytes inside the file.
 * External and virtual storage (values in other files, which a hostile file could point
 * anywhere) are refused. */
static tl_status check_storage(const tl_dataset_t *ds, tl_field f, long rows, double file_bytes,
                               tl_error *err) {
  const char *name = tl_field_name(f);
  hid_t d = ds->d[f], dcpl = H5Dget_create_plist(d), sp = H5Dget_space(d), t = H5Dget_type(d);
  const H5D_layout_t lay = dcpl >= 0 ? H5Pget_layout(dcpl) : H5D_LAYOUT_ERROR;
  const int external = dcpl >= 0 ? H5Pget_external_count(dcpl) : -1;
  hsize_t dims[8], chunk[8], have = 0;
  const int rank = sp >= 0 ? H5Sget_simple_extent_dims(sp, dims, NULL) : -1;
  const int crank = lay == H5D_CHUNKED ? H5Pget_chunk(dcpl, 8, chunk) : 0;
  const int counted = lay == H5D_CHUNKED && H5Dget_num_chunks(d, sp, &have) >= 0;
  const double row_bytes = (double)tl_dataset_field_size(ds, f) * (double)(t >= 0 ? H5Tget_size(t) : 0);
  const double stored = (double)H5Dget_storage_size(d);
  const haddr_t at = lay == H5D_CONTIGUOUS ? H5Dget_offset(d) : HADDR_UNDEF;
  if (t >= 0) H5Tclose(t);
  if (sp >= 0) H5Sclose(sp);
  if (dcpl >= 0) H5Pclose(dcpl);
  if (external != 0 || lay == H5D_VIRTUAL)
    return tl_error_set(err, TL_ERR_INPUT, "%s: dataset '%s' keeps its values outside the file "
                        "(%s storage; expected them in the file)", ds->path, name,
                        external != 0 ? "external" : "virtual");
  if (rank < 1 || (lay == H5D_CHUNKED && (crank != rank || !counted)))
    return tl_error_set(err, TL_ERR_INPUT, "%s: dataset '%s' has an unreadable layout", ds->path,
                        name);
  if (lay == H5D_CHUNKED) {
    double need = rows > 0 ? 1 : 0; /* chunks holding a row [0, rows) */
    for (int k = 0; k < rank && chunk[k]; k++)
      need *= ceil((k ? (double)dims[k] : (double)rows) / (double)chunk[k]);
    if ((double)have < need)
      return tl_error_set(err, TL_ERR_INPUT, "%s: dataset '%s' stores %llu of the %.0f chunks "
                          "that its %ld chains fill (expected every chain written)", ds->path,
                          name, (unsigned long long)have, need, rows);
    return TL_OK;
  }
  const double need = (double)rows * row_bytes;
  if (stored < need || (at != HADDR_UNDEF && (double)at + stored > file_bytes))
    return tl_error_set(err, TL_ERR_INPUT, "%s: dataset '%s' stores %.0f bytes%s, its %ld chains "
                        "fill %.0f (expected every chain written)", ds->path, name, stored,
                        at != HADDR_UNDEF && (double)at + stored > file_bytes
                            ? " reaching beyond the end of the file" : "", rows, need);
  return TL_OK;
}

tl_status tl_ds_check_storage(const tl_dataset_t *ds, long rows, tl_error *err) {
  struct stat sb;
  const double file_bytes = stat(ds->path, &sb) == 0 ? (double)sb.st_size : INFINITY;
  for (int f = 0; f < TL_FIELD_COUNT; f++) {
    if (ds->d[f] < 0) continue;
    tl_status st = check_storage(ds, (tl_field)f, rows, file_bytes, err);
    if (st) return st;
  }
  return TL_OK;
}

static tl_status check_values(tl_dataset_t *ds, tl_field f, long first, long count,
                              tl_memtype mt, const void *buf, tl_error *err) {
  if (mt != TL_MEM_F64 && mt != TL_MEM_F32) return TL_OK;
  const long per = tl_dataset_field_size(ds, f);
  const size_t total = (size_t)count * (size_t)per;
  for (size_t i = 0; i < total; i++) {
    double x = mt == TL_MEM_F64 ? ((const double *)buf)[i] : (double)((const float *)buf)[i];
    const long entry = (long)(i % (size_t)per);
    if (f == TL_FIELD_W_ERROR && !(x >= 0))
      return tl_error_set(err, TL_ERR_INPUT, "%s: dataset 'W_error', chain %ld is %g (expected a "
                          "finite number >= 0)", ds->path, first + (long)(i / (size_t)per), x);
    if (isfinite(x) || (isnan(x) && tl_ds_field_nan_ok(f))) continue;
    /* long-chain files: the marker is computed on the bulk window only */
    const int outside = entry < ds->bulk_start || entry >= ds->bulk_start + ds->bulk_cells;
    if (isnan(x) && f == TL_FIELD_LOCAL_MARKER && ds->windowed && outside) continue;
    return tl_error_set(err, TL_ERR_INPUT, "%s: dataset '%s', chain %ld, entry %ld is %g "
                        "(expected a finite number%s)", ds->path, tl_field_name(f),
                        first + (long)(i / (size_t)per), entry, x,
                        f == TL_FIELD_LOCAL_MARKER && ds->windowed ? " in the bulk window" : "");
  }
  return TL_OK;
}

tl_status tl_dataset_read(tl_dataset_t *ds, tl_field f, long first, long count, tl_memtype mt,
                          void *buf, tl_error *err) {
  if (f < 0 || f >= TL_FIELD_COUNT)
    return tl_error_set(err, TL_ERR_INTERNAL, "field %d does not exist", (int)f);
  if (ds->d[f] < 0)
    return tl_error_set(err, TL_ERR_INPUT, "%s: no dataset '%s' in this file%s", ds->path,
                        tl_field_name(f),
                        ds->windowed && f != TL_FIELD_ONSITE
                            ? " (long-chain file, generated with --method window: no spectrum)"
                        : f == TL_FIELD_QAB ? " (generated with --no-qab)"
                        : "");
  if (first < 0 || count < 0 || first + count > ds->meta.n)
    return tl_error_set(err, TL_ERR_INPUT, "%s: chains %ld..%ld are out of range (file holds %ld)",
                        ds->path, first, first + count - 1, ds->meta.n);
  if (count == 0) return TL_OK;
  static const tl_kind mk[] = {TL_KIND_F64, TL_KIND_F32, TL_KIND_I32, TL_KIND_U8, TL_KIND_I64};
  tl_status st = tl_h5_read_rows(ds->d[f], ds->path, tl_field_name(f), tl_ds_kind_mtype(mk[mt]),
                                 (hsize_t)first, (hsize_t)count, buf, err);
  if (st) return st;
  return check_values(ds, f, first, count, mt, buf, err);
}

/* Reads rows [0, rows) of every field in blocks of about 8 MiB (tl_dataset_read checks
 * that each value is finite) and passes each block through the value rules. */
tl_status tl_ds_verify_rows(tl_dataset_t *ds, long rows, tl_error *err) {
  const tl_dataset_meta_t *m = &ds->meta;
  long per = 0; /* doubles per chain over the float fields */
  for (int f = 0; f < TL_FIELD_COUNT; f++)
    if (ds->d[f] >= 0 && ds->kind[f] != TL_KIND_I32 && ds->kind[f] != TL_KIND_U8 &&
        ds->kind[f] != TL_KIND_I64)
      per += tl_dataset_field_size(ds, (tl_field)f);
  long blk = (long)((8u << 20) / (8 * (size_t)per));
  if (blk < 1) blk = 1;
  if (blk > rows) blk = rows > 0 ? rows : 1;
  double *buf = tl_malloc((size_t)blk * (size_t)per * sizeof *buf);
  double *scratch = tl_malloc((size_t)m->L * sizeof *scratch);
  int32_t *lab = tl_malloc((size_t)blk * sizeof *lab);
  uint8_t *amb = tl_malloc((size_t)blk * sizeof *amb);
  int64_t *cand = tl_malloc((size_t)blk * sizeof *cand);
  tl_status st = TL_OK;
  if (!buf || !scratch || !lab || !amb || !cand)
    st = tl_error_set(err, TL_ERR_NOMEM, "out of memory verifying %s", ds->path);
  tl_ds_check_t chk;
  tl_ds_check_init(&chk, ds->path, m, ds->kind[TL_FIELD_QAB] == TL_KIND_F32, ds->windowed, scratch);
  tl_ds_rows_t r = {.label = lab, .ambiguous = amb, .candidate = cand};
  for (long i = 0; i < rows && !st; i += blk) {
    r.first = i;
    r.count = rows - i < blk ? rows - i : blk;
    double *at = buf;
    for (int f = 0; f < TL_FIELD_COUNT && !st; f++) {
      r.v[f] = NULL;
      if (ds->d[f] < 0 || ds->kind[f] == TL_KIND_I32 || ds->kind[f] == TL_KIND_U8 ||
          ds->kind[f] == TL_KIND_I64)
        continue;
      st = tl_dataset_read(ds, (tl_field)f, i, r.count, TL_MEM_F64, at, err);
      r.v[f] = at;
      at += (size_t)r.count * (size_t)tl_dataset_field_size(ds, (tl_field)f);
    }
    if (!st) st = tl_dataset_read(ds, TL_FIELD_LABEL, i, r.count, TL_MEM_I32, lab, err);
    if (!st) st = tl_dataset_read(ds, TL_FIELD_AMBIGUOUS, i, r.count, TL_MEM_U8, amb, err);
    if (!st) st = tl_dataset_read(ds, TL_FIELD_CANDIDATE, i, r.count, TL_MEM_I64, cand, err);
    if (!st) st = tl_ds_check_rows(&chk, &r, err);
  }
  tl_free(buf);
  tl_free(scratch);
  tl_free(lab);
  tl_free(amb);
  tl_free(cand);
  return st;
}

tl_status tl_dataset_open(tl_dataset_t **out, const char *path, int flags, tl_error *err) {
  *out = NULL;
  tl_dataset_t *ds = tl_calloc(1, sizeof *ds);
  if (!ds) return tl_error_set(err, TL_ERR_NOMEM, "out of memory opening %s", path);
  ds->file = H5I_INVALID_HID;
  for (int f = 0; f < TL_FIELD_COUNT; f++) ds->d[f] = H5I_INVALID_HID;
  snprintf(ds->path, sizeof ds->path, "%s", path);
  tl_status st = tl_h5_open_read(path, &ds->file, err);
  if (!st) st = read_meta(ds, flags & TL_DS_OPEN_CHECKPOINT ? TL_DS_CHECKPOINT_KIND : "dataset", err);
  if (!st) st = open_fields(ds, err);
  /* a checkpoint's rows beyond checkpoint_rows are not written yet: its resume checks */
  if (!st && !(flags & TL_DS_OPEN_CHECKPOINT)) st = tl_ds_check_storage(ds, ds->meta.n, err);
  if (!st && (flags & TL_DATASET_VERIFY)) st = tl_ds_verify_rows(ds, ds->meta.n, err);
  if (st) {
    tl_dataset_close(ds);
    return st;
  }
  *out = ds;
  return TL_OK;
}

tl_status tl_dataset_info(const char *path, tl_dataset_info_t *info, tl_error *err) {
  memset(info, 0, sizeof *info);
  tl_dataset_t *ds;
  tl_status st = tl_dataset_open(&ds, path, TL_DATASET_VERIFY, err);
  if (st) return st;
  info->meta = ds->meta;
  info->label_lo = -TL_INFO_LABELS / 2;
  const long n = ds->meta.n, blk = 65536;
  int32_t *lab = tl_malloc((size_t)blk * sizeof *lab);
  uint8_t *amb = tl_malloc((size_t)blk * sizeof *amb);
  double *kw = tl_malloc((size_t)blk * sizeof *kw);
  double *we = ds->windowed ? tl_malloc((size_t)blk * sizeof *we) : NULL;
  if (!lab || !amb || !kw || (ds->windowed && !we)) st = tl_error_set(err, TL_ERR_NOMEM, "out of memory reading %s", path);
  for (long i = 0; i < n && !st; i += blk) {
    long c = n - i < blk ? n - i : blk;
    st = tl_dataset_read(ds, TL_FIELD_LABEL, i, c, TL_MEM_I32, lab, err);
    if (!st) st = tl_dataset_read(ds, TL_FIELD_AMBIGUOUS, i, c, TL_MEM_U8, amb, err);
    if (!st) st = tl_dataset_read(ds, TL_FIELD_W_KSPACE, i, c, TL_MEM_F64, kw, err);
    if (!st && we) st = tl_dataset_read(ds, TL_FIELD_W_ERROR, i, c, TL_MEM_F64, we, err);
    for (long j = 0; j < c && !st && we; j++) {
      if (we[j] > info->W_error_max) info->W_error_max = we[j];
      info->W_error_mean += we[j];
    }
    for (long j = 0; j < c && !st; j++) {
      long k = (long)lab[j] - info->label_lo;
      if (k < 0 || k >= TL_INFO_LABELS) info->out_of_range++;
      else {
        info->counts[k]++;
        info->ambiguous_counts[k] += amb[j] != 0;
      }
      info->ambiguous += amb[j] != 0;
      if (!isnan(kw[j])) {
        info->kspace_defined++;
        info->kspace_agree += kw[j] == (double)lab[j];
      }
    }
  }
  if (!st && we) info->W_error_mean /= (double)n;
  tl_free(lab);
  tl_free(amb);
  tl_free(kw);
  tl_free(we);
  tl_dataset_close(ds);
  return st;
}

tl_status tl_file_provenance(const char *path, tl_file_provenance_t *out, tl_error *err) {
  memset(out, 0, sizeof *out);
  out->format_version = -1;
  hid_t f;
  tl_status st = tl_h5_open_read(path, &f, err);
  if (st) return st;
  st = tl_h5_kind(f, path, out->kind, sizeof out->kind, err);
  if (!st && tl_h5_has_attr(f, "/", "format_version"))
    st = tl_h5_attr_int(f, path, "/", "format_version", &out->format_version, err);
  if (!st && tl_h5_has_attr(f, "/", "version"))
    st = tl_h5_attr_string(f, path, "/", "version", out->version, sizeof out->version, err);
  if (!st && tl_h5_has_attr(f, "/", "created"))
    st = tl_h5_attr_string(f, path, "/", "created", out->created, sizeof out->created, err);
  if (!st && tl_h5_has_attr(f, "/", "command"))
    st = tl_h5_attr_string(f, path, "/", "command", out->command, sizeof out->command, err);
  H5Fclose(f);
  return st;
}

hid_t tl_ds_file(const tl_dataset_t *ds) { return ds->file; }
