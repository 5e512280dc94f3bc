/* train_eval.c — data sets, a trained network and the exact one, with libtopolearn's public
 * API only (include/topolearn.h).
 *
 *   cc train_eval.c $(pkg-config --cflags --libs topolearn) -o train_eval
 *   ./train_eval [DIR]    writes train.h5, test.h5, disorder.h5 and mlp.h5 in DIR (default .)
 *
 * 1. generates a training and a test set of clean SSH chains and a test set with bond
 *    disorder D = 1 (each chain's label is round(RSWN); chains near a transition are
 *    flagged ambiguous and left out);
 * 2. trains an MLP on the eigenvectors, saves it, reloads it and evaluates it: on the
 *    clean test set as stored, the same with every state's sign flipped at random (the
 *    sign of an eigenvector is a convention, and an MLP trained without gauge
 *    augmentation learns it), and on the disordered set;
 * 3. evaluates the topo network at its exact initialisation, which expresses the RSWN
 *    itself: accuracy 1 on every non-ambiguous chain, disordered or not, untrained. */
#include <stdio.h>
#include <stdlib.h>

#include <topolearn.h>

#define L_CELLS 16

static int fail(const char *what, const tl_error *err) {
  fprintf(stderr, "train_eval: %s: %s\n", what, err->msg);
  return tl_status_exit_code(err->status);
}

/* The default family (v, w uniform in [0, 2]) at L_CELLS cells, bond disorder D. */
static tl_status make_set(const char *path, long n, uint64_t seed, double D, tl_error *err) {
  tl_dataset_params_t p;
  tl_dataset_params_default(&p);
  p.fam.L = L_CELLS;
  p.fam.disorder[0] = p.fam.disorder[1] = D;
  p.n = n;
  p.seed = seed;
  p.force = 1; /* overwrite the files of an earlier run */
  p.command = "examples/train_eval.c";
  tl_dataset_stats_t stats;
  tl_status st = tl_dataset_generate(&p, path, NULL, NULL, &stats, err);
  if (!st) printf("wrote %s: %ld chains, D = %g, %.2f s\n", path, n, D, stats.seconds_total);
  return st;
}

static int on_epoch(const tl_train_epoch_t *e, void *user) {
  (void)user;
  printf("  epoch %2d/%d  loss %.4f  train acc %.4f  val acc %.4f\n", e->epoch, e->epochs,
         e->loss, e->train_acc, e->val_acc);
  return 0; /* nonzero would stop training (TL_ERR_INTERRUPTED) */
}

/* Accuracy of m on s (non-ambiguous chains), states sign-flipped at random if flip. */
static tl_status accuracy(const tl_model_t *m, const tl_samples_t *s, int flip, double *acc,
                          tl_error *err) {
  tl_eval_opts_t eo;
  tl_eval_opts_default(&eo);
  eo.gauge_flip = flip;
  tl_eval_t r;
  tl_status st = tl_model_eval(m, s, &eo, NULL, NULL, &r, err);
  if (st) return st;
  *acc = r.accuracy;
  tl_eval_free(&r);
  return TL_OK;
}

/* An MLP (64,64 relu) on eigenvectors: train, save, reload, evaluate. */
static tl_status mlp(const tl_samples_t *train, const tl_samples_t *test,
                     const tl_samples_t *dis, const char *path, tl_error *err) {
  tl_model_hyper_t hp;
  tl_model_hyper_default(&hp, tl_model_kind_find("mlp")); /* a kind by its name */
  hp.input = TL_INPUT_EIGVEC;
  tl_status st = tl_samples_label_range(train, 0, &hp.cmin, &hp.cmax, err);
  tl_rng_t rng;
  tl_rng_init(&rng, 1, 0); /* the initial weights' stream */
  tl_model_t *m = NULL, *back = NULL;
  if (!st) st = tl_model_new(&m, &hp, train->L, train->r_min, train->r_max, &rng, err);
  tl_train_opts_t o;
  tl_train_opts_default(&o); /* Adam, lr 1e-3, batch 32, 10% held out for validation */
  o.epochs = 5;
  o.lr.lr = 2e-3;
  o.callback = on_epoch;
  tl_train_result_t res;
  if (!st) st = tl_train(m, train, &o, &res, err);
  if (!st)
    printf("trained on %d chains, validated on %d, %d ambiguous left out\n", res.n_train,
           res.n_val, res.n_excluded);
  if (!st) st = tl_model_save(m, path, 1, NULL, err);
  if (!st) st = tl_model_load(&back, path, NULL, err);
  double acc[3];
  if (!st) st = accuracy(back, test, 0, &acc[0], err);
  if (!st) st = accuracy(back, test, 1, &acc[1], err);
  if (!st) st = accuracy(back, dis, 0, &acc[2], err);
  if (!st)
    printf("mlp (reloaded from %s): test accuracy %.4f clean, %.4f clean gauge-flipped, "
           "%.4f at D = 1\n", path, acc[0], acc[1], acc[2]);
  tl_model_free(m);
  tl_model_free(back);
  return st;
}

/* The topo network at its exact tensors (lambda = 2, K of the bulk window): no training. */
static tl_status topo_exact(const tl_samples_t *test, tl_error *err) {
  tl_model_hyper_t hp;
  tl_model_hyper_default(&hp, tl_model_kind_find("topo"));
  hp.init = TL_INIT_EXACT;
  tl_status st = tl_samples_label_range(test, 0, &hp.cmin, &hp.cmax, err);
  tl_rng_t rng;
  tl_rng_init(&rng, 1, 0);
  tl_model_t *m = NULL;
  if (!st) st = tl_model_new(&m, &hp, test->L, test->r_min, test->r_max, &rng, err);
  tl_eval_opts_t eo;
  tl_eval_opts_default(&eo);
  tl_eval_t r;
  if (!st) st = tl_model_eval(m, test, &eo, NULL, NULL, &r, err);
  if (!st) {
    printf("topo (exact): test accuracy %.4f on %d chains at D = 1, max |W - RSWN| %.2e\n",
           r.accuracy, r.n, r.W_max);
    tl_eval_free(&r);
  }
  tl_model_free(m);
  return st;
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : ".";
  char tr_path[4096], te_path[4096], dis_path[4096], m_path[4096];
  snprintf(tr_path, sizeof tr_path, "%s/train.h5", dir);
  snprintf(te_path, sizeof te_path, "%s/test.h5", dir);
  snprintf(dis_path, sizeof dis_path, "%s/disorder.h5", dir);
  snprintf(m_path, sizeof m_path, "%s/mlp.h5", dir);
  tl_init();
  tl_error err;
  tl_error_clear(&err);

  if (make_set(tr_path, 1000, 1, 0.0, &err) || make_set(te_path, 500, 2, 0.0, &err) ||
      make_set(dis_path, 500, 3, 1.0, &err))
    return fail("generate", &err);
  tl_samples_t *train = NULL, *test = NULL, *dis = NULL;
  tl_status st = tl_dataset_load_samples(tr_path, &train, &err);
  if (!st) st = tl_dataset_load_samples(te_path, &test, &err);
  if (!st) st = tl_dataset_load_samples(dis_path, &dis, &err);
  if (!st) st = mlp(train, test, dis, m_path, &err);
  if (!st) st = topo_exact(dis, &err);
  tl_samples_free(train);
  tl_samples_free(test);
  tl_samples_free(dis);
  return st ? fail("train/eval", &err) : 0;
}
