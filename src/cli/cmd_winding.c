/* topolearn winding — W, local marker and k-space winding of one chain. */
#include <math.h>
#include <string.h>

#include "cli/cli.h"
#include "topolearn/json.h"

static const char *path_name(tl_path p) {
  switch (p) {
    case TL_PATH_BIDIAG: return "bidiagonal-svd";
    case TL_PATH_BANDED: return "banded-svd";
    case TL_PATH_DENSE: return "dense-svd";
    case TL_PATH_FULL_H: return "full-h";
    default: return "auto";
  }
}

static void usage(FILE *out) {
  fprintf(out,
          "usage: topolearn winding [chain flags | --hoppings FILE [--index i]] [--json]\n\n"
          "Real-space winding number W, local marker and k-space winding of one chain.\n\n"
          "chain flags:\n" TL_CLI_FAMILY_HELP
          "  --hoppings FILE     read hoppings from CSV (header t_R..., one row per cell) or\n"
          "                      HDF5 (dataset 'hoppings', attribute r_min); see docs/physics.md\n"
          "  --index i           chain index in an HDF5 file with several chains (default 0)\n"
          "  --path P            auto|bidiag|banded|dense|full-h (force a solver path)\n"
          "  --method M          full|window|auto: windowed RSWN for long chains (auto: window\n"
          "                      when L >= %d and the chain is chiral)\n"
          "  --tol T             window convergence: max marker change between buffers (1e-8)\n"
          "  --block B           cells per window block (200); --buffer B first buffer (50)\n"
          "  --json              one JSON object on stdout\n",
          100, TL_WINDOW_AUTO_MIN_L);
}

static tl_status parse_path(const char *v, tl_path *p, tl_error *err) {
  static const struct { const char *name; tl_path path; } table[] = {
      {"auto", TL_PATH_AUTO}, {"bidiag", TL_PATH_BIDIAG}, {"banded", TL_PATH_BANDED},
      {"dense", TL_PATH_DENSE}, {"full-h", TL_PATH_FULL_H}};
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (!strcmp(v, table[i].name)) {
      *p = table[i].path;
      return TL_OK;
    }
  return tl_error_set(err, TL_ERR_INPUT,
                      "--path: '%s' is unknown (expected auto, bidiag, banded, dense or full-h)", v);
}

typedef struct {
  const char *method; /* "full" or "window" */
  double W_error;
  int buffer_max;
} method_info;

static void print_json(const tl_chain_t *c, const tl_rswn_t *r, int kw, int kdef, tl_path path,
                       const method_info *mi, const double *marker) {
  tl_json_t j;
  tl_json_init(&j, stdout, 0);
  tl_json_object(&j);
  tl_json_kv_int(&j, "L", c->L);
  tl_json_kv_int(&j, "r_min", c->r_min);
  tl_json_kv_int(&j, "r_max", c->r_max);
  tl_json_kv_string(&j, "boundary", c->boundary == TL_PBC ? "pbc" : "obc");
  tl_json_kv_number(&j, "W", r->W);
  tl_json_key(&j, "W_kspace");
  if (kdef) tl_json_int(&j, kw);
  else tl_json_null(&j);
  tl_json_kv_int(&j, "label", r->label);
  tl_json_kv_bool(&j, "ambiguous", r->ambiguous);
  tl_json_kv_bool(&j, "chiral", r->chiral);
  tl_json_kv_int(&j, "bulk_start", r->bulk_start);
  tl_json_kv_int(&j, "bulk_cells", r->bulk_cells);
  tl_json_kv_string(&j, "method", mi->method);
  tl_json_kv_number(&j, "W_error", mi->W_error);
  tl_json_kv_int(&j, "buffer_max", mi->buffer_max);
  tl_json_kv_string(&j, "path", path_name(path));
  tl_json_key(&j, "local_marker"); /* NaN (not computed by windows) is written as null */
  tl_json_array(&j);
  for (int n = 0; n < c->L; n++) tl_json_number(&j, marker[n]);
  tl_json_end(&j);
  tl_json_end(&j);
}

static void print_human(const tl_chain_t *c, const tl_rswn_t *r, int kw, int kdef, tl_path path,
                        const method_info *mi) {
  printf("chain      L = %d, ranges %d..%d, %s, %s\n", c->L, c->r_min, c->r_max,
         c->boundary == TL_PBC ? "periodic" : "open",
         r->chiral ? "chiral" : "NOT chiral (on-site terms)");
  printf("W          %.12f   (bulk cells %d..%d, L' = %d, solver %s)\n", r->W, r->bulk_start,
         r->bulk_start + r->bulk_cells - 1, r->bulk_cells, path_name(path));
  if (!strcmp(mi->method, "window"))
    printf("method     windowed: error estimate %.2g, largest buffer %d cells\n", mi->W_error,
           mi->buffer_max);
  printf("label      %d%s\n", r->label, r->ambiguous ? "   AMBIGUOUS (|W - label| > delta)" : "");
  if (kdef) printf("W_kspace   %d\n", kw);
  else printf("W_kspace   undefined (%s)\n", r->chiral ? "disordered or gapless" : "not chiral");
  printf("(local marker of every cell: --json)\n");
}

int tl_cmd_winding(int argc, char **argv) {
  tl_error err = {0};
  tl_cli_family_t cf;
  tl_cli_family_init(&cf, 100);
  const char *hopfile = NULL;
  long index = 0;
  int json = 0, have_index = 0;
  tl_path path = TL_PATH_AUTO;
  tl_window_opts_t wo;
  tl_window_opts_default(&wo);
  enum { M_AUTO, M_FULL, M_WINDOW } method = M_AUTO;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    int used = tl_cli_family_flag(argc, argv, &i, &cf, &err);
    if (used < 0) return tl_cli_fail("winding", &err);
    if (used) continue;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      return 0;
    } else if (!strcmp(a, "--json")) {
      json = 1;
    } else if (!strcmp(a, "--hoppings")) {
      if (!(hopfile = tl_cli_value(argc, argv, &i, &err))) return tl_cli_fail("winding", &err);
    } else if (!strcmp(a, "--index")) {
      if (tl_cli_int_arg(argc, argv, &i, 0, 0x7fffffffL, &index, &err)) return tl_cli_fail("winding", &err);
      have_index = 1;
    } else if (!strcmp(a, "--method")) {
      if (!(v = tl_cli_value(argc, argv, &i, &err))) return tl_cli_fail("winding", &err);
      if (!strcmp(v, "auto")) method = M_AUTO;
      else if (!strcmp(v, "full")) method = M_FULL;
      else if (!strcmp(v, "window")) method = M_WINDOW;
      else {
        tl_error_set(&err, TL_ERR_INPUT, "--method: '%s' is unknown (expected full, window or auto)", v);
        return tl_cli_fail("winding", &err);
      }
    } else if (!strcmp(a, "--tol")) {
      if (tl_cli_double_arg(argc, argv, &i, 1e-15, 1.0, &wo.tol, &err)) return tl_cli_fail("winding", &err);
    } else if (!strcmp(a, "--block") || !strcmp(a, "--buffer")) {
      long n;
      if (tl_cli_int_arg(argc, argv, &i, 1, 100000, &n, &err)) return tl_cli_fail("winding", &err);
      if (a[3] == 'l') wo.block = (int)n;
      else wo.buffer0 = (int)n;
    } else if (!strcmp(a, "--path")) {
      if (!(v = tl_cli_value(argc, argv, &i, &err)) || parse_path(v, &path, &err))
        return tl_cli_fail("winding", &err);
    } else {
      tl_error_set(&err, TL_ERR_INPUT, "unknown option '%s' (see topolearn winding --help)", a);
      return tl_cli_fail("winding", &err);
    }
  }
  if (tl_cli_family_finish(&cf, &err)) return tl_cli_fail("winding", &err);
  if (hopfile && cf.chain_flag) {
    tl_error_set(&err, TL_ERR_INPUT, "%s conflicts with --hoppings (the file defines the chain; "
                 "only --pbc, --bulk-fraction and --delta apply)", cf.chain_flag);
    return tl_cli_fail("winding", &err);
  }
  if (have_index && !hopfile) {
    tl_error_set(&err, TL_ERR_INPUT, "--index needs --hoppings FILE.h5");
    return tl_cli_fail("winding", &err);
  }

  tl_chain_t *chain = NULL;
  tl_solver_t *solver = NULL;
  double *marker = NULL;
  tl_status st;
  if (hopfile) {
    st = tl_hopfile_read(hopfile, index, cf.fam.boundary, &chain, &err);
  } else {
    tl_rng_t rng;
    tl_rng_init(&rng, (uint64_t)cf.seed, 0);
    st = tl_chain_build(&chain, &cf.fam, &rng, &err);
  }
  if (!st && !(marker = tl_malloc((size_t)chain->L * sizeof *marker)))
    st = tl_error_set(&err, TL_ERR_NOMEM, "out of memory for the local marker");
  int windowed = 0;
  if (!st) {
    int chiral = tl_chain_is_chiral(chain);
    if (method == M_WINDOW && (!chiral || path != TL_PATH_AUTO))
      st = tl_error_set(&err, TL_ERR_INPUT, "--method window needs a chiral chain and --path auto");
    windowed = method == M_WINDOW ||
               (method == M_AUTO && chiral && path == TL_PATH_AUTO && chain->L >= TL_WINDOW_AUTO_MIN_L);
  }
  tl_rswn_t r;
  method_info mi = {"full", 0.0, 0};
  tl_path used = path;
  if (!st && windowed) {
    tl_window_result_t wr;
    st = tl_rswn_windowed(chain, &cf.rswn, &wo, &wr, marker, &err);
    if (!st) {
      r = wr.rswn;
      if (wr.full) {
        fprintf(stderr, "topolearn winding: note: a window would span the whole chain; computed "
                "in full\n");
      } else {
        mi = (method_info){"window", wr.W_error, wr.buffer_max};
        used = TL_PATH_AUTO;
        if (!wr.converged)
          fprintf(stderr, "topolearn winding: warning: windows did not reach --tol %g within the "
                  "buffer limit (near a transition?); W_error %.2g is the estimate\n", wo.tol, wr.W_error);
      }
    }
  } else if (!st) {
    st = tl_solver_new(&solver, chain->L, chain->r_min, chain->r_max, chain->boundary, &err);
    if (!st) st = tl_solver_run(solver, chain, path, &err);
    if (!st) {
      tl_rswn_from_qab(solver->qab, chain->L, chain->boundary, &cf.rswn, &r, marker);
      r.chiral = solver->chiral;
      used = solver->path;
    }
  }
  int code = 0;
  if (st) {
    code = tl_cli_fail("winding", &err);
  } else {
    int kw = 0, kdef = 0;
    tl_kspace_winding_chain(chain, &kw, &kdef, NULL);
    if (!r.chiral)
      fprintf(stderr, "topolearn winding: warning: on-site terms break chiral symmetry; W is "
              "computed from the A-B block of sign(H) of the full H and is not a protected "
              "invariant\n");
    if (json) print_json(chain, &r, kw, kdef, used, &mi, marker);
    else print_human(chain, &r, kw, kdef, used, &mi);
  }
  tl_free(marker);
  tl_solver_free(solver);
  tl_chain_free(chain);
  return code;
}
