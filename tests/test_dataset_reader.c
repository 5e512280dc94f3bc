/* The validating reader: each defect of a data-set file is refused with TL_ERR_INPUT and
 * one line naming the file and the field (docs/FORMAT.md). Defects are made by editing
 * a valid file with the HDF5 C API. */
#include <hdf5.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataset_util.h"
#include "core/h5.h"
#include "topolearn.h"

static char good[512];

static int setup(void **state) {
  (void)state;
  if (tmpdir_make("tl_test_reader")) return -1;
  snprintf(good, sizeof good, "%s/good.h5", dir);
  tl_dataset_params_t p;
  tl_dataset_params_default(&p);
  p.n = 20;
  p.fam.L = 8;
  tl_error err;
  return tl_dataset_generate(&p, good, NULL, NULL, NULL, &err) ? -1 : 0;
}

/* A copy of the good file, opened read-write for editing. */
static hid_t edit_copy(const char *name, char *path) {
  snprintf(path, 512, "%s/%s", dir, name);
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "cp '%s' '%s'", good, path);
  assert_int_equal(system(cmd), 0);
  hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  assert_true(f >= 0);
  return f;
}

static void replace_dataset(hid_t f, const char *name, hid_t type, int rank, const hsize_t *dims) {
  H5Ldelete(f, name, H5P_DEFAULT);
  hid_t sp = H5Screate_simple(rank, dims, NULL);
  hid_t d = H5Dcreate2(f, name, type, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  assert_true(d >= 0);
  size_t bytes = H5Tget_size(type);
  for (int i = 0; i < rank; i++) bytes *= dims[i];
  void *zero = calloc(1, bytes);
  H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, zero);
  free(zero);
  H5Dclose(d);
  H5Sclose(sp);
}

static void test_good_file_opens(void **state) {
  (void)state;
  tl_dataset_t *ds = NULL;
  tl_error err = {0};
  assert_int_equal(tl_dataset_open(&ds, good, TL_DATASET_VERIFY, &err), TL_OK);
  assert_int_equal(tl_dataset_meta(ds)->n, 20);
  assert_int_equal(tl_dataset_meta(ds)->L, 8);
  tl_dataset_close(ds);
  tl_dataset_close(NULL); /* harmless */
}

static void test_wrong_shape(void **state) {
  (void)state;
  char path[512];
  hid_t f = edit_copy("shape.h5", path);
  hsize_t d[3] = {20, 8, 15};
  replace_dataset(f, "eigvecs", H5T_IEEE_F64LE, 3, d);
  H5Fclose(f);
  expect_refused(path, "dataset 'eigvecs' has shape (20, 8, 15) (expected (20, 8, 16)");
  f = edit_copy("rank.h5", path);
  hsize_t d1[1] = {19};
  replace_dataset(f, "W", H5T_IEEE_F64LE, 1, d1);
  H5Fclose(f);
  expect_refused(path, "dataset 'W' has shape (19,)");
}

static void test_wrong_dtype(void **state) {
  (void)state;
  char path[512];
  hid_t f = edit_copy("dtype.h5", path);
  hsize_t d[1] = {20};
  replace_dataset(f, "label", H5T_IEEE_F64LE, 1, d);
  H5Fclose(f);
  expect_refused(path, "dataset 'label' has type float64 (expected int32)");
}

static void test_missing_field(void **state) {
  (void)state;
  char path[512];
  hid_t f = edit_copy("missing.h5", path);
  H5Ldelete(f, "energies", H5P_DEFAULT);
  H5Fclose(f);
  expect_refused(path, "no dataset 'energies'");
}

static void test_non_finite_value(void **state) {
  (void)state;
  char path[512];
  hid_t f = edit_copy("nan.h5", path);
  hid_t d = H5Dopen2(f, "hoppings", H5P_DEFAULT);
  hid_t fs = H5Dget_space(d);
  hsize_t start[3] = {7, 3, 1}, cnt[3] = {1, 1, 1};
  H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, cnt, NULL);
  hid_t ms = H5Screate_simple(3, cnt, NULL);
  double inf = INFINITY;
  assert_true(H5Dwrite(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, &inf) >= 0);
  H5Sclose(ms), H5Sclose(fs), H5Dclose(d);
  H5Fclose(f);
  expect_refused(path, "dataset 'hoppings', chain 7, entry 7 is inf");
}

static void test_label_inconsistent_with_W(void **state) {
  (void)state;
  char path[512];
  hid_t f = edit_copy("label.h5", path);
  hid_t d = H5Dopen2(f, "label", H5P_DEFAULT);
  int32_t lab[20];
  H5Dread(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, lab);
  lab[3] += 5;
  H5Dwrite(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, lab);
  H5Dclose(d);
  H5Fclose(f);
  expect_refused(path, "chain 3 has label");
}

static void test_version_and_kind(void **state) {
  (void)state;
  char path[512];
  tl_error err;
  hid_t f = edit_copy("version.h5", path);
  assert_int_equal(tl_h5_write_attr_int(f, path, "/", "format_version", 2, &err), TL_OK);
  H5Fclose(f);
  expect_refused(path, "format_version 2 is not supported (expected 1)");
  f = edit_copy("model.h5", path);
  assert_int_equal(tl_h5_write_attr_string(f, path, "/", "kind", "model", &err), TL_OK);
  H5Fclose(f);
  expect_refused(path, "is a topolearn 'model' file, not a data set");
  f = edit_copy("foreign.h5", path);
  H5Adelete(f, "kind");
  H5Fclose(f);
  expect_refused(path, "not a topolearn file");
  f = edit_copy("noattr.h5", path);
  H5Adelete(f, "L");
  H5Fclose(f);
  expect_refused(path, "missing attribute 'L'");
}

static void test_truncated_and_not_hdf5(void **state) {
  (void)state;
  char path[512], cmd[1200];
  snprintf(path, sizeof path, "%s/trunc.h5", dir);
  snprintf(cmd, sizeof cmd, "head -c 3000 '%s' > '%s'", good, path);
  assert_int_equal(system(cmd), 0);
  expect_refused(path, "truncated");
  snprintf(path, sizeof path, "%s/text.h5", dir);
  FILE *fp = fopen(path, "w");
  fputs("not hdf5\n", fp);
  fclose(fp);
  expect_refused(path, "not an HDF5 file");
  tl_dataset_t *ds;
  tl_error err;
  snprintf(path, sizeof path, "%s/absent.h5", dir);
  assert_int_equal(tl_dataset_open(&ds, path, 0, &err), TL_ERR_IO);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_good_file_opens),
      cmocka_unit_test(test_wrong_shape),
      cmocka_unit_test(test_wrong_dtype),
      cmocka_unit_test(test_missing_field),
      cmocka_unit_test(test_non_finite_value),
      cmocka_unit_test(test_label_inconsistent_with_W),
      cmocka_unit_test(test_version_and_kind),
      cmocka_unit_test(test_truncated_and_not_hdf5),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
