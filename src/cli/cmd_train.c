/* topolearn train — a model on a data set -> model HDF5 + per-epoch metrics CSV. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/progress.h"

/* FNV-1a 64 of the file's bytes: the training data's identity in the model file. */
static void file_hash(const char *path, char *out, size_t cap) {
  FILE *fp = fopen(path, "rb");
  uint64_t h = 1469598103934665603ull;
  unsigned char buf[65536];
  size_t n;
  while (fp && (n = fread(buf, 1, sizeof buf, fp)) > 0)
    for (size_t i = 0; i < n; i++) h = (h ^ buf[i]) * 1099511628211ull;
  if (fp) fclose(fp);
  snprintf(out, cap, "fnv1a64:%016llx", (unsigned long long)h);
}

typedef struct {
  tl_progress_t bar;
  int quiet;
  FILE *metrics;
  int last_epoch;
} train_ui;

static int on_epoch(const tl_train_epoch_t *e, void *user) {
  train_ui *ui = user;
  ui->last_epoch = e->epoch;
  if (ui->metrics)
    fprintf(ui->metrics, "%d,%.9g,%.6g,%.6g,%.6g,%.6g,%.4f\n", e->epoch, e->loss, e->train_acc,
            e->val_acc, e->val_loss, e->lr, e->seconds);
  if (ui->bar.enabled)
    fprintf(stderr, "\repoch %d/%d  loss %.4g  train acc %.4f  val acc %.4f  %.2f s\n", e->epoch,
            e->epochs, e->loss, e->train_acc, e->val_acc, e->seconds);
  /* a signal during the last epoch changes nothing: the run is complete, save it as such */
  return e->epoch < e->epochs && tl_cli_interrupted();
}

/* constant | step:K:GAMMA | cosine; K and GAMMA checked by the one number parser */
static tl_status parse_schedule(const char *v, tl_nn_lr_t *lr, int epochs, tl_error *err) {
  if (!strcmp(v, "constant")) {
    lr->kind = TL_NN_LR_CONSTANT;
  } else if (!strcmp(v, "cosine")) {
    lr->kind = TL_NN_LR_COSINE;
    lr->total_epochs = epochs;
    lr->lr_min = 0;
  } else if (!strncmp(v, "step:", 5) && tl_fields_count(v, strlen(v), ':') == 3) {
    tl_fields_t f = tl_fields(v + 5, ':');
    long long k;
    lr->kind = TL_NN_LR_STEP;
    tl_fields_next(&f);
    tl_status st = tl_cli_int_n("--schedule step:K", f.at, f.len, 1, TL_CLI_EPOCHS_MAX, &k, err);
    tl_fields_next(&f);
    if (!st) st = tl_cli_double_n("--schedule step:K:GAMMA", f.at, f.len, 0, 1, &lr->gamma, err);
    if (st) return st;
    lr->step_epochs = (int)k;
  } else {
    return tl_error_set(err, TL_ERR_INPUT, "--schedule: '%s' is unknown (expected constant, "
                        "step:K:GAMMA or cosine)", v);
  }
  return tl_nn_lr_validate(lr, err);
}

typedef struct {
  tl_train_opts_t o;
  tl_cli_model_t cm;
  const char *data, *test, *out, *metrics, *schedule;
  int optim, force, resume, quiet;
  double momentum, weight_decay;
} train_args;

static void show_schedule(const tl_flag_t *row, const void *g, char *buf, size_t cap) {
  static const char *const names[] = {"constant", "step", "cosine"};
  const unsigned k = (unsigned)((const train_args *)g)->o.lr.kind;
  snprintf(buf, cap, "%s", k < 3 ? names[k] : "?");
}

static void show_momentum(const tl_flag_t *row, const void *g, char *buf, size_t cap) {
  tl_nn_optim_t sgd;
  tl_nn_optim_default(&sgd, TL_NN_SGD);
  snprintf(buf, cap, "%g with sgd", sgd.momentum);
}

static const tl_flag_choice_t optims[] = {{"adam", TL_NN_ADAM, 0}, {"sgd", TL_NN_SGD, 0}, {NULL, 0, 0}};
static const tl_flag_choice_t augments[] = {{"gauge", 1, 0}, {NULL, 0, 0}};

#define T train_args
static const tl_flag_t io_rows[] = {
    TL_FLAG_STRING_ROW("data", T, data, "TRAIN.h5", "training data set (required)"),
    TL_FLAG_STRING_ROW("out", T, out, "MODEL.h5", "the trained model (required; written whole or "
                       "not at all; with --resume, the model to continue)"),
    TL_FLAG_STRING_ROW("test", T, test, "TEST.h5", "a data set to evaluate on at the end"),
    TL_FLAG_STRING_ROW("metrics", T, metrics, "FILE.csv", "per-epoch loss and accuracies"),
    TL_FLAG_SWITCH_ROW("force", T, force, "overwrite MODEL.h5 and FILE.csv"),
    TL_FLAG_SWITCH_ROW("resume", T, resume, "continue the run saved in MODEL.h5 (after an "
                       "interruption) up to --epochs"),
    TL_FLAG_SWITCH_ROW("quiet", T, quiet, "no progress lines"),
    {0}};

static const tl_flag_t train_rows[] = {
    TL_FLAG_INT_ROW("epochs", T, o.epochs, 1, TL_CLI_EPOCHS_MAX, "E", "epochs of training"),
    TL_FLAG_INT_ROW("batch", T, o.batch, 1, TL_CLI_BATCH_MAX, "B", "minibatch size"),
    {.name = "lr", .type = TL_FT_DOUBLE, .metavar = "LR", .off = offsetof(T, o.lr.lr),
     .dmin = TL_CLI_LR_MIN, .dmax = TL_CLI_LR_MAX, .field = "lr learning_rate", .help = "learning rate"},
    TL_FLAG_SEED_ROW(T, o.seed, "seed of the initialisation, the split and the batches"),
    {.name = "optim", .type = TL_FT_CHOICE, .metavar = "adam|sgd", .off = offsetof(T, optim),
     .choices = optims, .help = "optimiser"},
    {.name = "momentum", .type = TL_FT_DOUBLE, .metavar = "M", .off = offsetof(T, momentum),
     .dmin = 0, .dmax = 0.999999, .show = show_momentum, .help = "sgd momentum"},
    TL_FLAG_DOUBLE_ROW("weight-decay", T, weight_decay, 0, 10, "W", "decoupled weight decay"),
    {.name = "schedule", .type = TL_FT_STRING, .metavar = "constant|step:K:GAMMA|cosine",
     .off = offsetof(T, schedule), .show = show_schedule,
     .help = "learning rate: constant, times GAMMA every K epochs, or cosine to 0"},
    TL_FLAG_DOUBLE_ROW("val-fraction", T, o.val_fraction, 0, 0.9, "f",
                       "share of the chains kept for validation"),
    {.name = "early-stop", .type = TL_FT_INT, .metavar = "P", .off = offsetof(T, o.early_stop),
     .imin = 0, .imax = TL_CLI_EPOCHS_MAX, .unset = "off",
     .help = "stop after P epochs without a better validation loss (0: off)"},
    {.name = "augment", .type = TL_FT_CHOICE, .metavar = "gauge", .off = offsetof(T, o.augment_gauge),
     .choices = augments, .unset = "none",
     .help = "gauge: a random sign of each state per sample and epoch"},
    TL_FLAG_SWITCH_ROW("keep-ambiguous", T, o.keep_ambiguous, "train on ambiguous chains too"),
    TL_FLAG_SWITCH_ROW("regress-w", T, o.regress_w, "kinds with a nearest-integer head: the loss (W - RSWN)^2"),
    TL_FLAG_THREADS_ROW(T, o.threads),
    {0}};
#undef T

static const tl_flag_group_t groups[] = {
    {"files", io_rows, 0},
    {"model", tl_cli_model_rows, offsetof(train_args, cm)},
    {"training", train_rows, 0},
    {NULL, NULL, 0}};

static void train_defaults(void *state, int variant) {
  train_args *a = state;
  tl_train_opts_default(&a->o);
  tl_cli_model_init(&a->cm);
  a->optim = (int)a->o.optim.kind;
  a->momentum = a->o.optim.momentum;
  a->weight_decay = a->o.optim.weight_decay;
}

const tl_cli_cmd_t tl_cli_cmd_train = {
    .name = "train",
    .summary = "a model on a data set -> model HDF5 + metrics CSV",
    .synopsis = "--data TRAIN.h5 --model KIND --out MODEL.h5 [options]",
    .about = "Trains one model (docs/studies.md describes the kinds) on a data set of `topolearn "
             "generate`, and saves it with its training provenance.",
    .groups = groups,
    .state_size = sizeof(train_args),
    .defaults = train_defaults,
    .notes = "The first SIGINT or SIGTERM ends the epoch under way and saves the model of the "
             "last finished epoch to MODEL.h5 (exit 130); the same command with --resume "
             "continues it.",
    .run = tl_cmd_train,
};

static int fail(tl_error *err) { return tl_cli_fail("train", err); }

/* The options of the flags: the optimiser's defaults with what was given on top. */
static tl_status finish_opts(train_args *a, const tl_cli_parsed_t *ps, tl_error *err) {
  const tl_cli_cmd_t *cmd = &tl_cli_cmd_train;
  tl_nn_optim_default(&a->o.optim, (tl_nn_optim_kind)a->optim);
  if (tl_cli_seen(cmd, ps, "momentum")) a->o.optim.momentum = a->momentum;
  a->o.optim.weight_decay = a->weight_decay;
  if (!a->data || !a->out)
    return tl_error_set(err, TL_ERR_INPUT, "%s is required (see topolearn train --help)",
                        !a->data ? "--data TRAIN.h5" : "--out MODEL.h5");
  if (a->schedule && parse_schedule(a->schedule, &a->o.lr, a->o.epochs, err)) return err->status;
  tl_status st = tl_train_opts_validate(&a->o, err);
  if (!st && tl_nn_optim_validate(&a->o.optim, err)) st = err->status;
  if (st) tl_cli_map_fields(cmd, err);
  return st;
}

/* The model to train: a new one from the flags, or the one in MODEL.h5 for --resume. */
static tl_status make_model(train_args *a, tl_model_hyper_t *hp, const tl_samples_t *s,
                            tl_model_t **m, tl_model_provenance_t *prov, tl_error *err) {
  tl_train_opts_t *o = &a->o;
  if (a->resume) {
    tl_status st = tl_model_load(m, a->out, prov, err);
    if (!st && prov->epochs_done >= o->epochs)
      st = tl_error_set(err, TL_ERR_INPUT, "%s: already trained for %d epochs (--epochs %d)", a->out,
                        prov->epochs_done, o->epochs);
    o->first_epoch = prov->epochs_done + 1;
    return st;
  }
  tl_status st = tl_model_hyper_classes(hp, s, o->keep_ambiguous, err);
  if (!st) {
    tl_model_hyper_implied(hp);
    hp->boundary = s->boundary;
    tl_rng_t rng;
    tl_rng_init(&rng, o->seed, 0x5eed);
    st = tl_model_new(m, hp, s->L, s->r_min, s->r_max, &rng, err);
  }
  for (int i = 0; !st && i < a->cm.nfreeze; i++) { /* each a name or a comma list */
    tl_fields_t f = tl_fields(a->cm.freeze[i], ',');
    while (!st && tl_fields_next(&f)) {
      char name[64];
      snprintf(name, sizeof name, "%.*s", (int)f.len, f.at);
      if (f.len >= sizeof name || !f.len)
        st = tl_error_set(err, TL_ERR_INPUT, "--freeze: '%.*s' is not a tensor name", (int)f.len, f.at);
      else
        st = tl_model_freeze(*m, !strcmp(name, "beta") ? "log_beta" : name, err);
    }
  }
  return st;
}

/* What the run ended with: the interrupted, diverged or failed line, or the summary and
 * the test accuracy. */
static int report(const train_args *a, const tl_model_t *m, const tl_samples_t *s,
                  const tl_samples_t *ts,
                  const tl_train_result_t *tr, tl_status st, tl_error *err, int last_epoch) {
  if (st == TL_ERR_INTERRUPTED) {
    tl_cli_say(stderr, "topolearn train: interrupted after epoch %d; checkpoint saved to %s (rerun "
               "with --resume)", last_epoch, a->out);
    return tl_status_exit_code(st);
  }
  if (st == TL_ERR_NUMERIC) {
    tl_cli_say(stderr, "topolearn train: %s; the last good parameters are in %s", err->msg, a->out);
    return 1;
  }
  if (st) return tl_cli_fail("train", err);
  printf("trained %s for %d epochs on %d chains (%d excluded as ambiguous): loss %.4g, train acc %.4f, val acc %.4f\n",
         tl_model_kind_name(m->hp.kind), tr->epochs_run, tr->n_train, tr->n_excluded, tr->loss, tr->train_acc, tr->val_acc);
  printf("split: %d chains = %d training + %d validation + %d ambiguous (left out)\n", s->N,
         tr->n_train, tr->n_val, tr->n_excluded);
  tl_cli_say(stdout, "wrote %s%s%s", a->out, a->metrics ? " and " : "", a->metrics ? a->metrics : "");
  if (!ts) return 0;
  tl_eval_opts_t eo;
  tl_eval_opts_default(&eo);
  tl_eval_t r;
  if (tl_model_eval(m, ts, &eo, NULL, NULL, &r, err)) return tl_cli_fail("train", err);
  char wmax[64] = "";
  if (!isnan(r.W_max)) snprintf(wmax, sizeof wmax, ", max |W - RSWN| %.3g", r.W_max);
  tl_cli_say(stdout, "test accuracy %.4f on %d chains of %s%s", r.accuracy, r.n, a->test, wmax);
  tl_eval_free(&r);
  return 0;
}

/* Trains, saves the model (also the last good epoch's on an interruption or divergence)
 * and commits the metrics; returns the status to report. */
static tl_status run_training(train_args *a, tl_model_t *m, const tl_samples_t *s,
                              tl_model_provenance_t *prov, tl_train_result_t *tr, int *last_epoch,
                              tl_error *err) {
  tl_train_opts_t *o = &a->o;
  tl_outfile_t mo = {0};
  train_ui ui;
  memset(&ui, 0, sizeof ui);
  ui.quiet = a->quiet;
  tl_progress_init(&ui.bar, "train", a->quiet);
  if (a->metrics) {
    if (tl_outfile_begin(&mo, a->metrics, a->force || a->resume, 1, err)) return err->status;
    ui.metrics = mo.fp;
    /* a resumed run continues the interrupted run's rows */
    if (tl_cli_metrics_begin(mo.fp, a->resume ? a->metrics : NULL, o->first_epoch - 1, err)) {
      tl_outfile_abort(&mo);
      return err->status;
    }
  }
  o->callback = on_epoch;
  o->user = &ui;
  tl_cli_catch_interrupts();
  tl_status st = tl_train(m, s, o, tr, err);
  tl_status saved_st = st;
  tl_error saved_err = *err;
  if (!st || st == TL_ERR_INTERRUPTED || st == TL_ERR_NUMERIC) {
    /* the parameters of the last good epoch are the checkpoint */
    const int before = o->first_epoch > 1 ? o->first_epoch - 1 : 0; /* epochs of a resumed file */
    prov->epochs_done = !st ? o->epochs : ui.last_epoch ? ui.last_epoch : before;
    tl_status ss = tl_model_save(m, a->out, a->force || a->resume, prov, err);
    if (ss) saved_st = ss, saved_err = *err;
  }
  if (mo.fp && !saved_st) {
    if (tl_outfile_commit(&mo, err)) saved_st = err->status, saved_err = *err;
  } else if (mo.fp && saved_st == TL_ERR_INTERRUPTED) {
    tl_outfile_commit(&mo, err);
  }
  tl_outfile_abort(&mo);
  *err = saved_err;
  *last_epoch = ui.last_epoch;
  return saved_st;
}

static int exists(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0;
}

int tl_cmd_train(int argc, char **argv) {
  train_args a;
  tl_cli_parsed_t ps;
  int code = tl_cli_parse(&tl_cli_cmd_train, argc, argv, &a, &ps);
  if (code >= 0) return code;
  tl_error err = {0};
  tl_model_hyper_t hp;
  memset(&hp, 0, sizeof hp);
  if (finish_opts(&a, &ps, &err)) return fail(&err);
  const tl_cli_file_t files[] = {{"--data", a.data, 0}, {"--test", a.test, 0}, {"--out", a.out, 1},
                                 {"--metrics", a.metrics, 1}};
  if (tl_cli_files_check("train", files, 4, &err) ||
      (!a.resume && tl_cli_model_finish(&a.cm, &hp, &err)))
    return fail(&err);
  if (!a.resume && !a.force && exists(a.out)) {
    tl_error_set(&err, TL_ERR_INPUT, "%s: exists (use --force to overwrite, --resume to continue it)", a.out);
    return fail(&err);
  }
  if (a.metrics && !a.force && !a.resume && exists(a.metrics)) {
    tl_error_set(&err, TL_ERR_INPUT, "%s: exists (use --force to overwrite)", a.metrics);
    return fail(&err);
  }
  tl_samples_t *s = NULL, *ts = NULL;
  tl_model_t *m = NULL;
  tl_model_provenance_t prov;
  memset(&prov, 0, sizeof prov);
  tl_status st = tl_dataset_load_samples(a.data, &s, &err);
  if (!st && a.test) st = tl_dataset_load_samples(a.test, &ts, &err);
  if (!st) st = make_model(&a, &hp, s, &m, &prov, &err);
  if (!st && ts && (st = tl_model_check_data(m, ts, &err))) { /* before training, not after */
    tl_error e = err;
    tl_error_set(&err, st, "--test %s: %s", a.test, e.msg);
  }
  if (!st) {
    prov.seed = a.o.seed;
    file_hash(a.data, prov.data_hash, sizeof prov.data_hash);
    tl_cli_join_command(argc, argv, prov.command, sizeof prov.command);
    prov.created[0] = '\0';
    tl_cli_files_note("train", files, 4);
    tl_train_result_t tr;
    int last_epoch = 0;
    st = run_training(&a, m, s, &prov, &tr, &last_epoch, &err);
    code = report(&a, m, s, ts, &tr, st, &err, last_epoch);
  } else {
    code = fail(&err);
  }
  tl_samples_free(s);
  tl_samples_free(ts);
  tl_model_free(m);
  return code;
}
