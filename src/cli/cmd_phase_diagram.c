/* topolearn phase-diagram — W over a (v, w) or (w, D) grid -> CSV + PNG. */
#include <math.h>
#include <omp.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "topolearn/report.h"

static int fail(tl_error *err) { return tl_cli_fail("phase-diagram", err); }

/* The bar, and the poll of the interruption flag after each realisation. */
static int on_progress(void *ctx, long done, long total) {
  tl_progress_update(ctx, done, total);
  return tl_cli_interrupted();
}

static const tl_flag_choice_t grids[] = {
    {"vw", TL_PHASE_VW, 0}, {"wD", TL_PHASE_WD, 0}, {"wd", TL_PHASE_WD, 1}, {NULL, 0, 0}};
static const tl_flag_choice_t methods[] = {{"full", 0, 0}, {"window", 1, 0}, {"auto", -1, 0}, {NULL, 0, 0}};

/* --grid and --method are written as ints */
_Static_assert(sizeof(tl_phase_mode) == sizeof(int), "tl_phase_mode is an int");

typedef struct {
  tl_cli_family_t cf;
  tl_phase_params_t p;
  double v[2], w[2], D[2];
  int nx, ny, samples, threads, force, quiet, resume;
  const char *prefix;
} phase_args;

/* --n N: both axes */
static tl_status parse_n(const tl_flag_t *row, const char *text, void *g, tl_error *err) {
  long long n;
  tl_status st = tl_cli_int_n("--n", text, strlen(text), row->imin, row->imax, &n, err);
  if (!st) ((phase_args *)g)->nx = ((phase_args *)g)->ny = (int)n;
  return st;
}

static void show_n(const tl_flag_t *row, const void *g, char *buf, size_t cap) {
  snprintf(buf, cap, "%d", ((const phase_args *)g)->nx);
}

#define P phase_args
static const tl_flag_t grid_rows[] = {
    {.name = "grid", .type = TL_FT_CHOICE, .metavar = "vw|wD", .off = offsetof(P, p.mode),
     .choices = grids, .help = "the plane: (v, w), or (w, D) at fixed --v with bond disorder D"},
    {.name = "v-range", .type = TL_FT_RANGE, .metavar = "a:b", .off = offsetof(P, v),
     .dmin = -TL_CLI_HOP_MAX, .dmax = TL_CLI_HOP_MAX, .help = "v axis of the vw grid"},
    {.name = "w-range", .type = TL_FT_RANGE, .metavar = "a:b", .off = offsetof(P, w),
     .dmin = -TL_CLI_HOP_MAX, .dmax = TL_CLI_HOP_MAX, .help = "w axis"},
    {.name = "D-range", .type = TL_FT_RANGE, .metavar = "a:b", .off = offsetof(P, D), .dmin = 0,
     .dmax = TL_CLI_HOP_MAX, .help = "disorder axis of the wD grid"},
    {.name = "n", .type = TL_FT_CUSTOM, .metavar = "N", .imin = 1, .imax = 2000,
     .parse = parse_n, .show = show_n, .help = "points per axis (--nx and --ny set one axis)"},
    TL_FLAG_INT_ROW("nx", P, nx, 1, 2000, "N", "points on the x axis"),
    TL_FLAG_INT_ROW("ny", P, ny, 1, 2000, "N", "points on the y axis"),
    TL_FLAG_INT_ROW("samples", P, samples, 1, 1000000, "S",
                    "disorder realisations averaged per point"),
    {.name = "method", .type = TL_FT_CHOICE, .metavar = "full|window|auto", .off = offsetof(P, p.method),
     .choices = methods, .help = "auto: the windowed RSWN for long chiral chains"},
    TL_FLAG_THREADS_ROW(P, threads),
    {0}};

static const tl_flag_t out_rows[] = {
    TL_FLAG_STRING_ROW("out", P, prefix, "PREFIX", "writes PREFIX.csv and PREFIX.png"),
    TL_FLAG_SWITCH_ROW("force", P, force, "overwrite existing outputs (and start over from an "
                       "interrupted run's PREFIX.partial.h5)"),
    TL_FLAG_SWITCH_ROW("resume", P, resume, "continue the interrupted run kept in "
                       "PREFIX.partial.h5: the same command plus --resume (any --threads); the CSV "
                       "equals an uninterrupted run's"),
    TL_FLAG_SWITCH_ROW("quiet", P, quiet, "no progress bar (it is shown only on a terminal anyway)"),
    {0}};
#undef P

static const tl_flag_group_t groups[] = {
    {"grid", grid_rows, 0},
    {"output", out_rows, 0},
    {"chain (v is fixed by --v in the wD grid; other ranges via --hop)", tl_cli_family_rows,
     offsetof(phase_args, cf)},
    {NULL, tl_cli_vw_rows, offsetof(phase_args, cf)},
    {NULL, NULL, 0}};

static void phase_defaults(void *state, int variant) {
  phase_args *a = state;
  tl_cli_family_init(&a->cf, 64);
  tl_phase_params_default(&a->p);
  a->v[0] = a->w[0] = a->D[0] = 0;
  a->v[1] = a->w[1] = 2;
  a->D[1] = 4;
  a->nx = a->ny = 41;
  a->samples = 20;
  a->prefix = "phase-diagram";
}

const tl_cli_cmd_t tl_cli_cmd_phase_diagram = {
    .name = "phase-diagram",
    .summary = "W over a (v, w) or (w, D) grid -> CSV + PNG",
    .synopsis = "[--grid vw|wD] [options] [--out PREFIX]",
    .about = "W on a grid: (v, w) of the chain family, or (w, D) at fixed v with bond disorder D "
             "averaged over --samples realisations. Writes PREFIX.csv and PREFIX.png.",
    .groups = groups,
    .state_size = sizeof(phase_args),
    .defaults = phase_defaults,
    .notes = "The first SIGINT or SIGTERM stops after the realisations under way and keeps the "
             "finished ones in PREFIX.partial.h5 (exit 130); the same command with --resume "
             "finishes them.",
    .run = tl_cmd_phase_diagram,
};

/* The figure of the CSV: the CSV is the result, a missing figure is a warning. */
static void write_figure(const tl_phase_params_t *pp, const char *csv, const char *png,
                         double zlo, double zhi, int force) {
  const tl_phase_params_t p = *pp;
  tl_error err = {0};
  char title[256];
  if (p.mode == TL_PHASE_VW)
    snprintf(title, sizeof title, "Real-space winding number W, L = %d%s", p.base.L,
             p.base.boundary == TL_PBC ? " (PBC)" : "");
  else /* the figure states what the grid does not: the fixed v and the realisations */
    snprintf(title, sizeof title, "Disorder-averaged W at v = %g, L = %d%s, %d realisations per point",
             -p.base.r_min >= 0 && -p.base.r_min <= p.base.r_max - p.base.r_min ? p.base.t[-p.base.r_min] : NAN,
             p.base.L, p.base.boundary == TL_PBC ? " (PBC)" : "", tl_phase_samples_run(&p));
  tl_status st = p.mode == TL_PHASE_VW
           ? tl_plot_heatmap(csv, png, 1, 2, 5, "v (intra-cell t_0)", "w (inter-cell t_1)", "W",
                             title, zlo, zhi, force, &err)
           : tl_plot_heatmap(csv, png, 2, 3, 5, "w (inter-cell t_1)", "bond disorder D",
                             "disorder-averaged W", title, zlo, zhi, force, &err);
  if (st) tl_cli_say(stderr, "topolearn phase-diagram: warning: %s", err.msg);
  else tl_cli_say(stdout, "wrote %s", png);
}

static int exists(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0;
}

/* The realisations finished so far: a resumed run's from its checkpoint (refused in one
 * line when it is not this command's), none for a fresh run; existing outputs refused
 * without --force. */
static tl_status open_state(const tl_phase_params_t *pp, const char *prefix, const char *csv,
                            const char *png, const char *ck, int force, int resume,
                            tl_phase_state_t **state, tl_error *err) {
  tl_phase_params_t p = *pp;
  if (!force) {
    FILE *fp = fopen(csv, "r");
    if (!fp) fp = fopen(png, "r");
    if (fp) {
      fclose(fp);
      tl_error_set(err, TL_ERR_INPUT, "%s.{csv,png}: exists (use --force to overwrite)", prefix);
      return err->status;
    }
  }
  if (resume) {
    if (tl_phase_checkpoint_load(ck, &p, state, err)) return err->status;
  } else if (!force && exists(ck)) {
    tl_error_set(err, TL_ERR_INPUT, "%s: holds an interrupted run of %s (use --resume to "
                 "continue it, or --force to start over)", ck, prefix);
    return err->status;
  } else if (tl_phase_state_new(state, &p, err)) {
    return err->status;
  }
  return TL_OK;
}


int tl_cmd_phase_diagram(int argc, char **argv) {
  phase_args a;
  tl_cli_parsed_t ps;
  int code = tl_cli_parse(&tl_cli_cmd_phase_diagram, argc, argv, &a, &ps);
  if (code >= 0) return code;
  tl_error err = {0};
  tl_cli_family_t cf = a.cf;
  tl_phase_params_t p = a.p;
  const long nx = a.nx, ny = a.ny;
  const int force = a.force, quiet = a.quiet, resume = a.resume;
  const char *prefix = a.prefix;
  if (tl_cli_family_finish(&cf, &err)) return fail(&err);
  p.base = cf.fam;
  p.seed = cf.seed;
  p.rswn = cf.rswn;
  p.nx = (int)nx;
  p.ny = (int)ny;
  p.samples = a.samples;
  if (p.mode == TL_PHASE_VW) {
    p.x_lo = a.v[0], p.x_hi = a.v[1], p.y_lo = a.w[0], p.y_hi = a.w[1];
  } else {
    p.x_lo = a.w[0], p.x_hi = a.w[1], p.y_lo = a.D[0], p.y_hi = a.D[1];
  }
  if (tl_phase_params_validate(&p, &err)) return tl_cli_fail_cmd(&tl_cli_cmd_phase_diagram, &err);
  char csv[4096], png[4096], ck[4096];
  if (strlen(prefix) + 12 >= sizeof csv) {
    tl_error_set(&err, TL_ERR_INPUT, "--out: prefix too long");
    return fail(&err);
  }
  snprintf(csv, sizeof csv, "%s.csv", prefix);
  snprintf(png, sizeof png, "%s.png", prefix);
  tl_phase_checkpoint_path(prefix, ck, sizeof ck);
  const tl_cli_file_t files[] = {{"--out", csv, 1}, {"--out", png, 1}, {"--out", ck, 1}};
  if (tl_cli_files_check("phase-diagram", files, 3, &err)) return fail(&err);
  tl_phase_state_t *state = NULL;
  if (open_state(&p, prefix, csv, png, ck, force, resume, &state, &err)) return fail(&err);
  tl_cli_files_note("phase-diagram", files, 3);
  const long kept = state->done_count;
  tl_phase_point_t *pts = tl_malloc((size_t)p.nx * p.ny * sizeof *pts);
  tl_status st = pts ? tl_outfile_make_parents(csv, &err)
                     : tl_error_set(&err, TL_ERR_NOMEM, "out of memory for %ld grid points", nx * ny);
  if (st) {
    tl_phase_state_free(state);
    tl_free(pts);
    return fail(&err);
  }
  if (a.threads > 0) omp_set_num_threads(a.threads);

  /* The first signal stops after the realisations under way, the second exits at once. */
  tl_cli_catch_interrupts();
  tl_progress_t bar;
  tl_progress_init(&bar, "chains", quiet);
  bar.base = kept;
  st = tl_phase_diagram_continue(&p, state, pts, on_progress, &bar, &err);
  tl_progress_done(&bar);
  if (st == TL_ERR_INTERRUPTED) {
    /* an earlier checkpoint is replaced only by a complete new one */
    st = tl_phase_checkpoint_save(ck, &p, state, &err);
    if (!st)
      tl_cli_say(stderr, "topolearn phase-diagram: interrupted; %ld of %ld realisations kept in %s "
                 "(run the same command with --resume to finish)", state->done_count,
                 state->total, ck);
    tl_phase_state_free(state);
    tl_free(pts);
    return st ? fail(&err) : tl_status_exit_code(TL_ERR_INTERRUPTED);
  }
  tl_phase_state_free(state);
  if (!st) st = tl_phase_write_csv(csv, &p, pts, force, &err);
  /* the CSV holds the checkpoint's realisations now (or, with --force, replaced them) */
  if (!st && (resume || force)) unlink(ck);
  /* Colour range on whole windings, so the diverging palette's white sits halfway. */
  double zlo = 0, zhi = 1;
  for (long k = 0; !st && k < nx * ny; k++) {
    zlo = fmin(zlo, round(pts[k].W_mean));
    zhi = fmax(zhi, round(pts[k].W_mean));
  }
  tl_free(pts);
  if (st) return fail(&err);
  tl_cli_say(stdout, "wrote %s (%d x %d points, L = %d%s%s)", csv, p.nx, p.ny, p.base.L,
             p.mode == TL_PHASE_WD ? ", disorder-averaged" : "", resume ? ", resumed" : "");
  write_figure(&p, csv, png, zlo, zhi, force);
  return 0;
}
