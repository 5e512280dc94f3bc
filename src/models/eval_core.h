/* src/models/eval_core.h — private: forward passes over a list of chains, shared by
 * tl_model_eval and the validation pass of tl_train. */
#ifndef TL_MODELS_EVAL_CORE_H
#define TL_MODELS_EVAL_CORE_H

#include "models/kind.h"
#include "topolearn/train.h"

/* Runs m (float) over chains idx[0..n) in batches of ws->B, x holding
 * tl_model_input_size(m, ws->B) floats and flips ws->B * L signs (NULL: no gauge
 * flips). any_integer: see tl_model_predict_class. pred[k], W[k] and loss[k]
 * (cross-entropy, NaN when the label is not one of m's classes; with regress_w, W-head
 * kinds only, the squared error of W against the chain's W) receive chain idx[k]'s values;
 * W may be NULL. Returns the number correct. */
int tl_model_eval_core(const tl_model_t *m, const tl_samples_t *s, const int *idx, int n,
                       tl_model_ws_t *ws, float *x, signed char *flips, uint64_t gauge_seed,
                       int any_integer, int regress_w, int *pred, double *W, double *loss);

/* Draws the gauge signs of one sample's L states. */
void tl_model_draw_flips(signed char *flips, int L, tl_rng_t *rng);

#endif
