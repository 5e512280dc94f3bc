/* topolearn train — a model on a data set -> model HDF5 + per-epoch metrics CSV. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/progress.h"

static void usage(FILE *out) {
  fprintf(out,
          "usage: topolearn train --data TRAIN.h5 --model M --out MODEL.h5 [options]\n\n"
          "model:\n"
          "  --model topo|sym|mlp|cnn\n"
          "  --input eigvec|hopping|qab   mlp (all three), cnn (eigvec|hopping)\n"
          "  --hidden 64,64 / --channels 16,16   widths of mlp layers / cnn convolutions\n"
          "  --act relu|tanh|square        activation (square: sym)\n"
          "  --kernel K --pool P           cnn kernel and mean-pool window\n"
          "  --band D --sym-hidden H       sym: features |d| <= D, hidden units\n"
          "  --init random|exact|exact+noise:SIGMA   topo and sym\n"
          "  --freeze lambda|K|beta|NAME   keep a tensor fixed (repeatable, or comma list)\n"
          "  --beta0 B                     initial sharpness of the nearest-integer head\n"
          "training:\n"
          "  --epochs E (20) --batch B (32) --lr LR (1e-3) --seed S (1)\n"
          "  --optim adam|sgd --momentum M (0.9) --weight-decay W (0, decoupled)\n"
          "  --schedule constant|step:K:GAMMA|cosine\n"
          "  --val-fraction f (0.1) --early-stop P (patience, 0: off)\n"
          "  --augment gauge               random sign of each state per sample and epoch\n"
          "  --keep-ambiguous              train on ambiguous chains too\n"
          "  --regress-w                   topo/sym: loss (W - RSWN)^2\n"
          "  --threads T --test TEST.h5 --metrics FILE.csv --force --quiet\n"
          "  --resume                      continue the run saved in MODEL.h5 (after an interruption)\n");
}

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

static tl_status parse_schedule(const char *v, tl_nn_lr_t *lr, int epochs, tl_error *err) {
  if (!strcmp(v, "constant")) {
    lr->kind = TL_NN_LR_CONSTANT;
  } else if (!strcmp(v, "cosine")) {
    lr->kind = TL_NN_LR_COSINE;
    lr->total_epochs = epochs;
    lr->lr_min = 0;
  } else if (!strncmp(v, "step:", 5)) {
    lr->kind = TL_NN_LR_STEP;
    if (sscanf(v + 5, "%d:%lf", &lr->step_epochs, &lr->gamma) != 2)
      return tl_error_set(err, TL_ERR_INPUT, "--schedule: '%s' is not step:K:GAMMA", v);
  } else {
    return tl_error_set(err, TL_ERR_INPUT, "--schedule: '%s' is unknown (expected constant, "
                        "step:K:GAMMA or cosine)", v);
  }
  return tl_nn_lr_validate(lr, err);
}

static int fail(tl_error *err) { return tl_cli_fail("train", err); }

int tl_cmd_train(int argc, char **argv) {
  tl_error err = {0};
  tl_cli_model_t cm;
  memset(&cm, 0, sizeof cm);
  tl_train_opts_t o;
  tl_train_opts_default(&o);
  const char *data = NULL, *test = NULL, *out = NULL, *metrics = NULL, *schedule = "constant";
  int force = 0, resume = 0, quiet = 0;
  long n;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    int used = tl_cli_model_flag(argc, argv, &i, &cm, &err);
    if (used < 0) return fail(&err);
    if (used) continue;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      return 0;
    } else if (!strcmp(a, "--data")) {
      if (!(v = tl_cli_value(argc, argv, &i, &err))) return fail(&err);
      data = v;
    } else if (!strcmp(a, "--test")) {
      if (!(v = tl_cli_value(argc, argv, &i, &err))) return fail(&err);
      test = v;
    } else if (!strcmp(a, "--out")) {
      if (!(v = tl_cli_value(argc, argv, &i, &err))) return fail(&err);
      out = v;
    } else if (!strcmp(a, "--metrics")) {
      if (!(v = tl_cli_value(argc, argv, &i, &err))) return fail(&err);
      metrics = v;
    } else if (!strcmp(a, "--epochs") || !strcmp(a, "--batch") || !strcmp(a, "--early-stop") ||
               !strcmp(a, "--threads")) {
      const long lo = strcmp(a, "--early-stop") ? 1 : 0; /* 0: no early stopping */
      if (tl_cli_int_arg(argc, argv, &i, lo, 1000000, &n, &err)) return fail(&err);
      if (!strcmp(a, "--epochs")) o.epochs = (int)n;
      else if (!strcmp(a, "--batch")) o.batch = (int)n;
      else if (!strcmp(a, "--early-stop")) o.early_stop = (int)n;
      else o.threads = (int)n;
    } else if (!strcmp(a, "--lr")) {
      if (tl_cli_double_arg(argc, argv, &i, 1e-12, 1e3, &o.lr.lr, &err)) return fail(&err);
    } else if (!strcmp(a, "--seed")) {
      if (tl_cli_int_arg(argc, argv, &i, 0, 0x7fffffffffffffffL, &n, &err)) return fail(&err);
      o.seed = (uint64_t)n;
    } else if (!strcmp(a, "--optim")) {
      if (!(v = tl_cli_value(argc, argv, &i, &err))) return fail(&err);
      if (strcmp(v, "adam") && strcmp(v, "sgd")) {
        tl_error_set(&err, TL_ERR_INPUT, "--optim: '%s' is unknown (expected adam or sgd)", v);
        return fail(&err);
      }
      double wd = o.optim.weight_decay;
      tl_nn_optim_default(&o.optim, v[0] == 'a' ? TL_NN_ADAM : TL_NN_SGD);
      o.optim.weight_decay = wd;
    } else if (!strcmp(a, "--momentum")) {
      if (tl_cli_double_arg(argc, argv, &i, 0, 0.999999, &o.optim.momentum, &err))
        return fail(&err);
    } else if (!strcmp(a, "--weight-decay")) {
      if (tl_cli_double_arg(argc, argv, &i, 0, 10, &o.optim.weight_decay, &err)) return fail(&err);
    } else if (!strcmp(a, "--schedule")) {
      if (!(v = tl_cli_value(argc, argv, &i, &err))) return fail(&err);
      schedule = v;
    } else if (!strcmp(a, "--val-fraction")) {
      if (tl_cli_double_arg(argc, argv, &i, 0, 0.9, &o.val_fraction, &err)) return fail(&err);
    } else if (!strcmp(a, "--augment")) {
      if (!(v = tl_cli_value(argc, argv, &i, &err))) return fail(&err);
      if (strcmp(v, "gauge")) {
        tl_error_set(&err, TL_ERR_INPUT, "--augment: '%s' is unknown (expected gauge)", v);
        return fail(&err);
      }
      o.augment_gauge = 1;
    } else if (!strcmp(a, "--keep-ambiguous")) { o.keep_ambiguous = 1;
    } else if (!strcmp(a, "--regress-w")) { o.regress_w = 1;
    } else if (!strcmp(a, "--force")) { force = 1;
    } else if (!strcmp(a, "--resume")) { resume = 1;
    } else if (!strcmp(a, "--quiet")) { quiet = 1;
    } else {
      tl_error_set(&err, TL_ERR_INPUT, "unknown option '%s' (see topolearn train --help)", a);
      return fail(&err);
    }
  }
  if (!data || !out) {
    tl_error_set(&err, TL_ERR_INPUT, "%s is required", !data ? "--data TRAIN.h5" : "--out MODEL.h5");
    return fail(&err);
  }
  if (!resume && tl_cli_model_finish(&cm, &err)) return fail(&err);
  if (parse_schedule(schedule, &o.lr, o.epochs, &err) || tl_train_opts_validate(&o, &err)) return fail(&err);
  struct stat sb;
  if (!resume && !force && stat(out, &sb) == 0) {
    tl_error_set(&err, TL_ERR_INPUT, "%s: exists (use --force to overwrite, --resume to continue it)", out);
    return fail(&err);
  }
  if (metrics && !force && !resume && stat(metrics, &sb) == 0) {
    tl_error_set(&err, TL_ERR_INPUT, "%s: exists (use --force to overwrite)", metrics);
    return fail(&err);
  }

  tl_samples_t *s = NULL, *ts = NULL;
  tl_model_t *m = NULL;
  tl_model_provenance_t prov;
  memset(&prov, 0, sizeof prov);
  tl_status st = tl_dataset_load_samples(data, &s, &err);
  if (!st && test) st = tl_dataset_load_samples(test, &ts, &err);
  if (!st && resume) {
    st = tl_model_load(&m, out, &prov, &err);
    if (!st && prov.epochs_done >= o.epochs)
      st = tl_error_set(&err, TL_ERR_INPUT, "%s: already trained for %d epochs (--epochs %d)", out,
                        prov.epochs_done, o.epochs);
    o.first_epoch = prov.epochs_done + 1;
  } else if (!st) {
    tl_model_hyper_t *hp = &cm.hp;
    st = tl_samples_label_range(s, o.keep_ambiguous, &hp->cmin, &hp->cmax, &err);
    if (!st && (hp->kind == TL_MODEL_TOPO || hp->kind == TL_MODEL_SYM)) {
      hp->cmin -= 1; /* the head over the neighbouring integers keeps W calibrated */
      hp->cmax += 1;
    }
    if (!st) {
      if (hp->kind == TL_MODEL_SYM && hp->init == TL_INIT_EXACT && hp->act != TL_ACT_SQUARE) hp->act = TL_ACT_SQUARE;
      hp->boundary = s->boundary;
      tl_rng_t rng;
      tl_rng_init(&rng, o.seed, 0x5eed);
      st = tl_model_new(&m, hp, s->L, s->r_min, s->r_max, &rng, &err);
    }
    char buf[256];
    snprintf(buf, sizeof buf, "%s", cm.freeze);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); !st && t; t = strtok_r(NULL, ",", &save))
      st = tl_model_freeze(m, !strcmp(t, "beta") ? "log_beta" : t, &err);
  }
  if (st) {
    tl_samples_free(s);
    tl_samples_free(ts);
    tl_model_free(m);
    return fail(&err);
  }
  prov.seed = o.seed;
  file_hash(data, prov.data_hash, sizeof prov.data_hash);
  tl_cli_join_command(argc, argv, prov.command, sizeof prov.command);
  prov.created[0] = '\0';

  tl_outfile_t mo = {0};
  train_ui ui;
  memset(&ui, 0, sizeof ui);
  ui.quiet = quiet;
  tl_progress_init(&ui.bar, "train", quiet);
  if (metrics) {
    if (tl_outfile_begin(&mo, metrics, 1, 1, &err)) goto out_fail;
    ui.metrics = mo.fp;
    fprintf(ui.metrics, "epoch,loss,train_acc,val_acc,val_loss,lr,seconds\n");
  }
  o.callback = on_epoch;
  o.user = &ui;
  tl_cli_catch_interrupts();
  tl_train_result_t tr;
  st = tl_train(m, s, &o, &tr, &err);
  tl_status saved_st = st;
  tl_error saved_err = err;
  if (!st || st == TL_ERR_INTERRUPTED || st == TL_ERR_NUMERIC) {
    /* the parameters of the last good epoch are the checkpoint */
    const int before = o.first_epoch > 1 ? o.first_epoch - 1 : 0; /* epochs of a resumed file */
    prov.epochs_done = !st ? o.epochs : ui.last_epoch ? ui.last_epoch : before;
    tl_status ss = tl_model_save(m, out, 1, &prov, &err);
    if (ss) saved_st = ss, saved_err = err;
  }
  if (mo.fp && !saved_st) {
    if (tl_outfile_commit(&mo, &err)) saved_st = err.status, saved_err = err;
  } else if (mo.fp && saved_st == TL_ERR_INTERRUPTED) {
    tl_outfile_commit(&mo, &err);
  }
  tl_outfile_abort(&mo);
  int code = 0;
  if (saved_st == TL_ERR_INTERRUPTED) {
    fprintf(stderr, "topolearn train: interrupted after epoch %d; checkpoint saved to %s (rerun with --resume)\n",
            ui.last_epoch, out);
    code = 2;
  } else if (saved_st == TL_ERR_NUMERIC) {
    fprintf(stderr, "topolearn train: %s; the last good parameters are in %s\n", saved_err.msg, out);
    code = 1;
  } else if (saved_st) {
    code = tl_cli_fail("train", &saved_err);
  } else {
    printf("trained %s for %d epochs on %d chains (%d excluded as ambiguous): loss %.4g, train acc %.4f, val acc %.4f\n",
           tl_model_kind_name(m->hp.kind), tr.epochs_run, tr.n_train, tr.n_excluded, tr.loss, tr.train_acc, tr.val_acc);
    printf("wrote %s%s%s\n", out, metrics ? " and " : "", metrics ? metrics : "");
    if (ts) {
      double acc, wmax;
      tl_eval_opts_t eo;
      tl_eval_opts_default(&eo);
      tl_eval_t r;
      if (tl_model_eval(m, ts, &eo, NULL, NULL, &r, &err)) {
        code = tl_cli_fail("train", &err);
      } else {
        acc = r.accuracy;
        wmax = r.W_max;
        printf("test accuracy %.4f on %d chains of %s", acc, r.n, test);
        if (!isnan(wmax)) printf(", max |W - RSWN| %.3g", wmax);
        printf("\n");
        tl_eval_free(&r);
      }
    }
  }
  tl_samples_free(s);
  tl_samples_free(ts);
  tl_model_free(m);
  return code;
out_fail:
  tl_samples_free(s);
  tl_samples_free(ts);
  tl_model_free(m);
  return fail(&err);
}
