/* Every model kind's full backward pass in double against central differences of the
 * loss, coordinate by coordinate, on chosen configurations: topo near the exact point
 * and at random (every input amplitude too), sym with the square and tanh activations,
 * mlp on each input with tanh and with relu (kinks kept clear) and without hidden
 * layers, cnn with odd and even kernels and relu; topo and sym also under the W
 * regression loss; backward twice gives exactly twice the gradient; and the float
 * build's signed directional check. The checks and their tolerances are in
 * model_grad_check.h, shared with test_model_registry.c. */
#include "model_grad_check.h"

static tl_samples_t *S;
static int setup(void **state) {
  (void)state;
  S = make_ssh_set(5, 8, 2.0, 0.5, 11, 0); /* qab from the states: that path too */
  return 0;
}
static int teardown(void **state) {
  (void)state;
  tl_samples_free(S);
  return 0;
}

static void test_topo_grad(void **state) {
  (void)state;
  tl_model_hyper_t hp;
  tl_model_hyper_default(&hp, kind_named("topo"));
  hp.init = TL_INIT_EXACT_NOISE; /* near the exact point, where training happens */
  hp.init_sigma = 0.3;
  hp.beta0 = 2.0;
  hp.cmin = -1, hp.cmax = 2;
  check_model("topo exact+noise", &hp, S, 0);
  hp.init = TL_INIT_RANDOM;
  check_model("topo random", &hp, S, 0);
}

static void test_sym_grad(void **state) {
  (void)state;
  tl_model_hyper_t hp;
  tl_model_hyper_default(&hp, kind_named("sym"));
  hp.band = 2, hp.sym_hidden = 6;
  check_model("sym square", &hp, S, 0);
  hp.act = TL_ACT_TANH;
  check_model("sym tanh", &hp, S, 0);
}

static void test_mlp_grad(void **state) {
  (void)state;
  tl_model_hyper_t hp;
  tl_model_hyper_default(&hp, kind_named("mlp"));
  hp.nlayers = 2, hp.width[0] = 7, hp.width[1] = 5;
  hp.act = TL_ACT_TANH;
  const tl_model_input ins[3] = {TL_INPUT_EIGVEC, TL_INPUT_HOPPING, TL_INPUT_QAB};
  for (int i = 0; i < 3; i++) {
    hp.input = ins[i];
    char name[64];
    snprintf(name, sizeof name, "mlp tanh %s", tl_model_input_name(ins[i]));
    check_model(name, &hp, S, 0);
  }
  hp.act = TL_ACT_RELU;
  hp.input = TL_INPUT_HOPPING;
  check_model("mlp relu hopping", &hp, S, 1);
  hp.nlayers = 0; /* no hidden layer: multinomial logistic regression */
  hp.input = TL_INPUT_EIGVEC;
  check_model("mlp without hidden layers", &hp, S, 0);
}

static void test_cnn_grad(void **state) {
  (void)state;
  tl_model_hyper_t hp;
  tl_model_hyper_default(&hp, kind_named("cnn"));
  hp.nlayers = 2, hp.width[0] = 3, hp.width[1] = 4, hp.kernel = 3, hp.pool = 2;
  hp.act = TL_ACT_TANH;
  check_model("cnn tanh eigvec", &hp, S, 0);
  hp.input = TL_INPUT_HOPPING, hp.kernel = 4; /* even kernel: asymmetric padding */
  check_model("cnn tanh hopping", &hp, S, 0);
  hp.act = TL_ACT_RELU, hp.input = TL_INPUT_EIGVEC, hp.pool = 1, hp.nlayers = 1;
  check_model("cnn relu eigvec", &hp, S, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_topo_grad),
      cmocka_unit_test(test_sym_grad),
      cmocka_unit_test(test_mlp_grad),
      cmocka_unit_test(test_cnn_grad),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
