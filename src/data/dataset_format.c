/* The data-set layout (see dataset_format.h and docs/FORMAT.md). */
#include "data/dataset_format.h"

static const char *const names[TL_FIELD_COUNT] = {
    "hoppings", "energies", "eigvecs", "qab", "W", "label", "ambiguous", "W_kspace",
    "local_marker", "onsite", "candidate", "W_error"};

const char *tl_field_name(tl_field f) {
  return f >= 0 && f < TL_FIELD_COUNT ? names[f] : "?";
}

int tl_ds_field_dims(tl_field f, long n, int L, int R, hsize_t dims[3]) {
  dims[0] = (hsize_t)n;
  switch (f) {
    case TL_FIELD_HOPPINGS: dims[1] = (hsize_t)L; dims[2] = (hsize_t)R; return 3;
    case TL_FIELD_EIGVECS: dims[1] = (hsize_t)L; dims[2] = 2 * (hsize_t)L; return 3;
    case TL_FIELD_QAB: dims[1] = (hsize_t)L; dims[2] = (hsize_t)L; return 3;
    case TL_FIELD_ENERGIES:
    case TL_FIELD_ONSITE: dims[1] = 2 * (hsize_t)L; return 2;
    case TL_FIELD_LOCAL_MARKER: dims[1] = (hsize_t)L; return 2;
    default: return 1;
  }
}

long tl_ds_field_per_chain(tl_field f, int L, int R) {
  hsize_t d[3];
  int rank = tl_ds_field_dims(f, 1, L, R, d);
  long k = 1;
  for (int i = 1; i < rank; i++) k *= (long)d[i];
  return k;
}

tl_kind tl_ds_field_kind(tl_field f, int float32) {
  switch (f) {
    case TL_FIELD_EIGVECS:
    case TL_FIELD_QAB: return float32 ? TL_KIND_F32 : TL_KIND_F64;
    case TL_FIELD_LABEL: return TL_KIND_I32;
    case TL_FIELD_AMBIGUOUS: return TL_KIND_U8;
    case TL_FIELD_CANDIDATE: return TL_KIND_I64;
    default: return TL_KIND_F64;
  }
}

size_t tl_ds_kind_size(tl_kind k) {
  static const size_t s[] = {8, 4, 4, 1, 8};
  return s[k];
}

hid_t tl_ds_kind_ftype(tl_kind k) {
  switch (k) {
    case TL_KIND_F32: return H5T_IEEE_F32LE;
    case TL_KIND_I32: return H5T_STD_I32LE;
    case TL_KIND_U8: return H5T_STD_U8LE;
    case TL_KIND_I64: return H5T_STD_I64LE;
    default: return H5T_IEEE_F64LE;
  }
}

hid_t tl_ds_kind_mtype(tl_kind k) {
  switch (k) {
    case TL_KIND_F32: return H5T_NATIVE_FLOAT;
    case TL_KIND_I32: return H5T_NATIVE_INT32;
    case TL_KIND_U8: return H5T_NATIVE_UINT8;
    case TL_KIND_I64: return H5T_NATIVE_INT64;
    default: return H5T_NATIVE_DOUBLE;
  }
}

const char *tl_ds_kind_name(tl_kind k) {
  static const char *const s[] = {"float64", "float32", "int32", "uint8", "int64"};
  return s[k];
}

int tl_ds_field_present(tl_field f, int has_qab, int has_onsite, int windowed) {
  switch (f) {
    case TL_FIELD_ENERGIES:
    case TL_FIELD_EIGVECS: return !windowed;
    case TL_FIELD_QAB: return has_qab && !windowed;
    case TL_FIELD_ONSITE: return has_onsite;
    case TL_FIELD_W_ERROR: return windowed;
    default: return 1;
  }
}

int tl_ds_field_is_large(tl_field f) {
  return f == TL_FIELD_ENERGIES || f == TL_FIELD_EIGVECS || f == TL_FIELD_QAB ||
         f == TL_FIELD_LOCAL_MARKER;
}

int tl_ds_field_nan_ok(tl_field f) { return f == TL_FIELD_W_KSPACE; }
