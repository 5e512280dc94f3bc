/* Model files: every kind saved after a short training run and loaded back gives
 * bit-identical logits, parameters, optimiser moments, step, frozen flags and
 * provenance; an existing path is refused without force; foreign, wrong-version,
 * wrong-shape, truncated and missing files each fail with one line naming the field. */
#include <hdf5.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "test_model_util.h"

static char DIR_[256];
static tl_samples_t *S;

static int setup(void **state) {
  (void)state;
  snprintf(DIR_, sizeof DIR_, "/tmp/tl_model_io_XXXXXX");
  if (!mkdtemp(DIR_)) return -1;
  S = make_ssh_set(60, 12, 2.0, 0.3, 77, 1);
  return 0;
}
static int teardown(void **state) {
  (void)state;
  tl_samples_free(S);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", DIR_);
  return system(cmd);
}

static void path_of(char *buf, size_t cap, const char *name) {
  snprintf(buf, cap, "%s/%s", DIR_, name);
}

/* Logits of m on every chain of S (float forward, one batch). */
static float *logits_of(const tl_model_t *m) {
  tl_model_ws_t *ws = NULL;
  tl_error err = {0};
  assert_int_equal(tl_model_ws_new(&ws, m, S->N, sizeof(float), &err), TL_OK);
  float *x = malloc(tl_model_input_size(m, S->N) * sizeof *x);
  int *idx = malloc(S->N * sizeof *idx);
  for (int i = 0; i < S->N; i++) idx[i] = i;
  tl_model_featurise_f32(m, S, idx, S->N, NULL, x);
  tl_model_forward_f32(m, m->params->param, x, S->N, ws);
  float *z = malloc((size_t)S->N * m->C * sizeof *z);
  memcpy(z, tl_model_logits_f32(m, ws), (size_t)S->N * m->C * sizeof *z);
  free(x), free(idx);
  tl_model_ws_free(ws);
  return z;
}

static void roundtrip(tl_model_kind kind) {
  tl_model_hyper_t hp;
  tl_model_hyper_default(&hp, kind);
  hp.width[0] = 6, hp.width[1] = 5, hp.kernel = 3, hp.band = 3, hp.sym_hidden = 7;
  if (kind == TL_MODEL_TOPO) hp.init = TL_INIT_EXACT_NOISE, hp.init_sigma = 0.1;
  if (kind == TL_MODEL_MLP) hp.input = TL_INPUT_QAB, hp.act = TL_ACT_TANH;
  hp.cmin = -1, hp.cmax = 2;
  tl_model_t *m = make_model(&hp, 12, 3), *back = NULL;
  tl_error err = {0};
  if (kind == TL_MODEL_TOPO) assert_int_equal(tl_model_freeze(m, "beta", &err), TL_OK);
  tl_train_opts_t o;
  tl_train_opts_default(&o);
  o.epochs = 2, o.batch = 16;
  tl_train_result_t res;
  if (tl_train(m, S, &o, &res, &err)) fail_msg("%s", err.msg); /* moments become non-zero */
  tl_model_provenance_t prov = {.seed = 0xfedcba9876543210ull}, got;
  snprintf(prov.command, sizeof prov.command, "topolearn train --model %s --seed 1",
           tl_model_kind_name(kind));
  snprintf(prov.data_hash, sizeof prov.data_hash, "sha256:0123abcd");
  char path[300];
  path_of(path, sizeof path, tl_model_kind_name(kind));
  assert_int_equal(tl_model_save(m, path, 0, &prov, &err), TL_OK);
  if (tl_model_load(&back, path, &got, &err)) fail_msg("%s", err.msg);
  const tl_nn_params_t *a = m->params, *b = back->params;
  assert_int_equal(a->count, b->count);
  assert_memory_equal(a->param, b->param, a->count * sizeof(float));
  assert_memory_equal(a->m, b->m, 2 * a->count * sizeof(float));
  assert_int_equal(a->step, b->step);
  for (int i = 0; i < a->ntensors; i++) {
    assert_string_equal(a->tensor[i].name, b->tensor[i].name);
    assert_int_equal(a->tensor[i].frozen, b->tensor[i].frozen);
  }
  assert_memory_equal(&m->hp, &back->hp, sizeof m->hp);
  assert_true(got.seed == prov.seed);
  assert_string_equal(got.command, prov.command);
  assert_string_equal(got.data_hash, prov.data_hash);
  assert_true(strlen(got.created) == 20 && got.created[19] == 'Z'); /* filled: UTC time */
  float *za = logits_of(m), *zb = logits_of(back);
  assert_memory_equal(za, zb, (size_t)S->N * m->C * sizeof(float));
  char line[256];
  tl_model_summary(back, line, sizeof line);
  assert_non_null(strstr(line, tl_model_kind_name(kind)));
  assert_null(strchr(line, '\n'));
  /* an existing path is refused without force, replaced with it */
  assert_int_equal(tl_model_save(m, path, 0, &prov, &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "exists"));
  assert_int_equal(tl_model_save(m, path, 1, &prov, &err), TL_OK);
  free(za), free(zb);
  tl_model_free(m);
  tl_model_free(back);
}

static void test_roundtrip_every_kind(void **state) {
  (void)state;
  const tl_model_kind kinds[4] = {TL_MODEL_TOPO, TL_MODEL_SYM, TL_MODEL_MLP, TL_MODEL_CNN};
  for (int k = 0; k < 4; k++) roundtrip(kinds[k]);
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
  tl_model_hyper_default(&hp, TL_MODEL_MLP);
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
  tl_model_hyper_default(&hp, TL_MODEL_TOPO);
  tl_model_t *m = make_model(&hp, 12, 1);
  tl_error err = {0};
  path_of(path, sizeof path, "no/such/dir/model.h5");
  assert_int_equal(tl_model_save(m, path, 0, NULL, &err), TL_ERR_IO);
  assert_int_equal(access(path, F_OK), -1);
  tl_model_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_roundtrip_every_kind),
      cmocka_unit_test(test_bad_files),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
