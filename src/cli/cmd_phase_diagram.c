/* topolearn phase-diagram — W over a (v, w) or (w, D) grid -> CSV + PNG. */
#include <math.h>
#include <omp.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "topolearn/report.h"

static void usage(FILE *out) {
  fprintf(out,
          "usage: topolearn phase-diagram [--grid vw|wD] [options] [--out PREFIX]\n\n"
          "W on a grid: (v, w) of the chain family, or (w, D) at fixed v with bond disorder D\n"
          "averaged over --samples realisations. Writes PREFIX.csv and PREFIX.png.\n\n"
          "  --grid vw|wD        which plane (default vw)\n"
          "  --v-range a:b       v axis of the vw grid (default 0:2)\n"
          "  --w-range a:b       w axis (default 0:2)\n"
          "  --D-range a:b       disorder axis of the wD grid (default 0:4)\n"
          "  --n N               points per axis (default 41); --nx/--ny set one axis\n"
          "  --samples S         disorder realisations per point (default 20)\n"
          "  --threads T         OpenMP threads (default: all cores)\n"
          "  --method M          full|window|auto (auto: windowed RSWN from L = %d)\n"
          "  --out PREFIX        output prefix (default phase-diagram)\n"
          "  --force             overwrite existing outputs (and start over from an\n"
          "                      interrupted run's PREFIX.partial.h5)\n"
          "  --resume            continue the interrupted run kept in PREFIX.partial.h5: the\n"
          "                      same command plus --resume (any --threads); the CSV equals an\n"
          "                      uninterrupted run's. The first SIGINT/SIGTERM stops after the\n"
          "                      realisations under way and keeps the finished ones there\n"
          "  --quiet             no progress bar (it is shown only on a terminal anyway)\n"
          "chain flags (v is fixed by --v in the wD grid; other ranges via --hop):\n" TL_CLI_FAMILY_HELP,
          TL_WINDOW_AUTO_MIN_L, 64);
}

static int fail(tl_error *err) { return tl_cli_fail("phase-diagram", err); }

/* The bar, and the poll of the interruption flag after each realisation. */
static int on_progress(void *ctx, long done, long total) {
  tl_progress_update(ctx, done, total);
  return tl_cli_interrupted();
}

static int exists(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0;
}

int tl_cmd_phase_diagram(int argc, char **argv) {
  tl_error err = {0};
  tl_cli_family_t cf;
  tl_cli_family_init(&cf, 64);
  tl_phase_params_t p;
  tl_phase_params_default(&p);
  p.x_lo = 0, p.x_hi = 2, p.y_lo = 0, p.y_hi = 2;
  double D_lo = 0, D_hi = 4, v_lo = 0, v_hi = 2, w_lo = 0, w_hi = 2;
  long nx = 41, ny = 41, samples = 20, threads = 0;
  const char *prefix = "phase-diagram";
  int force = 0, quiet = 0, resume = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    int used = tl_cli_family_flag(argc, argv, &i, &cf, &err);
    if (used < 0) return fail(&err);
    if (used) continue;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      return 0;
    } else if (!strcmp(a, "--grid")) {
      if (!(v = tl_cli_value(argc, argv, &i, &err))) return fail(&err);
      if (!strcmp(v, "vw")) p.mode = TL_PHASE_VW;
      else if (!strcmp(v, "wD") || !strcmp(v, "wd")) p.mode = TL_PHASE_WD;
      else {
        tl_error_set(&err, TL_ERR_INPUT, "--grid: '%s' is unknown (expected vw or wD)", v);
        return fail(&err);
      }
    } else if (!strcmp(a, "--v-range")) {
      if (tl_cli_range_arg(argc, argv, &i, -1e6, 1e6, &v_lo, &v_hi, &err)) return fail(&err);
    } else if (!strcmp(a, "--w-range")) {
      if (tl_cli_range_arg(argc, argv, &i, -1e6, 1e6, &w_lo, &w_hi, &err)) return fail(&err);
    } else if (!strcmp(a, "--D-range")) {
      if (tl_cli_range_arg(argc, argv, &i, 0, 1e6, &D_lo, &D_hi, &err)) return fail(&err);
    } else if (!strcmp(a, "--n")) {
      if (tl_cli_int_arg(argc, argv, &i, 1, 2000, &nx, &err)) return fail(&err);
      ny = nx;
    } else if (!strcmp(a, "--nx") || !strcmp(a, "--ny")) {
      if (tl_cli_int_arg(argc, argv, &i, 1, 2000, a[3] == 'x' ? &nx : &ny, &err)) return fail(&err);
    } else if (!strcmp(a, "--samples")) {
      if (tl_cli_int_arg(argc, argv, &i, 1, 1000000, &samples, &err)) return fail(&err);
    } else if (!strcmp(a, "--threads")) {
      if (tl_cli_int_arg(argc, argv, &i, 1, 1024, &threads, &err)) return fail(&err);
    } else if (!strcmp(a, "--quiet")) {
      quiet = 1;
    } else if (!strcmp(a, "--out")) {
      if (!(v = tl_cli_value(argc, argv, &i, &err))) return fail(&err);
      prefix = v;
    } else if (!strcmp(a, "--method")) {
      if (!(v = tl_cli_value(argc, argv, &i, &err))) return fail(&err);
      if (!strcmp(v, "auto")) p.method = -1;
      else if (!strcmp(v, "full")) p.method = 0;
      else if (!strcmp(v, "window")) p.method = 1;
      else {
        tl_error_set(&err, TL_ERR_INPUT, "--method: '%s' is unknown (expected full, window or auto)", v);
        return fail(&err);
      }
    } else if (!strcmp(a, "--force")) {
      force = 1;
    } else if (!strcmp(a, "--resume")) {
      resume = 1;
    } else {
      tl_error_set(&err, TL_ERR_INPUT, "unknown option '%s' (see topolearn phase-diagram --help)", a);
      return fail(&err);
    }
  }
  if (tl_cli_family_finish(&cf, &err)) return fail(&err);
  p.base = cf.fam;
  p.seed = (uint64_t)cf.seed;
  p.rswn = cf.rswn;
  p.nx = (int)nx;
  p.ny = (int)ny;
  p.samples = (int)samples;
  if (p.mode == TL_PHASE_VW) {
    p.x_lo = v_lo, p.x_hi = v_hi, p.y_lo = w_lo, p.y_hi = w_hi;
  } else {
    p.x_lo = w_lo, p.x_hi = w_hi, p.y_lo = D_lo, p.y_hi = D_hi;
  }
  if (tl_phase_params_validate(&p, &err)) return fail(&err);
  char csv[4096], png[4096], ck[4096];
  if (strlen(prefix) + 12 >= sizeof csv) {
    tl_error_set(&err, TL_ERR_INPUT, "--out: prefix too long");
    return fail(&err);
  }
  snprintf(csv, sizeof csv, "%s.csv", prefix);
  snprintf(png, sizeof png, "%s.png", prefix);
  tl_phase_checkpoint_path(prefix, ck, sizeof ck);
  if (!force) {
    FILE *fp = fopen(csv, "r");
    if (!fp) fp = fopen(png, "r");
    if (fp) {
      fclose(fp);
      tl_error_set(&err, TL_ERR_INPUT, "%s.{csv,png}: exists (use --force to overwrite)", prefix);
      return fail(&err);
    }
  }
  /* The realisations finished so far: a resumed run's from its checkpoint (refused in
   * one line when it is not this command's), none for a fresh run. */
  tl_phase_state_t *state = NULL;
  if (resume) {
    if (tl_phase_checkpoint_load(ck, &p, &state, &err)) return fail(&err);
  } else if (!force && exists(ck)) {
    tl_error_set(&err, TL_ERR_INPUT, "%s: holds an interrupted run of %s (use --resume to "
                 "continue it, or --force to start over)", ck, prefix);
    return fail(&err);
  } else if (tl_phase_state_new(&state, &p, &err)) {
    return fail(&err);
  }
  const long kept = state->done_count;
  tl_phase_point_t *pts = tl_malloc((size_t)p.nx * p.ny * sizeof *pts);
  tl_status st = pts ? tl_outfile_make_parents(csv, &err)
                     : tl_error_set(&err, TL_ERR_NOMEM, "out of memory for %ld grid points", nx * ny);
  if (st) {
    tl_phase_state_free(state);
    tl_free(pts);
    return fail(&err);
  }
  if (threads > 0) omp_set_num_threads((int)threads);

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
      fprintf(stderr, "topolearn phase-diagram: interrupted; %ld of %ld realisations kept in %s "
              "(run the same command with --resume to finish)\n", state->done_count,
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
  printf("wrote %s (%d x %d points, L = %d%s%s)\n", csv, p.nx, p.ny, p.base.L,
         p.mode == TL_PHASE_WD ? ", disorder-averaged" : "", resume ? ", resumed" : "");
  char title[256];
  snprintf(title, sizeof title, "Real-space winding number W, L = %d%s", p.base.L,
           p.base.boundary == TL_PBC ? " (PBC)" : "");
  st = p.mode == TL_PHASE_VW
           ? tl_plot_heatmap(csv, png, 1, 2, 5, "v (intra-cell t_0)", "w (inter-cell t_1)", "W",
                             title, zlo, zhi, force, &err)
           : tl_plot_heatmap(csv, png, 2, 3, 5, "w (inter-cell t_1)", "bond disorder D",
                             "disorder-averaged W", title, zlo, zhi, force, &err);
  if (st) {
    /* The CSV is the result; a missing figure is a warning, not a failure. */
    fprintf(stderr, "topolearn phase-diagram: warning: %s\n", err.msg);
    return 0;
  }
  printf("wrote %s\n", png);
  return 0;
}
