/* Long-chain data sets (issue 8 item 3, docs/FORMAT.md "Long-chain mode"): generate
 * switches to the windowed RSWN at TL_WINDOW_AUTO_MIN_L, stores no spectrum, W_error
 * and a bulk-only marker; W agrees with the full RSWN of the stored hoppings within the
 * stored W_error; the data do not depend on the thread count; the reader, info and
 * load_samples handle such files. Kept small (L = 2400, n = 4): a few seconds. */
#include <hdf5.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dataset_util.h"
#include "topolearn.h"

static int setup(void **state) {
  (void)state;
  return tmpdir_make("tl_test_dataset_long");
}

/* Plain SSH at L = 2400 with bond disorder: v, w ~ U[0, 2] (both phases), D = 0.5. */
static void long_family(tl_dataset_params_t *p, int threads) {
  tl_dataset_params_default(p);
  p->fam.L = 2400;
  p->fam.disorder[0] = p->fam.disorder[1] = 0.5;
  p->n = 4;
  p->seed = 1;
  p->threads = threads;
}

static void test_method_resolution(void **state) {
  (void)state;
  tl_dataset_params_t p;
  tl_error err = {0};
  tl_dataset_params_default(&p);
  assert_int_equal(p.method, TL_DS_METHOD_AUTO);
  assert_false(tl_dataset_params_windowed(&p)); /* L = 32 */
  p.fam.L = TL_WINDOW_AUTO_MIN_L - 1;
  assert_false(tl_dataset_params_windowed(&p));
  p.fam.L = TL_WINDOW_AUTO_MIN_L; /* the threshold itself is long */
  assert_true(tl_dataset_params_windowed(&p));
  assert_int_equal(tl_dataset_params_validate(&p, &err), TL_OK);
  p.fam.onsite = 0.1; /* not chiral: auto keeps the full path */
  assert_false(tl_dataset_params_windowed(&p));
  p.method = TL_DS_METHOD_WINDOW; /* and window is refused */
  assert_int_equal(tl_dataset_params_validate(&p, &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "chiral"));
  p.fam.onsite = 0;
  p.method = TL_DS_METHOD_FULL; /* full at any L */
  assert_false(tl_dataset_params_windowed(&p));
  p.method = TL_DS_METHOD_WINDOW; /* window below the threshold, down to its minimum */
  assert_int_equal(tl_dataset_window_min_L(&p.window), 301);
  p.fam.L = 301;
  assert_true(tl_dataset_params_windowed(&p));
  assert_int_equal(tl_dataset_params_validate(&p, &err), TL_OK);
  p.fam.L = 300;
  assert_int_equal(tl_dataset_params_validate(&p, &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "too short for windows"));
  assert_null(strchr(err.msg, '\n'));
  p.fam.L = 1000;
  p.window.tol = 0; /* window options are validated in window mode */
  assert_int_equal(tl_dataset_params_validate(&p, &err), TL_ERR_INPUT);
  tl_dataset_params_default(&p);
  p.method = 7;
  assert_int_equal(tl_dataset_params_validate(&p, &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "method 7"));
}

/* Fields and attributes of a long-chain file, and the physics of every stored chain. */
static void test_long_chain_fields_and_physics(void **state) {
  (void)state;
  tl_dataset_params_t p;
  long_family(&p, 1);
  generate_ok(&p, path_of("long1.h5"));
  tl_dataset_t *ds = open_ok(path_of("long1.h5"));
  const tl_dataset_meta_t *m = tl_dataset_meta(ds);
  const int L = m->L, R = 2;
  assert_string_equal(m->method, "window");
  assert_false(m->has_spectrum);
  assert_false(m->has_qab);
  assert_int_equal(m->window.block, p.window.block);
  assert_int_equal(m->window.buffer0, p.window.buffer0);
  assert_int_equal(m->window.buffer_limit, p.window.buffer_limit);
  assert_true(m->window.tol == p.window.tol);
  assert_int_equal(tl_dataset_field_size(ds, TL_FIELD_ENERGIES), 0);
  assert_int_equal(tl_dataset_field_size(ds, TL_FIELD_EIGVECS), 0);
  assert_int_equal(tl_dataset_field_size(ds, TL_FIELD_QAB), 0);
  assert_int_equal(tl_dataset_field_size(ds, TL_FIELD_ONSITE), 0);
  assert_int_equal(tl_dataset_field_size(ds, TL_FIELD_W_ERROR), 1);
  assert_int_equal(tl_dataset_field_size(ds, TL_FIELD_LOCAL_MARKER), L);
  assert_int_equal(tl_dataset_field_size(ds, TL_FIELD_HOPPINGS), (long)L * R);
  tl_error err = {0};
  double x[8];
  assert_int_equal(tl_dataset_read(ds, TL_FIELD_EIGVECS, 0, 1, TL_MEM_F64, x, &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "no spectrum"));

  double *hop = read_all(ds, TL_FIELD_HOPPINGS, TL_MEM_F64, 8);
  double *W = read_all(ds, TL_FIELD_W, TL_MEM_F64, 8);
  double *We = read_all(ds, TL_FIELD_W_ERROR, TL_MEM_F64, 8);
  double *mk = read_all(ds, TL_FIELD_LOCAL_MARKER, TL_MEM_F64, 8);
  double *kw = read_all(ds, TL_FIELD_W_KSPACE, TL_MEM_F64, 8);
  int32_t *lab = read_all(ds, TL_FIELD_LABEL, TL_MEM_I32, 4);
  uint8_t *amb = read_all(ds, TL_FIELD_AMBIGUOUS, TL_MEM_U8, 1);
  int64_t *cand = read_all(ds, TL_FIELD_CANDIDATE, TL_MEM_I64, 8);
  int start, cells;
  tl_bulk_window(L, m->bulk_fraction, &start, &cells);
  tl_rswn_opts_t o = {m->bulk_fraction, m->delta};
  double *full = malloc((size_t)L * sizeof *full);
  int labels_seen[2] = {0, 0};
  for (long i = 0; i < m->n; i++) {
    const double *row = mk + (size_t)i * L;
    /* marker: NaN outside the bulk window, finite inside, and W is its bulk mean
     * (summed in cell order, as tl_rswn_windowed does: exactly equal) */
    double sum = 0;
    for (int n = 0; n < L; n++) {
      const int inside = n >= start && n < start + cells;
      if (inside != !isnan(row[n])) fail_msg("chain %ld cell %d: marker %g (bulk %d..%d)", i, n, row[n], start, start + cells - 1);
      if (inside) sum += row[n];
    }
    assert_close("W = bulk mean of the stored marker", i, W[i], sum / cells, 0.0);
    /* the full RSWN of the stored hoppings: W within the stored error estimate; 1e-12
     * covers the round-off of two different SVDs of a 2400-cell chain (~L eps) */
    tl_chain_t *c;
    assert_int_equal(tl_chain_new(&c, L, m->r_min, m->r_max, m->boundary, &err), TL_OK);
    memcpy(c->t, hop + (size_t)i * L * R, (size_t)L * R * sizeof(double));
    tl_rswn_t r;
    if (tl_rswn(c, &o, &r, full, &err)) fail_msg("chain %ld: %s", i, err.msg);
    assert_true(We[i] >= 0 && isfinite(We[i]));
    if (!(fabs(W[i] - r.W) <= We[i] + 1e-12))
      fail_msg("chain %ld: windowed W %.17g, full %.17g, |diff| %.3g > W_error %.3g + 1e-12", i,
               W[i], r.W, fabs(W[i] - r.W), We[i]);
    /* per cell, the windows converged to tol: a sanity bound of 100 tol on the bulk */
    for (int n = start; n < start + cells; n++)
      assert_close("bulk marker against the full path", i * L + n, row[n], full[n], 100 * m->window.tol);
    assert_int_equal(lab[i], (int)lround(W[i]));
    assert_int_equal(lab[i], r.label);
    assert_int_equal(amb[i], fabs(W[i] - lab[i]) > m->delta);
    assert_true(isnan(kw[i])); /* disordered: no k-space winding */
    assert_int_equal(cand[i], i);
    if (lab[i] == 0 || lab[i] == 1) labels_seen[lab[i]] = 1;
    tl_chain_free(c);
  }
  assert_true(labels_seen[0] && labels_seen[1]); /* both phases covered by this seed */
  free(hop), free(W), free(We), free(mk), free(kw), free(lab), free(amb), free(cand), free(full);
  tl_dataset_close(ds);

  /* info: method and W_error statistics */
  tl_dataset_info_t *in = malloc(sizeof *in);
  assert_int_equal(tl_dataset_info(path_of("long1.h5"), in, &err), TL_OK);
  assert_string_equal(in->meta.method, "window");
  assert_false(in->meta.has_spectrum);
  assert_int_equal(in->counts[0 - in->label_lo] + in->counts[1 - in->label_lo], 4);
  assert_true(in->W_error_max >= in->W_error_mean && in->W_error_mean >= 0);
  free(in);

  /* models need the spectrum: one clear line */
  struct tl_samples_s *s = NULL;
  assert_int_equal(tl_dataset_load_samples(path_of("long1.h5"), &s, &err), TL_ERR_INPUT);
  assert_null(s);
  assert_non_null(strstr(err.msg, "has no spectrum: generated with --method window; models need "
                                  "eigenvectors"));
  assert_non_null(strstr(err.msg, path_of("long1.h5")));
  assert_null(strchr(err.msg, '\n'));
}

/* Same seed, 1 and 2 threads: every stored field bit for bit (NaNs included). */
static void test_threads_bit_identical(void **state) {
  (void)state;
  tl_dataset_params_t p;
  long_family(&p, 1);
  generate_ok(&p, path_of("t1.h5"));
  long_family(&p, 2);
  generate_ok(&p, path_of("t2.h5"));
  tl_dataset_t *a = open_ok(path_of("t1.h5")), *b = open_ok(path_of("t2.h5"));
  for (int f = 0; f < TL_FIELD_COUNT; f++) {
    const long per = tl_dataset_field_size(a, (tl_field)f), n = tl_dataset_meta(a)->n;
    assert_int_equal(per, tl_dataset_field_size(b, (tl_field)f));
    if (!per) continue;
    void *x = read_all(a, (tl_field)f, TL_MEM_F64, 8), *y = read_all(b, (tl_field)f, TL_MEM_F64, 8);
    if (memcmp(x, y, (size_t)n * (size_t)per * 8))
      fail_msg("field %s differs between 1 and 2 threads", tl_field_name((tl_field)f));
    free(x), free(y);
  }
  tl_dataset_close(a);
  tl_dataset_close(b);
}

/* The reader's long-chain rules, each defect made by editing a valid file. */
static void copy_file(const char *from, const char *to) {
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
  assert_int_equal(system(cmd), 0);
}

static void write_one(const char *path, const char *name, hsize_t offset, double value) {
  hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  assert_true(f >= 0);
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT), sp = H5Dget_space(d);
  hsize_t dims[2] = {0, 0};
  int rank = H5Sget_simple_extent_dims(sp, dims, NULL);
  hsize_t start[2] = {0, 0}, count[2] = {1, 1};
  if (rank == 2) start[1] = offset;
  else start[0] = offset;
  H5Sselect_hyperslab(sp, H5S_SELECT_SET, start, NULL, count, NULL);
  hid_t ms = H5Screate_simple(1, count, NULL);
  assert_true(H5Dwrite(d, H5T_NATIVE_DOUBLE, ms, sp, H5P_DEFAULT, &value) >= 0);
  H5Sclose(ms), H5Sclose(sp), H5Dclose(d), H5Fclose(f);
}

static void set_string_attr(const char *path, const char *name, const char *value) {
  hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  assert_true(f >= 0);
  H5Adelete(f, name);
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  hid_t sp = H5Screate(H5S_SCALAR), a = H5Acreate2(f, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
  assert_true(H5Awrite(a, t, &value) >= 0);
  H5Aclose(a), H5Sclose(sp), H5Tclose(t), H5Fclose(f);
}

static void test_reader_long_chain_rules(void **state) {
  (void)state;
  tl_dataset_params_t p;
  tl_dataset_params_default(&p);
  p.fam.L = 400; /* window forced below the auto threshold: cheap */
  p.method = TL_DS_METHOD_WINDOW;
  p.n = 3;
  generate_ok(&p, path_of("w400.h5"));
  tl_dataset_t *ds = open_ok(path_of("w400.h5"));
  assert_string_equal(tl_dataset_meta(ds)->method, "window");
  tl_dataset_close(ds);
  int start, cells;
  tl_bulk_window(400, p.rswn.bulk_fraction, &start, &cells);
  char bad[512];

  snprintf(bad, sizeof bad, "%s", path_of("nan_in_bulk.h5"));
  copy_file(path_of("w400.h5"), bad);
  write_one(bad, "local_marker", (hsize_t)start + 3, NAN);
  expect_refused(bad, "in the bulk window");

  snprintf(bad, sizeof bad, "%s", path_of("neg_error.h5"));
  copy_file(path_of("w400.h5"), bad);
  write_one(bad, "W_error", 1, -1.0);
  expect_refused(bad, "W_error");

  snprintf(bad, sizeof bad, "%s", path_of("bad_method.h5"));
  copy_file(path_of("w400.h5"), bad);
  set_string_attr(bad, "method", "magic");
  expect_refused(bad, "attribute 'method' is 'magic'");

  snprintf(bad, sizeof bad, "%s", path_of("no_werror.h5"));
  copy_file(path_of("w400.h5"), bad);
  hid_t f = H5Fopen(bad, H5F_ACC_RDWR, H5P_DEFAULT);
  H5Ldelete(f, "W_error", H5P_DEFAULT);
  H5Fclose(f);
  expect_refused(bad, "no dataset 'W_error'");

  /* a full-method file relabelled as window holds a spectrum it should not */
  tl_dataset_params_default(&p);
  p.fam.L = 8;
  p.n = 5;
  generate_ok(&p, path_of("full8.h5"));
  ds = open_ok(path_of("full8.h5"));
  assert_string_equal(tl_dataset_meta(ds)->method, "full");
  assert_true(tl_dataset_meta(ds)->has_spectrum);
  assert_int_equal(tl_dataset_field_size(ds, TL_FIELD_W_ERROR), 0);
  tl_dataset_close(ds);
  snprintf(bad, sizeof bad, "%s", path_of("full_as_window.h5"));
  copy_file(path_of("full8.h5"), bad);
  set_string_attr(bad, "method", "window");
  expect_refused(bad, "window_block"); /* window options missing first */

  /* files written before the attribute existed read as method full */
  snprintf(bad, sizeof bad, "%s", path_of("old.h5"));
  copy_file(path_of("full8.h5"), bad);
  f = H5Fopen(bad, H5F_ACC_RDWR, H5P_DEFAULT);
  H5Adelete(f, "method");
  H5Fclose(f);
  ds = open_ok(bad);
  assert_string_equal(tl_dataset_meta(ds)->method, "full");
  tl_dataset_close(ds);
}

/* Fail the k-th allocation for every k until a long-chain generation gets through: each
 * failure is TL_ERR_NOMEM with no file left behind (the sanitizer build checks leaks). */
static void test_out_of_memory_long(void **state) {
  (void)state;
  tl_dataset_params_t p;
  tl_dataset_params_default(&p);
  p.fam.L = 400;
  p.method = TL_DS_METHOD_WINDOW;
  p.window.block = 50; /* small windows that do not span the chain: the windowed path */
  p.window.buffer0 = 20;
  p.n = 2;
  p.threads = 1;
  const int before = count_files();
  int ok = 0;
  long k = 1;
  for (; k < 1000 && !ok; k++) {
    tl_error err = {0};
    tl_alloc_fail_after(k);
    tl_status st = tl_dataset_generate(&p, path_of("oom.h5"), NULL, NULL, NULL, &err);
    tl_alloc_fail_after(0);
    if (st == TL_OK) ok = 1;
    else if (st != TL_ERR_NOMEM) fail_msg("allocation %ld failed: status %d (%s)", k, (int)st, err.msg);
    else assert_int_equal(count_files(), before);
  }
  assert_true(ok);
  assert_true(k > 10); /* the windowed path allocates: several failure points were hit */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_method_resolution),
      cmocka_unit_test(test_long_chain_fields_and_physics),
      cmocka_unit_test(test_threads_bit_identical),
      cmocka_unit_test(test_reader_long_chain_rules),
      cmocka_unit_test(test_out_of_memory_long),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
