/* Data sets (SPEC 2): stored fields agree with the physics recomputed from the stored
 * hoppings, eigenvectors are orthonormal and reproduce Q_AB, balancing balances, and the
 * data do not depend on the thread count. Files go to a fresh temporary directory. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dataset_util.h"
#include "topolearn.h"

static int setup(void **state) {
  (void)state;
  return tmpdir_make("tl_test_dataset");
}


/* Stored W, label, ambiguity and marker equal the RSWN recomputed from the stored
 * hoppings with the library (the same code path, so exactly equal); labels are round(W). */
static void check_labels_from_hoppings(const char *path) {
  tl_dataset_t *ds = open_ok(path);
  const tl_dataset_meta_t *m = tl_dataset_meta(ds);
  const int L = m->L, R = m->r_max - m->r_min + 1;
  double *hop = read_all(ds, TL_FIELD_HOPPINGS, TL_MEM_F64, 8);
  double *W = read_all(ds, TL_FIELD_W, TL_MEM_F64, 8);
  double *mk = read_all(ds, TL_FIELD_LOCAL_MARKER, TL_MEM_F64, 8);
  int32_t *lab = read_all(ds, TL_FIELD_LABEL, TL_MEM_I32, 4);
  uint8_t *amb = read_all(ds, TL_FIELD_AMBIGUOUS, TL_MEM_U8, 1);
  tl_rswn_opts_t o = {m->bulk_fraction, m->delta};
  double *marker = malloc((size_t)L * sizeof *marker);
  tl_error err = {0};
  for (long i = 0; i < m->n; i++) {
    tl_chain_t *c;
    assert_int_equal(tl_chain_new(&c, L, m->r_min, m->r_max, m->boundary, &err), TL_OK);
    memcpy(c->t, hop + (size_t)i * L * R, (size_t)L * R * sizeof(double));
    tl_rswn_t r;
    if (tl_rswn(c, &o, &r, marker, &err)) fail_msg("chain %ld: %s", i, err.msg);
    /* exact: the generator ran this very code on these very hoppings */
    assert_close("W recomputed from stored hoppings", i, W[i], r.W, 0.0);
    assert_int_equal(lab[i], r.label);
    assert_int_equal(lab[i], (int)lround(W[i]));
    assert_int_equal(amb[i], r.ambiguous);
    for (int n = 0; n < L; n++) assert_close("local marker", i * L + n, mk[(size_t)i * L + n], marker[n], 0.0);
    tl_chain_free(c);
  }
  free(hop), free(W), free(mk), free(lab), free(amb), free(marker);
  tl_dataset_close(ds);
}

static void test_labels_equal_rswn_of_stored_hoppings(void **state) {
  (void)state;
  tl_dataset_params_t p;
  tl_dataset_params_default(&p);
  p.n = 300;
  p.fam.L = 24;
  generate_ok(&p, path_of("ssh.h5"));
  check_labels_from_hoppings(path_of("ssh.h5"));
  family_r012(&p, 20);
  p.n = 200;
  generate_ok(&p, path_of("r012.h5"));
  check_labels_from_hoppings(path_of("r012.h5"));
  /* clean SSH: where the k-space winding is defined and the chain is not ambiguous, it
   * is the label (SPEC 1.3: RSWN and k-space winding agree on gapped clean chains) */
  tl_dataset_t *ds = open_ok(path_of("ssh.h5"));
  double *kw = read_all(ds, TL_FIELD_W_KSPACE, TL_MEM_F64, 8);
  double *W = read_all(ds, TL_FIELD_W, TL_MEM_F64, 8);
  int32_t *lab = read_all(ds, TL_FIELD_LABEL, TL_MEM_I32, 4);
  long agree = 0, far = 0;
  for (long i = 0; i < 300; i++) {
    assert_false(isnan(kw[i])); /* clean chains: always defined unless gapless */
    if (fabs(W[i] - lab[i]) < 0.01) { /* far from a transition at this L */
      far++;
      agree += kw[i] == lab[i];
    }
  }
  assert_true(far > 100);
  assert_int_equal(agree, far);
  free(kw), free(W), free(lab);
  tl_dataset_close(ds);
}

/* psi_j . psi_k = delta_jk and Q_AB = 2 sum_j a_j b_j^T entrywise (SPEC 1.4); both are
 * sums of L products of O(1/sqrt L) numbers: 1e-12 is well above their round-off
 * (~L eps ~ 1e-14) and far below any real defect. */
static void check_eigvecs(const char *path) {
  tl_dataset_t *ds = open_ok(path);
  const tl_dataset_meta_t *m = tl_dataset_meta(ds);
  const int L = m->L, N = 2 * L;
  double *psi = read_all(ds, TL_FIELD_EIGVECS, TL_MEM_F64, 8);
  double *qab = read_all(ds, TL_FIELD_QAB, TL_MEM_F64, 8);
  double *E = read_all(ds, TL_FIELD_ENERGIES, TL_MEM_F64, 8);
  for (long i = 0; i < m->n; i++) {
    const double *P = psi + (size_t)i * L * N, *q = qab + (size_t)i * L * L;
    for (int j = 0; j < L; j++)
      for (int k = 0; k <= j; k++) {
        double s = 0;
        for (int x = 0; x < N; x++) s += P[j * N + x] * P[k * N + x];
        assert_close("psi_j . psi_k", (i * L + j) * L + k, s, j == k ? 1.0 : 0.0, 1e-12);
      }
    for (int a = 0; a < L; a++)
      for (int b = 0; b < L; b++) {
        double s = 0;
        for (int j = 0; j < L; j++) s += 2.0 * P[j * N + 2 * a] * P[j * N + 2 * b + 1];
        assert_close("Q_AB = 2 sum_j a_j b_j^T", (i * L + a) * L + b, s, q[a * L + b], 1e-12);
      }
    for (int x = 1; x < N; x++) assert_true(E[(size_t)i * N + x] >= E[(size_t)i * N + x - 1]);
    /* sign gauge: the first amplitude within 1e-9 of the largest magnitude is positive */
    for (int j = 0; j < L; j++) {
      double big = 0;
      for (int x = 0; x < N; x++) big = fmax(big, fabs(P[j * N + x]));
      for (int x = 0; x < N; x++)
        if (fabs(P[j * N + x]) >= big - 1e-9) {
          assert_true(P[j * N + x] > 0);
          break;
        }
    }
  }
  free(psi), free(qab), free(E);
  tl_dataset_close(ds);
}

static void test_eigvecs_orthonormal_reproduce_qab(void **state) {
  (void)state;
  tl_dataset_params_t p;
  tl_dataset_params_default(&p);
  p.n = 60;
  p.fam.L = 16;
  generate_ok(&p, path_of("eig_ssh.h5"));
  check_eigvecs(path_of("eig_ssh.h5"));
  family_r012(&p, 16);
  p.n = 40;
  p.fam.boundary = TL_PBC; /* dense path */
  generate_ok(&p, path_of("eig_pbc.h5"));
  check_eigvecs(path_of("eig_pbc.h5"));
}

static void check_balanced(const char *path, int r_min, int C, long n) {
  tl_dataset_t *ds = open_ok(path);
  assert_int_equal(tl_dataset_meta(ds)->n, n);
  assert_true(tl_dataset_meta(ds)->balanced);
  int32_t *lab = read_all(ds, TL_FIELD_LABEL, TL_MEM_I32, 4);
  int64_t *cand = read_all(ds, TL_FIELD_CANDIDATE, TL_MEM_I64, 8);
  long count[8] = {0};
  for (long i = 0; i < n; i++) {
    assert_true(lab[i] >= r_min && lab[i] < r_min + C);
    count[lab[i] - r_min]++;
    if (i) assert_true(cand[i] > cand[i - 1]); /* accepted in stream order */
  }
  for (int c = 0; c < C; c++) /* quota n/C, the remainder to the lowest windings */
    assert_int_equal(count[c], n / C + (c < n % C));
  free(lab), free(cand);
  tl_dataset_close(ds);
}

static void test_balanced_sets_are_balanced(void **state) {
  (void)state;
  tl_dataset_params_t p;
  tl_dataset_params_default(&p);
  p.n = 101;
  p.fam.L = 16;
  p.balanced = 1;
  p.t_lo[1] = 1.0; /* w in [1, 2], v in [0, 2]: winding 1 three times as likely as 0 */
  generate_ok(&p, path_of("bal_ssh.h5"));
  check_balanced(path_of("bal_ssh.h5"), 0, 2, 101);
  family_r012(&p, 16);
  p.n = 90;
  p.balanced = 1;
  generate_ok(&p, path_of("bal_r012.h5"));
  check_balanced(path_of("bal_r012.h5"), 0, 3, 90);
}

static void test_unreachable_class_is_named(void **state) {
  (void)state;
  tl_dataset_params_t p;
  tl_dataset_params_default(&p);
  p.n = 10;
  p.fam.L = 12;
  p.balanced = 1;
  p.t_lo[0] = 0.0, p.t_hi[0] = 0.5; /* |v| < |w| always: winding 0 never occurs */
  p.t_lo[1] = 1.0, p.t_hi[1] = 2.0;
  tl_error err = {0};
  const int before = count_files();
  assert_int_equal(tl_dataset_generate(&p, path_of("never.h5"), NULL, NULL, NULL, &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "winding 0 cannot be reached"));
  assert_false(exists(path_of("never.h5")));
  assert_int_equal(count_files(), before);
}

/* Every field, byte for byte, with 1 and 2 threads; several blocks (n > block size at
 * L = 32) and balancing, whose acceptance must not depend on timing. */
static void test_threads_give_identical_data(void **state) {
  (void)state;
  tl_dataset_params_t p;
  tl_dataset_params_default(&p);
  p.n = 1500;
  p.fam.disorder[0] = p.fam.disorder[1] = 0.5;
  p.threads = 1;
  generate_ok(&p, path_of("t1.h5"));
  p.threads = 2;
  generate_ok(&p, path_of("t2.h5"));
  compare_datasets(path_of("t1.h5"), path_of("t2.h5"));
  family_r012(&p, 20);
  p.n = 300;
  p.balanced = 1;
  p.fam.onsite = 0.2; /* full-H path; stored onsite */
  p.threads = 1;
  generate_ok(&p, path_of("b1.h5"));
  p.threads = 2;
  generate_ok(&p, path_of("b2.h5"));
  compare_datasets(path_of("b1.h5"), path_of("b2.h5"));
}

static void test_options_no_qab_float32_onsite(void **state) {
  (void)state;
  tl_dataset_params_t p;
  tl_dataset_params_default(&p);
  p.n = 50;
  p.fam.L = 12;
  generate_ok(&p, path_of("f64.h5"));
  p.float32 = 1;
  p.store_qab = 0;
  p.compress = 4;
  generate_ok(&p, path_of("f32.h5"));
  tl_dataset_t *a = open_ok(path_of("f64.h5")), *b = open_ok(path_of("f32.h5"));
  assert_true(tl_dataset_meta(b)->eig_float32);
  assert_false(tl_dataset_meta(b)->has_qab);
  assert_int_equal(tl_dataset_field_size(b, TL_FIELD_QAB), 0);
  float *x = read_all(a, TL_FIELD_EIGVECS, TL_MEM_F32, 4), *y = read_all(b, TL_FIELD_EIGVECS, TL_MEM_F32, 4);
  assert_memory_equal(x, y, 50 * 12 * 24 * sizeof(float)); /* float32 = rounded float64 */
  tl_error err = {0};
  assert_int_equal(tl_dataset_read(b, TL_FIELD_QAB, 0, 1, TL_MEM_F64, x, &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "qab"));
  assert_int_equal(tl_dataset_read(a, TL_FIELD_W, 49, 2, TL_MEM_F64, x, &err), TL_ERR_INPUT);
  free(x), free(y);
  tl_dataset_close(a);
  tl_dataset_close(b);
  /* on-site disorder: stored, and no k-space winding (not chiral) */
  tl_dataset_params_default(&p);
  p.n = 20;
  p.fam.L = 10;
  p.fam.onsite = 0.5;
  generate_ok(&p, path_of("onsite.h5"));
  tl_dataset_t *c = open_ok(path_of("onsite.h5"));
  assert_true(tl_dataset_meta(c)->has_onsite);
  double *on = read_all(c, TL_FIELD_ONSITE, TL_MEM_F64, 8), *kw = read_all(c, TL_FIELD_W_KSPACE, TL_MEM_F64, 8);
  for (int i = 0; i < 20 * 20; i++) assert_true(fabs(on[i]) <= 0.25);
  for (int i = 0; i < 20; i++) assert_true(isnan(kw[i]));
  free(on), free(kw);
  tl_dataset_close(c);
}

static int cancel_at_once(void *ctx, long done, long total) {
  (void)ctx, (void)done, (void)total;
  return 1;
}

static void test_bad_parameters_and_cancel(void **state) {
  (void)state;
  tl_dataset_params_t p;
  tl_dataset_params_default(&p);
  tl_error err = {0};
  const int before = count_files();
  p.n = 0;
  assert_int_equal(tl_dataset_generate(&p, path_of("zero.h5"), NULL, NULL, NULL, &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "n = 0"));
  tl_dataset_params_default(&p);
  p.t_lo[0] = 3.0; /* a > b */
  assert_int_equal(tl_dataset_params_validate(&p, &err), TL_ERR_INPUT);
  tl_dataset_params_default(&p);
  p.n = 5000;
  assert_int_equal(tl_dataset_generate(&p, path_of("cancel.h5"), cancel_at_once, NULL, NULL, &err),
                   TL_ERR_INTERRUPTED);
  assert_int_equal(tl_dataset_generate(&p, "/nonexistent-dir/x.h5", NULL, NULL, NULL, &err), TL_ERR_IO);
  assert_non_null(strstr(err.msg, "/nonexistent-dir/x.h5"));
  assert_int_equal(count_files(), before);
  p.n = 10;
  generate_ok(&p, path_of("exists.h5"));
  assert_int_equal(tl_dataset_generate(&p, path_of("exists.h5"), NULL, NULL, NULL, &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "--force"));
  p.force = 1;
  generate_ok(&p, path_of("exists.h5"));
}

/* SQLite-style: fail the k-th library allocation for every k until generation gets
 * through; each failure is TL_ERR_NOMEM with no file left (the sanitizer build checks
 * that nothing leaks), and the reader does the same. */
static void test_out_of_memory_paths(void **state) {
  (void)state;
  tl_dataset_params_t p;
  tl_dataset_params_default(&p);
  p.n = 6;
  p.fam.L = 8;
  p.balanced = 1;
  p.threads = 1;
  const int before = count_files();
  int ok = 0;
  for (long k = 1; k < 200 && !ok; k++) {
    tl_error err = {0};
    tl_alloc_fail_after(k);
    tl_status st = tl_dataset_generate(&p, path_of("oom.h5"), NULL, NULL, NULL, &err);
    tl_alloc_fail_after(0);
    if (st == TL_OK) {
      ok = 1;
      break;
    }
    if (st != TL_ERR_NOMEM) fail_msg("allocation %ld failed: status %d (%s)", k, (int)st, err.msg);
    assert_int_equal(count_files(), before);
  }
  assert_true(ok);
  ok = 0;
  for (long k = 1; k < 50 && !ok; k++) {
    tl_dataset_t *ds = NULL;
    tl_error err = {0};
    tl_alloc_fail_after(k);
    tl_status st = tl_dataset_open(&ds, path_of("oom.h5"), TL_DATASET_VERIFY, &err);
    tl_alloc_fail_after(0);
    if (st == TL_OK) ok = 1;
    else assert_int_equal(st, TL_ERR_NOMEM);
    tl_dataset_close(ds);
  }
  assert_true(ok);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_labels_equal_rswn_of_stored_hoppings),
      cmocka_unit_test(test_eigvecs_orthonormal_reproduce_qab),
      cmocka_unit_test(test_balanced_sets_are_balanced),
      cmocka_unit_test(test_unreachable_class_is_named),
      cmocka_unit_test(test_threads_give_identical_data),
      cmocka_unit_test(test_options_no_qab_float32_onsite),
      cmocka_unit_test(test_bad_parameters_and_cancel),
      cmocka_unit_test(test_out_of_memory_paths),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
