/* src/models/real.h — private: the precision of a model source built twice.
 *
 * The kinds (each file of src/models/kinds/) and the generic passes (src/models/pass.c) are each
 * one source compiled twice (CMakeLists.txt): into the library as float, for training,
 * and with TL_MODEL_DOUBLE defined as double, for the gradient checks. Their functions
 * are written once in tl_real; static ones keep their plain names in both builds, the
 * public ones are named by TL_MODEL_FN and declared for both precisions in model.h.
 * Whatever does not depend on the precision is built in the float build only
 * (#ifndef TL_MODEL_DOUBLE). */
#ifndef TL_MODELS_REAL_H
#define TL_MODELS_REAL_H

#include <string.h>

#include "models/kind.h"

#ifdef TL_MODEL_DOUBLE
typedef double tl_real;
#define TL_MODEL_FN(name) name##_f64
#define TL_NN_FN(name) name##_f64
typedef tl_model_pass_f64_t tl_model_pass_t;
#else
typedef float tl_real;
#define TL_MODEL_FN(name) name##_f32
#define TL_NN_FN(name) name##_f32
typedef tl_model_pass_f32_t tl_model_pass_t;
#endif

/* A kind's pass table in this precision: TL_MODEL_PASSES(topo) names tl_topo_pass_f32
 * in the float build and tl_topo_pass_f64 in the double one (the kind's table points at
 * both). */
#define TL_MODEL_PASSES(kind) TL_MODEL_FN(tl_##kind##_pass)

/* The workspace in this precision at an offset from layout.c. */
static inline tl_real *tl_ws_at(tl_model_ws_t *ws, size_t offset) {
  return (tl_real *)ws->buf + offset;
}

static inline void tl_real_zero(tl_real *p, size_t n) { memset(p, 0, n * sizeof *p); }

/* hp.act forward and backward: tanh's derivative reads the output, relu's and
 * square's the input (nn.h). */
static inline void tl_act_forward(tl_model_act a, tl_real *out, const tl_real *inp,
                                  size_t n) {
  if (a == TL_ACT_RELU) TL_NN_FN(tl_nn_relu_forward)(out, inp, n);
  else if (a == TL_ACT_TANH) TL_NN_FN(tl_nn_tanh_forward)(out, inp, n);
  else TL_NN_FN(tl_nn_square_forward)(out, inp, n);
}
static inline void tl_act_backward(tl_model_act a, tl_real *dinp, const tl_real *inp,
                                   const tl_real *out, const tl_real *dout, size_t n) {
  if (a == TL_ACT_RELU) TL_NN_FN(tl_nn_relu_backward)(dinp, inp, dout, n);
  else if (a == TL_ACT_TANH) TL_NN_FN(tl_nn_tanh_backward)(dinp, out, dout, n);
  else TL_NN_FN(tl_nn_square_backward)(dinp, inp, dout, n);
}

#endif
