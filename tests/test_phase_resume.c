/* Stop and continue of a phase diagram (tl_phase_diagram_continue, phase checkpoints,
 * docs/FORMAT.md "Phase-diagram checkpoints"): a run cancelled after k progress calls on
 * two threads, saved, loaded and finished on one thread gives every point bit for bit as
 * the uninterrupted run (disordered wD grid, clean vw grid, windowed wD grid; also through
 * a chain of two interruptions). Refusals (other parameters, no checkpoint, another kind
 * of file, truncated, wrong lengths, types or values) leave every file byte for byte. */
#include <hdf5.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dataset_util.h"
#include "topolearn.h"

static int setup(void **state) {
  (void)state;
  return tmpdir_make("tl_test_phase_resume");
}

/* Disordered (w, D) grid: 8 x 6 points of 10 realisations, D = 0 included (one sample).
 * Grids of hundreds of realisations: thread 0 alone polls, and the other thread must not
 * finish the whole grid while thread 0 waits for its core (a cancel after the last
 * realisation changes nothing, so k would not interrupt). */
static void wd_params(tl_phase_params_t *p) {
  tl_phase_params_default(p);
  tl_family_ssh(&p->base, 40, 1.0, 1.0);
  p->mode = TL_PHASE_WD;
  p->x_lo = 0, p->x_hi = 2, p->y_lo = 0, p->y_hi = 3;
  p->nx = 8, p->ny = 6;
  p->samples = 10;
  p->seed = 3;
}

/* Clean (v, w) grid: one realisation per point whatever samples says. */
static void vw_params(tl_phase_params_t *p) {
  tl_phase_params_default(p);
  tl_family_ssh(&p->base, 32, 1.0, 1.0);
  p->x_lo = 0, p->x_hi = 2, p->y_lo = 0, p->y_hi = 2;
  p->nx = p->ny = 20;
  p->samples = 20;
}

/* The wD grid through windows (W_error nonzero): blocks of 10 cells, buffers from 5. */
static void window_params(tl_phase_params_t *p) {
  wd_params(p);
  p->base.L = 48;
  p->method = 1;
  p->window.block = 10;
  p->window.buffer0 = 5;
}

static long npoints(const tl_phase_params_t *p) { return (long)p->nx * p->ny; }

/* Zeroed, so that memcmp of two arrays compares the padding too as equal. */
static tl_phase_point_t *points_new(const tl_phase_params_t *p) {
  tl_phase_point_t *pts = calloc((size_t)npoints(p), sizeof *pts);
  assert_non_null(pts);
  return pts;
}

static tl_phase_point_t *reference(const tl_phase_params_t *p) {
  tl_phase_point_t *ref = points_new(p);
  tl_error err = {0};
  omp_set_num_threads(2);
  if (tl_phase_diagram(p, ref, NULL, NULL, &err)) fail_msg("reference: %s", err.msg);
  return ref;
}

/* Continues s on `threads` threads with a cancel at poll k; returns the status. */
static tl_status run(const tl_phase_params_t *p, tl_phase_state_t *s, tl_phase_point_t *out,
                     int k, int threads) {
  omp_set_num_threads(threads);
  cancel_t c = {0, k};
  tl_error err = {0};
  const long before = s->done_count;
  tl_status st = tl_phase_diagram_continue(p, s, out, cancel_after, &c, &err);
  if (st && st != TL_ERR_INTERRUPTED) fail_msg("continue: %s", err.msg);
  if (st) {
    /* thread 0 alone polls: it finished k realisations, the other one maybe more */
    assert_true(s->done_count >= before + k && s->done_count < s->total);
    assert_non_null(strstr(err.msg, "interrupted"));
  } else {
    assert_int_equal(s->done_count, s->total);
  }
  long n = 0;
  for (long i = 0; i < s->total; i++) n += s->done[i];
  assert_int_equal(n, s->done_count);
  return st;
}

static void save_ok(const char *ck, const tl_phase_params_t *p, const tl_phase_state_t *s) {
  tl_error err = {0};
  if (tl_phase_checkpoint_save(ck, p, s, &err)) fail_msg("save %s: %s", ck, err.msg);
}

static tl_phase_state_t *load_ok(const char *ck, const tl_phase_params_t *p) {
  tl_phase_state_t *s = NULL;
  tl_error err = {0};
  if (tl_phase_checkpoint_load(ck, p, &s, &err)) fail_msg("load %s: %s", ck, err.msg);
  return s;
}

/* The loaded state holds exactly the saved one (values of unfinished entries aside). */
static void assert_same_state(const tl_phase_state_t *a, const tl_phase_state_t *b) {
  assert_int_equal(a->total, b->total);
  assert_int_equal(a->S, b->S);
  assert_int_equal(a->done_count, b->done_count);
  assert_memory_equal(a->done, b->done, (size_t)a->total);
  for (long i = 0; i < a->total; i++)
    if (a->done[i] && (memcmp(&a->W[i], &b->W[i], sizeof(double)) ||
                       memcmp(&a->W_error[i], &b->W_error[i], sizeof(double)) ||
                       a->ambiguous[i] != b->ambiguous[i]))
      fail_msg("realisation %ld differs after save and load", i);
}

/* For each k: cancel at poll k on 2 threads, save, load, finish on 1 thread; every point
 * must equal the uninterrupted run's bit for bit. */
static void check_resume_equals(const tl_phase_params_t *p, const char *name, const int *ks,
                                int nk) {
  tl_phase_point_t *ref = reference(p), *out = points_new(p);
  char ck[600];
  snprintf(ck, sizeof ck, "%s", path_of(name));
  for (int i = 0; i < nk; i++) {
    tl_phase_state_t *s = NULL;
    tl_error err = {0};
    assert_int_equal(tl_phase_state_new(&s, p, &err), TL_OK);
    if (run(p, s, out, ks[i], 2) != TL_ERR_INTERRUPTED)
      fail_msg("%s: k = %d did not interrupt", name, ks[i]);
    save_ok(ck, p, s);
    tl_phase_state_t *r = load_ok(ck, p);
    assert_same_state(s, r);
    assert_int_equal(run(p, r, out, 1 << 30, 1), TL_OK);
    if (memcmp(out, ref, (size_t)npoints(p) * sizeof *out))
      fail_msg("%s: k = %d: points differ from the uninterrupted run", name, ks[i]);
    memset(out, 0, (size_t)npoints(p) * sizeof *out);
    tl_phase_state_free(s);
    tl_phase_state_free(r);
  }
  free(ref);
  free(out);
}

static void test_wd_resume_equals_uninterrupted(void **state) {
  (void)state;
  tl_phase_params_t p;
  wd_params(&p);
  const int ks[] = {1, 7, 60};
  check_resume_equals(&p, "wd.partial.h5", ks, 3);
}

static void test_vw_resume_equals_uninterrupted(void **state) {
  (void)state;
  tl_phase_params_t p;
  vw_params(&p);
  tl_phase_state_t *s = NULL;
  tl_error err = {0};
  assert_int_equal(tl_phase_state_new(&s, &p, &err), TL_OK);
  assert_int_equal(s->S, 1); /* clean: samples has no effect */
  assert_int_equal(s->total, 400);
  tl_phase_state_free(s);
  const int ks[] = {1, 10, 60};
  check_resume_equals(&p, "vw.partial.h5", ks, 3);
}

static void test_window_resume_equals_uninterrupted(void **state) {
  (void)state;
  tl_phase_params_t p;
  window_params(&p);
  tl_phase_point_t *ref = reference(&p);
  int nonzero = 0;
  for (long i = 0; i < npoints(&p); i++) nonzero += ref[i].W_error > 0;
  assert_true(nonzero > 0); /* W_error really goes through the checkpoint */
  free(ref);
  const int ks[] = {3, 30};
  check_resume_equals(&p, "window.partial.h5", ks, 2);
}

/* Two interruptions (2 threads, then 1), each saved over the last; then 2 threads. */
static void test_chain_of_interruptions(void **state) {
  (void)state;
  tl_phase_params_t p;
  wd_params(&p);
  tl_phase_point_t *ref = reference(&p), *out = points_new(&p);
  const char *ck = path_of("chain.partial.h5");
  tl_phase_state_t *s = NULL;
  tl_error err = {0};
  assert_int_equal(tl_phase_state_new(&s, &p, &err), TL_OK);
  assert_int_equal(run(&p, s, out, 5, 2), TL_ERR_INTERRUPTED);
  save_ok(ck, &p, s);
  const long first = s->done_count;
  tl_phase_state_free(s);
  s = load_ok(ck, &p);
  assert_int_equal(run(&p, s, out, 20, 1), TL_ERR_INTERRUPTED);
  assert_true(s->done_count >= first + 20); /* a checkpoint never loses realisations */
  save_ok(ck, &p, s);
  tl_phase_state_free(s);
  s = load_ok(ck, &p);
  assert_int_equal(run(&p, s, out, 1 << 30, 2), TL_OK);
  assert_memory_equal(out, ref, (size_t)npoints(&p) * sizeof *out);
  tl_phase_state_free(s);
  free(ref);
  free(out);
}

/* A cancel with the last realisation changes nothing; tl_phase_diagram keeps nothing. */
static void test_cancel_edges(void **state) {
  (void)state;
  tl_phase_params_t p;
  vw_params(&p);
  tl_phase_point_t *ref = reference(&p), *out = points_new(&p);
  tl_phase_state_t *s = NULL;
  tl_error err = {0};
  assert_int_equal(tl_phase_state_new(&s, &p, &err), TL_OK);
  assert_int_equal(run(&p, s, out, (int)s->total, 1), TL_OK);
  assert_memory_equal(out, ref, (size_t)npoints(&p) * sizeof *out);
  /* a complete state: nothing left to compute, no poll, the same points */
  memset(out, 0, (size_t)npoints(&p) * sizeof *out);
  assert_int_equal(run(&p, s, out, 1, 2), TL_OK);
  assert_memory_equal(out, ref, (size_t)npoints(&p) * sizeof *out);
  tl_phase_state_free(s);
  cancel_t c = {0, 1};
  assert_int_equal(tl_phase_diagram(&p, out, cancel_after, &c, &err), TL_ERR_INTERRUPTED);
  assert_int_equal(c.polls, 1);
  /* a state of another grid is refused, not read out of bounds */
  tl_phase_params_t q = p;
  q.nx = 9;
  assert_int_equal(tl_phase_state_new(&s, &q, &err), TL_OK);
  assert_int_equal(tl_phase_diagram_continue(&p, s, out, NULL, NULL, &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "does not fit"));
  assert_int_equal(tl_phase_checkpoint_save(path_of("x.partial.h5"), &p, s, &err), TL_ERR_INPUT);
  tl_phase_state_free(s);
  free(ref);
  free(out);
}

/* Loading ck for p must fail with bad input, one line naming ck and needle, no state,
 * and every file of the directory as it was, byte for byte. */
static void expect_load_refused(const char *ck, const tl_phase_params_t *p, const char *needle) {
  long len = 0;
  char *before = file_bytes(ck) >= 0 ? slurp(ck, &len) : NULL;
  const int files = count_files();
  tl_phase_state_t *s = (tl_phase_state_t *)1;
  tl_error err = {0};
  tl_status st = tl_phase_checkpoint_load(ck, p, &s, &err);
  if (st != TL_ERR_INPUT || !strstr(err.msg, needle) || !strstr(err.msg, ck) ||
      strchr(err.msg, '\n'))
    fail_msg("load %s: status %d '%s' (expected bad input naming '%s')", ck, (int)st, err.msg,
             needle);
  assert_null(s);
  assert_int_equal(count_files(), files);
  if (before) {
    long len2;
    char *after = slurp(ck, &len2);
    assert_int_equal(len, len2);
    assert_memory_equal(before, after, (size_t)len);
    free(after);
    free(before);
  }
}

/* Replaces dataset name of the file at path by n values of file type t from data. */
static void replace_dataset(const char *path, const char *name, hid_t t, hsize_t n,
                            const void *data) {
  hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  assert_true(f >= 0);
  assert_true(H5Ldelete(f, name, H5P_DEFAULT) >= 0);
  hid_t sp = H5Screate_simple(1, &n, NULL);
  hid_t d = H5Dcreate2(f, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  assert_true(d >= 0);
  assert_true(H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
  H5Dclose(d);
  H5Sclose(sp);
  H5Fclose(f);
}

static void test_refusals_change_nothing(void **state) {
  (void)state;
  tl_phase_params_t p;
  wd_params(&p);
  const char *ck = path_of("refuse.partial.h5");
  expect_load_refused(ck, &p, "no checkpoint to resume");
  tl_phase_state_t *s = NULL;
  tl_phase_point_t *out = points_new(&p);
  tl_error err = {0};
  assert_int_equal(tl_phase_state_new(&s, &p, &err), TL_OK);
  assert_int_equal(run(&p, s, out, 3, 2), TL_ERR_INTERRUPTED);
  save_ok(ck, &p, s);

  /* other parameters: the first differing key=value of this command's */
  tl_phase_params_t q = p;
  q.seed = 4;
  expect_load_refused(ck, &q, "checkpoint of other parameters: seed=3 there, seed=4 in this command");
  q = p;
  q.samples = 7;
  expect_load_refused(ck, &q, "samples=10 there, samples=7");
  q = p;
  q.y_hi = 3.5;
  expect_load_refused(ck, &q, "D_range=0:3 there, D_range=0:3.5");
  q = p;
  q.mode = TL_PHASE_VW;
  expect_load_refused(ck, &q, "grid=wD there, grid=vw");
  q = p;
  q.rswn.bulk_fraction = 0.5 + 1e-15; /* shortest exact form tells them apart */
  expect_load_refused(ck, &q, "bulk_fraction=0.5 there, bulk_fraction=0.500000000000001");
  q = p;
  q.base.onsite = 0.25;
  expect_load_refused(ck, &q, "onsite=0 there, onsite=0.25");
  q = p;
  q.method = 1;
  expect_load_refused(ck, &q, "method=full there, method=window");
  /* what the grid sets itself (t_1 and the disorder in wD) is no parameter of the run */
  q = p;
  q.base.t[1] = 1.7;
  q.base.disorder[0] = 0.3;
  tl_phase_state_t *r = load_ok(ck, &q);
  assert_same_state(s, r);
  tl_phase_state_free(r);

  long len;
  char *good = slurp(ck, &len);
  /* truncated */
  spit(ck, good, len / 2);
  expect_load_refused(ck, &p, ck);
  /* another kind of topolearn file under the name */
  tl_dataset_params_t dp;
  tl_dataset_params_default(&dp);
  dp.fam.L = 4;
  dp.n = 3;
  dp.force = 1;
  generate_ok(&dp, ck);
  expect_load_refused(ck, &p, "expected kind 'phase_checkpoint'");
  /* wrong lengths, types and values */
  const long n = s->total;
  double *W = calloc((size_t)n + 1, sizeof *W);
  unsigned char *flags = calloc((size_t)n + 1, 1);
  spit(ck, good, len);
  char needle[160];
  replace_dataset(ck, "done", H5T_STD_U8LE, (hsize_t)n - 1, flags);
  snprintf(needle, sizeof needle, "dataset 'done' has shape %ld (expected %ld)", n - 1, n);
  expect_load_refused(ck, &p, needle);
  spit(ck, good, len);
  replace_dataset(ck, "W", H5T_IEEE_F64LE, (hsize_t)n + 1, W);
  snprintf(needle, sizeof needle, "dataset 'W' has shape %ld (expected %ld)", n + 1, n);
  expect_load_refused(ck, &p, needle);
  spit(ck, good, len);
  replace_dataset(ck, "W_error", H5T_NATIVE_FLOAT, (hsize_t)n, W);
  expect_load_refused(ck, &p, "dataset 'W_error' is float32 (expected float64)");
  spit(ck, good, len);
  replace_dataset(ck, "ambiguous", H5T_STD_I32LE, (hsize_t)n, W);
  expect_load_refused(ck, &p, "dataset 'ambiguous' is int32 (expected uint8)");
  spit(ck, good, len);
  flags[5] = 2;
  replace_dataset(ck, "done", H5T_STD_U8LE, (hsize_t)n, flags);
  expect_load_refused(ck, &p, "dataset 'done' holds 2 at entry 5 (expected 0 or 1)");
  spit(ck, good, len);
  long at = 0;
  while (!s->done[at]) at++;
  memcpy(W, s->W, (size_t)n * sizeof *W);
  W[at] = NAN;
  replace_dataset(ck, "W", H5T_IEEE_F64LE, (hsize_t)n, W);
  snprintf(needle, sizeof needle, "finished realisation %ld has W = nan", at);
  expect_load_refused(ck, &p, needle);
  /* finite but impossible (issue 17): a winding beyond L, a flag that contradicts W, an
   * error estimate on a realisation computed in full */
  spit(ck, good, len);
  memcpy(W, s->W, (size_t)n * sizeof *W);
  W[at] = 1e300;
  replace_dataset(ck, "W", H5T_IEEE_F64LE, (hsize_t)n, W);
  snprintf(needle, sizeof needle, "finished realisation %ld has W = 1e+300 (expected |W| <= L = %d)",
           at, p.base.L);
  expect_load_refused(ck, &p, needle);
  spit(ck, good, len);
  memcpy(flags, s->ambiguous, (size_t)n);
  flags[at] ^= 1;
  replace_dataset(ck, "ambiguous", H5T_STD_U8LE, (hsize_t)n, flags);
  snprintf(needle, sizeof needle, "finished realisation %ld has ambiguous %d but W = ", at,
           flags[at]);
  expect_load_refused(ck, &p, needle);
  spit(ck, good, len);
  memcpy(W, s->W_error, (size_t)n * sizeof *W);
  W[at] = 0.5;
  replace_dataset(ck, "W_error", H5T_IEEE_F64LE, (hsize_t)n, W);
  snprintf(needle, sizeof needle, "finished realisation %ld has W_error = 0.5 (expected 0: method "
           "full computes W exactly)", at);
  expect_load_refused(ck, &p, needle);
  /* restored: loads as it was saved */
  spit(ck, good, len);
  r = load_ok(ck, &p);
  assert_same_state(s, r);
  tl_phase_state_free(r);
  /* a save that cannot be written leaves nothing */
  const int files = count_files();
  assert_int_equal(tl_phase_checkpoint_save(path_of("missing/x.partial.h5"), &p, s, &err),
                   TL_ERR_IO);
  assert_int_equal(count_files(), files);
  free(W);
  free(flags);
  free(good);
  free(out);
  tl_phase_state_free(s);
}

int main(void) {
  tl_init();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_wd_resume_equals_uninterrupted),
      cmocka_unit_test(test_vw_resume_equals_uninterrupted),
      cmocka_unit_test(test_window_resume_equals_uninterrupted),
      cmocka_unit_test(test_chain_of_interruptions),
      cmocka_unit_test(test_cancel_edges),
      cmocka_unit_test(test_refusals_change_nothing),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
