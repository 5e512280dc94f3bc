/* Flags of the study grid, shared by `study` and `reproduce`. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

#define C tl_study_config_t
const tl_flag_t tl_cli_study_rows[] = {
    TL_FLAG_INT_ROW("seeds", C, seeds, 1, 1000, "S", "trainings per model"),
    TL_FLAG_INT_ROW("epochs", C, epochs, 1, TL_CLI_EPOCHS_MAX, "E", "epochs per training"),
    TL_FLAG_INT_ROW("L", C, L, 1, TL_L_MAX, "N", "cells of the training chains (a study needs 4..4096)"),
    {.name = "n-train", .type = TL_FT_LONG, .metavar = "N", .off = offsetof(C, n_train), .imin = 8,
     .imax = 10000000, .help = "chains in each training set"},
    {.name = "n-test", .type = TL_FT_LONG, .metavar = "N", .off = offsetof(C, n_test), .imin = 8,
     .imax = 10000000, .help = "chains in each test set"},
    TL_FLAG_INT_ROW("batch", C, batch, 1, TL_CLI_BATCH_MAX, "B", "minibatch size"),
    TL_FLAG_DOUBLE_ROW("lr", C, lr, TL_CLI_LR_MIN, TL_CLI_LR_MAX, "LR", "Adam learning rate"),
    TL_FLAG_SEED_ROW(C, seed, "base seed of the data and the trainings"),
    {.name = "models", .type = TL_FT_STRING, .metavar = "LIST", .off = offsetof(C, models_text),
     .unset = "per study, see docs/studies.md",
     .help = "comma-separated model specs KIND[:INPUT][:INIT][:gauge], such as "
             "topo:exact+noise:0.1 or mlp:eigvec:gauge (e.g. topo:random,sym:exact,cnn:eigvec)"},
    TL_FLAG_DOUBLE_ROW("train-disorder", C, train_disorder, 0, 100, "D",
                       "bond disorder of the training chains"),
    {.name = "train-ranges", .type = TL_FT_IRANGE, .metavar = "a:b", .off = offsetof(C, train_r_min),
     .imin = -3, .imax = 3, .field = "train_ranges",
     .help = "trainability: hopping ranges a..b of the training family (containing 0 and 1)"},
    {.name = "sweep", .type = TL_FT_DLIST, .metavar = "D1,D2,...", .off = offsetof(C, sweep),
     .count_off = offsetof(C, nsweep), .imax = TL_STUDY_MAX_SWEEP, .dmin = 0, .dmax = 100,
     .help = "test disorders of the disorder study"},
    TL_FLAG_INT_ROW("edge-cells", C, edge_cells, 1, TL_CLI_EDGE_CELLS_MAX, "e",
                    "cells at each end counted as edge in prune"),
    TL_FLAG_THREADS_ROW(C, threads),
    {0}};
#undef C

#define A tl_cli_study_args_t
const tl_flag_t tl_cli_study_run_rows[] = {
    TL_FLAG_SWITCH_ROW("quick", A, quick, "small sizes: the defaults marked --quick"),
    TL_FLAG_STRING_ROW("out", A, out, "DIR", "output directory"),
    TL_FLAG_SWITCH_ROW("force", A, force, "reuse an existing output directory, starting over"),
    TL_FLAG_SWITCH_ROW("resume", A, resume,
                       "continue an interrupted run in DIR from its finished cells"),
    TL_FLAG_SWITCH_ROW("quiet", A, quiet, "no progress lines"),
    {0}};
#undef A

void tl_cli_study_defaults(void *state, int quick) {
  tl_cli_study_args_t *a = state;
  tl_study_config_default(&a->c, "trainability", quick, NULL); /* the numbers of every study */
  a->quick = quick;
}

/* Prepares DIR: refuses an existing one unless --force (start over) or --resume. */
tl_status tl_cli_prepare_dir(const char *dir, int force, int resume, tl_error *err) {
  struct stat sb;
  if (stat(dir, &sb) == 0) {
    if (!S_ISDIR(sb.st_mode)) return tl_error_set(err, TL_ERR_INPUT, "%s: exists and is not a directory", dir);
    if (!force && !resume)
      return tl_error_set(err, TL_ERR_INPUT, "%s: exists (use --resume to continue it or --force to start over)", dir);
    /* --force without --resume starts over: every cell is retrained and overwritten */
  } else if (resume) {
    return tl_error_set(err, TL_ERR_INPUT, "%s: nothing to resume (no such directory)", dir);
  }
  char probe[4200];
  snprintf(probe, sizeof probe, "%s/x", dir);
  return tl_outfile_make_parents(probe, err);
}

int tl_cli_study_ranks(const char *const *studies, int nstudies, tl_study_config_t *cfgs,
                       tl_cli_study_progress_t *prog, int *code) {
  int rank, size;
  tl_cli_mpi_world(&rank, &size);
  *code = 0;
  if (size <= 1) return 0;
  tl_error err = {0};
  tl_status st = TL_OK;
  tl_summary_t *scratch = calloc(1, sizeof *scratch);
  if (!scratch) st = tl_error_set(&err, TL_ERR_NOMEM, "out of memory");
  tl_study_config_t *own = calloc((size_t)nstudies, sizeof *own);
  if (!own) st = tl_error_set(&err, TL_ERR_NOMEM, "out of memory");
  for (int k = 0; k < nstudies && !st; k++) {
    own[k] = cfgs[k];
    own[k].rank = rank;
    own[k].nranks = size;
    own[k].train_only = 1;
  }
  long train, reload;
  if (!st) tl_cli_study_plan(prog, studies, nstudies, own, &train, &reload);
  tl_study_hooks_t hooks = {tl_cli_study_progress, prog};
  for (int k = 0; k < nstudies && !st; k++) {
    st = tl_study_run(studies[k], &own[k], &hooks, scratch, NULL, &err);
    tl_cli_study_next(prog, k);
  }
  tl_cli_study_progress_end(prog);
  free(scratch);
  free(own);
  const int ok = tl_cli_mpi_all_ok(st == TL_OK);
  if (!ok) {
    if (st) *code = tl_cli_fail(studies[0], &err);
    else *code = 1; /* another rank reported its failure */
    return 1;
  }
  if (rank != 0) return 1;
  for (int k = 0; k < nstudies; k++) cfgs[k].resume = 1; /* every cell is on disk now */
  return 0;
}
