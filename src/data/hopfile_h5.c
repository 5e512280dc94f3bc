/* Hoppings of one chain from HDF5: the "hoppings" field of a topolearn data set (or a
 * file with just that field and the r_min attribute). */
#include <math.h>
#include <stdio.h>

#include "core/h5.h"
#include "topolearn/hopfile.h"

tl_status tl_hopfile_read_h5(const char *path, long index, tl_boundary bc, tl_chain_t **out,
                             tl_error *err) {
  *out = NULL;
  hid_t f;
  tl_status st = tl_h5_open_read(path, &f, err);
  if (st) return st;
  int rank = 0;
  hsize_t dims[8];
  long r_min = 0;
  tl_chain_t *c = NULL;
  if ((st = tl_h5_dims(f, path, "hoppings", &rank, dims, err))) goto done;
  if ((st = tl_h5_attr_int(f, path, "/", "r_min", &r_min, err))) goto done;
  if (rank != 2 && rank != 3) {
    st = tl_error_set(err, TL_ERR_INPUT, "%s: 'hoppings' has rank %d (expected (L, R) or (N, L, R))",
                      path, rank);
    goto done;
  }
  hsize_t N = rank == 3 ? dims[0] : 1, L = dims[rank - 2], R = dims[rank - 1];
  if (L < 1 || L > TL_L_MAX || R < 1 || R > 2 * TL_RANGE_MAX + 1 || r_min < -TL_RANGE_MAX ||
      r_min + (long)R - 1 > TL_RANGE_MAX) {
    st = tl_error_set(err, TL_ERR_INPUT, "%s: 'hoppings' shape (L %llu, R %llu) with r_min %ld is "
                      "out of range", path, (unsigned long long)L, (unsigned long long)R, r_min);
    goto done;
  }
  if (index < 0 || (hsize_t)index >= N) {
    st = tl_error_set(err, TL_ERR_INPUT, "%s: chain index %ld is out of range (file holds %llu)",
                      path, index, (unsigned long long)N);
    goto done;
  }
  if ((st = tl_chain_new(&c, (int)L, (int)r_min, (int)(r_min + (long)R - 1), bc, err))) goto done;
  hsize_t start[3] = {(hsize_t)index, 0, 0}, count[3] = {1, L, R};
  if (rank == 2) {
    start[0] = 0; start[1] = 0;
    count[0] = L; count[1] = R;
  }
  if ((st = tl_h5_read_doubles(f, path, "hoppings", rank, start, count, c->t, err))) goto done;
  if (tl_h5_has_dataset(f, "onsite")) {
    int orank;
    hsize_t od[8];
    if ((st = tl_h5_dims(f, path, "onsite", &orank, od, err))) goto done;
    if (orank != rank - 1 || od[orank - 1] != 2 * L || (orank == 2 && od[0] != N)) {
      st = tl_error_set(err, TL_ERR_INPUT, "%s: 'onsite' shape does not match 'hoppings' "
                        "(expected %s)", path, rank == 3 ? "(N, 2L)" : "(2L)");
      goto done;
    }
    if (!(c->onsite = tl_malloc(2 * L * sizeof *c->onsite))) {
      st = tl_error_set(err, TL_ERR_NOMEM, "%s: out of memory", path);
      goto done;
    }
    hsize_t os[2] = {(hsize_t)index, 0}, oc[2] = {1, 2 * L};
    if (orank == 1) { os[0] = 0; oc[0] = 2 * L; }
    if ((st = tl_h5_read_doubles(f, path, "onsite", orank, os, oc, c->onsite, err))) goto done;
  }
  tl_chain_apply_boundary(c);
  st = tl_chain_validate(c, err);
  if (st && err) {
    char inner[TL_ERROR_MSG_MAX];
    snprintf(inner, sizeof inner, "%s", err->msg);
    st = tl_error_set(err, TL_ERR_INPUT, "%s: chain %ld: %s", path, index, inner);
  }
done:
  H5Fclose(f);
  if (st) tl_chain_free(c);
  else *out = c;
  return st;
}
