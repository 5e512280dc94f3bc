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

enum { M_AUTO, M_FULL, M_WINDOW };
static const tl_flag_choice_t methods[] = {
    {"full", M_FULL, 0}, {"window", M_WINDOW, 0}, {"auto", M_AUTO, 0}, {NULL, 0, 0}};
static const tl_flag_choice_t paths[] = {
    {"auto", TL_PATH_AUTO, 0}, {"bidiag", TL_PATH_BIDIAG, 0}, {"banded", TL_PATH_BANDED, 0},
    {"dense", TL_PATH_DENSE, 0}, {"full-h", TL_PATH_FULL_H, 0}, {NULL, 0, 0}};

typedef struct {
  tl_cli_family_t cf;
  const char *hopfile;
  int index, json, path, method;
  tl_window_opts_t wo;
} winding_args;

#define W winding_args
static const tl_flag_t file_rows[] = {
    TL_FLAG_STRING_ROW("hoppings", W, hopfile, "FILE",
                       "read the chain from CSV (header t_R..., one row per cell) or HDF5 (dataset "
                       "'hoppings', attribute r_min); see docs/physics.md"),
    TL_FLAG_INT_ROW("index", W, index, 0, 0x7fffffff, "i",
                    "chain index in an HDF5 file with several chains"),
    {0}};

static const tl_flag_t solver_rows[] = {
    {.name = "method", .type = TL_FT_CHOICE, .metavar = "full|window|auto", .off = offsetof(W, method),
     .choices = methods,
     .help = "windowed RSWN for long chains (auto: window when the chain is chiral and long, "
             "see `topolearn generate --help`)"},
    {.name = "path", .type = TL_FT_CHOICE, .metavar = "auto|bidiag|banded|dense|full-h",
     .off = offsetof(W, path), .choices = paths, .help = "force a solver path"},
    TL_FLAG_DOUBLE_ROW("tol", W, wo.tol, 1e-15, 1.0, "T",
                       "window convergence: max marker change between buffers"),
    TL_FLAG_INT_ROW("block", W, wo.block, 1, 100000, "B", "cells per window block"),
    TL_FLAG_INT_ROW("buffer", W, wo.buffer0, 1, 100000, "B", "first buffer of a window"),
    TL_FLAG_SWITCH_ROW("json", W, json, "one JSON object on stdout"),
    {0}};
#undef W

static const tl_flag_group_t groups[] = {
    {"chain", tl_cli_family_rows, offsetof(winding_args, cf)},
    {NULL, tl_cli_vw_rows, offsetof(winding_args, cf)},
    {"or a chain from a file", file_rows, 0},
    {"solver and output", solver_rows, 0},
    {NULL, NULL, 0}};

static void winding_defaults(void *state, int variant) {
  winding_args *a = state;
  tl_cli_family_init(&a->cf, 100);
  tl_window_opts_default(&a->wo);
  a->path = TL_PATH_AUTO;
  a->method = M_AUTO;
}

const tl_cli_cmd_t tl_cli_cmd_winding = {
    .name = "winding",
    .summary = "W, local marker and k-space winding of one chain",
    .synopsis = "[chain flags | --hoppings FILE [--index i]] [--json]",
    .about = "Real-space winding number W, local marker and k-space winding of one chain.",
    .groups = groups,
    .state_size = sizeof(winding_args),
    .defaults = winding_defaults,
    .run = tl_cmd_winding,
};

static int fail(tl_error *err) { return tl_cli_fail("winding", err); }

/* --hoppings defines the chain: a chain flag beside it is a conflict. */
static tl_status check_file_flags(const winding_args *a, const tl_cli_parsed_t *ps, tl_error *err) {
  const tl_cli_cmd_t *cmd = &tl_cli_cmd_winding;
  const char *last = NULL;
  int at = 0;
  for (int i = 0; tl_cli_chain_flags[i]; i++) {
    const int k = tl_cli_seen(cmd, ps, tl_cli_chain_flags[i]);
    if (k > at) at = k, last = tl_cli_chain_flags[i];
  }
  if (a->hopfile && last)
    return tl_error_set(err, TL_ERR_INPUT, "--%s conflicts with --hoppings (the file defines the "
                        "chain; only --pbc, --bulk-fraction and --delta apply)", last);
  if (tl_cli_seen(cmd, ps, "index") && !a->hopfile)
    return tl_error_set(err, TL_ERR_INPUT, "--index needs --hoppings FILE.h5");
  return TL_OK;
}

int tl_cmd_winding(int argc, char **argv) {
  winding_args a;
  tl_cli_parsed_t ps;
  int code = tl_cli_parse(&tl_cli_cmd_winding, argc, argv, &a, &ps);
  if (code >= 0) return code;
  tl_error err = {0};
  tl_cli_family_t cf = a.cf;
  const char *hopfile = a.hopfile;
  const int index = a.index, json = a.json, method = a.method;
  const tl_path path = (tl_path)a.path;
  const tl_window_opts_t wo = a.wo;
  if (tl_cli_family_finish(&cf, &err) || check_file_flags(&a, &ps, &err)) return fail(&err);

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
  code = 0;
  if (st) {
    code = fail(&err);
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
