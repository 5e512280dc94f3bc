/* topolearn study NAME — one study of the registry into a directory (data/, figures/,
 * summary.json, cells/ for resume). */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "topolearn/report.h"

static const tl_flag_group_t groups[] = {
    {"study", tl_cli_study_rows, offsetof(tl_cli_study_args_t, c)},
    {"run", tl_cli_study_run_rows, 0},
    {NULL, NULL, 0}};

/* "NAME is one of:" and a line per study of the registry. */
static const char *studies_about(void) {
  static char text[2048];
  if (!text[0]) {
    size_t k = (size_t)snprintf(text, sizeof text, "The studies:");
    for (int i = 0; i < tl_study_count() && k < sizeof text; i++)
      k += (size_t)snprintf(text + k, sizeof text - k, "\n  %s: %s", tl_study_name_at(i),
                            tl_study_about(tl_study_name_at(i)));
  }
  return text;
}

const tl_cli_cmd_t tl_cli_cmd_study = {
    .name = "study",
    .summary = "one study of the paper's measurements (the list: topolearn study --help)",
    .synopsis = "NAME [options]",
    .about = "Runs study NAME (docs/studies.md) and writes DIR/data/*.csv, DIR/figures/*.png "
             "and DIR/summary.json (DIR defaults to results/study-NAME); the finished cells in "
             "DIR/cells allow --resume. It prints the time it expects from the work to do, and "
             "its progress line updates the estimate from the rate it measures.",
    .positional = "NAME",
    .positional_help = "a study",
    .positional_values = tl_study_list,
    .positional_about = studies_about,
    .groups = groups,
    .state_size = sizeof(tl_cli_study_args_t),
    .defaults = tl_cli_study_defaults,
    .variant = "quick",
    .notes = "The first SIGINT or SIGTERM stops after the epoch under way and keeps the finished "
             "cells (exit 130); the same command with --resume continues them.",
    .run = tl_cmd_study,
    .ranks = 1,
};

/* Trains, tables, summary.json and figures of study `name`; the exit code. */
static int run(const char *name, tl_study_config_t *c, tl_cli_study_progress_t *prog) {
  tl_error err = {0};
  tl_summary_t *sum = calloc(1, sizeof *sum);
  if (!sum) {
    tl_error_set(&err, TL_ERR_NOMEM, "out of memory");
    return tl_cli_fail("study", &err);
  }
  tl_study_hooks_t hooks = {tl_cli_study_progress, prog};
  tl_status st = tl_study_run(name, c, &hooks, sum, NULL, &err);
  tl_cli_study_progress_end(prog);
  if (st == TL_ERR_INTERRUPTED) {
    tl_cli_say(stderr, "topolearn study: interrupted; finished cells are kept in %s/cells (rerun "
               "with --resume)", c->out_dir);
    free(sum);
    return tl_status_exit_code(st);
  }
  char path[4200];
  snprintf(path, sizeof path, "%s/summary.json", c->out_dir);
  if (!st) st = tl_summary_write_json(sum, path, &err);
  free(sum);
  if (st) return tl_cli_fail("study", &err);
  tl_figures_t *figs = calloc(1, sizeof *figs);
  if (figs && tl_study_figures(name, c, figs, &err))
    tl_cli_say(stderr, "topolearn study: warning: %s", err.msg);
  tl_cli_say(stdout, "wrote %s/data (tables), %s/figures (%d figures), %s", c->out_dir, c->out_dir,
             figs ? figs->n : 0, path);
  free(figs);
  return 0;
}

int tl_cmd_study(int argc, char **argv) {
  const tl_cli_cmd_t *cmd = &tl_cli_cmd_study;
  tl_cli_study_args_t a;
  tl_cli_parsed_t ps;
  int code = tl_cli_parse(cmd, argc, argv, &a, &ps);
  if (code >= 0) return code;
  tl_error err = {0};
  const char *name = ps.pos[0];
  tl_study_config_t *c = &a.c;
  char dir_default[128];
  snprintf(dir_default, sizeof dir_default, "results/study-%s", name);
  c->out_dir = a.out ? a.out : dir_default;
  c->resume = a.resume;
  if (tl_study_config_finish(c, name, &err)) return tl_cli_fail_cmd(cmd, &err);
  int rank, size;
  tl_cli_mpi_world(&rank, &size);
  /* rank 0 prepares the directory; the others wait for its verdict */
  tl_status prep = rank == 0 ? tl_cli_prepare_dir(c->out_dir, a.force, c->resume, &err) : TL_OK;
  if (!tl_cli_mpi_all_ok(prep == TL_OK)) return prep ? tl_cli_fail("study", &err) : 2;
  /* evaluations too run with the thread count of the trainings: results then do not
   * depend on how many processes share the machine */
  if (c->threads > 0) omp_set_num_threads(c->threads);
  tl_cli_catch_interrupts();
  tl_cli_study_progress_t prog;
  tl_cli_study_progress_init(&prog, "study", a.quiet || rank != 0);
  if (tl_cli_study_ranks(&name, 1, c, &prog, &code)) return code;
  long train, reload;
  char t[32];
  const double expect = tl_cli_study_plan(&prog, &name, 1, c, &train, &reload);
  if (!prog.quiet)
    fprintf(stderr, "study %s: %ld cells to train, %ld to reload; expected time %s (the work to "
            "do at the reference machine's rate; the progress line updates it from the measured "
            "rate)\n", name, train, reload, tl_progress_duration(t, sizeof t, expect));
  return run(name, c, &prog);
}
