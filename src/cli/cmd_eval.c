/* topolearn eval — a model on a data set -> accuracy, confusion, per-chain CSV. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "topolearn/json.h"

typedef struct {
  const char *model, *data, *per_chain;
  int json, force;
  tl_eval_opts_t eo;
} eval_args;

#define E eval_args
static const tl_flag_t rows[] = {
    TL_FLAG_STRING_ROW("model", E, model, "MODEL.h5", "a model of `topolearn train` (required)"),
    TL_FLAG_STRING_ROW("data", E, data, "SET.h5", "a data set of `topolearn generate` (required)"),
    TL_FLAG_SWITCH_ROW("json", E, json, "one JSON object on stdout"),
    TL_FLAG_STRING_ROW("per-chain", E, per_chain, "FILE.csv",
                       "chain, label, ambiguous, W, predicted, W_pred of every chain"),
    TL_FLAG_SWITCH_ROW("gauge-flip", E, eo.gauge_flip,
                       "flip the sign of each state at random first (eigenvector inputs)"),
    TL_FLAG_SWITCH_ROW("keep-ambiguous", E, eo.keep_ambiguous, "count ambiguous chains too"),
    TL_FLAG_SWITCH_ROW("force", E, force, "overwrite FILE.csv"),
    {0}};
#undef E

static const tl_flag_group_t groups[] = {{NULL, rows, 0}, {NULL, NULL, 0}};

static void eval_defaults(void *state, int variant) { tl_eval_opts_default(&((eval_args *)state)->eo); }

const tl_cli_cmd_t tl_cli_cmd_eval = {
    .name = "eval",
    .summary = "a model on a data set -> accuracy, confusion, per-chain CSV",
    .synopsis = "--model MODEL.h5 --data SET.h5 [options]",
    .about = "Accuracy against the RSWN labels, confusion matrix over winding classes, and for "
             "the kinds with a nearest-integer head the mean |W_pred - W| (they label every "
             "integer, seen in training or not).",
    .groups = groups,
    .state_size = sizeof(eval_args),
    .defaults = eval_defaults,
    .run = tl_cmd_eval,
};

static void print_json(const tl_eval_t *r) {
  tl_json_t j;
  tl_json_init(&j, stdout, 0);
  tl_json_object(&j);
  tl_json_kv_number(&j, "accuracy", r->accuracy);
  tl_json_kv_int(&j, "n", r->n);
  tl_json_kv_int(&j, "correct", r->correct);
  tl_json_key(&j, "classes");
  tl_json_array(&j);
  for (int c = r->cmin; c <= r->cmax; c++) tl_json_int(&j, c);
  tl_json_end(&j);
  tl_json_key(&j, "confusion");
  tl_json_array(&j);
  const int C = r->cmax - r->cmin + 1;
  for (int a = 0; a < C; a++) {
    tl_json_array(&j);
    for (int b = 0; b < C; b++) tl_json_int(&j, r->confusion[a * C + b]);
    tl_json_end(&j);
  }
  tl_json_end(&j);
  tl_json_kv_number(&j, "w_mae", r->W_mae); /* null without a W head */
  tl_json_kv_number(&j, "w_max", r->W_max);
  tl_json_kv_number(&j, "loss", r->loss);
  tl_json_end(&j);
}

static void print_text(const tl_model_t *m, const tl_eval_t *r, int keep_ambiguous) {
  char desc[256];
  tl_model_summary(m, desc, sizeof desc);
  printf("model      %s\n", desc);
  printf("accuracy   %.4f (%d of %d chains%s)\n", r->accuracy, r->correct, r->n,
         keep_ambiguous ? "" : ", ambiguous chains left out");
  if (!isnan(r->W_mae)) printf("|W - RSWN| mean %.3g, max %.3g\n", r->W_mae, r->W_max);
  printf("confusion  rows: true winding, columns: predicted\n           ");
  const int C = r->cmax - r->cmin + 1;
  for (int c = r->cmin; c <= r->cmax; c++) printf("%8d", c);
  printf("\n");
  for (int a = 0; a < C; a++) {
    printf("%10d ", r->cmin + a);
    for (int b = 0; b < C; b++) printf("%8ld", r->confusion[a * C + b]);
    printf("\n");
  }
}

static int fail(tl_error *err) { return tl_cli_fail("eval", err); }

int tl_cmd_eval(int argc, char **argv) {
  eval_args a;
  tl_cli_parsed_t ps;
  int code = tl_cli_parse(&tl_cli_cmd_eval, argc, argv, &a, &ps);
  if (code >= 0) return code;
  tl_error err = {0};
  const char *model = a.model, *data = a.data, *per_chain = a.per_chain;
  const int json = a.json, force = a.force;
  tl_eval_opts_t eo = a.eo;
  if (!model || !data) {
    tl_error_set(&err, TL_ERR_INPUT, "%s is required (see topolearn eval --help)",
                 !model ? "--model MODEL.h5" : "--data SET.h5");
    return fail(&err);
  }
  const tl_cli_file_t files[] = {{"--model", model, 0}, {"--data", data, 0},
                                 {"--per-chain", per_chain, 1}};
  if (tl_cli_files_check("eval", files, 3, &err)) return fail(&err);
  tl_model_t *m = NULL;
  tl_samples_t *s = NULL;
  tl_status st = tl_model_load(&m, model, NULL, &err);
  if (!st) st = tl_dataset_load_samples(data, &s, &err);
  if (st) {
    tl_model_free(m);
    return fail(&err);
  }
  tl_cli_files_note("eval", files, 3);
  /* W-head kinds label every integer (SPEC 3): classes the model never saw count too */
  eo.any_integer = tl_model_has(m, TL_MODEL_W_HEAD);
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
  code = 0;
  if (st) {
    code = fail(&err);
  } else if (json) {
    print_json(&r);
  } else {
    print_text(m, &r, eo.keep_ambiguous);
    if (per_chain) tl_cli_say(stdout, "wrote %s", per_chain);
  }
  tl_eval_free(&r);
  free(pred);
  free(Wp);
  tl_samples_free(s);
  tl_model_free(m);
  return code;
}
