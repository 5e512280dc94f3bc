/* Data-set generation (SPEC 2): candidates from per-index Philox streams, solved in
 * parallel blocks, accepted in index order, written while the next block computes.
 *
 * Pipeline per block: one OpenMP region in which one thread (`single nowait`) writes the
 * previous full output block to HDF5 while the others — and then the writer too, thanks
 * to dynamic scheduling — solve the candidates of this block. Acceptance and copying into
 * the output block are serial and in candidate order, so the stored chains never depend
 * on the thread count or on timing. */
#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "core/blas_serial.h"
#include "core/failure.h"
#include "data/dataset_io.h"
#include "topolearn/outfile.h"

void tl_dataset_params_default(tl_dataset_params_t *p) {
  memset(p, 0, sizeof *p);
  tl_family_ssh(&p->fam, 32, 1.0, 1.0);
  p->t_lo[0] = p->t_lo[1] = 0.0;
  p->t_hi[0] = p->t_hi[1] = 2.0;
  p->n = 1000;
  p->seed = 1;
  tl_rswn_opts_default(&p->rswn);
  p->store_qab = 1;
  p->method = TL_DS_METHOD_AUTO;
  tl_window_opts_default(&p->window);
}

long tl_dataset_window_min_L(const tl_window_opts_t *wo) {
  return (long)wo->block + 2L * wo->buffer0 + 1;
}

int tl_dataset_params_windowed(const tl_dataset_params_t *p) {
  if (p->method == TL_DS_METHOD_WINDOW) return 1;
  return p->method == TL_DS_METHOD_AUTO && p->fam.onsite == 0 && p->fam.L >= TL_WINDOW_AUTO_MIN_L &&
         p->fam.L >= tl_dataset_window_min_L(&p->window);
}

tl_status tl_dataset_params_validate(const tl_dataset_params_t *p, tl_error *err) {
  tl_family_t fam = p->fam;
  const int R = fam.r_max - fam.r_min + 1;
  for (int k = 0; k < R && k < TL_NRANGE; k++) fam.t[k] = p->t_lo[k];
  tl_status st = tl_family_validate(&fam, err);
  if (st) return st;
  for (int k = 0; k < R; k++)
    if (!isfinite(p->t_lo[k]) || !isfinite(p->t_hi[k]) || p->t_lo[k] > p->t_hi[k])
      return tl_error_set(err, TL_ERR_INPUT, "mean hopping range of r = %d is [%g, %g] "
                          "(expected finite a <= b)", fam.r_min + k, p->t_lo[k], p->t_hi[k]);
  if (p->n < 1) return tl_error_set(err, TL_ERR_INPUT, "n = %ld chains (expected at least 1)", p->n);
  if (p->seed > (uint64_t)INT64_MAX)
    return tl_error_set(err, TL_ERR_INPUT, "seed %llu is too large (expected < 2^63)",
                        (unsigned long long)p->seed);
  if (p->compress < 0 || p->compress > 9)
    return tl_error_set(err, TL_ERR_INPUT, "compress = %d is out of range (expected 0..9)", p->compress);
  if (p->threads < 0 || p->threads > 1024)
    return tl_error_set(err, TL_ERR_INPUT, "threads = %d (expected 0..1024)", p->threads);
  if (p->max_candidates < 0)
    return tl_error_set(err, TL_ERR_INPUT, "max_candidates = %ld (expected >= 0)", p->max_candidates);
  if (p->method != TL_DS_METHOD_AUTO && p->method != TL_DS_METHOD_FULL &&
      p->method != TL_DS_METHOD_WINDOW)
    return tl_error_set(err, TL_ERR_INPUT, "method %d is unknown (expected full, window or auto)",
                        p->method);
  if (p->method == TL_DS_METHOD_WINDOW && p->fam.onsite > 0)
    return tl_error_set(err, TL_ERR_INPUT, "method = window needs a chiral family (on-site "
                        "disorder D_0 = %g breaks chiral symmetry; use full)", p->fam.onsite);
  if (tl_dataset_params_windowed(p)) {
    if ((st = tl_window_opts_validate(&p->window, err))) return st;
    const long min_L = tl_dataset_window_min_L(&p->window);
    if (p->fam.L < min_L)
      return tl_error_set(err, TL_ERR_INPUT, "method = window: L = %d is too short for windows "
                          "(expected L >= block + 2 buffer + 1 = %ld; use full)", p->fam.L,
                          min_L);
  }
  return tl_rswn_opts_validate(&p->rswn, err);
}

/* One thread's workspace, sized once and reused for every chain it solves. */
typedef struct {
  tl_chain_t *chain;
  tl_solver_t *solver;
  double *psi; /* L x 2L, for the float32 conversion */
  double cpu;  /* seconds spent solving */
} worker_t;

/* Long-chain mode needs only the chain: tl_rswn_windowed sizes its own window solvers
 * (an L x L solver per thread would be what the mode avoids). */
static tl_status worker_new(worker_t *w, const tl_dataset_params_t *p, int windowed,
                            tl_error *err) {
  const tl_family_t *f = &p->fam;
  memset(w, 0, sizeof *w);
  tl_status st = tl_chain_new(&w->chain, f->L, f->r_min, f->r_max, f->boundary, err);
  if (windowed) return st;
  if (!st) st = tl_solver_new(&w->solver, f->L, f->r_min, f->r_max, f->boundary, err);
  if (!st && p->float32 && !(w->psi = tl_malloc(2 * (size_t)f->L * f->L * sizeof *w->psi)))
    st = tl_error_set(err, TL_ERR_NOMEM, "out of memory for eigenvectors at L = %d", f->L);
  return st;
}

static void worker_free(worker_t *w) {
  tl_chain_free(w->chain);
  tl_solver_free(w->solver);
  tl_free(w->psi);
}

#define ROW(b, fld, T, j) ((T *)((b)->f[fld] + (size_t)(j) * (b)->row_bytes[fld]))

/* Long-chain mode: the realised chain w->chain (candidate k) into row j of b by the
 * windowed RSWN. The marker is NaN outside the bulk window in every row, also when the
 * windows would span the chain and the full path ran (W_error 0 then): windows compute
 * only bulk cells, and the edge cells of a topological chain hold the zero-mode pairing,
 * which is not local. tl_rswn_windowed's own OpenMP region is nested inside the
 * generation's: one thread (as every chain of the generation), so --threads holds. */
static tl_status solve_windowed(worker_t *w, const tl_dataset_params_t *p, uint64_t k,
                                tl_ds_block_t *b, long j, tl_error *err) {
  const int L = p->fam.L, R = p->fam.r_max - p->fam.r_min + 1;
  double *marker = ROW(b, TL_FIELD_LOCAL_MARKER, double, j);
  tl_window_result_t wr;
  omp_set_num_threads(1); /* this implicit task only: the nested region stays serial */
  tl_status st = tl_rswn_windowed(w->chain, &p->rswn, &p->window, &wr, marker, err);
  if (st) return st;
  const tl_rswn_t *res = &wr.rswn;
  for (int n = 0; n < L; n++)
    if (n < res->bulk_start || n >= res->bulk_start + res->bulk_cells) marker[n] = NAN;
  memcpy(ROW(b, TL_FIELD_HOPPINGS, double, j), w->chain->t, (size_t)L * R * sizeof(double));
  *ROW(b, TL_FIELD_W, double, j) = res->W;
  *ROW(b, TL_FIELD_LABEL, int32_t, j) = res->label;
  *ROW(b, TL_FIELD_AMBIGUOUS, uint8_t, j) = (uint8_t)res->ambiguous;
  *ROW(b, TL_FIELD_W_ERROR, double, j) = wr.W_error;
  int kw = 0, kdef = 0;
  if ((st = tl_kspace_winding_chain(w->chain, &kw, &kdef, err))) return st;
  *ROW(b, TL_FIELD_W_KSPACE, double, j) = kdef ? (double)kw : NAN;
  *ROW(b, TL_FIELD_CANDIDATE, int64_t, j) = (int64_t)k;
  return TL_OK;
}

/* Candidate k into row j of b. Draw order from stream (seed, k): the mean hopping of
 * every range with t_lo < t_hi (ascending r), then tl_chain_realise's bonds and on-site
 * terms. */
static tl_status solve_one(worker_t *w, const tl_dataset_params_t *p, uint64_t k,
                           tl_ds_block_t *b, long j, tl_error *err) {
  const int L = p->fam.L, R = p->fam.r_max - p->fam.r_min + 1;
  tl_rng_t rng;
  tl_rng_init(&rng, p->seed, k);
  tl_family_t fam = p->fam;
  for (int r = 0; r < R; r++)
    fam.t[r] = p->t_lo[r] < p->t_hi[r]
                   ? p->t_lo[r] + (p->t_hi[r] - p->t_lo[r]) * tl_rng_uniform(&rng)
                   : p->t_lo[r];
  tl_status st = tl_chain_realise(w->chain, &fam, &rng, err);
  if (st) return st;
  if (b->f[TL_FIELD_W_ERROR]) return solve_windowed(w, p, k, b, j, err);
  if ((st = tl_solver_run(w->solver, w->chain, TL_PATH_AUTO, err))) return st;
  const tl_solver_t *s = w->solver;
  memcpy(ROW(b, TL_FIELD_HOPPINGS, double, j), w->chain->t, (size_t)L * R * sizeof(double));
  if (b->f[TL_FIELD_ONSITE])
    memcpy(ROW(b, TL_FIELD_ONSITE, double, j), w->chain->onsite, 2 * (size_t)L * sizeof(double));
  tl_solver_energies(s, ROW(b, TL_FIELD_ENERGIES, double, j));
  const size_t LL = (size_t)L * L;
  if (p->float32) {
    tl_solver_eigvecs(s, w->psi);
    float *e = ROW(b, TL_FIELD_EIGVECS, float, j);
    for (size_t i = 0; i < 2 * LL; i++) e[i] = (float)w->psi[i];
    if (b->f[TL_FIELD_QAB]) {
      float *q = ROW(b, TL_FIELD_QAB, float, j);
      for (size_t i = 0; i < LL; i++) q[i] = (float)s->qab[i];
    }
  } else {
    tl_solver_eigvecs(s, ROW(b, TL_FIELD_EIGVECS, double, j));
    if (b->f[TL_FIELD_QAB]) memcpy(ROW(b, TL_FIELD_QAB, double, j), s->qab, LL * sizeof(double));
  }
  tl_rswn_t res;
  tl_rswn_from_qab(s->qab, L, p->fam.boundary, &p->rswn, &res,
                   ROW(b, TL_FIELD_LOCAL_MARKER, double, j));
  *ROW(b, TL_FIELD_W, double, j) = res.W;
  *ROW(b, TL_FIELD_LABEL, int32_t, j) = res.label;
  *ROW(b, TL_FIELD_AMBIGUOUS, uint8_t, j) = (uint8_t)res.ambiguous;
  int kw = 0, kdef = 0;
  if ((st = tl_kspace_winding_chain(w->chain, &kw, &kdef, err))) return st;
  *ROW(b, TL_FIELD_W_KSPACE, double, j) = kdef ? (double)kw : NAN;
  *ROW(b, TL_FIELD_CANDIDATE, int64_t, j) = (int64_t)k;
  return TL_OK;
}

/* Refuses at once a file that cannot fit on its file system (uncompressed size; the
 * small fields are compressed, the large ones are not), instead of failing when the
 * disk fills hours later. */
static tl_status check_space(const char *out_path, double bytes, tl_error *err) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", out_path);
  char *slash = strrchr(dir, '/');
  if (slash) *(slash == dir ? slash + 1 : slash) = '\0';
  else snprintf(dir, sizeof dir, ".");
  struct statvfs fs;
  if (statvfs(dir, &fs) != 0) return TL_OK; /* the writer reports a missing directory */
  const double avail = (double)fs.f_bavail * (double)fs.f_frsize;
  if (bytes > avail)
    return tl_error_set(err, TL_ERR_IO, "%s: needs about %.3g GB, only %.3g GB free in %s "
                        "(fewer chains, --no-qab or --float32 store less)", out_path, bytes / 1e9,
                        avail / 1e9, dir);
  return TL_OK;
}

/* Chains per block: about 16 MiB of output, and at least two per thread. The block size
 * never changes the data (candidates are accepted in index order whatever the blocks);
 * it bounds memory (three blocks) and sets how often the writer runs. */
static long block_chains(size_t row_bytes, long n, int nt) {
  long b = (long)((16u << 20) / row_bytes);
  if (b < 2L * nt) b = 2L * nt;
  if (b > 4096) b = 4096;
  if (b > n) b = n;
  return b;
}

typedef struct {
  tl_ds_block_t out[2];
  long count[2];
  int cur;
  int pending;       /* index of a full block waiting to be written, or -1 */
  long pending_first;
  long stored;       /* chains accepted so far */
} outq_t;

/* Root, after a block of kc candidates was solved (and written meanwhile: the pending
 * block is free again): without balancing the whole block, solved in place in the
 * current output block, is stored; with balancing the candidates in cand fill their
 * class quotas in index order. A full output block becomes the pending one (written
 * during the next block). */
static tl_status accept_block(outq_t *q, const tl_ds_block_t *cand, long kc, long B,
                              const tl_dataset_params_t *p, long *filled, const long *quota,
                              tl_ds_writer_t *w, tl_error *err) {
  const int C = p->fam.r_max - p->fam.r_min + 1;
  if (q->pending >= 0) {
    q->count[q->pending] = 0;
    q->pending = -1;
  }
  if (!p->balanced) {
    q->count[q->cur] = kc;
    q->stored += kc;
    if (kc == B) {
      q->pending = q->cur;
      q->pending_first = q->stored - B;
      q->cur ^= 1;
    }
    return TL_OK;
  }
  for (long j = 0; j < kc && q->stored < p->n; j++) {
    /* labels outside r_min..r_max (possible with on-site disorder) fill no class */
    int c = *ROW(cand, TL_FIELD_LABEL, int32_t, j) - p->fam.r_min;
    if (c < 0 || c >= C || filled[c] >= quota[c]) continue;
    filled[c]++;
    if (q->count[q->cur] == B) { /* defensive: a second full block in one pass */
      tl_status st = tl_ds_writer_rows(w, &q->out[q->cur], q->stored - B, B, err);
      q->count[q->cur] = 0;
      if (st) return st;
    }
    tl_ds_block_copy(&q->out[q->cur], q->count[q->cur]++, cand, j);
    q->stored++;
    if (q->count[q->cur] == B && q->pending < 0) {
      q->pending = q->cur;
      q->pending_first = q->stored - B;
      q->cur ^= 1;
    }
  }
  return TL_OK;
}

/* Rank 0 only: the balanced run gave up; names the open class furthest from its quota. */
static tl_status unreachable_class(const tl_dataset_params_t *p, const long *filled,
                                   const long *quota, long max_cand, tl_error *err) {
  const int C = p->fam.r_max - p->fam.r_min + 1;
  int worst = -1;
  for (int c = 0; c < C; c++)
    if (filled[c] < quota[c] &&
        (worst < 0 || (double)filled[c] / quota[c] < (double)filled[worst] / quota[worst]))
      worst = c;
  if (worst < 0) worst = 0;
  return tl_error_set(err, TL_ERR_INPUT, "balanced: winding %d cannot be reached: %ld of %ld "
                      "chains after %ld candidates (the family rarely or never has that winding)",
                      p->fam.r_min + worst, filled[worst], quota[worst], max_cand);
}

tl_status tl_dataset_generate(const tl_dataset_params_t *p, const char *out_path,
                              tl_progress_fn progress, void *progress_ctx,
                              tl_dataset_stats_t *stats, tl_error *err) {
  return tl_dataset_generate_ranks(p, out_path, NULL, progress, progress_ctx, stats, err);
}

tl_status tl_dataset_generate_ranks(const tl_dataset_params_t *p, const char *out_path,
                                    const tl_ranks_t *g, tl_progress_fn progress,
                                    void *progress_ctx, tl_dataset_stats_t *stats,
                                    tl_error *err) {
  tl_status st = tl_dataset_params_validate(p, err); /* same parameters: same verdict */
  if (st) return st;
  const int rank = g ? g->rank : 0, size = g && g->size > 1 ? g->size : 1;
  const int root = rank == 0;
  char ck_path[4096 + 16];
  tl_dataset_checkpoint_path(out_path, ck_path, sizeof ck_path);
  /* every rank refuses alike, before any exchange */
  if (p->resume && size > 1)
    return tl_error_set(err, TL_ERR_INPUT, "%s: a checkpoint is resumed by one process (%d ranks "
                        "here; run the same command without mpirun, or with -np 1)", ck_path, size);
  const double t_start = omp_get_wtime();
  const int L = p->fam.L, R = p->fam.r_max - p->fam.r_min + 1, C = R;
  const int has_onsite = p->fam.onsite > 0;
  const int windowed = tl_dataset_params_windowed(p);
  const int nt = p->threads > 0 ? p->threads : omp_get_max_threads();
  const long max_cand = p->balanced ? (p->max_candidates > 0 ? p->max_candidates : 20 * p->n + 1000)
                                    : p->n;
  long quota[TL_NRANGE] = {0}, filled[TL_NRANGE] = {0};
  for (int c = 0; c < C; c++) quota[c] = p->n / C + (c < p->n % C); /* remainder: lowest classes */

  tl_ds_block_t cand;
  outq_t q;
  memset(&q, 0, sizeof q);
  memset(&cand, 0, sizeof cand);
  q.pending = -1;
  worker_t *workers = tl_calloc((size_t)nt, sizeof *workers);
  if (!workers) st = tl_error_set(err, TL_ERR_NOMEM, "out of memory for %d workers", nt);
  for (int t = 0; t < nt && !st; t++) st = worker_new(&workers[t], p, windowed, err);
  long B = 0;
  if (!st) {
    st = tl_ds_block_init(&cand, 1, L, R, p->float32, p->store_qab, has_onsite, windowed, err);
    /* every rank uses the root's block size (the thread counts of ranks may differ) */
    if (!st) B = block_chains(tl_ds_block_row_bytes(&cand), p->n, nt * size);
    if (!st && root)
      st = check_space(out_path, (double)tl_ds_block_row_bytes(&cand) * (double)p->n, err);
    tl_ds_block_free(&cand);
  }
  if (size > 1 && g->bcast(g->ctx, &B, (int)sizeof B) && !st)
    st = tl_error_set(err, TL_ERR_INTERNAL, "rank %d: exchange with the other ranks failed", rank);
  /* Candidates need their own block when some are rejected, and on the other ranks,
   * which solve their slices there; the output blocks live on the root. */
  if (!st) st = tl_ds_block_init(&cand, p->balanced || !root ? B : 1, L, R, p->float32,
                                 p->store_qab, has_onsite, windowed, err);
  for (int i = 0; i < 2 && !st && root; i++)
    st = tl_ds_block_init(&q.out[i], B, L, R, p->float32, p->store_qab, has_onsite, windowed, err);

  /* A resumed run continues a copy of the checkpoint in the temporary, so that the
   * checkpoint stays intact until the output (or a newer checkpoint) replaces it. */
  tl_ds_resume_t rs;
  memset(&rs, 0, sizeof rs);
  struct stat sb;
  if (!st && root && p->resume) st = tl_ds_checkpoint_load(ck_path, p, quota, max_cand, &rs, err);
  else if (!st && root && p->checkpoint && !p->force && stat(ck_path, &sb) == 0)
    st = tl_error_set(err, TL_ERR_INPUT, "%s: holds an interrupted run of %s (use --resume to "
                      "continue it, or --force to start over)", ck_path, out_path);
  tl_outfile_t of;
  tl_ds_writer_t w;
  int file_open = 0, began = 0;
  if (!st && root && !(st = tl_outfile_begin(&of, out_path, p->force, 0, err))) began = 1;
  if (!st && root && p->resume) st = tl_outfile_copy_from(&of, ck_path, err);
  if (!st && root && !(st = p->resume ? tl_ds_writer_reopen(&w, of.tmp_path, out_path, p, err)
                                      : tl_ds_writer_open(&w, of.tmp_path, out_path, p, B, err)))
    file_open = 1;
  st = tl_ranks_agree(g, st, rank, err); /* all ranks start, or none */
  q.stored = rs.rows;
  for (int c = 0; c < C; c++) filled[c] = rs.filled[c];

  /* BLAS inside the solver runs single-threaded in every configuration, so a chain's
   * arithmetic is the same whatever the thread count (and a 1-thread run uses 1 core). */
  const int blas_threads = tl_blas_serial_begin();
  double t_write = 0.0;
  double chain_s = 0.0, block_write_s = 0.0; /* root: last block's costs, for its share */
  long next = rs.next;
  for (;;) {
    /* The root says how many candidates come next and how many it solves itself;
     * kc = 0 ends every rank's loop. */
    long ctl[2] = {0, 0};
    if (root && !st && q.stored < p->n) {
      if (next >= max_cand) st = unreachable_class(p, filled, quota, max_cand, err);
      else ctl[0] = next + B <= max_cand ? B : max_cand - next;
      ctl[1] = tl_ds_root_share(ctl[0], size, chain_s, block_write_s);
    }
    if (size > 1 && g->bcast(g->ctx, ctl, (int)sizeof ctl)) {
      st = tl_error_set(err, TL_ERR_INTERNAL, "rank %d: exchange with the other ranks failed", rank);
      break;
    }
    const long kc = ctl[0], root_share = ctl[1];
    if (!kc) break;
    long lo, hi;
    tl_ds_slice(kc, root_share, rank, size, &lo, &hi);
    const double t_block = omp_get_wtime(), t_write_before = t_write;
    /* Without balancing every candidate is kept in order: the root solves straight into
     * the output block (it is free: the block written meanwhile is the other one). */
    tl_ds_block_t *dst = p->balanced || !root ? &cand : &q.out[q.cur];
    tl_failure_t bad; /* the lowest failing candidate: the same error for any nt */
    tl_failure_init(&bad);
    tl_status wst = TL_OK;
    tl_error werr = {0};
#pragma omp parallel num_threads(nt)
    {
#pragma omp single nowait
      if (q.pending >= 0) {
        double t0 = omp_get_wtime();
        wst = tl_ds_writer_rows(&w, &q.out[q.pending], q.pending_first, q.count[q.pending], &werr);
        t_write += omp_get_wtime() - t0;
      }
      worker_t *me = &workers[omp_get_thread_num()];
#pragma omp for schedule(dynamic, 1)
      for (long j = lo; j < hi; j++) {
        tl_error e;
        double t0 = omp_get_wtime();
        tl_failure_offer(&bad, solve_one(me, p, (uint64_t)(next + j), dst, j, &e), next + j, &e);
        me->cpu += omp_get_wtime() - t0;
      }
    }
    if (root) { /* the writer took one of nt threads for its share of the time */
      block_write_s = (t_write - t_write_before) / nt;
      if (hi > lo) chain_s = (omp_get_wtime() - t_block - block_write_s) / (double)(hi - lo);
    }
    /* the lowest failing index over all ranks, on every rank */
    tl_error chain_err = {0};
    if (bad.status)
      tl_error_set(&chain_err, bad.status, "chain (stream %ld): %s", bad.index, bad.err.msg);
    tl_status bst = tl_ranks_agree(g, chain_err.status, bad.index, &chain_err);
    if (bst) {
      *err = chain_err;
      st = bst;
      break;
    }
    if ((st = tl_ds_block_gather(g, dst, kc, root_share, err))) break;
    if (!root) {
      next += kc;
      continue;
    }
    if (wst) { /* the others learn it from kc = 0 at the top */
      *err = werr;
      st = wst;
      continue;
    }
    st = accept_block(&q, &cand, kc, B, p, filled, quota, &w, err);
    next += kc;
    /* a cancel after the last block changes nothing: the file is complete */
    if (!st && progress && progress(progress_ctx, q.stored, p->n) && q.stored < p->n)
      st = tl_error_set(err, TL_ERR_INTERRUPTED, "%s: generation cancelled after %ld of %ld chains",
                        out_path, q.stored, p->n);
  }
  /* A cancelled run with checkpoints keeps every row accepted so far: all of them sit
   * in the output blocks or are written already. */
  int keep = root && file_open && st == TL_ERR_INTERRUPTED && p->checkpoint;
  /* Tail: the block that may still wait, then the partial one. */
  tl_status tst = TL_OK;
  if ((!st || keep) && root && q.pending >= 0) {
    double t0 = omp_get_wtime();
    tst = tl_ds_writer_rows(&w, &q.out[q.pending], q.pending_first, q.count[q.pending], err);
    t_write += omp_get_wtime() - t0;
  }
  if (!tst && (!st || keep) && root && q.count[q.cur] > 0) {
    double t0 = omp_get_wtime();
    tst = tl_ds_writer_rows(&w, &q.out[q.cur], q.stored - q.count[q.cur], q.count[q.cur], err);
    t_write += omp_get_wtime() - t0;
  }
  if (tst) st = tst, keep = 0;
  tl_blas_serial_end(blas_threads);

  if (file_open) {
    tl_error cerr;
    tl_status cst = TL_OK;
    if (keep) cst = tl_ds_checkpoint_mark(&w, p, q.stored, next, &cerr);
    else if (!st && p->resume) cst = tl_ds_checkpoint_unmark(&w, p, &cerr);
    tl_error xerr;
    tl_status xst = tl_ds_writer_close(&w, &xerr);
    if (!cst && xst) cst = xst, cerr = xerr;
    if (cst && (!st || keep)) {
      st = cst;
      *err = cerr;
      keep = 0;
    }
  }
  if (began) {
    if (keep) {
      tl_error cerr;
      tl_status cst = tl_outfile_commit_to(&of, ck_path, &cerr);
      if (cst) st = cst, *err = cerr, keep = 0;
      else
        tl_error_set(err, TL_ERR_INTERRUPTED, "%s: generation interrupted; %ld of %ld chains kept "
                     "in %s", out_path, q.stored, p->n, ck_path);
    } else if (!st) {
      st = tl_outfile_commit(&of, err);
      /* the rows of a resumed (or, with force, an abandoned) checkpoint are in out_path */
      if (!st && (p->resume || p->checkpoint)) unlink(ck_path);
    } else {
      tl_outfile_abort(&of);
    }
  }
  st = tl_ranks_agree(g, st, rank, err); /* the root's verdict (or the first failed rank's) */
  if (stats) {
    memset(stats, 0, sizeof *stats);
    stats->candidates = next;
    stats->stored = keep ? q.stored : !st && root ? p->n : 0;
    stats->resumed = rs.rows;
    stats->seconds_total = omp_get_wtime() - t_start;
    stats->seconds_write = t_write;
    for (int t = 0; t < nt && workers; t++) stats->seconds_compute += workers[t].cpu;
  }
  for (int t = 0; t < nt && workers; t++) worker_free(&workers[t]);
  tl_free(workers);
  tl_ds_block_free(&cand);
  tl_ds_block_free(&q.out[0]);
  tl_ds_block_free(&q.out[1]);
  return st;
}
