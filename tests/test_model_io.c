/* Model files: foreign, wrong-version, wrong-shape, truncated and missing files each
 * fail with one line naming the field, and a failed save leaves nothing behind. (The
 * round trip of every kind, bit-identical after a short training run, is in
 * test_model_registry.c, which walks the registry.) */
#include <hdf5.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "test_model_util.h"

static char DIR_[256];

static int setup(void **state) {
  (void)state;
  snprintf(DIR_, sizeof DIR_, "/tmp/tl_model_io_XXXXXX");
  if (!mkdtemp(DIR_)) return -1;
  return 0;
}
static int teardown(void **state) {
  (void)state;
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", DIR_);
  return system(cmd);
}

static void path_of(char *buf, size_t cap, const char *name) {
  snprintf(buf, cap, "%s/%s", DIR_, name);
}

static void expect_load_error(const char *path, tl_status want, const char *needle) {
  tl_model_t *m = (tl_model_t *)1;
  tl_error err = {0};
  assert_int_equal(tl_model_load(&m, path, NULL, &err), want);
  assert_null(m);
  print_message("load refused: %s\n", err.msg);
  if (!strstr(err.msg, needle)) fail_msg("message '%s' does not name '%s'", err.msg, needle);
  assert_null(strchr(err.msg, '\n'));
}

/* A valid model file, then one field broken through the HDF5 API. */
static void broken_copy(const char *path, void (*breaker)(hid_t)) {
  tl_model_hyper_t hp;
  tl_model_hyper_default(&hp, kind_named("mlp"));
  hp.width[0] = 4, hp.width[1] = 3;
  tl_model_t *m = make_model(&hp, 12, 1);
  tl_error err = {0};
  assert_int_equal(tl_model_save(m, path, 1, NULL, &err), TL_OK);
  tl_model_free(m);
  hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  assert_true(f >= 0);
  breaker(f);
  H5Fclose(f);
}
static void set_str(hid_t f, const char *name, const char *v) {
  tl_error err = {0};
  H5Adelete(f, name);
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  hid_t sp = H5Screate(H5S_SCALAR), a = H5Acreate2(f, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, t, &v);
  H5Aclose(a), H5Sclose(sp), H5Tclose(t);
  (void)err;
}
static void set_int(hid_t f, const char *name, long long v) {
  H5Adelete(f, name);
  hid_t sp = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate2(f, name, H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_LLONG, &v);
  H5Aclose(a), H5Sclose(sp);
}
static void make_dataset_kind(hid_t f) { set_str(f, "kind", "dataset"); }
static void make_version_2(hid_t f) { set_int(f, "format_version", 2); }
static void make_unknown_model(hid_t f) { set_str(f, "model", "transformer"); }
static void drop_cmax(hid_t f) { H5Adelete(f, "cmax"); }
static void reshape_tensor(hid_t f) { /* dense1_w 4 x 288 -> 4 x 5 */
  H5Ldelete(f, "params/dense1_w", H5P_DEFAULT);
  hsize_t d[2] = {4, 5};
  float z[20] = {0};
  hid_t sp = H5Screate_simple(2, d, NULL);
  hid_t ds = H5Dcreate2(f, "params/dense1_w", H5T_IEEE_F32LE, sp, H5P_DEFAULT, H5P_DEFAULT,
                        H5P_DEFAULT);
  H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, z);
  H5Dclose(ds), H5Sclose(sp);
}
static void drop_moment(hid_t f) { H5Ldelete(f, "optim/v/out_b", H5P_DEFAULT); }

static void test_bad_files(void **state) {
  (void)state;
  char path[300];
  path_of(path, sizeof path, "broken.h5");
  broken_copy(path, make_dataset_kind);
  expect_load_error(path, TL_ERR_INPUT, "kind");
  broken_copy(path, make_version_2);
  expect_load_error(path, TL_ERR_INPUT, "format_version 2");
  broken_copy(path, make_unknown_model);
  expect_load_error(path, TL_ERR_INPUT, "transformer");
  broken_copy(path, drop_cmax);
  expect_load_error(path, TL_ERR_INPUT, "cmax");
  broken_copy(path, reshape_tensor);
  expect_load_error(path, TL_ERR_INPUT, "params/dense1_w");
  broken_copy(path, drop_moment);
  expect_load_error(path, TL_ERR_INPUT, "optim/v/out_b");
  /* truncated: the first half of a valid file */
  broken_copy(path, drop_moment);
  FILE *fp = fopen(path, "rb");
  char buf[4096];
  size_t n = fread(buf, 1, sizeof buf, fp);
  fclose(fp);
  char trunc[300];
  path_of(trunc, sizeof trunc, "trunc.h5");
  fp = fopen(trunc, "wb");
  fwrite(buf, 1, n / 2, fp);
  fclose(fp);
  expect_load_error(trunc, TL_ERR_INPUT, "trunc.h5");
  path_of(path, sizeof path, "missing.h5");
  expect_load_error(path, TL_ERR_IO, "missing.h5");
  /* a failed save leaves nothing behind: the directory does not exist */
  tl_model_hyper_t hp;
  tl_model_hyper_default(&hp, kind_named("topo"));
  tl_model_t *m = make_model(&hp, 12, 1);
  tl_error err = {0};
  path_of(path, sizeof path, "no/such/dir/model.h5");
  assert_int_equal(tl_model_save(m, path, 0, NULL, &err), TL_ERR_IO);
  assert_int_equal(access(path, F_OK), -1);
  tl_model_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bad_files),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
