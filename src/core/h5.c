/* Private HDF5 helpers (see h5.h). */
#include "core/h5.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void tl_h5_quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

void tl_init(void) {
  /* No HDF5 atexit handler: after a write fails (a full disk), HDF5 keeps the file
   * whose close failed in its tables and closing it again at exit crashes; the
   * temporary it wrote has been removed by then, so there is nothing left to close. */
  H5dont_atexit();
  tl_h5_quiet();
}

hid_t tl_h5_create_temporary(const char *tmp_path) {
  tl_h5_quiet();
  /* the name stays reserved by the outfile's cleanup list; EXCL catches a stranger */
  unlink(tmp_path);
  return H5Fcreate(tmp_path, H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
}

tl_status tl_h5_open_read(const char *path, hid_t *file, tl_error *err) {
  tl_h5_quiet();
  *file = H5I_INVALID_HID;
  FILE *fp = fopen(path, "rb");
  if (!fp) return tl_error_set(err, TL_ERR_IO, "%s: cannot open (%s)", path, strerror(errno));
  fclose(fp);
  tl_status st = tl_h5_probe(path, err); /* a corrupt file crashes a child, not us */
  if (st) return st;
  htri_t is = H5Fis_hdf5(path);
  if (is <= 0)
    return tl_error_set(err, TL_ERR_INPUT, "%s: not an HDF5 file, or truncated (expected a "
                        "topolearn HDF5 file)", path);
  *file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (*file < 0)
    return tl_error_set(err, TL_ERR_INPUT, "%s: HDF5 cannot open it (truncated or corrupt?)", path);
  return TL_OK;
}

int tl_h5_has_dataset(hid_t file, const char *name) {
  return H5Lexists(file, name, H5P_DEFAULT) > 0 &&
         H5Oexists_by_name(file, name, H5P_DEFAULT) > 0;
}

int tl_h5_has_attr(hid_t file, const char *obj, const char *name) {
  return H5Aexists_by_name(file, obj, name, H5P_DEFAULT) > 0;
}

tl_status tl_h5_kind(hid_t file, const char *path, char *kind, size_t cap, tl_error *err) {
  if (!tl_h5_has_attr(file, "/", "kind"))
    return tl_error_set(err, TL_ERR_INPUT, "%s: not a topolearn file (no 'kind' attribute; "
                        "written by another program?)", path);
  return tl_h5_attr_string(file, path, "/", "kind", kind, cap, err);
}

tl_status tl_h5_expect_kind(hid_t file, const char *path, const char *want, const char *what,
                            tl_error *err) {
  char kind[64];
  tl_status st = tl_h5_kind(file, path, kind, sizeof kind, err);
  if (!st && strcmp(kind, want))
    st = tl_error_set(err, TL_ERR_INPUT, "%s: is a topolearn '%s' file, not a %s (expected kind "
                      "'%s')", path, kind, what, want);
  return st;
}

tl_status tl_h5_dims(hid_t loc, const char *path, const char *name, int *rank, hsize_t dims[8],
                     tl_error *err) {
  if (!tl_h5_has_dataset(loc, name))
    return tl_error_set(err, TL_ERR_INPUT, "%s: no dataset '%s'", path, name);
  hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
  if (d < 0) return tl_error_set(err, TL_ERR_INPUT, "%s: cannot open dataset '%s'", path, name);
  hid_t sp = H5Dget_space(d);
  int r = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
  if (r < 0 || r > 8) {
    if (sp >= 0) H5Sclose(sp);
    H5Dclose(d);
    return tl_error_set(err, TL_ERR_INPUT, "%s: dataset '%s' has an unreadable shape", path, name);
  }
  H5Sget_simple_extent_dims(sp, dims, NULL);
  *rank = r;
  H5Sclose(sp);
  H5Dclose(d);
  return TL_OK;
}

/* An attribute of exactly count values of memtype's class (integer or float). */
static tl_status read_attr(hid_t file, const char *path, const char *obj, const char *name,
                           hid_t memtype, size_t count, void *out, tl_error *err) {
  if (!tl_h5_has_attr(file, obj, name))
    return tl_error_set(err, TL_ERR_INPUT, "%s: missing attribute '%s'", path, name);
  hid_t a = H5Aopen_by_name(file, obj, name, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0) return tl_error_set(err, TL_ERR_INPUT, "%s: cannot open attribute '%s'", path, name);
  hid_t sp = H5Aget_space(a);
  hssize_t n = H5Sget_simple_extent_npoints(sp);
  H5Sclose(sp);
  hid_t ft = H5Aget_type(a);
  H5T_class_t cls = H5Tget_class(ft);
  H5Tclose(ft);
  H5T_class_t want = H5Tget_class(memtype);
  herr_t rc = -1;
  if (n == (hssize_t)count && cls == want) rc = H5Aread(a, memtype, out);
  H5Aclose(a);
  if (rc < 0 && count == 1)
    return tl_error_set(err, TL_ERR_INPUT, "%s: attribute '%s' is not a single %s", path, name,
                        want == H5T_INTEGER ? "integer" : "number");
  if (rc < 0)
    return tl_error_set(err, TL_ERR_INPUT, "%s: attribute '%s' is not %zu numbers", path, name,
                        count);
  return TL_OK;
}

tl_status tl_h5_attr_int(hid_t file, const char *path, const char *obj, const char *name,
                         long *out, tl_error *err) {
  long long v;
  tl_status st = read_attr(file, path, obj, name, H5T_NATIVE_LLONG, 1, &v, err);
  if (!st) *out = (long)v;
  return st;
}

tl_status tl_h5_attr_double(hid_t file, const char *path, const char *obj, const char *name,
                            double *out, tl_error *err) {
  return read_attr(file, path, obj, name, H5T_NATIVE_DOUBLE, 1, out, err);
}

/* Offset of the first byte that is not well-formed UTF-8 text (a control character or a
 * broken sequence), or -1. Our strings are names, numbers and command lines; a corrupt
 * heap gives binary junk that would reach the terminal. */
static long first_non_text(const unsigned char *s) {
  for (long i = 0; s[i];) {
    unsigned c = s[i];
    int more = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : -1;
    if (more < 0 || (more == 0 && (c < 0x20 || c == 0x7f)) || (more == 1 && c < 0xc2)) return i;
    for (int k = 1; k <= more; k++)
      if ((s[i + k] & 0xc0) != 0x80) return i;
    i += 1 + more;
  }
  return -1;
}

/* A string cut to the caller's capacity may end inside a multibyte character: drop it. */
static void trim_cut_sequence(char *s) {
  size_t n = strlen(s), i = n;
  while (i > 0 && n - i < 4 && ((unsigned char)s[i - 1] & 0xc0) == 0x80) i--;
  if (i == 0 || (unsigned char)s[i - 1] < 0xc0) return;
  unsigned c = (unsigned char)s[i - 1];
  size_t len = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 4;
  if (n - (i - 1) < len) s[i - 1] = '\0';
}

tl_status tl_h5_attr_string(hid_t file, const char *path, const char *obj, const char *name,
                            char *out, size_t cap, tl_error *err) {
  out[0] = '\0';
  if (!tl_h5_has_attr(file, obj, name))
    return tl_error_set(err, TL_ERR_INPUT, "%s: missing attribute '%s'", path, name);
  hid_t a = H5Aopen_by_name(file, obj, name, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0) return tl_error_set(err, TL_ERR_INPUT, "%s: cannot open attribute '%s'", path, name);
  hid_t ft = H5Aget_type(a), sp = H5Aget_space(a);
  /* One string, nothing else: H5Aread fills every element of the dataspace, so an array
   * of strings would overrun the single slot below (a stack overflow before this check). */
  const hssize_t npoints = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
  if (sp >= 0) H5Sclose(sp);
  tl_status st = TL_OK;
  if (H5Tget_class(ft) != H5T_STRING) {
    st = tl_error_set(err, TL_ERR_INPUT, "%s: attribute '%s' is not a string", path, name);
  } else if (npoints != 1) {
    st = tl_error_set(err, TL_ERR_INPUT, "%s: attribute '%s' holds %lld strings (expected one)",
                      path, name, (long long)npoints);
  } else if (H5Tis_variable_str(ft) > 0) {
    char *s = NULL;
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5Tget_cset(ft)); /* HDF5 converts no character sets (h5py writes UTF-8) */
    if (H5Aread(a, mt, &s) < 0 || !s) {
      st = tl_error_set(err, TL_ERR_INPUT, "%s: cannot read attribute '%s'", path, name);
    } else {
      snprintf(out, cap, "%s", s);
      H5free_memory(s);
    }
    H5Tclose(mt);
  } else {
    size_t sz = H5Tget_size(ft);
    char buf[4096];
    if (sz >= sizeof buf) sz = sizeof buf - 1;
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, sz + 1);
    H5Tset_cset(mt, H5Tget_cset(ft));
    if (H5Aread(a, mt, buf) < 0) st = tl_error_set(err, TL_ERR_INPUT, "%s: cannot read attribute '%s'", path, name);
    else {
      buf[sz] = '\0';
      snprintf(out, cap, "%s", buf);
    }
    H5Tclose(mt);
  }
  H5Tclose(ft);
  H5Aclose(a);
  if (!st) trim_cut_sequence(out);
  long bad = st ? -1 : first_non_text((const unsigned char *)out);
  if (bad >= 0) {
    st = tl_error_set(err, TL_ERR_INPUT, "%s: attribute '%s' has byte 0x%02x at %ld, not text "
                      "(expected UTF-8 without control characters)", path, name,
                      (unsigned char)out[bad], bad);
    out[0] = '\0';
  }
  return st;
}

tl_status tl_h5_read_doubles(hid_t file, const char *path, const char *name, int rank,
                             const hsize_t *start, const hsize_t *count, double *out,
                             tl_error *err) {
  hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
  if (d < 0) return tl_error_set(err, TL_ERR_INPUT, "%s: cannot open dataset '%s'", path, name);
  hid_t ft = H5Dget_type(d);
  int is_float = H5Tget_class(ft) == H5T_FLOAT;
  H5Tclose(ft);
  if (!is_float) {
    H5Dclose(d);
    return tl_error_set(err, TL_ERR_INPUT, "%s: dataset '%s' is not floating point", path, name);
  }
  hid_t fs = H5Dget_space(d);
  hid_t ms = H5Screate_simple(rank, count, NULL);
  herr_t rc = H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
  if (rc >= 0) rc = H5Dread(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, out);
  H5Sclose(ms);
  H5Sclose(fs);
  H5Dclose(d);
  if (rc < 0)
    return tl_error_set(err, TL_ERR_INPUT, "%s: cannot read dataset '%s' (truncated or corrupt?)",
                        path, name);
  return TL_OK;
}

/* ---- writing ---------------------------------------------------------------------- */

static tl_status write_attr(hid_t loc, const char *path, const char *obj, const char *name,
                            hid_t ftype, hid_t mtype, hid_t space, const void *value,
                            tl_error *err) {
  if (H5Aexists_by_name(loc, obj, name, H5P_DEFAULT) > 0)
    H5Adelete_by_name(loc, obj, name, H5P_DEFAULT);
  hid_t a = space >= 0 ? H5Acreate_by_name(loc, obj, name, ftype, space, H5P_DEFAULT,
                                           H5P_DEFAULT, H5P_DEFAULT) : -1;
  herr_t rc = a >= 0 ? H5Awrite(a, mtype, value) : -1;
  if (a >= 0) H5Aclose(a);
  if (space >= 0) H5Sclose(space);
  if (rc < 0) return tl_error_set(err, TL_ERR_IO, "%s: cannot write attribute '%s'", path, name);
  return TL_OK;
}

tl_status tl_h5_write_attr_int(hid_t loc, const char *path, const char *obj, const char *name,
                               long long value, tl_error *err) {
  return write_attr(loc, path, obj, name, H5T_STD_I64LE, H5T_NATIVE_LLONG,
                    H5Screate(H5S_SCALAR), &value, err);
}

tl_status tl_h5_write_attr_double(hid_t loc, const char *path, const char *obj,
                                  const char *name, double value, tl_error *err) {
  return write_attr(loc, path, obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                    H5Screate(H5S_SCALAR), &value, err);
}

tl_status tl_h5_write_attr_doubles(hid_t loc, const char *path, const char *obj,
                                   const char *name, const double *v, size_t n, tl_error *err) {
  hsize_t dim = n;
  return write_attr(loc, path, obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                    H5Screate_simple(1, &dim, NULL), v, err);
}

/* Variable-length UTF-8 strings, what h5py writes and reads as str. */
tl_status tl_h5_write_attr_string(hid_t loc, const char *path, const char *obj,
                                  const char *name, const char *value, tl_error *err) {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  const char *v = value ? value : "";
  tl_status st = write_attr(loc, path, obj, name, t, t, H5Screate(H5S_SCALAR), &v, err);
  H5Tclose(t);
  return st;
}

tl_status tl_h5_make_group(hid_t loc, const char *path, const char *name, tl_error *err) {
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  hid_t g = H5Gcreate2(loc, name, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  H5Pclose(lcpl);
  if (g < 0) return tl_error_set(err, TL_ERR_IO, "%s: cannot create group '%s'", path, name);
  H5Gclose(g);
  return TL_OK;
}

tl_status tl_h5_write_floats(hid_t loc, const char *path, const char *name, int rank,
                             const hsize_t *dims, const float *data, tl_error *err) {
  hid_t sp = H5Screate_simple(rank, dims, NULL);
  hid_t d = sp >= 0 ? H5Dcreate2(loc, name, H5T_IEEE_F32LE, sp, H5P_DEFAULT, H5P_DEFAULT,
                                 H5P_DEFAULT) : -1;
  herr_t rc = d >= 0 ? H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) : -1;
  if (d >= 0) H5Dclose(d);
  if (sp >= 0) H5Sclose(sp);
  if (rc < 0) return tl_error_set(err, TL_ERR_IO, "%s: cannot write dataset '%s'", path, name);
  return TL_OK;
}

tl_status tl_h5_read_floats(hid_t loc, const char *path, const char *name, int rank,
                            const hsize_t *dims, float *out, tl_error *err) {
  int r;
  hsize_t got[8];
  tl_status st = tl_h5_dims(loc, path, name, &r, got, err);
  if (st) return st;
  int same = r == rank;
  for (int i = 0; same && i < rank; i++) same = got[i] == dims[i];
  if (!same) {
    char want[64] = "", have[64] = "";
    for (int i = 0; i < rank; i++)
      snprintf(want + strlen(want), sizeof want - strlen(want), "%s%llu", i ? " x " : "",
               (unsigned long long)dims[i]);
    for (int i = 0; i < r; i++)
      snprintf(have + strlen(have), sizeof have - strlen(have), "%s%llu", i ? " x " : "",
               (unsigned long long)got[i]);
    return tl_error_set(err, TL_ERR_INPUT, "%s: dataset '%s' has shape %s (expected %s)", path,
                        name, r ? have : "scalar", want);
  }
  hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
  hid_t ft = d >= 0 ? H5Dget_type(d) : -1;
  const int is_float = ft >= 0 && H5Tget_class(ft) == H5T_FLOAT;
  if (ft >= 0) H5Tclose(ft);
  herr_t rc = is_float ? H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) : -1;
  if (d >= 0) H5Dclose(d);
  if (!is_float)
    return tl_error_set(err, TL_ERR_INPUT, "%s: dataset '%s' is not floating point", path, name);
  if (rc < 0)
    return tl_error_set(err, TL_ERR_INPUT, "%s: cannot read dataset '%s' (truncated or corrupt?)",
                        path, name);
  /* parameters and moments: a non-finite value is a corrupt file, not a diverged run */
  size_t n = 1;
  for (int k = 0; k < rank; k++) n *= (size_t)dims[k];
  for (size_t k = 0; k < n; k++)
    if (!isfinite(out[k]))
      return tl_error_set(err, TL_ERR_INPUT, "%s: dataset '%s' holds a non-finite value (%g) at "
                          "entry %zu", path, name, (double)out[k], k);
  return TL_OK;
}

tl_status tl_h5_write_vector(hid_t loc, const char *path, const char *name, hid_t ftype,
                             hid_t mt, hsize_t n, const void *data, tl_error *err) {
  hid_t sp = H5Screate_simple(1, &n, NULL);
  hid_t d = sp >= 0 ? H5Dcreate2(loc, name, ftype, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT) : -1;
  herr_t rc = d >= 0 && n ? H5Dwrite(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) : d >= 0 ? 0 : -1;
  if (d >= 0) H5Dclose(d);
  if (sp >= 0) H5Sclose(sp);
  if (rc < 0) return tl_error_set(err, TL_ERR_IO, "%s: cannot write dataset '%s' (disk full?)", path, name);
  return TL_OK;
}

/* "float64", "uint8", "string", ... for messages. */
static void type_name(hid_t t, char *buf, size_t cap) {
  const H5T_class_t c = H5Tget_class(t);
  const size_t bits = 8 * H5Tget_size(t);
  if (c == H5T_FLOAT) snprintf(buf, cap, "float%zu", bits);
  else if (c == H5T_INTEGER) snprintf(buf, cap, "%sint%zu", H5Tget_sign(t) == H5T_SGN_NONE ? "u" : "", bits);
  else if (c == H5T_STRING) snprintf(buf, cap, "string");
  else snprintf(buf, cap, "type class %d", (int)c);
}

tl_status tl_h5_read_vector(hid_t loc, const char *path, const char *name, hid_t mt, hsize_t n,
                            void *out, tl_error *err) {
  int r;
  hsize_t got[8];
  tl_status st = tl_h5_dims(loc, path, name, &r, got, err);
  if (st) return st;
  if (r != 1 || got[0] != n) {
    char have[64] = "";
    for (int i = 0; i < r; i++)
      snprintf(have + strlen(have), sizeof have - strlen(have), "%s%llu", i ? " x " : "",
               (unsigned long long)got[i]);
    return tl_error_set(err, TL_ERR_INPUT, "%s: dataset '%s' has shape %s (expected %llu)", path,
                        name, r ? have : "scalar", (unsigned long long)n);
  }
  hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
  hid_t ft = d >= 0 ? H5Dget_type(d) : -1;
  if (ft < 0) {
    if (d >= 0) H5Dclose(d);
    return tl_error_set(err, TL_ERR_INPUT, "%s: cannot open dataset '%s'", path, name);
  }
  int same = H5Tget_class(ft) == H5Tget_class(mt) && H5Tget_size(ft) == H5Tget_size(mt);
  if (same && H5Tget_class(mt) == H5T_INTEGER) same = H5Tget_sign(ft) == H5Tget_sign(mt);
  char have[32], want[32];
  type_name(ft, have, sizeof have);
  type_name(mt, want, sizeof want);
  H5Tclose(ft);
  herr_t rc = same && n ? H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) : 0;
  H5Dclose(d);
  if (!same)
    return tl_error_set(err, TL_ERR_INPUT, "%s: dataset '%s' is %s (expected %s)", path, name,
                        have, want);
  if (rc < 0)
    return tl_error_set(err, TL_ERR_INPUT, "%s: cannot read dataset '%s' (truncated or corrupt?)",
                        path, name);
  return TL_OK;
}

tl_status tl_h5_attr_doubles(hid_t file, const char *path, const char *obj, const char *name,
                             double *out, size_t n, tl_error *err) {
  return read_attr(file, path, obj, name, H5T_NATIVE_DOUBLE, n, out, err);
}

tl_status tl_h5_create_chunked(hid_t loc, const char *path, const char *name, hid_t ftype,
                               int rank, const hsize_t *dims, hsize_t chunk0, int level,
                               hid_t *out, tl_error *err) {
  hsize_t chunk[8];
  for (int i = 0; i < rank; i++) chunk[i] = dims[i];
  chunk[0] = chunk0 < 1 ? 1 : (chunk0 > dims[0] ? dims[0] : chunk0);
  hid_t sp = H5Screate_simple(rank, dims, NULL);
  hid_t pl = H5Pcreate(H5P_DATASET_CREATE);
  herr_t rc = H5Pset_chunk(pl, rank, chunk);
  /* Every chunk is written in full by the generator: filling it first would double the
   * bytes moved. */
  if (rc >= 0) rc = H5Pset_fill_time(pl, H5D_FILL_TIME_NEVER);
  if (rc >= 0 && level > 0) rc = H5Pset_shuffle(pl);
  if (rc >= 0 && level > 0) rc = H5Pset_deflate(pl, (unsigned)level);
  hid_t d = rc >= 0 ? H5Dcreate2(loc, name, ftype, sp, H5P_DEFAULT, pl, H5P_DEFAULT) : -1;
  H5Pclose(pl);
  H5Sclose(sp);
  *out = d;
  if (d < 0) return tl_error_set(err, TL_ERR_IO, "%s: cannot create dataset '%s'", path, name);
  return TL_OK;
}

static tl_status rows_io(hid_t d, const char *path, const char *name, hid_t mt, hsize_t first,
                         hsize_t count, void *buf, int write, tl_error *err) {
  hid_t fs = H5Dget_space(d);
  int rank = fs >= 0 ? H5Sget_simple_extent_ndims(fs) : -1;
  if (rank < 1 || rank > 8) {
    if (fs >= 0) H5Sclose(fs);
    return tl_error_set(err, TL_ERR_INPUT, "%s: dataset '%s' has an unreadable shape", path, name);
  }
  hsize_t dims[8], start[8] = {0}, cnt[8];
  H5Sget_simple_extent_dims(fs, dims, NULL);
  for (int i = 0; i < rank; i++) cnt[i] = dims[i];
  start[0] = first;
  cnt[0] = count;
  hid_t ms = H5Screate_simple(rank, cnt, NULL);
  herr_t rc = H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, cnt, NULL);
  if (rc >= 0)
    rc = write ? H5Dwrite(d, mt, ms, fs, H5P_DEFAULT, buf) : H5Dread(d, mt, ms, fs, H5P_DEFAULT, buf);
  H5Sclose(ms);
  H5Sclose(fs);
  if (rc < 0) {
    if (write)
      return tl_error_set(err, TL_ERR_IO, "%s: cannot write dataset '%s' (disk full?)", path, name);
    return tl_error_set(err, TL_ERR_INPUT, "%s: cannot read dataset '%s' (truncated or corrupt?)",
                        path, name);
  }
  return TL_OK;
}

tl_status tl_h5_write_rows(hid_t d, const char *path, const char *name, hid_t mt,
                           hsize_t first, hsize_t count, const void *buf, tl_error *err) {
  return rows_io(d, path, name, mt, first, count, (void *)buf, 1, err);
}

tl_status tl_h5_read_rows(hid_t d, const char *path, const char *name, hid_t mt,
                          hsize_t first, hsize_t count, void *buf, tl_error *err) {
  return rows_io(d, path, name, mt, first, count, buf, 0, err);
}
