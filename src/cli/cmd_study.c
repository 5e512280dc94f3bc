/* topolearn study NAME — one study of SPEC 4 into a directory (data/, figures/,
 * summary.json, cells/ for resume). */
#include <errno.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "topolearn/report.h"


static void usage(FILE *out) {
  fprintf(out, "usage: topolearn study NAME [options]\n\n"
               "NAME: trainability | disorder | size | unseen | prune (SPEC 4). Writes DIR/data/*.csv,\n"
               "DIR/figures/*.png, DIR/summary.json; finished cells in DIR/cells allow --resume.\n\n" TL_CLI_STUDY_HELP);
}

int tl_cmd_study(int argc, char **argv) {
  tl_error err = {0};
  if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const char *name = argv[1];
  int quick = 0;
  for (int i = 2; i < argc; i++) quick |= !strcmp(argv[i], "--quick");
  tl_study_config_t c;
  if (tl_study_config_default(&c, name, quick, &err)) return tl_cli_fail("study", &err);
  char dir_default[128];
  snprintf(dir_default, sizeof dir_default, "results/study-%s", name);
  c.out_dir = dir_default;
  int force = 0;
  tl_cli_study_progress_t prog = {0, (long)time(NULL)};
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    int used = tl_cli_study_flag(argc, argv, &i, &c, &err);
    if (used < 0) return tl_cli_fail("study", &err);
    if (used || !strcmp(a, "--quick")) continue;
    if (!strcmp(a, "--out")) {
      if (!(c.out_dir = tl_cli_value(argc, argv, &i, &err))) return tl_cli_fail("study", &err);
    } else if (!strcmp(a, "--force")) {
      force = 1;
    } else if (!strcmp(a, "--resume")) {
      c.resume = 1;
    } else if (!strcmp(a, "--quiet")) {
      prog.quiet = 1;
    } else {
      tl_error_set(&err, TL_ERR_INPUT, "unknown option '%s' (see topolearn study --help)", a);
      return tl_cli_fail("study", &err);
    }
  }
  if (tl_study_config_finish(&c, name, &err)) return tl_cli_fail("study", &err);
  int rank, size;
  tl_cli_mpi_world(&rank, &size);
  /* rank 0 prepares the directory; the others wait for its verdict */
  tl_status prep = rank == 0 ? tl_cli_prepare_dir(c.out_dir, force, c.resume, &err) : TL_OK;
  if (!tl_cli_mpi_all_ok(prep == TL_OK)) return prep ? tl_cli_fail("study", &err) : 2;
  /* evaluations too run with the thread count of the trainings: results then do not
   * depend on how many processes share the machine */
  if (c.threads > 0) omp_set_num_threads(c.threads);
  tl_cli_catch_interrupts();
  tl_study_hooks_t hooks = {tl_cli_study_progress, &prog};
  int code;
  if (tl_cli_study_ranks(&name, 1, &c, &hooks, &code)) return code;
  tl_summary_t *sum = calloc(1, sizeof *sum);
  if (!sum) {
    tl_error_set(&err, TL_ERR_NOMEM, "out of memory");
    return tl_cli_fail("study", &err);
  }
  tl_status st = tl_study_run(name, &c, &hooks, sum, &err);
  if (st == TL_ERR_INTERRUPTED) {
    fprintf(stderr, "topolearn study: interrupted; finished cells are kept in %s/cells (rerun with --resume)\n", c.out_dir);
    free(sum);
    return 2;
  }
  char path[4200];
  snprintf(path, sizeof path, "%s/summary.json", c.out_dir);
  if (!st) st = tl_summary_write_json(sum, path, &err);
  free(sum);
  if (st) return tl_cli_fail("study", &err);
  const char *names[TL_STUDY_MAX_MODELS];
  for (int i = 0; i < c.nmodels; i++) names[i] = c.models[i].name;
  tl_figures_t figs = {0};
  if (tl_report_study_figures(name, c.out_dir, names, c.nmodels, &figs, &err))
    fprintf(stderr, "topolearn study: warning: %s\n", err.msg);
  printf("wrote %s/data (tables), %s/figures (%d figures), %s\n", c.out_dir, c.out_dir, figs.n, path);
  return 0;
}
