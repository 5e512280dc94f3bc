/* Checkpoint and resume of a generation (tl_dataset_params_t.checkpoint/.resume,
 * docs/FORMAT.md "Checkpoints"): a run cancelled after k blocks keeps its rows in
 * OUT.partial and nothing under OUT; resuming (with another thread count) finishes a file
 * equal field by field to the uninterrupted run's, for plain, balanced (cut mid-block,
 * rejected candidates after the last kept row), float32, no-qab, on-site and long-chain
 * sets, also through a chain of interruptions. Refusals (other parameters, no checkpoint,
 * a corrupt one, a data set posing as one, several ranks, a stale checkpoint on a fresh
 * run) leave every file as it was. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dataset_util.h"
#include "topolearn.h"

static int setup(void **state) {
  (void)state;
  return tmpdir_make("tl_test_resume");
}

/* Runs p into out with a cancel at poll k; returns the rows kept (n if it completed). */
static long last_candidates; /* stats.candidates of the last run_cancelled */
static long rows_kept;       /* rows of the checkpoint the last interrupted run left */

static long run_cancelled(const tl_dataset_params_t *p0, const char *out, int k, int threads,
                          int resume) {
  tl_dataset_params_t p = *p0;
  p.checkpoint = 1;
  p.resume = resume;
  p.threads = threads;
  cancel_t c = {0, k};
  tl_dataset_stats_t stats;
  tl_error err = {0};
  char ck[600];
  tl_dataset_checkpoint_path(out, ck, sizeof ck);
  tl_status st = tl_dataset_generate(&p, out, cancel_after, &c, &stats, &err);
  last_candidates = stats.candidates;
  assert_int_equal(stats.resumed, resume ? rows_kept : 0);
  if (st == TL_OK) {
    assert_int_equal(stats.stored, p.n);
    assert_true(exists(out));
    assert_false(exists(ck)); /* a finished resume removes its checkpoint */
    return p.n;
  }
  if (st != TL_ERR_INTERRUPTED) fail_msg("generate %s: %s", out, err.msg);
  assert_false(exists(out)); /* the output name never holds a partial file */
  assert_true(exists(ck));
  assert_non_null(strstr(err.msg, "kept in"));
  assert_true(stats.stored >= 0 && stats.stored < p.n);
  tl_checkpoint_info_t *ci = malloc(sizeof *ci);
  assert_int_equal(tl_checkpoint_info(ck, ci, &err), TL_OK); /* what info and the bar read */
  assert_int_equal(ci->done, stats.stored);
  assert_int_equal(ci->total, p.n);
  assert_string_equal(ci->unit, "chains");
  free(ci);
  return rows_kept = stats.stored;
}

/* Reference without checkpoints, then for each k: cancel at poll k, resume to the end
 * with the other thread count, compare every field. Returns how many cuts fell after
 * rejected candidates (kept rows < candidates examined: balancing). */
static int check_resume_equals(const tl_dataset_params_t *p, const char *name, const int *ks,
                               int nk) {
  char ref[600], out[600];
  snprintf(ref, sizeof ref, "%s", path_of(name));
  strcat(ref, ".ref.h5");
  generate_ok(p, ref);
  int after_rejections = 0;
  for (int i = 0; i < nk; i++) {
    snprintf(out, sizeof out, "%s/%s_k%d.h5", dir, name, ks[i]);
    long kept = run_cancelled(p, out, ks[i], 1 + (i & 1), 0);
    if (kept == p->n) fail_msg("%s: k = %d did not interrupt (too few blocks)", name, ks[i]);
    after_rejections += kept < last_candidates;
    long done = run_cancelled(p, out, 1 << 30, 2 - (i & 1), 1);
    assert_int_equal(done, p->n);
    compare_datasets(ref, out);
  }
  return after_rejections;
}

/* Full set, about 100 KB per chain: blocks of 167 chains, n = 600 is four blocks. */
static void full_params(tl_dataset_params_t *p) {
  tl_dataset_params_default(p);
  p->fam.L = 64;
  p->n = 600;
  p->seed = 7;
}

static void test_plain_resume_equals_uninterrupted(void **state) {
  (void)state;
  tl_dataset_params_t p;
  full_params(&p);
  const int ks[] = {1, 2, 3};
  check_resume_equals(&p, "plain", ks, 3);
  p.float32 = 1;
  p.store_qab = 0;
  p.fam.onsite = 0.4; /* not chiral: eigvecs of H, onsite field */
  p.compress = 1;
  p.n = 1500; /* about 36 KB per chain: blocks of 466 */
  check_resume_equals(&p, "f32_noqab_onsite", ks, 2);
}

/* Balanced: the kept rows end mid-block, and candidates after the last kept row were
 * examined and rejected; both must come out as in one run. */
static void test_balanced_resume_equals_uninterrupted(void **state) {
  (void)state;
  tl_dataset_params_t p;
  family_r012(&p, 48); /* about 57 KB per chain: blocks of 294 candidates */
  p.n = 1200;
  p.balanced = 1;
  p.seed = 3;
  const int ks[] = {1, 2, 3, 4, 5};
  /* some cuts come after a class filled: the kept rows end mid-block, and candidates
   * after the last kept one were examined and rejected */
  assert_true(check_resume_equals(&p, "balanced", ks, 5) >= 1);
  p.fam.onsite = 0.3; /* labels outside 0..2 can occur: skipped, never counted */
  check_resume_equals(&p, "balanced_onsite", ks, 2);
}

/* Long-chain mode: windows of 20 cells + 10 buffer, blocks of 4096 chains. */
static void test_long_chain_resume_equals_uninterrupted(void **state) {
  (void)state;
  tl_dataset_params_t p;
  tl_dataset_params_default(&p);
  p.fam.L = 48;
  p.method = TL_DS_METHOD_WINDOW;
  p.window.block = 20;
  p.window.buffer0 = 10;
  p.n = 9000;
  const int ks[] = {1, 2};
  check_resume_equals(&p, "window", ks, 2);
}

/* Interrupted after every block, each resume with another thread count. */
static void test_chain_of_interruptions(void **state) {
  (void)state;
  tl_dataset_params_t p;
  family_r012(&p, 48);
  p.n = 700;
  p.balanced = 1;
  p.seed = 11;
  p.float32 = 1; /* about 39 KB per chain: blocks of 430 candidates */
  p.n = 1500;
  const char *ref = path_of("chain_ref.h5"), *out = path_of("chain.h5");
  generate_ok(&p, ref);
  long kept = run_cancelled(&p, out, 1, 2, 0), prev = -1;
  int resumes = 0;
  while (kept < p.n) {
    assert_true(kept >= prev); /* a checkpoint never loses rows */
    prev = kept;
    kept = run_cancelled(&p, out, 1, 1 + resumes % 2, 1);
    resumes++;
  }
  assert_true(resumes >= 2);
  compare_datasets(ref, out);
}

/* Resume of p into out must fail with bad input, the message naming needle, and leave
 * the directory's files byte for byte as they were. */
static void expect_resume_refused(const tl_dataset_params_t *p0, const char *out,
                                  const char *needle, const tl_ranks_t *g) {
  tl_dataset_params_t p = *p0;
  p.checkpoint = 1;
  p.resume = 1;
  char ck[600];
  tl_dataset_checkpoint_path(out, ck, sizeof ck);
  long len = 0;
  char *before = exists(ck) ? slurp(ck, &len) : NULL;
  const int files = count_files();
  tl_error err = {0};
  tl_status st = tl_dataset_generate_ranks(&p, out, g, NULL, NULL, NULL, &err);
  if (st != TL_ERR_INPUT || !strstr(err.msg, needle) || strchr(err.msg, '\n'))
    fail_msg("resume %s: status %d '%s' (expected bad input naming '%s')", out, (int)st, err.msg,
             needle);
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

static int no_gather(void *ctx, const void *s, int b, void *r, const int *c, const int *d) {
  (void)ctx, (void)s, (void)b, (void)r, (void)c, (void)d;
  return 1;
}
static int no_bcast(void *ctx, void *buf, int bytes) {
  (void)ctx, (void)buf, (void)bytes;
  return 1;
}

static void test_refusals_change_nothing(void **state) {
  (void)state;
  tl_dataset_params_t p;
  full_params(&p);
  const char *out = path_of("refuse.h5");
  char ck[600];
  tl_dataset_checkpoint_path(out, ck, sizeof ck);
  expect_resume_refused(&p, out, "no checkpoint", NULL);
  assert_true(run_cancelled(&p, out, 1, 2, 0) < p.n);

  tl_dataset_params_t q = p;
  q.seed = 8;
  expect_resume_refused(&q, out, "seed=7 there, seed=8", NULL);
  q = p;
  q.balanced = 1;
  expect_resume_refused(&q, out, "balanced=0 there, balanced=1", NULL);
  q = p;
  q.float32 = 1;
  expect_resume_refused(&q, out, "float32=0 there, float32=1", NULL);
  q = p;
  q.fam.disorder[1] = 0.5;
  expect_resume_refused(&q, out, "disorder=0,0 there, disorder=0,0.5", NULL);
  q = p;
  q.rswn.delta = 0.2;
  expect_resume_refused(&q, out, "delta=0.1 there, delta=0.2", NULL);
  q = p;
  q.threads = 1; /* threads never change the data: accepted (below, after the refusals) */

  tl_ranks_t two = {0, 2, NULL, no_gather, no_bcast};
  expect_resume_refused(&p, out, "one process", &two);

  /* a fresh run over a checkpoint: refused without force; with force it starts over and
   * the finished output makes the checkpoint obsolete */
  tl_dataset_params_t f = p;
  f.checkpoint = 1;
  tl_error err = {0};
  assert_int_equal(tl_dataset_generate(&f, out, NULL, NULL, NULL, &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "--resume"));
  assert_true(exists(ck));
  assert_false(exists(out));

  /* an existing output without force: refused as without checkpoints */
  generate_ok(&p, out);
  expect_resume_refused(&p, out, "exists", NULL);
  unlink(out);

  /* truncated, then a data set renamed into place */
  long len;
  char *bytes = slurp(ck, &len);
  FILE *fp = fopen(ck, "wb");
  assert_non_null(fp);
  fwrite(bytes, 1, (size_t)len / 2, fp);
  fclose(fp);
  expect_resume_refused(&p, out, ck, NULL);
  generate_ok(&p, path_of("plain_data.h5"));
  assert_int_equal(rename(path_of("plain_data.h5"), ck), 0);
  expect_resume_refused(&p, out, "expected kind 'dataset_checkpoint'", NULL);

  /* restore the checkpoint: resume with one thread finishes it */
  fp = fopen(ck, "wb");
  fwrite(bytes, 1, (size_t)len, fp);
  fclose(fp);
  free(bytes);
  assert_int_equal(run_cancelled(&q, out, 1 << 30, 1, 1), p.n);
  generate_ok(&p, path_of("refuse_ref.h5"));
  compare_datasets(path_of("refuse_ref.h5"), out);

  /* force over a stale checkpoint: the new output removes it */
  unlink(out);
  assert_true(run_cancelled(&p, out, 1, 2, 0) < p.n);
  f.force = 1;
  assert_int_equal(tl_dataset_generate(&f, out, NULL, NULL, NULL, &err), TL_OK);
  assert_false(exists(ck));
}

/* Without the checkpoint flag a cancel leaves nothing at all (the Python binding's
 * contract), and a cancel after the last block is ignored: the file is complete. */
static void test_cancel_without_checkpoint(void **state) {
  (void)state;
  tl_dataset_params_t p;
  full_params(&p);
  const int before = count_files();
  cancel_t c = {0, 1};
  tl_error err = {0};
  assert_int_equal(tl_dataset_generate(&p, path_of("nock.h5"), cancel_after, &c, NULL, &err),
                   TL_ERR_INTERRUPTED);
  assert_int_equal(count_files(), before);
  p.n = 100; /* one block: the only poll comes after the last one */
  p.checkpoint = 1;
  cancel_t c1 = {0, 1};
  assert_int_equal(tl_dataset_generate(&p, path_of("oneblock.h5"), cancel_after, &c1, NULL, &err),
                   TL_OK);
  assert_int_equal(c1.polls, 1);
  assert_true(exists(path_of("oneblock.h5")));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain_resume_equals_uninterrupted),
      cmocka_unit_test(test_balanced_resume_equals_uninterrupted),
      cmocka_unit_test(test_long_chain_resume_equals_uninterrupted),
      cmocka_unit_test(test_chain_of_interruptions),
      cmocka_unit_test(test_refusals_change_nothing),
      cmocka_unit_test(test_cancel_without_checkpoint),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
