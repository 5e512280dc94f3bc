/* topolearn/model.h — in-memory sample sets and the four models of SPEC 3 (topo, sym,
 * mlp, cnn) behind one interface.
 *
 * A model maps one chain's features to logits over the integer classes cmin..cmax.
 * Its parameters live in one tl_nn_params_t (float32, named tensors). Forward and
 * backward exist in float (_f32, training) and double (_f64, gradient checks) from one
 * source (src/models/forward.inc.h), like the nn ops; both take the parameter values
 * and gradients as flat arrays laid out like params->param, so a double copy of the
 * buffer runs through the same code. Minibatches go through the ops' gemms.
 *
 * Call sequence for one step (what tl_train does):
 *   tl_model_featurise_f32(m, samples, idx, B, flips, x)    x: tl_model_input_size(m, B)
 *   tl_model_forward_f32(m, theta, x, B, ws)                -> ws logits (B, C), W (B)
 *   tl_model_loss_f32(m, ws, B, &loss)                      xent on ws->labels;
 *                                                           sets ws dlogits
 *     (or tl_model_loss_w_f32: (W - target)^2 on ws->wtarget, topo/sym regression)
 *   tl_model_backward_f32(m, theta, grad, x, dx, B, ws)     grad (and dx) accumulate
 */
#ifndef TL_MODEL_PASS
#ifndef TOPOLEARN_MODEL_H
#define TOPOLEARN_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "topolearn/chain.h"
#include "topolearn/invariant.h"
#include "topolearn/nn.h"

/* ---- in-memory sample sets ------------------------------------------------------- */

/* N chains of one shape (L cells, ranges r_min..r_max, R = r_max - r_min + 1). The
 * HDF5 data-set reader fills the same struct. Per chain i:
 *   t        + i*L*R     hoppings, t[n*R + k] = t_{r_min+k}(n)
 *   psi      + i*L*2L    positive-energy states as rows, ascending energy, site order
 *                        2n + a, normalised over the 2L sites (tl_solver_eigvecs)
 *   qab      + i*L*L     Q_AB row-major; NULL when not stored (models then form it
 *                        from psi as 2 sum_j a_j b_j^T, exact by SPEC 1.4)
 *   energies + i*2L      ascending
 *   W[i], label[i] = round(W), ambiguous[i] (SPEC 1.3) */
typedef struct tl_samples_s {
  int N, L, r_min, r_max, R;
  tl_boundary boundary;  /* of every chain (distances in the marker, sym's features) */
  double *t, *psi, *qab, *energies, *W;
  int *label;
  uint8_t *ambiguous;
} tl_samples_t;

/* All arrays zeroed; with_qab = 0 leaves qab NULL. */
tl_status tl_samples_new(tl_samples_t **out, int N, int L, int r_min, int r_max,
                         tl_boundary bc, int with_qab, tl_error *err);
void tl_samples_free(tl_samples_t *s); /* NULL is a no-op */
/* A deep copy (e.g. to relabel a control set). */
tl_status tl_samples_copy(tl_samples_t **out, const tl_samples_t *s, tl_error *err);

/* Fills chain i from the solver (which must hold a workspace for the chain's shape):
 * tl_solver_run, eigvecs, energies, qab, and W / label / ambiguity by tl_rswn_from_qab
 * with opts. The chain must have the set's L, ranges and boundary. */
tl_status tl_samples_fill(tl_samples_t *s, int i, tl_solver_t *solver,
                          const tl_chain_t *chain, const tl_rswn_opts_t *opts,
                          tl_error *err);

/* Every stored value finite, labels = round(W) and ambiguity flags 0/1: one line
 * naming the chain and field otherwise (TL_ERR_INPUT). tl_train and tl_model_eval
 * call it, so a corrupt file is reported as such rather than as a diverged run. */
tl_status tl_samples_validate(const tl_samples_t *s, tl_error *err);

/* Label range over the chains that count (non-ambiguous unless keep_ambiguous);
 * TL_ERR_INPUT if there are none. */
tl_status tl_samples_label_range(const tl_samples_t *s, int keep_ambiguous, int *cmin,
                                 int *cmax, tl_error *err);

/* ---- model description ------------------------------------------------------------ */

typedef enum { TL_MODEL_TOPO, TL_MODEL_SYM, TL_MODEL_MLP, TL_MODEL_CNN } tl_model_kind;
typedef enum { TL_INPUT_EIGVEC, TL_INPUT_HOPPING, TL_INPUT_QAB } tl_model_input;
typedef enum { TL_ACT_RELU, TL_ACT_TANH, TL_ACT_SQUARE } tl_model_act;
/* Initialisations (SPEC 3).
 *   random  topo: lambda_j ~ N(0, 1), K ~ N(0, 1/L) (Q_AB rows have unit norm, so W is
 *           O(1) at any L); sym: Xavier uniform w1, w2, biases 0; mlp/cnn: He normal
 *           for relu layers, Xavier uniform otherwise and for the output layer, biases 0.
 *   exact   topo: lambda = 2, K[n,m] = -(x_m - x_n)/L' on bulk rows n, 0 elsewhere
 *           (SPEC 1.4); sym (needs act square, sym_hidden >= 2 band + 1): hidden unit k
 *           reads feature d = k - band with weight 1, output weight -d, biases 0, so
 *           the cell network is w_loc(n) = sum_d -d q[n,n+d]^2.
 *   exact+noise:SIGMA  the exact tensors plus SIGMA rms(tensor) N(0, 1) per entry
 *           (lambda, K; sym w1, w2): a relative distance SIGMA from the exact point,
 *           zero entries included.
 * topo/sym heads start at beta = beta0 (stored as log_beta, nn.h).
 * Tensor names: topo lambda (L x 1), K (L x L), log_beta; sym w1 (H x 2D+1), b1, w2
 * (1 x H), b2, log_beta; mlp dense<i>_w (out x in), dense<i>_b, out_w, out_b; cnn
 * conv<i>_w (out x in K), conv<i>_b, out_w, out_b (i from 1). */
typedef enum { TL_INIT_RANDOM, TL_INIT_EXACT, TL_INIT_EXACT_NOISE } tl_model_init;

#define TL_MODEL_MAX_LAYERS 8

typedef struct {
  tl_model_kind kind;
  tl_model_input input;   /* mlp: eigvec|hopping|qab; cnn: eigvec|hopping; topo: eigvec
                             and sym: qab (fixed)                                        */
  int nlayers;            /* mlp: hidden widths; cnn: conv channels                       */
  int width[TL_MODEL_MAX_LAYERS];
  tl_model_act act;       /* relu|tanh|square (square: sym's exact init; accepted for all) */
  int kernel, pool;       /* cnn: kernel (odd or even, 'same' padding), mean-pool window */
  int band, sym_hidden;   /* sym: features |d| <= band, hidden units of the cell network */
  double bulk_fraction;   /* topo exact K, sym average: the bulk window of SPEC 1.4      */
  tl_boundary boundary;   /* topo, sym: x_m - x_n is the minimal image under PBC (exact
                             K; sym features q[n, n+d] wrap, each site once)              */
  tl_model_init init;     /* topo, sym (random for mlp/cnn)                              */
  double init_sigma;      /* exact+noise: relative noise                                */
  double beta0;           /* topo, sym: initial head sharpness beta                     */
  int cmin, cmax;         /* class range of the logits                                 */
} tl_model_hyper_t;

/* Defaults for kind: mlp 64,64 relu on eigvec; cnn channels 16,16 kernel 5 pool 2 relu
 * on eigvec; sym band 4, hidden 16, square, init random; topo init random; bulk
 * fraction 1/2; beta0 = 5; classes 0..1. */
void tl_model_hyper_default(tl_model_hyper_t *hp, tl_model_kind kind);

typedef struct {
  tl_model_hyper_t hp;
  int L, r_min, r_max, R;
  int C;                        /* cmax - cmin + 1 */
  int bulk_start, bulk_cells;   /* tl_bulk_window(L, hp.bulk_fraction) */
  tl_nn_params_t *params;
} tl_model_t;

/* Validates hp against the chain shape and initialises the parameters from rng
 * (random parts only; exact inits draw nothing except their noise). */
tl_status tl_model_new(tl_model_t **out, const tl_model_hyper_t *hp, int L, int r_min,
                       int r_max, tl_rng_t *rng, tl_error *err);
void tl_model_free(tl_model_t *m); /* NULL is a no-op */

/* The sample set fits the model: L and ranges; for topo/sym also the boundary
 * (TL_ERR_INPUT in one line otherwise). tl_train and tl_model_eval call it; callers
 * check a test set with it before training, not after. */
tl_status tl_model_check_data(const tl_model_t *m, const tl_samples_t *s, tl_error *err);

/* The same model for chains of L cells (size generalisation, SPEC 4): only sym, whose
 * per-cell network does not depend on L (parameters, frozen flags and optimiser state
 * copied; the bulk window follows the new L). TL_ERR_INPUT for the other kinds. */
tl_status tl_model_resize(tl_model_t **out, const tl_model_t *m, int L, tl_error *err);

/* topo only: relative distances of the learned tensors from the exact ones of SPEC 1.4,
 * |lambda - 2| / |2| and |K - K_exact| / |K_exact| (Frobenius), the trainability
 * study's measure of how close training came to the invariant. TL_ERR_INPUT for
 * other kinds. */
tl_status tl_model_topo_distance(const tl_model_t *m, double *d_lambda, double *d_K,
                                 tl_error *err);

/* Freezes a tensor: "lambda", "K", "beta" (topo; beta is stored as log_beta, see the
 * head in nn.h) or any tensor name. TL_ERR_INPUT naming it if unknown. */
tl_status tl_model_freeze(tl_model_t *m, const char *name, tl_error *err);

/* ---- names for the CLI (each TL_ERR_INPUT with one line on an unknown name) -------- */

const char *tl_model_kind_name(tl_model_kind k);
const char *tl_model_input_name(tl_model_input i);
const char *tl_model_act_name(tl_model_act a);
const char *tl_model_init_name(tl_model_init i);
tl_status tl_model_kind_from_name(const char *s, tl_model_kind *k, tl_error *err);
tl_status tl_model_input_from_name(const char *s, tl_model_input *i, tl_error *err);
tl_status tl_model_act_from_name(const char *s, tl_model_act *a, tl_error *err);
/* "exact", "random" or "exact+noise:SIGMA" (0 < SIGMA <= TL_INIT_SIGMA_MAX: a relative
 * noise of 1e300 overflowed the float32 parameters, and training then "diverged"). */
#define TL_INIT_SIGMA_MAX 1e6
tl_status tl_model_init_parse(const char *s, tl_model_init *i, double *sigma, tl_error *err);
/* "64,64": 1..TL_MODEL_MAX_LAYERS positive integers. */
tl_status tl_model_widths_parse(const char *s, int *n, int *w, tl_error *err);

/* ---- model files (HDF5) ---------------------------------------------------------------
 * Root attributes: kind = "model", format_version = 1, model, input, act, init,
 * init_sigma, beta0, bulk_fraction, boundary ("obc"|"pbc"), band, sym_hidden, kernel,
 * pool, nlayers, widths ("64,64"), L, r_min, r_max, cmin, cmax, optim_step,
 * topolearn_version and the provenance below (seed, command, data_hash, created,
 * epochs_done). Datasets params/<tensor> (rows x cols float32, attribute frozen)
 * and the optimiser moments optim/m/<tensor>, optim/v/<tensor>. */

typedef struct {
  uint64_t seed;            /* training seed */
  char command[4096];       /* the full command line */
  char data_hash[256];      /* hash of the training data file, as the caller states it */
  char created[64];         /* ISO 8601 UTC; filled with the current time if empty */
  int epochs_done;          /* epochs trained so far (resume at epochs_done + 1) */
} tl_model_provenance_t;

/* Writes m atomically (temporary name, then rename; force = 0 refuses an existing
 * path). prov may be NULL (empty provenance). */
tl_status tl_model_save(const tl_model_t *m, const char *path, int force,
                        const tl_model_provenance_t *prov, tl_error *err);
/* Reads and validates a model file (kind, version, names, shapes), one line naming
 * the field on failure; prov (may be NULL) receives the provenance. The parameters,
 * frozen flags and optimiser state are restored exactly. */
tl_status tl_model_load(tl_model_t **out, const char *path, tl_model_provenance_t *prov,
                        tl_error *err);
/* One line describing m ("mlp eigvec 64,64 relu, L 32, classes 0..1, 6338 parameters")
 * for `topolearn info`. */
void tl_model_summary(const tl_model_t *m, char *buf, size_t cap);

/* ---- running a model ---------------------------------------------------------------- */

/* Elements (of either precision) of the model input for B samples. */
size_t tl_model_input_size(const tl_model_t *m, int B);

/* Activations and scratch for batches of up to B samples, in one precision
 * (elem = sizeof(float) or sizeof(double)); allocated once, reused every step. */
typedef struct {
  int B;
  size_t elem;
  void *buf;
  int *labels;      /* B class indices (label - cmin) for tl_model_loss            */
  double *wtarget;  /* B target W for tl_model_loss_w                               */
  int w_loss;       /* set by the loss: backward starts at W (1) or the logits (0) */
} tl_model_ws_t;

tl_status tl_model_ws_new(tl_model_ws_t **out, const tl_model_t *m, int B, size_t elem,
                          tl_error *err);
void tl_model_ws_free(tl_model_ws_t *ws);

/* Class predicted from a sample's logits: argmax over cmin..cmax (what the loss
 * trains; for topo/sym that is round(W) clamped to the range). With any_integer,
 * topo/sym predict round(W) itself, the head's argmax over every integer, so they can
 * label windings outside the training classes (SPEC 3). Note that on two classes the
 * head's logit difference is linear in W, so training can push W far past the classes
 * without raising the loss: any_integer then reveals that W left the integers. */
int tl_model_predict_class(const tl_model_t *m, const float *logits, float W, int any_integer);

/* ---- forward/backward, declared once per precision (this header includes itself) --- */

#define TL_MODEL_PASS 1
#define tl_real float
#define TL_MODEL_FN(name) name##_f32
#include "topolearn/model.h"
#undef tl_real
#undef TL_MODEL_FN
#define tl_real double
#define TL_MODEL_FN(name) name##_f64
#include "topolearn/model.h"
#undef tl_real
#undef TL_MODEL_FN
#undef TL_MODEL_PASS

#endif /* TOPOLEARN_MODEL_H */
#else  /* TL_MODEL_PASS */

/* Gathers samples idx[0..B) into the model input x (tl_model_input_size(m, B)).
 * flips (B x L, +-1, or NULL): gauge signs of each sample's states (SPEC 3,
 * --augment gauge); Q_AB and hoppings do not depend on them. */
void TL_MODEL_FN(tl_model_featurise)(const tl_model_t *m, const tl_samples_t *s,
                                     const int *idx, int B, const signed char *flips,
                                     tl_real *x);
/* Views of the workspace (valid after a forward on it). */
tl_real *TL_MODEL_FN(tl_model_logits)(const tl_model_t *m, tl_model_ws_t *ws); /* (B,C) */
tl_real *TL_MODEL_FN(tl_model_W)(const tl_model_t *m, tl_model_ws_t *ws);  /* (B) topo/sym */
tl_real *TL_MODEL_FN(tl_model_dlogits)(const tl_model_t *m, tl_model_ws_t *ws);
/* theta: parameter values laid out like m->params->param. */
void TL_MODEL_FN(tl_model_forward)(const tl_model_t *m, const tl_real *theta,
                                   const tl_real *x, int B, tl_model_ws_t *ws);
/* Mean softmax cross-entropy of the logits against ws->labels (class indices, set by
 * the caller); sets dlogits = d loss / d logits (overwriting). */
void TL_MODEL_FN(tl_model_loss)(const tl_model_t *m, tl_model_ws_t *ws, int B,
                                tl_real *loss);
/* Regression on W (topo/sym only; SPEC 3's regression mode): mean over the batch of
 * (W_b - wtarget_b)^2; backward then starts at W and the head (log_beta) gets no
 * gradient. */
void TL_MODEL_FN(tl_model_loss_w)(const tl_model_t *m, tl_model_ws_t *ws, int B,
                                  tl_real *loss);
/* grad (like theta) += d loss / d theta from ws dlogits (or dW after tl_model_loss_w); dx (like x, topo only, else
 * NULL) += d loss / d x. Needs the forward's activations in ws. */
void TL_MODEL_FN(tl_model_backward)(const tl_model_t *m, const tl_real *theta,
                                    tl_real *grad, const tl_real *x, tl_real *dx, int B,
                                    tl_model_ws_t *ws);

#endif /* TL_MODEL_PASS */
