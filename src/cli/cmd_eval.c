/* topolearn eval — a model on a data set -> accuracy, confusion, per-chain CSV. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "topolearn/json.h"

static void usage(FILE *out) {
  fprintf(out, "usage: topolearn eval --model MODEL.h5 --data SET.h5 [--json] [--per-chain FILE.csv]\n"
               "                      [--gauge-flip] [--keep-ambiguous] [--force]\n\n"
               "Accuracy against the RSWN labels, confusion matrix over winding classes, and for\n"
               "topo/sym the mean |W_pred - W| (they label every integer, seen in training or not).\n");
}

static int fail(tl_error *err) { return tl_cli_fail("eval", err); }

int tl_cmd_eval(int argc, char **argv) {
  tl_error err = {0};
  const char *model = NULL, *data = NULL, *per_chain = NULL;
  int json = 0, force = 0;
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
      if (!(data = tl_cli_value(argc, argv, &i, &err))) return fail(&err);
    } else if (!strcmp(a, "--per-chain")) {
      if (!(per_chain = tl_cli_value(argc, argv, &i, &err))) return fail(&err);
    } else if (!strcmp(a, "--json")) {
      json = 1;
    } else if (!strcmp(a, "--gauge-flip")) {
      eo.gauge_flip = 1;
    } else if (!strcmp(a, "--keep-ambiguous")) {
      eo.keep_ambiguous = 1;
    } else if (!strcmp(a, "--force")) {
      force = 1;
    } else {
      tl_error_set(&err, TL_ERR_INPUT, "unknown option '%s' (see topolearn eval --help)", a);
      return fail(&err);
    }
  }
  if (!model || !data) {
    tl_error_set(&err, TL_ERR_INPUT, "%s is required", !model ? "--model MODEL.h5" : "--data SET.h5");
    return fail(&err);
  }
  tl_model_t *m = NULL;
  tl_samples_t *s = NULL;
  tl_status st = tl_model_load(&m, model, NULL, &err);
  if (!st) st = tl_dataset_load_samples(data, &s, &err);
  if (st) {
    tl_model_free(m);
    return fail(&err);
  }
  /* topo/sym label every integer (SPEC 3): classes the model never saw count too */
  eo.any_integer = m->hp.kind == TL_MODEL_TOPO || m->hp.kind == TL_MODEL_SYM;
  int *pred = malloc((size_t)s->N * sizeof *pred);
  double *Wp = malloc((size_t)s->N * sizeof *Wp);
  tl_eval_t r = {0};
  if (!pred || !Wp) st = tl_error_set(&err, TL_ERR_NOMEM, "out of memory");
  if (!st) st = tl_model_eval(m, s, &eo, pred, Wp, &r, &err);
  if (!st && per_chain) {
    tl_outfile_t o;
    st = tl_outfile_begin(&o, per_chain, force, 1, &err);
    if (!st) {
      fprintf(o.fp, "chain,label,ambiguous,W,predicted,W_pred\n");
      for (int i = 0; i < s->N; i++) {
        fprintf(o.fp, "%d,%d,%d,%.12g,%d,", i, s->label[i], s->ambiguous[i], s->W[i], pred[i]);
        if (isnan(Wp[i])) fprintf(o.fp, "\n");
        else fprintf(o.fp, "%.9g\n", Wp[i]);
      }
      st = tl_outfile_commit(&o, &err);
    }
  }
  int code = 0;
  if (st) {
    code = fail(&err);
  } else if (json) {
    tl_json_t j;
    tl_json_init(&j, stdout, 0);
    tl_json_object(&j);
    tl_json_kv_number(&j, "accuracy", r.accuracy);
    tl_json_kv_int(&j, "n", r.n);
    tl_json_kv_int(&j, "correct", r.correct);
    tl_json_key(&j, "classes");
    tl_json_array(&j);
    for (int c = r.cmin; c <= r.cmax; c++) tl_json_int(&j, c);
    tl_json_end(&j);
    tl_json_key(&j, "confusion");
    tl_json_array(&j);
    const int C = r.cmax - r.cmin + 1;
    for (int a = 0; a < C; a++) {
      tl_json_array(&j);
      for (int b = 0; b < C; b++) tl_json_int(&j, r.confusion[a * C + b]);
      tl_json_end(&j);
    }
    tl_json_end(&j);
    tl_json_kv_number(&j, "w_mae", r.W_mae); /* null for mlp/cnn */
    tl_json_kv_number(&j, "w_max", r.W_max);
    tl_json_kv_number(&j, "loss", r.loss);
    tl_json_end(&j);
  } else {
    char desc[256];
    tl_model_summary(m, desc, sizeof desc);
    printf("model      %s\n", desc);
    printf("accuracy   %.4f (%d of %d chains%s)\n", r.accuracy, r.correct, r.n,
           eo.keep_ambiguous ? "" : ", ambiguous chains left out");
    if (!isnan(r.W_mae)) printf("|W - RSWN| mean %.3g, max %.3g\n", r.W_mae, r.W_max);
    printf("confusion  rows: true winding, columns: predicted\n           ");
    const int C = r.cmax - r.cmin + 1;
    for (int c = r.cmin; c <= r.cmax; c++) printf("%8d", c);
    printf("\n");
    for (int a = 0; a < C; a++) {
      printf("%10d ", r.cmin + a);
      for (int b = 0; b < C; b++) printf("%8ld", r.confusion[a * C + b]);
      printf("\n");
    }
    if (per_chain) printf("wrote %s\n", per_chain);
  }
  tl_eval_free(&r);
  free(pred);
  free(Wp);
  tl_samples_free(s);
  tl_model_free(m);
  return code;
}
