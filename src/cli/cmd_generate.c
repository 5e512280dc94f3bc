/* topolearn generate — a labelled data set of chains -> HDF5 (docs/FORMAT.md). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/progress.h"

static void usage(FILE *out) {
  fprintf(out,
          "usage: topolearn generate --out FILE.h5 [--n N] [family flags] [options]\n\n"
          "Draws N chains (each from its own random stream keyed by seed and index), solves\n"
          "them exactly and stores hoppings, spectrum, eigenvectors, Q_AB, W, label, ... in\n"
          "HDF5 (see docs/FORMAT.md). Same seed -> same data, whatever --threads, and under\n"
          "mpirun -np P whatever P (the ranks split the chains, rank 0 writes the file).\n\n"
          "family (default: plain SSH, v and w uniform in [0, 2], L = 32, OBC, clean):\n"
          TL_CLI_FAMILY_HELP
          "  --v-range a:b       SSH: v uniform in [a, b] per chain (default 0:2)\n"
          "  --w-range a:b       SSH: w uniform in [a, b] per chain (default 0:2)\n"
          "  --hop-range r:a:b[,r:a:b...]  mean hopping of range r uniform in [a, b] per chain\n"
          "                      (with --hop: ranges not listed here keep their --hop value)\n\n"
          "options:\n"
          "  --out FILE          output HDF5 file (required; written whole or not at all)\n"
          "  --n N               chains to store (default 1000)\n"
          "  --balanced          equal label counts over windings r_min..r_max, by rejection\n"
          "  --max-candidates M  with --balanced: give up after M candidates (default 20 N + 1000)\n"
          "  --no-qab            do not store Q_AB (N x L x L)\n"
          "  --float32           store eigvecs and qab as float32 (half the bytes)\n"
          "  --method M          full|window|auto (default auto: window when L >= %d and the\n"
          "                      family is chiral). window = long-chain mode: W by the linear-\n"
          "                      scaling windowed RSWN, W_error stored, local_marker on the bulk\n"
          "                      window only, and NO energies, eigvecs or qab (--no-qab implied;\n"
          "                      such files cannot train models). Needs L >= block + 2 buffer + 1\n"
          "  --tol T             window convergence: max marker change between buffers (1e-8)\n"
          "  --block B           cells per window block (200); --buffer B first buffer (50)\n"
          "  --compress K        deflate level 0..9 (+ shuffle) for the large float fields\n"
          "                      (default 0: they barely compress; small fields always level 1)\n"
          "  --threads T         OpenMP threads (default: all cores; per rank under mpirun)\n"
          "  --force             overwrite FILE if it exists (and start over from an\n"
          "                      interrupted run's FILE.partial)\n"
          "  --resume            continue the interrupted run kept in FILE.partial: the same\n"
          "                      command plus --resume (any --threads); the file equals an\n"
          "                      uninterrupted run's. The first SIGINT/SIGTERM stops at the next\n"
          "                      block and keeps the finished chains there (one process only;\n"
          "                      under mpirun with several ranks a signal keeps nothing)\n"
          "  --quiet             no progress bar (it is shown only on a terminal anyway)\n",
          32, TL_WINDOW_AUTO_MIN_L);
}

typedef struct {
  int v_fixed, w_fixed, v_range, w_range;
  double v, w, v_lo, v_hi, w_lo, w_hi;
  int hr_given[TL_NRANGE];
  double hr_lo[TL_NRANGE], hr_hi[TL_NRANGE];
} hop_flags_t;

/* "r:a:b[,r:a:b...]" */
static tl_status parse_hop_range(const char *text, hop_flags_t *h, tl_error *err) {
  char buf[1024];
  if (strlen(text) >= sizeof buf) return tl_error_set(err, TL_ERR_INPUT, "--hop-range: value too long");
  strcpy(buf, text);
  char *save = NULL;
  int any = 0;
  for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    char *c = strchr(tok, ':');
    if (!c || !strchr(c + 1, ':'))
      return tl_error_set(err, TL_ERR_INPUT, "--hop-range: '%s' is not r:a:b (expected e.g. 2:0:1)", tok);
    *c = '\0';
    long r;
    double a, b;
    tl_status st = tl_cli_int("--hop-range", tok, -TL_RANGE_MAX, TL_RANGE_MAX, &r, err);
    if (!st) st = tl_cli_range("--hop-range", c + 1, -1e6, 1e6, &a, &b, err);
    if (st) return st;
    if (h->hr_given[r + TL_RANGE_MAX])
      return tl_error_set(err, TL_ERR_INPUT, "--hop-range: range %ld given twice", r);
    h->hr_given[r + TL_RANGE_MAX] = 1;
    h->hr_lo[r + TL_RANGE_MAX] = a;
    h->hr_hi[r + TL_RANGE_MAX] = b;
    any = 1;
  }
  if (!any) return tl_error_set(err, TL_ERR_INPUT, "--hop-range: empty (expected r:a:b)");
  return TL_OK;
}

/* Mean-hopping ranges per chain from the flags (see --help), into p. */
static tl_status resolve_hoppings(tl_cli_family_t *cf, const hop_flags_t *h,
                                  tl_dataset_params_t *p, tl_error *err) {
  tl_family_t *f = &cf->fam;
  int any_hr = 0;
  for (int i = 0; i < TL_NRANGE; i++) any_hr |= h->hr_given[i];
  const int ssh_flags = h->v_fixed || h->w_fixed || h->v_range || h->w_range;
  if ((cf->have_hop || any_hr) && ssh_flags)
    return tl_error_set(err, TL_ERR_INPUT, "--v/--w/--v-range/--w-range and --hop/--hop-range both "
                        "given (expected one family)");
  if (h->v_fixed && h->v_range) return tl_error_set(err, TL_ERR_INPUT, "--v and --v-range both given");
  if (h->w_fixed && h->w_range) return tl_error_set(err, TL_ERR_INPUT, "--w and --w-range both given");
  if (!cf->have_hop && !any_hr) { /* plain SSH */
    f->r_min = 0;
    f->r_max = 1;
    p->t_lo[0] = h->v_fixed ? h->v : h->v_range ? h->v_lo : 0.0;
    p->t_hi[0] = h->v_fixed ? h->v : h->v_range ? h->v_hi : 2.0;
    p->t_lo[1] = h->w_fixed ? h->w : h->w_range ? h->w_lo : 0.0;
    p->t_hi[1] = h->w_fixed ? h->w : h->w_range ? h->w_hi : 2.0;
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

int tl_cmd_generate(int argc, char **argv) {
  tl_error err = {0};
  tl_cli_family_t cf;
  tl_cli_family_init(&cf, 32);
  tl_dataset_params_t p;
  tl_dataset_params_default(&p);
  hop_flags_t h;
  memset(&h, 0, sizeof h);
  const char *out = NULL;
  int quiet = 0;
  long x;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    if (!strcmp(a, "--v") || !strcmp(a, "--w")) {
      double *dst = a[2] == 'v' ? &h.v : &h.w;
      if (tl_cli_double_arg(argc, argv, &i, -1e6, 1e6, dst, &err)) return fail(&err);
      *(a[2] == 'v' ? &h.v_fixed : &h.w_fixed) = 1;
      continue;
    }
    int used = tl_cli_family_flag(argc, argv, &i, &cf, &err);
    if (used < 0) return fail(&err);
    if (used) continue;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      return 0;
    } else if (!strcmp(a, "--out")) {
      if (!(out = tl_cli_value(argc, argv, &i, &err))) return fail(&err);
    } else if (!strcmp(a, "--n")) {
      if (tl_cli_int_arg(argc, argv, &i, 1, 1000000000L, &p.n, &err)) return fail(&err);
    } else if (!strcmp(a, "--v-range") || !strcmp(a, "--w-range")) {
      const int is_v = a[2] == 'v';
      double *lo = is_v ? &h.v_lo : &h.w_lo, *hi = is_v ? &h.v_hi : &h.w_hi;
      if (tl_cli_range_arg(argc, argv, &i, -1e6, 1e6, lo, hi, &err)) return fail(&err);
      *(is_v ? &h.v_range : &h.w_range) = 1;
    } else if (!strcmp(a, "--hop-range")) {
      if (!(v = tl_cli_value(argc, argv, &i, &err)) || parse_hop_range(v, &h, &err))
        return fail(&err);
    } else if (!strcmp(a, "--balanced")) {
      p.balanced = 1;
    } else if (!strcmp(a, "--max-candidates")) {
      if (tl_cli_int_arg(argc, argv, &i, 1, 0x7fffffffffffL, &p.max_candidates, &err))
        return fail(&err);
    } else if (!strcmp(a, "--no-qab")) {
      p.store_qab = 0;
    } else if (!strcmp(a, "--float32")) {
      p.float32 = 1;
    } else if (!strcmp(a, "--method")) {
      if (!(v = tl_cli_value(argc, argv, &i, &err))) return fail(&err);
      if (!strcmp(v, "auto")) p.method = TL_DS_METHOD_AUTO;
      else if (!strcmp(v, "full")) p.method = TL_DS_METHOD_FULL;
      else if (!strcmp(v, "window")) p.method = TL_DS_METHOD_WINDOW;
      else {
        tl_error_set(&err, TL_ERR_INPUT, "--method: '%s' is unknown (expected full, window or auto)", v);
        return fail(&err);
      }
    } else if (!strcmp(a, "--tol")) {
      if (tl_cli_double_arg(argc, argv, &i, 1e-15, 1.0, &p.window.tol, &err)) return fail(&err);
    } else if (!strcmp(a, "--block") || !strcmp(a, "--buffer")) {
      if (tl_cli_int_arg(argc, argv, &i, 1, 100000, &x, &err)) return fail(&err);
      if (a[3] == 'l') p.window.block = (int)x;
      else p.window.buffer0 = (int)x;
    } else if (!strcmp(a, "--compress")) {
      if (tl_cli_int_arg(argc, argv, &i, 0, 9, &x, &err)) return fail(&err);
      p.compress = (int)x;
    } else if (!strcmp(a, "--threads")) {
      if (tl_cli_int_arg(argc, argv, &i, 1, 1024, &x, &err)) return fail(&err);
      p.threads = (int)x;
    } else if (!strcmp(a, "--force")) {
      p.force = 1;
    } else if (!strcmp(a, "--resume")) {
      p.resume = 1;
    } else if (!strcmp(a, "--quiet")) {
      quiet = 1;
    } else {
      tl_error_set(&err, TL_ERR_INPUT, "unknown option '%s' (see topolearn generate --help)", a);
      return fail(&err);
    }
  }
  if (!out) {
    tl_error_set(&err, TL_ERR_INPUT, "--out FILE.h5 is required");
    return fail(&err);
  }
  if (p.max_candidates && !p.balanced) {
    tl_error_set(&err, TL_ERR_INPUT, "--max-candidates needs --balanced");
    return fail(&err);
  }
  if (resolve_hoppings(&cf, &h, &p, &err) || tl_cli_family_finish(&cf, &err)) return fail(&err);
  p.fam = cf.fam;
  p.seed = (uint64_t)cf.seed;
  p.rswn = cf.rswn;
  /* the library's messages say "method window ... use method full"; here they name the flag */
  if (tl_dataset_params_validate(&p, &err)) {
    char *use = strstr(err.msg, "use method full");
    if (!strncmp(err.msg, "method ", 7)) {
      if (use) *use = '\0';
      tl_error e2;
      tl_error_set(&e2, err.status, "--%s%s", err.msg, use ? "use --method full)" : "");
      err = e2;
    }
    return fail(&err);
  }
  const int windowed = tl_dataset_params_windowed(&p);
  char command[4096];
  tl_cli_join_command(argc, argv, command, sizeof command);
  p.command = command;

  /* Under mpirun the ranks split every block of chains and rank 0 writes the file; only
   * rank 0 speaks (every rank gets the same status). */
  const tl_ranks_t *ranks = tl_cli_mpi_ranks();
  const int root = !ranks || ranks->rank == 0;
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
    fprintf(stderr, "topolearn generate: interrupted; %ld of %ld chains kept in %s (run the same "
            "command with --resume to finish)\n", stats.stored, p.n, ck);
    return tl_status_exit_code(st);
  }
  if (st) return fail(&err);
  if (!root) return 0;
  char procs[48] = "";
  if (ranks && ranks->size > 1) snprintf(procs, sizeof procs, ", %d ranks", ranks->size);
  /* a resume's rate counts only the chains it computed */
  char resumed[64] = "";
  if (p.resume) snprintf(resumed, sizeof resumed, " (resumed: %ld from the checkpoint)", stats.resumed);
  printf("wrote %s: %ld chains%s, L = %d, ranges %d..%d%s%s, %ld candidates, %.2f s (%.0f chains/s%s)\n",
         out, p.n, resumed, p.fam.L, p.fam.r_min, p.fam.r_max, p.balanced ? ", balanced" : "",
         windowed ? ", long-chain mode (method window: no spectrum stored)" : "",
         stats.candidates, stats.seconds_total,
         stats.seconds_total > 0 ? (double)(p.n - stats.resumed) / stats.seconds_total : 0.0, procs);
  return 0;
}
