/* topolearn/nn.h — the neural-network engine: ops, parameter buffer, initialisers,
 * optimisers (SPEC 3).
 *
 * Ops are llm.c-style forward/backward pairs on caller-owned row-major arrays, shapes
 * in the comment above each. Every backward ACCUMULATES (+=) into its gradients; the
 * caller zeroes them (tl_nn_params_zero_grad). Batch sums are formed locally and added
 * once, so a second backward pass adds bit-for-bit the same amount (exactly 2x; for
 * gemm-formed gradients this holds while BLAS does not split the inner dimension into
 * blocks, i.e. for inner sizes of a few hundred). A NULL gradient pointer skips that
 * gradient. Every op exists twice: _f32 (training) and _f64 (gradient checks); both
 * come from one source (src/nn/ops.inc.h) so they cannot drift apart. Every matrix
 * product goes through cblas. Ops do not allocate: the ones that need scratch take a
 * `work` array whose length a *_work_size function gives. Shapes are the caller's
 * contract (the model layer validates them once), so ops return void.
 *
 * Parameters, gradients and optimiser moments live in one buffer each (tl_nn_params_t)
 * with named views, so zeroing, the optimiser, save/load and pruning are one loop. */
#ifndef TOPOLEARN_NN_H
#define TOPOLEARN_NN_H

#include <stddef.h>

#include "topolearn/error.h"
#include "topolearn/rng.h"

/* ---- parameter buffer ---------------------------------------------------------- */

#define TL_NN_NAME_MAX 32

/* One tensor of a model: name and shape (rows x cols; a vector is n x 1, a scalar
 * 1 x 1). The shape is kept for SVD/pruning, which see each tensor as a matrix. */
typedef struct {
  const char *name;
  int rows, cols;
} tl_nn_tensor_spec_t;

typedef struct {
  char name[TL_NN_NAME_MAX];
  size_t offset, size; /* into every buffer below */
  int rows, cols;
  int frozen;          /* optimiser leaves a frozen tensor (and its moments) alone */
} tl_nn_tensor_t;

typedef struct {
  size_t count;           /* parameters in all tensors */
  int ntensors;
  tl_nn_tensor_t *tensor;
  float *param, *grad;    /* count each, one allocation with m and v */
  float *m, *v;           /* optimiser moments; SGD keeps its velocity in m */
  long step;              /* optimiser steps taken (Adam's bias correction) */
} tl_nn_params_t;

/* Lays out the tensors of specs[0..n) back to back; all buffers start at zero.
 * Names must be unique, non-empty and shorter than TL_NN_NAME_MAX; shapes positive. */
tl_status tl_nn_params_new(tl_nn_params_t **out, const tl_nn_tensor_spec_t *specs, int n,
                           tl_error *err);
void tl_nn_params_free(tl_nn_params_t *p); /* NULL is a no-op */

/* Index of the tensor called name, -1 if none. */
int tl_nn_params_find(const tl_nn_params_t *p, const char *name);
/* Named views: the tensor i inside param / grad. */
float *tl_nn_params_data(tl_nn_params_t *p, int i);
float *tl_nn_params_grad(tl_nn_params_t *p, int i);
/* Freezes (frozen = 1) or thaws the tensor called name; TL_ERR_INPUT if unknown. */
tl_status tl_nn_params_set_frozen(tl_nn_params_t *p, const char *name, int frozen,
                                  tl_error *err);
void tl_nn_params_zero_grad(tl_nn_params_t *p);
/* Zeroes m, v and the step count (a fresh optimiser on the same parameters). */
void tl_nn_params_reset_optim(tl_nn_params_t *p);

/* ---- initialisers (the random state is an argument) ----------------------------- */

/* He (Kaiming) normal: N(0, 2 / fan_in); for relu layers. */
void tl_nn_init_he(float *w, size_t n, int fan_in, tl_rng_t *rng);
/* Xavier (Glorot) uniform: U(-a, a), a = sqrt(6 / (fan_in + fan_out)). */
void tl_nn_init_xavier(float *w, size_t n, int fan_in, int fan_out, tl_rng_t *rng);
/* mean + scale * N(0, 1) for each entry. */
void tl_nn_init_normal(float *w, size_t n, double mean, double scale, tl_rng_t *rng);

/* ---- optimisers and learning-rate schedules ------------------------------------ */

typedef enum { TL_NN_SGD, TL_NN_ADAM } tl_nn_optim_kind;

/* Weight decay is DECOUPLED for both kinds (AdamW, Loshchilov & Hutter 2019; SGDW):
 * theta -= lr * weight_decay * theta, applied beside the gradient step and never fed
 * into the moments, so Adam's scaling does not weaken it on large-gradient weights. */
typedef struct {
  tl_nn_optim_kind kind;
  double momentum;             /* SGD: v = momentum v + g; theta -= lr v (PyTorch) */
  double beta1, beta2, eps;    /* Adam, bias-corrected (Kingma & Ba 2015, Alg. 1) */
  double weight_decay;
} tl_nn_optim_t;

/* SGD: momentum 0.9; Adam: 0.9, 0.999, 1e-8; weight decay 0 for both. */
void tl_nn_optim_default(tl_nn_optim_t *o, tl_nn_optim_kind kind);
tl_status tl_nn_optim_validate(const tl_nn_optim_t *o, tl_error *err);
/* One step with learning rate lr on every tensor that is not frozen; p->step += 1. */
void tl_nn_optim_step(const tl_nn_optim_t *o, tl_nn_params_t *p, double lr);

typedef enum { TL_NN_LR_CONSTANT, TL_NN_LR_STEP, TL_NN_LR_COSINE } tl_nn_lr_kind;

typedef struct {
  tl_nn_lr_kind kind;
  double lr;          /* at epoch 0 */
  int step_epochs;    /* STEP: multiply by gamma every step_epochs epochs */
  double gamma;
  int total_epochs;   /* COSINE: lr at epoch 0, lr_min at epoch total_epochs and after */
  double lr_min;
} tl_nn_lr_t;

tl_status tl_nn_lr_validate(const tl_nn_lr_t *s, tl_error *err);
double tl_nn_lr_at(const tl_nn_lr_t *s, int epoch);

/* Scratch sizes (in elements of the op's precision) and output length of the ops. */
int tl_nn_conv1d_out_len(int L, int K, int same);
/* conv1d works on blocks of this many samples (fixed by B and L, never by the thread
 * count), each with 1-thread products, so its results do not depend on the threads. */
int tl_nn_conv1d_block(int B, int L);
size_t tl_nn_conv1d_work_size(int B, int cin, int cout, int L, int K, int same);
size_t tl_nn_topo_work_size(int S, int L);

/* ---- ops, in float (_f32, training) and double (_f64, gradient checks) -------------
 * Both are built from one source (src/nn/ops.inc.h, topo.inc.h, included by ops_f32.c
 * and ops_f64.c); each contract below holds for both. */

/* dense: inp (B,in) -> out (B,out) = inp w^T + bias; w (out,in), bias (out) or NULL. */
void tl_nn_dense_forward_f32(float *out, const float *inp, const float *w,
                             const float *bias, int B, int in, int nout);
void tl_nn_dense_forward_f64(double *out, const double *inp, const double *w,
                             const double *bias, int B, int in, int nout);
/* dinp (B,in) += dout w; dw (out,in) += dout^T inp; dbias (out) += sum_b dout. */
void tl_nn_dense_backward_f32(float *dinp, float *dw, float *dbias, const float *dout,
                              const float *inp, const float *w, int B, int in, int nout);
void tl_nn_dense_backward_f64(double *dinp, double *dw, double *dbias, const double *dout,
                              const double *inp, const double *w, int B, int in,
                              int nout);

/* conv1d along the cells, stride 1: inp (B,cin,L) -> out (B,cout,Lout);
 * w (cout,cin,K), bias (cout) or NULL. same != 0: zero padding (K-1)/2 on the left and
 * K/2 on the right, Lout = L; same == 0: no padding, Lout = L-K+1 (needs K <= L).
 * out[b,o,t] = bias[o] + sum_{c,k} w[o,c,k] inp[b,c,t+k-pad]. All taps as one gemm on a
 * channel-major copy of the batch (no im2col); work holds tl_nn_conv1d_work_size(...)
 * elements of the op's precision. */
void tl_nn_conv1d_forward_f32(float *out, const float *inp, const float *w,
                              const float *bias, int B, int cin, int cout, int L, int K,
                              int same, float *work);
void tl_nn_conv1d_forward_f64(double *out, const double *inp, const double *w,
                              const double *bias, int B, int cin, int cout, int L, int K,
                              int same, double *work);
/* dinp (B,cin,L), dw (cout,cin,K), dbias (cout) accumulate; dout (B,cout,Lout).
 * kept != 0: work is still as tl_nn_conv1d_forward left it for this inp (same B, shapes
 * and input values), and its channel-major copy of inp is used instead of made again. */
void tl_nn_conv1d_backward_f32(float *dinp, float *dw, float *dbias, const float *dout,
                               const float *inp, const float *w, int B, int cin, int cout,
                               int L, int K, int same, int kept, float *work);
void tl_nn_conv1d_backward_f64(double *dinp, double *dw, double *dbias,
                               const double *dout, const double *inp, const double *w,
                               int B, int cin, int cout, int L, int K, int same, int kept,
                               double *work);

/* Elementwise activations on n values. relu and square backward read inp, tanh
 * backward reads out (1 - out^2, no second tanh). relu'(0) = 0. In-place forward
 * (out == inp) is fine for tanh, and for relu if its backward is then given out
 * (same sign pattern); square needs its input kept. */
void tl_nn_relu_forward_f32(float *out, const float *inp, size_t n);
void tl_nn_relu_forward_f64(double *out, const double *inp, size_t n);
void tl_nn_relu_backward_f32(float *dinp, const float *inp, const float *dout, size_t n);
void tl_nn_relu_backward_f64(double *dinp, const double *inp, const double *dout,
                             size_t n);
void tl_nn_tanh_forward_f32(float *out, const float *inp, size_t n);
void tl_nn_tanh_forward_f64(double *out, const double *inp, size_t n);
void tl_nn_tanh_backward_f32(float *dinp, const float *out, const float *dout, size_t n);
void tl_nn_tanh_backward_f64(double *dinp, const double *out, const double *dout,
                             size_t n);
void tl_nn_square_forward_f32(float *out, const float *inp, size_t n);
void tl_nn_square_forward_f64(double *out, const double *inp, size_t n);
void tl_nn_square_backward_f32(float *dinp, const float *inp, const float *dout,
                               size_t n);
void tl_nn_square_backward_f64(double *dinp, const double *inp, const double *dout,
                               size_t n);

/* Pooling over the cell axis in windows of P cells, stride P: inp (B,C,L) ->
 * out (B,C,L/P) (a tail of L mod P cells is dropped). P = L is global pooling.
 * Max pooling records the winning cell (0..L-1 within its row) of each window in
 * argmax (B,C,L/P); on ties the first wins, and the gradient goes to that cell only. */
void tl_nn_meanpool_forward_f32(float *out, const float *inp, int BC, int L, int P);
void tl_nn_meanpool_forward_f64(double *out, const double *inp, int BC, int L, int P);
void tl_nn_meanpool_backward_f32(float *dinp, const float *dout, int BC, int L, int P);
void tl_nn_meanpool_backward_f64(double *dinp, const double *dout, int BC, int L, int P);
void tl_nn_maxpool_forward_f32(float *out, int *argmax, const float *inp, int BC, int L,
                               int P);
void tl_nn_maxpool_forward_f64(double *out, int *argmax, const double *inp, int BC, int L,
                               int P);
void tl_nn_maxpool_backward_f32(float *dinp, const float *dout, const int *argmax, int BC,
                                int L, int P);
void tl_nn_maxpool_backward_f64(double *dinp, const double *dout, const int *argmax,
                                int BC, int L, int P);
/* (BC = B*C: pooling treats every (sample, channel) row alike. Flatten is a view.) */

/* Softmax cross-entropy: logits (B,C), labels (B) in [0,C) -> *loss = mean over the
 * batch of -log softmax(logits)[label]; probs (B,C) keeps the softmax for backward.
 * Log-sum-exp is shifted by the row max, so large logits do not overflow. */
void tl_nn_xent_forward_f32(float *loss, float *probs, const float *logits,
                            const int *labels, int B, int C);
void tl_nn_xent_forward_f64(double *loss, double *probs, const double *logits,
                            const int *labels, int B, int C);
/* dlogits (B,C) += dloss * (probs - onehot(label)) / B. */
void tl_nn_xent_backward_f32(float *dlogits, const float *probs, const int *labels, int B,
                             int C, float dloss);
void tl_nn_xent_backward_f64(double *dlogits, const double *probs, const int *labels,
                             int B, int C, double dloss);
/* Mean squared error over n values: *loss = (1/n) sum (pred - target)^2. */
void tl_nn_mse_forward_f32(float *loss, const float *pred, const float *target, size_t n);
void tl_nn_mse_forward_f64(double *loss, const double *pred, const double *target,
                           size_t n);
/* dpred (n) += dloss * 2 (pred - target) / n. */
void tl_nn_mse_backward_f32(float *dpred, const float *pred, const float *target,
                            size_t n, float dloss);
void tl_nn_mse_backward_f64(double *dpred, const double *pred, const double *target,
                            size_t n, double dloss);

/* Topo contraction (SPEC 1.4), per sample b with S states on L cells:
 *   Q_b[n,m] = sum_j lambda_j a_b[j,n] b_b[j,m],   W_b = sum_{n,m} K[n,m] Q_b[n,m]^2.
 * a, bp (B,S,L): A- and B-parts of the states; lambda (S); K (L,L) -> W (B); Q (B,L,L)
 * is kept for backward. One gemm per sample (each sample has its own states; a
 * block-diagonal batch gemm would only multiply zeros). work: tl_nn_topo_work_size(S, L)
 * elements of the op's precision. */
void tl_nn_topo_forward_f32(float *W, float *Q, const float *a, const float *bp,
                            const float *lambda, const float *K, int B, int S, int L,
                            float *work);
void tl_nn_topo_forward_f64(double *W, double *Q, const double *a, const double *bp,
                            const double *lambda, const double *K, int B, int S, int L,
                            double *work);
/* dlambda (S), dK (L,L), da and dbp (B,S,L) accumulate (each may be NULL); dW (B). */
void tl_nn_topo_backward_f32(float *dlambda, float *dK, float *da, float *dbp,
                             const float *dW, const float *Q, const float *a,
                             const float *bp, const float *lambda, const float *K, int B,
                             int S, int L, float *work);
void tl_nn_topo_backward_f64(double *dlambda, double *dK, double *da, double *dbp,
                             const double *dW, const double *Q, const double *a,
                             const double *bp, const double *lambda, const double *K,
                             int B, int S, int L, double *work);

/* Nearest-integer head (SPEC 3): W (B) -> z (B,C), z[b,c] = -beta (W_b - c)^2 for the
 * C = cmax - cmin + 1 classes c = cmin..cmax. beta = exp(rho) with rho (1) the trained
 * parameter: positive by construction, and steps in rho change beta by a factor, which
 * suits a sharpness whose useful values span decades (1 to 1e3). */
void tl_nn_head_forward_f32(float *z, const float *W, const float *rho, int B, int cmin,
                            int cmax);
void tl_nn_head_forward_f64(double *z, const double *W, const double *rho, int B,
                            int cmin, int cmax);
/* dW (B) and drho (1) accumulate; dz (B,C). */
void tl_nn_head_backward_f32(float *dW, float *drho, const float *dz, const float *W,
                             const float *rho, int B, int cmin, int cmax);
void tl_nn_head_backward_f64(double *dW, double *drho, const double *dz, const double *W,
                             const double *rho, int B, int cmin, int cmax);

#endif /* TOPOLEARN_NN_H */
