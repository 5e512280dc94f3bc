/* topolearn generate — a labelled data set of chains -> HDF5 (docs/FORMAT.md). */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/progress.h"

typedef struct {
  double v, w;         /* --v, --w: NaN when not given */
  double v_range[2], w_range[2];
  int v_rng, w_rng;    /* --v-range, --w-range given */
  int hr_given[TL_NRANGE];
  double hr_lo[TL_NRANGE], hr_hi[TL_NRANGE];
} hop_flags_t;

/* --hop-range r:a:b[,r:a:b...] */
static tl_status parse_hop_range(const tl_flag_t *row, const char *text, void *group, tl_error *err) {
  hop_flags_t *h = group;
  tl_fields_t f = tl_fields(text, ',');
  while (tl_fields_next(&f)) {
    if (tl_fields_count(f.at, f.len, ':') != 3)
      return tl_error_set(err, TL_ERR_INPUT, "--hop-range: '%.*s' is not r:a:b (expected e.g. 2:0:1)",
                          (int)f.len, f.at);
    tl_fields_t g = tl_fields_n(f.at, f.len, ':');
    long long r;
    double ab[2];
    tl_fields_next(&g);
    tl_status st = tl_cli_int_n("--hop-range", g.at, g.len, -TL_RANGE_MAX, TL_RANGE_MAX, &r, err);
    for (int k = 0; !st && k < 2 && tl_fields_next(&g); k++)
      st = tl_cli_double_n("--hop-range", g.at, g.len, row->dmin, row->dmax, &ab[k], err);
    if (st) return st;
    if (ab[0] > ab[1])
      return tl_error_set(err, TL_ERR_INPUT, "--hop-range: '%.*s' has a > b (expected r:a:b with "
                          "a <= b)", (int)f.len, f.at);
    if (h->hr_given[r + TL_RANGE_MAX])
      return tl_error_set(err, TL_ERR_INPUT, "--hop-range: range %lld given twice", r);
    h->hr_given[r + TL_RANGE_MAX] = 1;
    h->hr_lo[r + TL_RANGE_MAX] = ab[0];
    h->hr_hi[r + TL_RANGE_MAX] = ab[1];
  }
  return TL_OK;
}

/* Mean-hopping ranges per chain from the flags (see --help), into p. */
static tl_status resolve_hoppings(tl_cli_family_t *cf, const hop_flags_t *h,
                                  tl_dataset_params_t *p, tl_error *err) {
  tl_family_t *f = &cf->fam;
  int any_hr = 0;
  for (int i = 0; i < TL_NRANGE; i++) any_hr |= h->hr_given[i];
  const int v_fixed = !isnan(h->v), w_fixed = !isnan(h->w);
  const int ssh_flags = v_fixed || w_fixed || h->v_rng || h->w_rng;
  if ((cf->have_hop || any_hr) && ssh_flags)
    return tl_error_set(err, TL_ERR_INPUT, "--v/--w/--v-range/--w-range and --hop/--hop-range both "
                        "given (expected one family)");
  if (v_fixed && h->v_rng) return tl_error_set(err, TL_ERR_INPUT, "--v and --v-range both given");
  if (w_fixed && h->w_rng) return tl_error_set(err, TL_ERR_INPUT, "--w and --w-range both given");
  if (!cf->have_hop && !any_hr) { /* plain SSH */
    f->r_min = 0;
    f->r_max = 1;
    p->t_lo[0] = v_fixed ? h->v : h->v_range[0]; /* v_range: the library's default or --v-range */
    p->t_hi[0] = v_fixed ? h->v : h->v_range[1];
    p->t_lo[1] = w_fixed ? h->w : h->w_range[0];
    p->t_hi[1] = w_fixed ? h->w : h->w_range[1];
  } else {
    int lo = cf->have_hop ? f->r_min : TL_RANGE_MAX, hi = cf->have_hop ? f->r_max : -TL_RANGE_MAX;
    for (int i = 0; i < TL_NRANGE; i++)
      if (h->hr_given[i]) {
        if (i - TL_RANGE_MAX < lo) lo = i - TL_RANGE_MAX;
        if (i - TL_RANGE_MAX > hi) hi = i - TL_RANGE_MAX;
      }
    for (int r = lo; r <= hi; r++) {
      const int i = r + TL_RANGE_MAX, k = r - lo;
      const int in_hop = cf->have_hop && r >= f->r_min && r <= f->r_max;
      const double fixed = in_hop ? f->t[r - f->r_min] : 0.0;
      p->t_lo[k] = h->hr_given[i] ? h->hr_lo[i] : fixed;
      p->t_hi[k] = h->hr_given[i] ? h->hr_hi[i] : fixed;
    }
    f->r_min = lo;
    f->r_max = hi;
  }
  for (int k = 0; k <= f->r_max - f->r_min; k++) f->t[k] = p->t_lo[k];
  return TL_OK;
}

static int fail(tl_error *err) { return tl_cli_fail("generate", err); }

/* The bar, and the poll of the interruption flag between blocks. */
static int on_progress(void *ctx, long done, long total) {
  tl_progress_update(ctx, done, total);
  return tl_cli_interrupted();
}

typedef struct {
  tl_cli_family_t cf;
  hop_flags_t h;
  tl_dataset_params_t p;
  const char *out;
  int no_qab, quiet;
} gen_args;

static const tl_flag_choice_t methods[] = {{"full", TL_DS_METHOD_FULL, 0},
    {"window", TL_DS_METHOD_WINDOW, 0}, {"auto", TL_DS_METHOD_AUTO, 0}, {NULL, 0, 0}};

#define H hop_flags_t
static const tl_flag_t draw_rows[] = {
    TL_FLAG_DOUBLE_ROW("v", H, v, -TL_CLI_HOP_MAX, TL_CLI_HOP_MAX, "X", "SSH: every chain's v"),
    TL_FLAG_DOUBLE_ROW("w", H, w, -TL_CLI_HOP_MAX, TL_CLI_HOP_MAX, "Y", "SSH: every chain's w"),
    {.name = "v-range", .type = TL_FT_RANGE, .metavar = "a:b", .off = offsetof(H, v_range),
     .dmin = -TL_CLI_HOP_MAX, .dmax = TL_CLI_HOP_MAX, .help = "SSH: v uniform in [a, b] per chain"},
    {.name = "w-range", .type = TL_FT_RANGE, .metavar = "a:b", .off = offsetof(H, w_range),
     .dmin = -TL_CLI_HOP_MAX, .dmax = TL_CLI_HOP_MAX, .help = "SSH: w uniform in [a, b] per chain"},
    {.name = "hop-range", .type = TL_FT_CUSTOM, .metavar = "r:a:b[,r:a:b...]",
     .dmin = -TL_CLI_HOP_MAX, .dmax = TL_CLI_HOP_MAX, .parse = parse_hop_range,
     .help = "mean hopping of range r uniform in [a, b] per chain (with --hop: ranges not "
             "listed here keep their --hop value)"},
    {0}};
#undef H

#define G gen_args
static const tl_flag_t out_rows[] = {
    TL_FLAG_STRING_ROW("out", G, out, "FILE.h5", "output HDF5 file (required; written whole or not at all)"),
    {.name = "n", .type = TL_FT_LONG, .metavar = "N", .off = offsetof(G, p.n), .imin = 1,
     .imax = 1000000000, .help = "chains to store"},
    TL_FLAG_SWITCH_ROW("balanced", G, p.balanced,
                       "equal label counts over windings r_min..r_max, by rejection"),
    {.name = "max-candidates", .type = TL_FT_LONG, .metavar = "M", .off = offsetof(G, p.max_candidates),
     .imin = 1, .imax = 0x7fffffffffffLL, .unset = "20 N + 1000",
     .help = "with --balanced: give up after M candidates"},
    TL_FLAG_SWITCH_ROW("no-qab", G, no_qab, "do not store Q_AB (N x L x L)"),
    TL_FLAG_SWITCH_ROW("float32", G, p.float32, "store eigvecs and qab as float32 (half the bytes)"),
    {.name = "method", .type = TL_FT_CHOICE, .metavar = "full|window|auto", .off = offsetof(G, p.method),
     .choices = methods,
     .help = "auto: window when the family is chiral and L >= " TL_CLI_STR(TL_WINDOW_AUTO_MIN_L) ". "
             "window = long-chain mode: W by the linear-scaling windowed RSWN, W_error stored, "
             "local_marker on the bulk window only, and NO energies, eigvecs or qab (such files "
             "cannot train models); needs L >= block + 2 buffer + 1"},
    TL_FLAG_DOUBLE_ROW("tol", G, p.window.tol, 1e-15, 1.0, "T",
                       "window convergence: max marker change between buffers"),
    TL_FLAG_INT_ROW("block", G, p.window.block, 1, 100000, "B", "cells per window block"),
    TL_FLAG_INT_ROW("buffer", G, p.window.buffer0, 1, 100000, "B", "first buffer of a window"),
    TL_FLAG_INT_ROW("compress", G, p.compress, 0, 9, "K",
                    "deflate level (+ shuffle) of the large float fields (they barely compress; "
                    "small fields always level 1)"),
    TL_FLAG_THREADS_ROW(G, p.threads),
    TL_FLAG_SWITCH_ROW("force", G, p.force, "overwrite FILE if it exists (and start over from an "
                       "interrupted run's FILE.partial)"),
    TL_FLAG_SWITCH_ROW("resume", G, p.resume, "continue the interrupted run kept in FILE.partial: "
                       "the same command plus --resume (any --threads); the file equals an "
                       "uninterrupted run's"),
    TL_FLAG_SWITCH_ROW("quiet", G, quiet, "no progress bar (it is shown only on a terminal anyway)"),
    {0}};
#undef G

static const tl_flag_group_t groups[] = {
    {"output", out_rows, 0},
    {"family (plain SSH with v and w drawn per chain unless --hop)", tl_cli_family_rows,
     offsetof(gen_args, cf)},
    {NULL, draw_rows, offsetof(gen_args, h)},
    {NULL, NULL, 0}};

static void gen_defaults(void *state, int variant) {
  gen_args *a = state;
  tl_dataset_params_default(&a->p);
  tl_cli_family_init(&a->cf, a->p.fam.L);
  a->cf.seed = a->p.seed;
  a->h.v = a->h.w = NAN;
  a->h.v_range[0] = a->p.t_lo[0], a->h.v_range[1] = a->p.t_hi[0];
  a->h.w_range[0] = a->p.t_lo[1], a->h.w_range[1] = a->p.t_hi[1];
}

const tl_cli_cmd_t tl_cli_cmd_generate = {
    .name = "generate",
    .summary = "labelled data set of chains -> HDF5",
    .synopsis = "--out FILE.h5 [--n N] [family flags] [options]",
    .about = "Draws N chains (each from its own random stream keyed by seed and index), solves "
             "them exactly and stores hoppings, spectrum, eigenvectors, Q_AB, W, label, ... in "
             "HDF5 (see docs/FORMAT.md). Same seed -> same data, whatever --threads, and under "
             "mpirun -np P whatever P (the ranks split the chains, rank 0 writes the file).",
    .groups = groups,
    .state_size = sizeof(gen_args),
    .defaults = gen_defaults,
    .notes = "The first SIGINT or SIGTERM stops at the next block and keeps the finished chains "
             "in FILE.partial (exit 130; one process only: under mpirun with several ranks a "
             "signal keeps nothing); the same command with --resume finishes them.",
    .run = tl_cmd_generate,
    .ranks = 1,
};

/* The parameters of the flags, validated; the library's messages name their fields, the
 * command's flags replace them. */
static tl_status finish_params(gen_args *a, const tl_cli_parsed_t *ps, tl_error *err) {
  const tl_cli_cmd_t *cmd = &tl_cli_cmd_generate;
  tl_dataset_params_t *p = &a->p;
  if (!a->out) return tl_error_set(err, TL_ERR_INPUT, "--out FILE.h5 is required (see topolearn generate --help)");
  if (p->max_candidates && !p->balanced)
    return tl_error_set(err, TL_ERR_INPUT, "--max-candidates needs --balanced");
  a->h.v_rng = tl_cli_seen(cmd, ps, "v-range") != 0;
  a->h.w_rng = tl_cli_seen(cmd, ps, "w-range") != 0;
  if (a->no_qab) p->store_qab = 0;
  tl_status st = resolve_hoppings(&a->cf, &a->h, p, err);
  if (!st) st = tl_cli_family_finish(&a->cf, err);
  if (st) return st;
  p->fam = a->cf.fam;
  p->seed = a->cf.seed;
  p->rswn = a->cf.rswn;
  if ((st = tl_dataset_params_validate(p, err))) tl_cli_map_fields(cmd, err);
  return st;
}

int tl_cmd_generate(int argc, char **argv) {
  gen_args a;
  tl_cli_parsed_t ps;
  int code = tl_cli_parse(&tl_cli_cmd_generate, argc, argv, &a, &ps);
  if (code >= 0) return code;
  tl_error err = {0};
  if (finish_params(&a, &ps, &err)) return fail(&err);
  tl_dataset_params_t p = a.p;
  const char *out = a.out;
  const int quiet = a.quiet;
  const int windowed = tl_dataset_params_windowed(&p);
  char command[4096];
  tl_cli_join_command(argc, argv, command, sizeof command);
  p.command = command;

  /* Under mpirun the ranks split every block of chains and rank 0 writes the file; only
   * rank 0 speaks (every rank gets the same status). */
  const tl_ranks_t *ranks = tl_cli_mpi_ranks();
  const int root = !ranks || ranks->rank == 0;
  const tl_cli_file_t files[] = {{"--out", out, 1}};
  if (root) tl_cli_files_note("generate", files, 1);
  /* One process: the first signal stops at the next block and keeps a checkpoint. Under
   * mpirun with several ranks, mpirun itself ends the ranks a few seconds after
   * forwarding a signal, maybe mid-checkpoint: main's handler removes the temporary and
   * exits at once instead, as before. */
  p.checkpoint = 1;
  if (!ranks || ranks->size <= 1) tl_cli_catch_interrupts();
  tl_progress_t bar;
  tl_progress_init(&bar, "chains", quiet || !root);
  char ck[4096 + 16];
  tl_dataset_checkpoint_path(out, ck, sizeof ck);
  if (p.resume) { /* the checkpoint's rows are not in the bar's rate (the resume checks it) */
    tl_checkpoint_info_t *ci = tl_malloc(sizeof *ci);
    tl_error ignored;
    if (ci && !tl_checkpoint_info(ck, ci, &ignored)) bar.base = ci->done;
    tl_free(ci);
  }
  tl_dataset_stats_t stats;
  tl_status st = tl_dataset_generate_ranks(&p, out, ranks, on_progress, &bar, &stats, &err);
  tl_progress_done(&bar);
  if (st && !root) return tl_status_exit_code(st);
  if (st == TL_ERR_INTERRUPTED) {
    tl_cli_say(stderr, "topolearn generate: interrupted; %ld of %ld chains kept in %s (run the same "
               "command with --resume to finish)", stats.stored, p.n, ck);
    return tl_status_exit_code(st);
  }
  if (st) return fail(&err);
  if (!root) return 0;
  char procs[48] = "";
  if (ranks && ranks->size > 1) snprintf(procs, sizeof procs, ", %d ranks", ranks->size);
  /* a resume's rate counts only the chains it computed */
  char resumed[64] = "";
  if (p.resume) snprintf(resumed, sizeof resumed, " (resumed: %ld from the checkpoint)", stats.resumed);
  tl_cli_say(stdout, "wrote %s: %ld chains%s, L = %d, ranges %d..%d%s%s, %ld candidates, %.2f s (%.0f chains/s%s)",
         out, p.n, resumed, p.fam.L, p.fam.r_min, p.fam.r_max, p.balanced ? ", balanced" : "",
         windowed ? ", long-chain mode (method window: no spectrum stored)" : "",
         stats.candidates, stats.seconds_total,
         stats.seconds_total > 0 ? (double)(p.n - stats.resumed) / stats.seconds_total : 0.0, procs);
  return 0;
}
