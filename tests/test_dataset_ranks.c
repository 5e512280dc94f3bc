/* Generation split over ranks (tl_dataset_generate_ranks, what `mpirun topolearn
 * generate` runs): the file equals the one-process file field by field, for 2 and 3
 * ranks, plain, balanced and long-chain sets; failures reach every rank with the same
 * status and message, and leave no file. The ranks here are threads sharing memory,
 * wired through the same two collectives MPI provides (tests/cli/mpi.sh runs mpirun). */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "data/dataset_io.h"
#include "dataset_util.h"
#include "topolearn.h"

static int setup(void **state) {
  (void)state;
  return tmpdir_make("tl_test_ranks");
}

/* ---- ranks as threads: gather and broadcast through shared memory ------------------ */

#define MAX_RANKS 4

typedef struct {
  int size;
  pthread_barrier_t bar;
  void *root_buf; /* published by rank 0 for the current collective */
  const int *counts, *displs;
} shared_t;

typedef struct {
  shared_t *sh;
  int rank;
  int bad_counts; /* a gather whose byte count disagreed with the root's table */
} rank_ctx_t;

static int gather(void *ctx, const void *send, int bytes, void *recv, const int *counts,
                  const int *displs) {
  rank_ctx_t *c = ctx;
  if (c->rank == 0) {
    c->sh->root_buf = recv;
    c->sh->counts = counts;
    c->sh->displs = displs;
  }
  pthread_barrier_wait(&c->sh->bar);
  if (c->rank > 0) {
    if (bytes != c->sh->counts[c->rank]) c->bad_counts++;
    memcpy((char *)c->sh->root_buf + c->sh->displs[c->rank], send, (size_t)bytes);
  }
  pthread_barrier_wait(&c->sh->bar);
  return 0;
}

static int bcast(void *ctx, void *buf, int bytes) {
  rank_ctx_t *c = ctx;
  if (c->rank == 0) c->sh->root_buf = buf;
  pthread_barrier_wait(&c->sh->bar);
  if (c->rank > 0) memcpy(buf, c->sh->root_buf, (size_t)bytes);
  pthread_barrier_wait(&c->sh->bar);
  return 0;
}

typedef struct {
  const tl_dataset_params_t *p;
  const char *path;
  tl_ranks_t g;
  rank_ctx_t ctx;
  long cancel_after; /* rank 0: the progress callback cancels past this many chains */
  tl_status st;
  tl_error err;
} job_t;

static int cancel_progress(void *ctx, long done, long total) {
  (void)total;
  const job_t *j = ctx;
  return j->cancel_after > 0 && done >= j->cancel_after;
}

static void *run_rank(void *arg) {
  job_t *j = arg;
  j->st = tl_dataset_generate_ranks(j->p, j->path, &j->g, cancel_progress, j, NULL, &j->err);
  return NULL;
}

/* Runs p on `size` ranks into path; every rank's status and message into jobs. */
static void run_ranks(const tl_dataset_params_t *p, const char *path, int size,
                      long cancel_after, job_t jobs[MAX_RANKS]) {
  shared_t sh = {.size = size};
  pthread_barrier_init(&sh.bar, NULL, (unsigned)size);
  pthread_t th[MAX_RANKS];
  for (int r = 0; r < size; r++) {
    memset(&jobs[r], 0, sizeof jobs[r]);
    jobs[r].p = p;
    jobs[r].path = path;
    jobs[r].cancel_after = r == 0 ? cancel_after : 0;
    jobs[r].ctx = (rank_ctx_t){.sh = &sh, .rank = r};
    jobs[r].g = (tl_ranks_t){.rank = r, .size = size, .ctx = &jobs[r].ctx, .gather = gather,
                             .bcast = bcast};
    assert_int_equal(pthread_create(&th[r], NULL, run_rank, &jobs[r]), 0);
  }
  for (int r = 0; r < size; r++) pthread_join(th[r], NULL);
  pthread_barrier_destroy(&sh.bar);
  for (int r = 0; r < size; r++) assert_int_equal(jobs[r].ctx.bad_counts, 0);
}

static void ranks_ok(const tl_dataset_params_t *p, const char *path, int size) {
  job_t jobs[MAX_RANKS];
  run_ranks(p, path, size, 0, jobs);
  for (int r = 0; r < size; r++)
    if (jobs[r].st) fail_msg("%d ranks, rank %d: %s", size, r, jobs[r].err.msg);
}

/* Every rank failed with status st and rank 0's message, which contains needle. */
static void expect_all_failed(job_t *jobs, int size, tl_status st, const char *needle) {
  for (int r = 0; r < size; r++) {
    if (jobs[r].st != st || strcmp(jobs[r].err.msg, jobs[0].err.msg))
      fail_msg("rank %d: status %d '%s' (expected %d, as rank 0: '%s')", r, (int)jobs[r].st,
               jobs[r].err.msg, (int)st, jobs[0].err.msg);
  }
  if (!strstr(jobs[0].err.msg, needle)) fail_msg("message '%s' lacks '%s'", jobs[0].err.msg, needle);
}

/* ---- tests -------------------------------------------------------------------------- */

/* Several blocks (n > block size at L = 32 with one thread per rank), 2 and 3 ranks
 * (3 does not divide the blocks evenly). */
static void test_plain_set_equals_one_process(void **state) {
  (void)state;
  tl_dataset_params_t p;
  tl_dataset_params_default(&p);
  p.n = 1100;
  p.fam.disorder[0] = p.fam.disorder[1] = 0.5;
  p.threads = 1;
  generate_ok(&p, path_of("one.h5"));
  ranks_ok(&p, path_of("two.h5"), 2);
  compare_datasets(path_of("one.h5"), path_of("two.h5"));
  p.threads = 2; /* threads inside each rank change nothing either */
  ranks_ok(&p, path_of("three.h5"), 3);
  compare_datasets(path_of("one.h5"), path_of("three.h5"));
}

/* Balancing accepts in candidate order on rank 0 whatever the slices; on-site disorder
 * (full-H path, onsite field) and float32 storage travel too. */
static void test_balanced_onsite_float32(void **state) {
  (void)state;
  tl_dataset_params_t p;
  family_r012(&p, 16);
  p.n = 240;
  p.balanced = 1;
  p.fam.onsite = 0.2;
  p.float32 = 1;
  p.threads = 1;
  generate_ok(&p, path_of("b1.h5"));
  ranks_ok(&p, path_of("b2.h5"), 2);
  compare_datasets(path_of("b1.h5"), path_of("b2.h5"));
  ranks_ok(&p, path_of("b3.h5"), 3);
  compare_datasets(path_of("b1.h5"), path_of("b3.h5"));
}

/* Long-chain mode: W_error and the NaN-padded marker are gathered like any field. */
static void test_long_chain_mode(void **state) {
  (void)state;
  tl_dataset_params_t p;
  tl_dataset_params_default(&p);
  p.fam.L = 90;
  p.n = 12;
  p.method = TL_DS_METHOD_WINDOW;
  p.window.block = 30;
  p.window.buffer0 = 10;
  p.fam.disorder[0] = p.fam.disorder[1] = 1.0;
  p.threads = 1;
  generate_ok(&p, path_of("w1.h5"));
  ranks_ok(&p, path_of("w2.h5"), 2);
  compare_datasets(path_of("w1.h5"), path_of("w2.h5"));
}

/* Fewer chains than ranks: ranks with an empty slice still take part. */
static void test_more_ranks_than_chains(void **state) {
  (void)state;
  tl_dataset_params_t p;
  tl_dataset_params_default(&p);
  p.n = 2;
  p.fam.L = 10;
  p.threads = 1;
  generate_ok(&p, path_of("s1.h5"));
  ranks_ok(&p, path_of("s3.h5"), 3);
  compare_datasets(path_of("s1.h5"), path_of("s3.h5"));
}

static void test_failures_reach_every_rank(void **state) {
  (void)state;
  tl_dataset_params_t p;
  tl_dataset_params_default(&p);
  p.n = 600;
  p.fam.L = 16;
  p.threads = 1;
  job_t jobs[MAX_RANKS];
  const int before = count_files();

  /* an existing output without force: rank 0 finds it before any chain is solved */
  generate_ok(&p, path_of("exists.h5"));
  run_ranks(&p, path_of("exists.h5"), 2, 0, jobs);
  expect_all_failed(jobs, 2, TL_ERR_INPUT, "exists (use --force");

  /* a class the family never reaches: rank 0 gives up, the others follow */
  tl_dataset_params_t u = p;
  u.n = 30;
  u.balanced = 1;
  u.t_lo[0] = u.t_hi[0] = 2.0; /* v = 2 > w: always trivial, winding 1 unreachable */
  u.t_lo[1] = 0.0;
  u.t_hi[1] = 1.0;
  u.max_candidates = 200;
  run_ranks(&u, path_of("never.h5"), 3, 0, jobs);
  expect_all_failed(jobs, 3, TL_ERR_INPUT, "winding 1 cannot be reached");
  assert_false(exists(path_of("never.h5")));

  /* cancelled on rank 0 (SIGINT in the CLI) after the first of four blocks (about 100 KB
   * per chain at L = 64: blocks of 167; a cancel after the last block is ignored): nothing
   * is kept */
  tl_dataset_params_t c = p;
  c.fam.L = 64;
  run_ranks(&c, path_of("cancel.h5"), 2, 1, jobs);
  expect_all_failed(jobs, 2, TL_ERR_INTERRUPTED, "generation cancelled");
  assert_false(exists(path_of("cancel.h5")));
  /* with checkpoints, rank 0 keeps the finished rows in cancel.h5.partial; one process
   * resumes it (several are refused, every rank alike) into the one-process file */
  c.checkpoint = 1;
  run_ranks(&c, path_of("cancel.h5"), 2, 1, jobs);
  expect_all_failed(jobs, 2, TL_ERR_INTERRUPTED, "kept in");
  assert_false(exists(path_of("cancel.h5")));
  assert_true(exists(path_of("cancel.h5.partial")));
  c.resume = 1;
  run_ranks(&c, path_of("cancel.h5"), 2, 0, jobs);
  expect_all_failed(jobs, 2, TL_ERR_INPUT, "resumed by one process");
  generate_ok(&c, path_of("cancel.h5"));
  assert_false(exists(path_of("cancel.h5.partial")));
  c.checkpoint = c.resume = 0;
  generate_ok(&c, path_of("cancel_ref.h5"));
  compare_datasets(path_of("cancel_ref.h5"), path_of("cancel.h5"));

  /* an unwritable place: every rank learns it from rank 0 */
  run_ranks(&p, path_of("no/such/dir.h5"), 2, 0, jobs);
  expect_all_failed(jobs, 2, TL_ERR_IO, "cannot create");
  assert_int_equal(count_files(), before + 3); /* only exists.h5 and the cancel files were added */
}

/* The slices of a block partition it in rank order whatever rank 0's share, and rank 0's
 * share balances its solving plus writing against another rank's solving. */
static void test_slices_and_root_share(void **state) {
  (void)state;
  const long counts[] = {0, 1, 5, 648};
  for (int ci = 0; ci < 4; ci++)
    for (int size = 1; size <= 4; size++) {
      const long count = counts[ci];
      const long shares[] = {0, count / size, count / (2 * size)};
      for (int si = 0; si < 3; si++) {
        long expect_lo = 0;
        for (int r = 0; r < size; r++) {
          long lo, hi;
          tl_ds_slice(count, shares[si], r, size, &lo, &hi);
          if (lo != expect_lo || hi < lo)
            fail_msg("count %ld, %d ranks, share %ld: rank %d has [%ld, %ld) after %ld", count,
                     size, shares[si], r, lo, hi, expect_lo);
          if (size > 1 && r == 0 && hi != shares[si]) fail_msg("rank 0 slice %ld != share", hi);
          expect_lo = hi;
        }
        if (expect_lo != count) fail_msg("count %ld, %d ranks: slices end at %ld", count, size, expect_lo);
      }
    }
  assert_int_equal(tl_ds_root_share(648, 1, 1e-4, 1e-2), 648); /* one rank does all */
  assert_int_equal(tl_ds_root_share(648, 2, 0.0, 0.0), 324);    /* nothing measured yet */
  assert_int_equal(tl_ds_root_share(648, 2, 1e-4, 0.0), 324);   /* no writing: even split */
  assert_int_equal(tl_ds_root_share(648, 2, 1e-4, 1.0), 0);     /* writing dominates */
  /* 8.7 ms of writing at 69 us per chain: s * c + w = (648 - s) * c */
  const long s2 = tl_ds_root_share(648, 2, 69e-6, 8.7e-3);
  assert_true(labs(2 * s2 * 69 + 8700 - 648 * 69) <= 2 * 69);
  const long s3 = tl_ds_root_share(600, 3, 1e-4, 3e-3); /* others: (600 - s) / 2 each */
  assert_true(fabs(s3 * 1e-4 + 3e-3 - (600 - s3) / 2.0 * 1e-4) <= 1e-4);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_slices_and_root_share),
      cmocka_unit_test(test_plain_set_equals_one_process),
      cmocka_unit_test(test_balanced_onsite_float32),
      cmocka_unit_test(test_long_chain_mode),
      cmocka_unit_test(test_more_ranks_than_chains),
      cmocka_unit_test(test_failures_reach_every_rank),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
