/* topolearn reproduce — every study with embedded defaults, then report.md. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "topolearn/report.h"

static const char *const studies[] = {"trainability", "disorder", "size", "unseen", "prune"};
#define NSTUDIES 5

/* Rough cost of one sample-epoch (training + the per-epoch test pass), in microseconds
 * at L = 32, measured on the reference two-core machine (a full run took about 2 min);
 * only for the time printed at the start. */
static double cost_us(const tl_study_model_t *m, int L) {
  return tl_model_kind_cost_us(m->hp.kind, L);
}

static double expected_seconds(const tl_study_config_t *c, int trainings_per_cell) {
  double t = 0;
  for (int i = 0; i < c->nmodels; i++)
    t += trainings_per_cell * c->seeds * c->epochs * (c->n_train + c->n_test) * cost_us(&c->models[i], c->L) * 1e-6;
  return t;
}

static const tl_flag_group_t groups[] = {
    {"study (every study)", tl_cli_study_rows, offsetof(tl_cli_study_args_t, c)},
    {"run", tl_cli_study_run_rows, 0},
    {NULL, NULL, 0}};

const tl_cli_cmd_t tl_cli_cmd_reproduce = {
    .name = "reproduce",
    .summary = "every study + report.md with figures (prints its expected time)",
    .synopsis = "[--quick] [--out DIR] [options]",
    .about = "Runs every study (trainability, disorder, size, unseen, prune) and a phase diagram, "
             "and writes DIR/report.md, DIR/figures/*.png, DIR/data/*.csv and DIR/summary.json "
             "(DIR defaults to results/reproduce, or results/reproduce-quick). The options apply "
             "to every study; without --models or --seeds the secondary studies (disorder, size, "
             "unseen, prune) train at most 2 seeds.",
    .groups = groups,
    .state_size = sizeof(tl_cli_study_args_t),
    .defaults = tl_cli_study_defaults,
    .variant = "quick",
    .notes = "The first SIGINT or SIGTERM stops after the cell under way and keeps the finished "
             "cells (exit 130); the same command with --resume continues them.",
    .run = tl_cmd_reproduce,
    .ranks = 1,
};

static int fail(tl_error *err) { return tl_cli_fail("reproduce", err); }

/* Every study's configuration: its defaults with the same flags on top. */
static int configure(int argc, char **argv, const tl_cli_study_args_t *a, const char *dir,
                     tl_study_config_t cfg[NSTUDIES], double *expect) {
  tl_error err = {0};
  *expect = 0;
  for (int k = 0; k < NSTUDIES; k++) {
    tl_cli_study_args_t one;
    tl_cli_parsed_t ps;
    memset(&one, 0, sizeof one);
    tl_study_config_default(&one.c, studies[k], a->quick, &err);
    if (tl_cli_parse_into(&tl_cli_cmd_reproduce, argc, argv, &one, &ps, &err)) return fail(&err);
    cfg[k] = one.c;
    if (!strcmp(studies[k], "disorder") || !strcmp(studies[k], "unseen") ||
        !strcmp(studies[k], "size") || !strcmp(studies[k], "prune"))
      if (!cfg[k].models_text && cfg[k].seeds > 2) cfg[k].seeds = 2; /* secondary studies: fewer seeds */
    cfg[k].out_dir = dir;
    cfg[k].resume = a->resume;
    if (tl_study_config_finish(&cfg[k], studies[k], &err)) return tl_cli_fail_cmd(&tl_cli_cmd_reproduce, &err);
    *expect += expected_seconds(&cfg[k], !strcmp(studies[k], "disorder") ? 2 : 1);
  }
  return -1;
}

/* The phase diagram of W (clean SSH) for the report: CSV, and the figure when gnuplot is
 * there. */
static tl_status phase_figure(const char *dir, int L, int figures_ok, tl_figures_t *figs,
                              tl_error *err) {
  tl_status st;
  tl_phase_params_t p;
  tl_phase_params_default(&p);
  tl_family_ssh(&p.base, L, 1, 1);
  p.x_lo = p.y_lo = 0;
  p.x_hi = p.y_hi = 2;
  p.nx = p.ny = 41;
  tl_phase_point_t *pts = calloc((size_t)p.nx * p.ny, sizeof *pts);
  char csv[4200], png[4200];
  snprintf(csv, sizeof csv, "%s/data/phase_diagram.csv", dir);
  snprintf(png, sizeof png, "%s/figures/phase_diagram.png", dir);
  st = pts ? tl_phase_diagram(&p, pts, NULL, NULL, err) : tl_error_set(err, TL_ERR_NOMEM, "out of memory");
  if (!st) st = tl_outfile_make_parents(csv, err);
  if (!st) st = tl_phase_write_csv(csv, &p, pts, 1, err);
  free(pts);
  if (!st && figures_ok) {
    char title[128];
    snprintf(title, sizeof title, "Real-space winding number W of clean SSH chains, L = %d", L);
    if (!tl_outfile_make_parents(png, err) &&
        !tl_plot_heatmap(csv, png, 1, 2, 5, "v (intra-cell t_0)", "w (inter-cell t_1)", "W", title, 0, 1, 1, err)) {
      snprintf(figs->file[figs->n], sizeof figs->file[0], "figures/phase_diagram.png");
      snprintf(figs->caption[figs->n], sizeof figs->caption[0], "Phase diagram: W of clean open "
               "SSH chains of L = %d cells over (v, w); W = 1 where |w| > |v|, with a finite-size "
               "crossover of width ~1/L' at the transition v = w.", L);
      figs->n++;
    }
  }

  return st;
}

int tl_cmd_reproduce(int argc, char **argv) {
  tl_error err = {0};
  tl_cli_study_args_t a;
  tl_cli_parsed_t ps;
  int code = tl_cli_parse(&tl_cli_cmd_reproduce, argc, argv, &a, &ps);
  if (code >= 0) return code;
  const int quick = a.quick, force = a.force, resume = a.resume;
  tl_cli_study_progress_t prog = {a.quiet, (long)time(NULL)};
  const char *dir = a.out ? a.out : quick ? "results/reproduce-quick" : "results/reproduce";
  static tl_study_config_t cfg[NSTUDIES];
  double expect;
  if ((code = configure(argc, argv, &a, dir, cfg, &expect)) >= 0) return code;
  int rank, size;
  tl_cli_mpi_world(&rank, &size);
  tl_status prep = rank == 0 ? tl_cli_prepare_dir(dir, force, resume, &err) : TL_OK;
  if (!tl_cli_mpi_all_ok(prep == TL_OK)) return prep ? fail(&err) : 2;
  /* evaluations too run with the thread count of the trainings: results then do not
   * depend on how many processes share the machine */
  if (cfg[0].threads > 0) omp_set_num_threads(cfg[0].threads);
  tl_cli_catch_interrupts();
  {
    tl_study_hooks_t hooks = {tl_cli_study_progress, &prog};
    if (tl_cli_study_ranks(studies, NSTUDIES, cfg, &hooks, &code)) return code;
  }
  printf("reproduce: %s run, expected time about %.0f min on two cores; progress on stderr\n",
         quick ? "quick" : "full", ceil(expect / 60));
  fflush(stdout);

  tl_summary_t *sum = calloc(1, sizeof *sum);
  tl_figures_t *figs = calloc(1, sizeof *figs), *one = calloc(1, sizeof *one);
  if (!sum || !figs || !one) {
    free(sum), free(figs), free(one);
    tl_error_set(&err, TL_ERR_NOMEM, "out of memory");
    return fail(&err);
  }
  int figures_ok = tl_gnuplot_path() != NULL;
  if (!figures_ok) tl_cli_say(stderr, "topolearn reproduce: warning: gnuplot not found; figures are skipped");
  tl_status st = phase_figure(dir, cfg[0].L, figures_ok, figs, &err);
  char path[4200];
  snprintf(path, sizeof path, "%s/summary.json", dir);
  for (int k = 0; k < NSTUDIES && !st; k++) {
    tl_study_hooks_t hooks = {tl_cli_study_progress, &prog};
    if (!prog.quiet) tl_cli_say(stderr, "reproduce: study %s (%d of %d)", studies[k], k + 1, NSTUDIES);
    st = tl_study_run(studies[k], &cfg[k], &hooks, sum, &err);
    if (!st) st = tl_summary_write_json(sum, path, &err); /* after every study */
    if (!st && figures_ok) {
      const char *names[TL_STUDY_MAX_MODELS];
      for (int i = 0; i < cfg[k].nmodels; i++) names[i] = cfg[k].models[i].name;
      memset(one, 0, sizeof *one);
      if (tl_report_study_figures(studies[k], dir, names, cfg[k].nmodels, one, &err))
        tl_cli_say(stderr, "topolearn reproduce: warning: %s", err.msg);
      for (int i = 0; i < one->n && figs->n < TL_FIGURES_MAX; i++, figs->n++) {
        memcpy(figs->file[figs->n], one->file[i], sizeof figs->file[0]);
        memcpy(figs->caption[figs->n], one->caption[i], sizeof figs->caption[0]);
      }
    }
  }
  if (st == TL_ERR_INTERRUPTED) {
    tl_cli_say(stderr, "topolearn reproduce: interrupted; finished cells are kept in %s/cells (rerun with --resume)", dir);
    free(sum), free(figs), free(one);
    return tl_status_exit_code(st);
  }
  char command[1024];
  tl_cli_join_command(argc, argv, command, sizeof command);
  if (!st) st = tl_report_write(dir, sum, figs, &cfg[0], &cfg[1], command, (double)((long)time(NULL) - prog.start), &err);
  free(sum), free(figs), free(one);
  if (st) return fail(&err);
  tl_cli_say(stdout, "reproduce: report in %s/report.md (figures in %s/figures, tables in %s/data, numbers in %s)",
             dir, dir, dir, path);
  return 0;
}
