/* Flags of the study grid, shared by `study` and `reproduce`. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"

int tl_cli_study_flag(int argc, char **argv, int *i, tl_study_config_t *c, tl_error *err) {
  const char *a = argv[*i], *v;
  long n;
  double x;
  if (!strcmp(a, "--seeds")) {
    if (tl_cli_int_arg(argc, argv, i, 1, 1000, &n, err)) return -1;
    c->seeds = (int)n;
  } else if (!strcmp(a, "--epochs")) {
    if (tl_cli_int_arg(argc, argv, i, 1, 100000, &n, err)) return -1;
    c->epochs = (int)n;
  } else if (!strcmp(a, "--L")) {
    if (tl_cli_int_arg(argc, argv, i, 4, 4096, &n, err)) return -1;
    c->L = (int)n;
  } else if (!strcmp(a, "--n-train") || !strcmp(a, "--n-test")) {
    if (tl_cli_int_arg(argc, argv, i, 8, 10000000, &n, err)) return -1;
    if (a[4] == 'r') c->n_train = n;
    else c->n_test = n;
  } else if (!strcmp(a, "--batch")) {
    if (tl_cli_int_arg(argc, argv, i, 1, 65536, &n, err)) return -1;
    c->batch = (int)n;
  } else if (!strcmp(a, "--lr")) {
    if (tl_cli_double_arg(argc, argv, i, 1e-12, 100, &c->lr, err)) return -1;
  } else if (!strcmp(a, "--seed")) {
    if (tl_cli_int_arg(argc, argv, i, 0, 0x7fffffffffffffffL, &n, err)) return -1;
    c->seed = (uint64_t)n;
  } else if (!strcmp(a, "--models")) {
    if (!(v = tl_cli_value(argc, argv, i, err))) return -1;
    c->models_text = v;
  } else if (!strcmp(a, "--train-disorder")) {
    if (tl_cli_double_arg(argc, argv, i, 0, 100, &c->train_disorder, err)) return -1;
  } else if (!strcmp(a, "--train-ranges")) {
    double lo, hi;
    if (tl_cli_range_arg(argc, argv, i, -3, 3, &lo, &hi, err)) return -1;
    c->train_r_min = (int)lo;
    c->train_r_max = (int)hi;
  } else if (!strcmp(a, "--sweep")) {
    if (!(v = tl_cli_value(argc, argv, i, err))) return -1;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", v);
    c->nsweep = 0;
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
      if (c->nsweep >= TL_STUDY_MAX_SWEEP) {
        tl_error_set(err, TL_ERR_INPUT, "--sweep: more than %d values", TL_STUDY_MAX_SWEEP);
        return -1;
      }
      if (tl_cli_double(a, t, 0, 100, &x, err)) return -1;
      c->sweep[c->nsweep++] = x;
    }
    if (!c->nsweep) {
      tl_error_set(err, TL_ERR_INPUT, "--sweep: empty (expected e.g. 0,1,2)");
      return -1;
    }
  } else if (!strcmp(a, "--edge-cells")) {
    if (tl_cli_int_arg(argc, argv, i, 1, 1000, &n, err)) return -1;
    c->edge_cells = (int)n;
  } else if (!strcmp(a, "--threads")) {
    if (tl_cli_int_arg(argc, argv, i, 1, 1024, &n, err)) return -1;
    c->threads = (int)n;
  } else {
    return 0;
  }
  return 1;
}

int tl_cli_study_progress(void *ctx, const char *study, long done, long total, const char *cell) {
  tl_cli_study_progress_t *p = ctx;
  if (tl_cli_interrupted()) return 1;
  if (!study || p->quiet) return 0;
  fprintf(stderr, "[%s %ld/%ld, %lds] %s\n", study, done + 1, total, (long)time(NULL) - p->start, cell);
  return 0;
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
                       const tl_study_hooks_t *hooks, int *code) {
  int rank, size;
  tl_cli_mpi_world(&rank, &size);
  *code = 0;
  if (size <= 1) return 0;
  tl_error err = {0};
  tl_status st = TL_OK;
  tl_summary_t *scratch = calloc(1, sizeof *scratch);
  if (!scratch) st = tl_error_set(&err, TL_ERR_NOMEM, "out of memory");
  for (int k = 0; k < nstudies && !st; k++) {
    tl_study_config_t c = cfgs[k];
    c.rank = rank;
    c.nranks = size;
    c.train_only = 1;
    st = tl_study_run(studies[k], &c, hooks, scratch, &err);
  }
  free(scratch);
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
