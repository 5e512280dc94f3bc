/* topolearn prune — the SVD pruning curve of a trained model's first dense layer. */
#include <math.h>
#include <string.h>

#include "cli/cli.h"
#include "topolearn/json.h"

static int fail(tl_error *err) { return tl_cli_fail("prune", err); }

static void write_curve(FILE *fp, const tl_prune_t *p, const char *const *names, int nsets) {
  fprintf(fp, "k,rank");
  for (int s = 0; s < nsets; s++) fprintf(fp, ",acc_set%d", s + 1);
  fprintf(fp, "\n");
  for (int q = 0; q < p->npoints; q++) {
    fprintf(fp, "%d,%d", p->k[q], p->K);
    for (int s = 0; s < nsets; s++) fprintf(fp, ",%.6f", p->acc[s][q]);
    fprintf(fp, "\n");
  }
  for (int s = 0; s < nsets; s++) fprintf(fp, "# set%d = %s\n", s + 1, names[s]);
}

static void write_vectors(FILE *fp, const tl_prune_t *p) {
  fprintf(fp, "vector,%s,cell,weight\n", p->states ? "state" : "row");
  const size_t cells = (size_t)p->ax0 * p->ax1;
  for (int q = 0; q < p->nvec; q++)
    for (size_t c = 0; c < cells; c++)
      fprintf(fp, "%d,%zu,%zu,%.6g\n", q + 1, c / (size_t)p->ax1, c % (size_t)p->ax1,
              p->heat[q * cells + c] / p->heat_total[q]);
}

static void print_json(const tl_prune_t *p, const char *const *names, int nsets) {
  tl_json_t j;
  tl_json_init(&j, stdout, 0);
  tl_json_object(&j);
  tl_json_kv_int(&j, "rows", p->rows);
  tl_json_kv_int(&j, "cols", p->cols);
  tl_json_kv_int(&j, "K", p->K);
  tl_json_key(&j, "sigma");
  tl_json_array(&j);
  for (int q = 0; q < p->K; q++) tl_json_number(&j, p->sigma[q]);
  tl_json_end(&j);
  tl_json_key(&j, "sets");
  tl_json_array(&j);
  for (int s = 0; s < nsets; s++) tl_json_string(&j, names[s]);
  tl_json_end(&j);
  tl_json_key(&j, "curve");
  tl_json_array(&j);
  for (int q = 0; q < p->npoints; q++) {
    tl_json_object(&j);
    tl_json_kv_int(&j, "k", p->k[q]);
    tl_json_key(&j, "accuracy");
    tl_json_array(&j);
    for (int s = 0; s < nsets; s++) tl_json_number(&j, p->acc[s][q]);
    tl_json_end(&j);
    tl_json_end(&j);
  }
  tl_json_end(&j);
  tl_json_kv_int(&j, "k_needed", p->k_needed);
  tl_json_key(&j, "vectors");
  tl_json_array(&j);
  for (int q = 0; q < p->nvec; q++) {
    tl_json_object(&j);
    tl_json_kv_number(&j, "sigma", p->sigma[q]);
    tl_json_kv_number(&j, "edge_frac", p->edge_frac[q]);
    tl_json_kv_number(&j, "edge_uniform", p->edge_uniform);
    tl_json_kv_number(&j, "lowstate_frac", p->lowstate_frac[q]); /* null: no state axis */
    tl_json_kv_number(&j, "lowstate_uniform", p->lowstate_uniform);
    tl_json_end(&j);
  }
  tl_json_end(&j);
  tl_json_end(&j);
}

static void print_text(const tl_model_t *m, const tl_prune_t *p, const char *const *names,
                       int nsets, int edge_cells) {
  char desc[256];
  tl_model_summary(m, desc, sizeof desc);
  printf("model      %s\n", desc);
  printf("layer      %d x %d, %d singular values:", p->rows, p->cols, p->K);
  for (int q = 0; q < p->K && q < 8; q++) printf(" %.4g", p->sigma[q]);
  printf("%s\n", p->K > 8 ? " ..." : "");
  for (int s = 0; s < nsets; s++) printf("set%d       %s\n", s + 1, names[s]);
  printf("%10s", "k");
  for (int s = 0; s < nsets; s++) printf("   acc set%d", s + 1);
  printf("\n");
  for (int q = 0; q < p->npoints; q++) {
    printf("%10d", p->k[q]);
    for (int s = 0; s < nsets; s++) printf("%11.4f", p->acc[s][q]);
    printf("%s\n", p->k[q] == p->K ? "   (full rank: the unpruned model)" : "");
  }
  printf("k needed   %d (smallest k within 1%% of the full-rank accuracy on set1)\n", p->k_needed);
  printf("top vectors: share of their weight on the %d edge cells at each end (uniform %.4f)",
         edge_cells, p->edge_uniform);
  if (p->states) printf(" and on the two lowest states (uniform %.4f)", p->lowstate_uniform);
  printf("\n%10s %10s %12s%s\n", "vector", "sigma", "edge cells", p->states ? "  lowest states" : "");
  for (int q = 0; q < p->nvec; q++) {
    printf("%10d %10.4g %12.4f", q + 1, p->sigma[q], p->edge_frac[q]);
    if (p->states) printf(" %15.4f", p->lowstate_frac[q]);
    printf("\n");
  }
}

typedef struct {
  const char *model, *names[TL_PRUNE_MAX_SETS], *curve_path, *vec_path;
  int nsets, json, force, edge_cells;
  tl_eval_opts_t eo;
} prune_args;

#define P prune_args
static const tl_flag_t rows[] = {
    TL_FLAG_STRING_ROW("model", P, model, "MODEL.h5", "a model with a dense layer (required)"),
    {.name = "data", .type = TL_FT_STRS, .metavar = "SET.h5", .off = offsetof(P, names),
     .count_off = offsetof(P, nsets), .imax = TL_PRUNE_MAX_SETS,
     .help = "a data set to measure the accuracy on (required)"},
    TL_FLAG_SWITCH_ROW("json", P, json, "one JSON object on stdout"),
    TL_FLAG_STRING_ROW("out", P, curve_path, "CURVE.csv", "k, rank and one accuracy column per data set"),
    TL_FLAG_STRING_ROW("vectors", P, vec_path, "FILE.csv",
                       "the top vectors' weight over the input axes (vector, row, cell, weight; "
                       "rows are states ascending in energy for eigvec input)"),
    TL_FLAG_INT_ROW("edge-cells", P, edge_cells, 1, TL_CLI_EDGE_CELLS_MAX, "e",
                    "cells at each end counted as edge"),
    TL_FLAG_SWITCH_ROW("keep-ambiguous", P, eo.keep_ambiguous, "count ambiguous chains too"),
    TL_FLAG_SWITCH_ROW("force", P, force, "overwrite CURVE.csv and FILE.csv"),
    {0}};
#undef P

static const tl_flag_group_t groups[] = {{NULL, rows, 0}, {NULL, NULL, 0}};

static void prune_defaults(void *state, int variant) {
  prune_args *a = state;
  tl_eval_opts_default(&a->eo);
  tl_study_config_t c; /* the studies' edge cells: one default for the command and the study */
  tl_study_config_default(&c, "prune", 0, NULL);
  a->edge_cells = c.edge_cells;
}

const tl_cli_cmd_t tl_cli_cmd_prune = {
    .name = "prune",
    .summary = "SVD pruning curve of a trained model's first dense layer",
    .synopsis = "--model MODEL.h5 --data SET.h5 [--data SET2.h5 ...] [options]",
    .about = "What a network uses: the first dense layer of a model that has one is replaced by the "
             "top-k part of its SVD, k = 1, 2, 4, ..., full rank, and the accuracy measured on "
             "each data set; full rank is the unpruned model. Then, for the top right-singular "
             "vectors, the share of their weight on the e edge cells at each end and (eigvec "
             "input) on the two lowest-energy states, each beside its uniform share.",
    .groups = groups,
    .state_size = sizeof(prune_args),
    .defaults = prune_defaults,
    .notes = "Both output files are written whole or not at all.",
    .run = tl_cmd_prune,
};

int tl_cmd_prune(int argc, char **argv) {
  prune_args a;
  tl_cli_parsed_t ps;
  int code = tl_cli_parse(&tl_cli_cmd_prune, argc, argv, &a, &ps);
  if (code >= 0) return code;
  tl_error err = {0};
  const char *model = a.model, *const *names = a.names, *curve_path = a.curve_path,
             *vec_path = a.vec_path;
  const int nsets = a.nsets, json = a.json, force = a.force;
  const long edge_cells = a.edge_cells;
  tl_eval_opts_t eo = a.eo;
  if (!model || !nsets) {
    tl_error_set(&err, TL_ERR_INPUT, "%s is required (see topolearn prune --help)",
                 !model ? "--model MODEL.h5" : "--data SET.h5");
    return fail(&err);
  }
  tl_cli_file_t files[TL_PRUNE_MAX_SETS + 3] = {{"--model", model, 0}, {"--out", curve_path, 1},
                                                {"--vectors", vec_path, 1}};
  for (int s = 0; s < nsets; s++) files[3 + s] = (tl_cli_file_t){"--data", names[s], 0};
  if (tl_cli_files_check("prune", files, 3 + nsets, &err)) return fail(&err);
  tl_model_t *m = NULL;
  tl_samples_t *sets[TL_PRUNE_MAX_SETS] = {NULL};
  tl_prune_t p = {0};
  tl_status st = tl_model_load(&m, model, NULL, &err);
  for (int s = 0; !st && s < nsets; s++) st = tl_dataset_load_samples(names[s], &sets[s], &err);
  if (!st)
    st = tl_model_prune(m, (const tl_samples_t *const *)sets, nsets, &eo, (int)edge_cells, &p, &err);
  if (!st) tl_cli_files_note("prune", files, 3 + nsets);
  /* both output files or neither: each is written to a temporary, renamed at the end */
  tl_outfile_t oc = {0}, ov = {0};
  if (!st && curve_path && !(st = tl_outfile_begin(&oc, curve_path, force, 1, &err)))
    write_curve(oc.fp, &p, names, nsets);
  if (!st && vec_path && !(st = tl_outfile_begin(&ov, vec_path, force, 1, &err)))
    write_vectors(ov.fp, &p);
  if (!st && curve_path) st = tl_outfile_commit(&oc, &err);
  if (!st && vec_path) st = tl_outfile_commit(&ov, &err);
  tl_outfile_abort(&oc);
  tl_outfile_abort(&ov);
  code = 0;
  if (st) {
    code = fail(&err);
  } else if (json) {
    print_json(&p, names, nsets);
  } else {
    print_text(m, &p, names, nsets, (int)edge_cells);
    if (curve_path) tl_cli_say(stdout, "wrote %s", curve_path);
    if (vec_path) tl_cli_say(stdout, "wrote %s", vec_path);
  }
  tl_prune_free(&p);
  for (int s = 0; s < nsets; s++) tl_samples_free(sets[s]);
  tl_model_free(m);
  return code;
}
