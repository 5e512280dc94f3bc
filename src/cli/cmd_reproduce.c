/* topolearn reproduce — every study of the registry with embedded defaults, a phase
 * diagram, then report.md. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "topolearn/report.h"

static const tl_flag_group_t groups[] = {
    {"study (every study)", tl_cli_study_rows, offsetof(tl_cli_study_args_t, c)},
    {"run", tl_cli_study_run_rows, 0},
    {NULL, NULL, 0}};

const tl_cli_cmd_t tl_cli_cmd_reproduce = {
    .name = "reproduce",
    .summary = "every study + report.md with figures (prints its expected time)",
    .synopsis = "[--quick] [--out DIR] [options]",
    .about = "Runs every study of `topolearn study --help` and a phase diagram, and writes "
             "DIR/report.md, DIR/figures/*.png, DIR/data/*.csv and DIR/summary.json (DIR "
             "defaults to results/reproduce, or results/reproduce-quick). The options apply to "
             "every study; without --models or --seeds the studies other than trainability "
             "train at most 2 seeds. It prints the time it expects from the work to do, and its "
             "progress line updates the estimate from the rate it measures. --quick is a smoke "
             "test: small chains, few seeds and epochs; its verdicts are indicative only.",
    .groups = groups,
    .state_size = sizeof(tl_cli_study_args_t),
    .defaults = tl_cli_study_defaults,
    .variant = "quick",
    .notes = "The first SIGINT or SIGTERM stops after the epoch under way and keeps the finished "
             "cells (exit 130); the same command with --resume continues them.",
    .run = tl_cmd_reproduce,
    .ranks = 1,
};

static int fail(tl_error *err) { return tl_cli_fail("reproduce", err); }

/* What a run holds: the studies' names and configurations, summary, sections, figures. */
typedef struct {
  int n;
  const char *names[TL_CLI_MAX_STUDIES];
  tl_study_config_t cfg[TL_CLI_MAX_STUDIES];
  tl_summary_t sum;
  tl_report_section_t secs[TL_CLI_MAX_STUDIES + 1]; /* the phase diagram first */
  tl_figures_t figs;
} run_t;

/* Every study's configuration: its defaults with the same flags on top. */
static int configure(int argc, char **argv, const tl_cli_study_args_t *a, const char *dir, run_t *r) {
  tl_error err = {0};
  r->n = tl_study_count() < TL_CLI_MAX_STUDIES ? tl_study_count() : TL_CLI_MAX_STUDIES;
  for (int k = 0; k < r->n; k++) {
    r->names[k] = tl_study_name_at(k);
    tl_cli_study_args_t one;
    tl_cli_parsed_t ps;
    memset(&one, 0, sizeof one);
    tl_study_config_default(&one.c, r->names[k], a->quick, &err);
    if (tl_cli_parse_into(&tl_cli_cmd_reproduce, argc, argv, &one, &ps, &err)) return fail(&err);
    r->cfg[k] = one.c;
    const int cap = tl_study_reproduce_seeds(r->names[k]);
    if (cap && !tl_cli_seen(&tl_cli_cmd_reproduce, &ps, "seeds") && !r->cfg[k].models_text &&
        r->cfg[k].seeds > cap)
      r->cfg[k].seeds = cap; /* the secondary studies: fewer seeds */
    r->cfg[k].out_dir = dir;
    r->cfg[k].resume = a->resume;
    if (tl_study_config_finish(&r->cfg[k], r->names[k], &err))
      return tl_cli_fail_cmd(&tl_cli_cmd_reproduce, &err);
  }
  return -1;
}

/* The phase diagram of W (clean SSH) for the report: CSV, the figure when gnuplot is
 * there, and its section. */
static tl_status phase_figure(const char *dir, int L, int figures_ok, run_t *r, tl_error *err) {
  tl_status st;
  tl_phase_params_t p;
  tl_phase_params_default(&p);
  tl_family_ssh(&p.base, L, 1, 1);
  p.x_lo = p.y_lo = 0;
  p.x_hi = p.y_hi = 2;
  p.nx = p.ny = 41;
  tl_phase_point_t *pts = calloc((size_t)p.nx * p.ny, sizeof *pts);
  char csv[4200], png[4200], title[128], cap[512];
  snprintf(csv, sizeof csv, "%s/data/phase_diagram.csv", dir);
  snprintf(png, sizeof png, "%s/figures/phase_diagram.png", dir);
  st = pts ? tl_phase_diagram(&p, pts, NULL, NULL, err) : tl_error_set(err, TL_ERR_NOMEM, "out of memory");
  if (!st) st = tl_outfile_make_parents(csv, err);
  if (!st) st = tl_phase_write_csv(csv, &p, pts, 1, err);
  free(pts);
  tl_report_section_t *sec = &r->secs[0];
  sec->name = "phase_diagram";
  sec->title = "Phase diagram";
  snprintf(sec->intro, sizeof sec->intro, "W of clean open SSH chains of L = %d cells on a %d x %d "
           "grid of (v, w) in [0, 2]^2, one chain per point (`data/phase_diagram.csv`).", L, p.nx, p.ny);
  if (!st && figures_ok) {
    snprintf(title, sizeof title, "Real-space winding number W of clean SSH chains, L = %d", L);
    snprintf(cap, sizeof cap, "Phase diagram: W of clean open SSH chains of L = %d cells over "
             "(v, w); W = 1 where |w| > |v|, with a finite-size crossover of width ~1/L' at the "
             "transition v = w.", L);
    if (!tl_outfile_make_parents(png, err) &&
        !tl_plot_heatmap(csv, png, 1, 2, 5, "v (intra-cell t_0)", "w (inter-cell t_1)", "W", title, 0, 1, 1, err))
      tl_figures_add(&r->figs, sec->name, "figures/phase_diagram.png", cap);
  }
  return st;
}

/* Every study in registry order: cells, tables, summary.json after each, figures. */
static tl_status studies(run_t *r, const char *dir, int figures_ok, tl_cli_study_progress_t *prog,
                         tl_error *err) {
  char path[4200];
  snprintf(path, sizeof path, "%s/summary.json", dir);
  tl_study_hooks_t hooks = {tl_cli_study_progress, prog};
  tl_status st = TL_OK;
  for (int k = 0; k < r->n && !st; k++) {
    st = tl_study_run(r->names[k], &r->cfg[k], &hooks, &r->sum, &r->secs[k + 1], err);
    if (!st) st = tl_summary_write_json(&r->sum, path, err); /* after every study */
    if (!st && figures_ok) {
      char line[128];
      snprintf(line, sizeof line, "%s: drawing its figures", r->names[k]);
      if (prog->figures[k] > 0) tl_cli_study_say(prog, line);
      tl_error ferr = {0};
      if (tl_study_figures(r->names[k], &r->cfg[k], &r->figs, &ferr))
        tl_cli_say(stderr, "topolearn reproduce: warning: %s", ferr.msg);
    }
    tl_cli_study_next(prog, k);
  }
  tl_cli_study_progress_end(prog);
  return st;
}

static int finish(int argc, char **argv, run_t *r, const char *dir, int quick, double expect,
                  tl_cli_study_progress_t *prog) {
  tl_error err = {0};
  char command[1024], t1[32], t2[32];
  tl_cli_join_command(argc, argv, command, sizeof command);
  const double seconds = tl_progress_now() - prog->t0;
  const tl_study_config_t *c = &r->cfg[0];
  tl_report_meta_t meta = {command, seconds, expect, quick, c->L, c->n_train, c->n_test,
                           c->epochs, c->batch, c->lr, dir};
  if (tl_report_write(dir, &meta, r->secs, r->n + 1, &r->figs, &err)) return fail(&err);
  tl_cli_say(stdout, "reproduce: report in %s/report.md (figures in %s/figures, tables in %s/data, "
             "numbers in %s/summary.json); took %s, estimated %s at the start", dir, dir, dir, dir,
             tl_progress_duration(t1, sizeof t1, seconds), tl_progress_duration(t2, sizeof t2, expect));
  return 0;
}

int tl_cmd_reproduce(int argc, char **argv) {
  tl_error err = {0};
  tl_cli_study_args_t a;
  tl_cli_parsed_t ps;
  int code = tl_cli_parse(&tl_cli_cmd_reproduce, argc, argv, &a, &ps);
  if (code >= 0) return code;
  const char *dir = a.out ? a.out : a.quick ? "results/reproduce-quick" : "results/reproduce";
  run_t *r = calloc(1, sizeof *r);
  if (!r) {
    tl_error_set(&err, TL_ERR_NOMEM, "out of memory");
    return fail(&err);
  }
  if ((code = configure(argc, argv, &a, dir, r)) >= 0) goto done;
  int rank, size;
  tl_cli_mpi_world(&rank, &size);
  tl_status prep = rank == 0 ? tl_cli_prepare_dir(dir, a.force, a.resume, &err) : TL_OK;
  code = 2;
  if (!tl_cli_mpi_all_ok(prep == TL_OK)) goto done_fail;
  /* evaluations too run with the thread count of the trainings: results then do not
   * depend on how many processes share the machine */
  if (r->cfg[0].threads > 0) omp_set_num_threads(r->cfg[0].threads);
  tl_cli_catch_interrupts();
  tl_cli_study_progress_t prog;
  tl_cli_study_progress_init(&prog, "reproduce", a.quiet || rank != 0);
  if (tl_cli_study_ranks(r->names, r->n, r->cfg, &prog, &code)) goto done;
  long train, reload;
  char t[32];
  const double expect = tl_cli_study_plan(&prog, r->names, r->n, r->cfg, &train, &reload);
  if (!prog.quiet)
    fprintf(stderr, "reproduce: %s run of %d studies, %ld cells to train and %ld to reload; "
            "expected time %s (the work to do at the reference machine's rate; the progress line "
            "updates it from the measured rate)\n", a.quick ? "quick (smoke test)" : "full", r->n,
            train, reload, tl_progress_duration(t, sizeof t, expect));
  const int figures_ok = tl_gnuplot_path() != NULL;
  if (!figures_ok) tl_cli_say(stderr, "topolearn reproduce: warning: gnuplot not found; figures are skipped");
  tl_cli_study_say(&prog, "phase diagram");
  tl_status st = phase_figure(dir, r->cfg[0].L, figures_ok, r, &err);
  if (!st) st = studies(r, dir, figures_ok, &prog, &err);
  if (st == TL_ERR_INTERRUPTED) {
    tl_cli_say(stderr, "topolearn reproduce: interrupted; finished cells are kept in %s/cells (rerun with --resume)", dir);
    code = tl_status_exit_code(st);
    goto done;
  }
  if (st) {
    code = fail(&err);
    goto done;
  }
  code = finish(argc, argv, r, dir, a.quick, expect, &prog);
  goto done;
done_fail:
  if (prep) code = fail(&err);
done:
  free(r);
  return code;
}
