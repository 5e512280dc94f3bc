/* topolearn prune — the SVD pruning curve of a trained model's first dense layer. */
#include <math.h>
#include <string.h>

#include "cli/cli.h"
#include "topolearn/json.h"

static void usage(FILE *out) {
  fprintf(out,
          "usage: topolearn prune --model MODEL.h5 --data SET.h5 [--data SET2.h5 ...] [--json]\n"
          "                       [--out CURVE.csv] [--vectors VECTORS.csv] [--edge-cells e]\n"
          "                       [--keep-ambiguous] [--force]\n\n"
          "What a network uses (SPEC 4): the first dense layer of an mlp or cnn is replaced by\n"
          "the top-k part of its SVD, k = 1, 2, 4, ..., full rank, and the accuracy measured on\n"
          "each data set (up to %d); full rank is the unpruned model. Then, for the top %d\n"
          "right-singular vectors, the share of their weight on the e edge cells at each end and\n"
          "(eigvec input) on the two lowest-energy states, each beside its uniform share.\n\n"
          "  --out CURVE.csv     k, rank and one accuracy column per data set\n"
          "  --vectors FILE.csv  the top vectors' weight over the input axes (vector, row, cell,\n"
          "                      weight; rows are states ascending in energy for eigvec input)\n"
          "  --edge-cells e      cells at each end counted as edge (default 2)\n",
          TL_PRUNE_MAX_SETS, TL_PRUNE_VECTORS);
}

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

int tl_cmd_prune(int argc, char **argv) {
  tl_error err = {0};
  const char *model = NULL, *names[TL_PRUNE_MAX_SETS], *curve_path = NULL, *vec_path = NULL;
  int nsets = 0, json = 0, force = 0;
  long edge_cells = 2;
  tl_eval_opts_t eo;
  tl_eval_opts_default(&eo);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      return 0;
    } else if (!strcmp(a, "--model")) {
      if (!(model = tl_cli_value(argc, argv, &i, &err))) return fail(&err);
    } else if (!strcmp(a, "--data")) {
      if (nsets == TL_PRUNE_MAX_SETS) {
        tl_error_set(&err, TL_ERR_INPUT, "--data: more than %d data sets", TL_PRUNE_MAX_SETS);
        return fail(&err);
      }
      if (!(names[nsets++] = tl_cli_value(argc, argv, &i, &err))) return fail(&err);
    } else if (!strcmp(a, "--out")) {
      if (!(curve_path = tl_cli_value(argc, argv, &i, &err))) return fail(&err);
    } else if (!strcmp(a, "--vectors")) {
      if (!(vec_path = tl_cli_value(argc, argv, &i, &err))) return fail(&err);
    } else if (!strcmp(a, "--edge-cells")) {
      if (tl_cli_int_arg(argc, argv, &i, 0, 100000, &edge_cells, &err)) return fail(&err);
    } else if (!strcmp(a, "--json")) {
      json = 1;
    } else if (!strcmp(a, "--keep-ambiguous")) {
      eo.keep_ambiguous = 1;
    } else if (!strcmp(a, "--force")) {
      force = 1;
    } else {
      tl_error_set(&err, TL_ERR_INPUT, "unknown option '%s' (see topolearn prune --help)", a);
      return fail(&err);
    }
  }
  if (!model || !nsets) {
    tl_error_set(&err, TL_ERR_INPUT, "%s is required", !model ? "--model MODEL.h5" : "--data SET.h5");
    return fail(&err);
  }
  tl_model_t *m = NULL;
  tl_samples_t *sets[TL_PRUNE_MAX_SETS] = {NULL};
  tl_prune_t p = {0};
  tl_status st = tl_model_load(&m, model, NULL, &err);
  for (int s = 0; !st && s < nsets; s++) st = tl_dataset_load_samples(names[s], &sets[s], &err);
  if (!st)
    st = tl_model_prune(m, (const tl_samples_t *const *)sets, nsets, &eo, (int)edge_cells, &p, &err);
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
  int code = 0;
  if (st) {
    code = fail(&err);
  } else if (json) {
    print_json(&p, names, nsets);
  } else {
    print_text(m, &p, names, nsets, (int)edge_cells);
    if (curve_path) printf("wrote %s\n", curve_path);
    if (vec_path) printf("wrote %s\n", vec_path);
  }
  tl_prune_free(&p);
  for (int s = 0; s < nsets; s++) tl_samples_free(sets[s]);
  tl_model_free(m);
  return code;
}
