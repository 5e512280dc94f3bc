/* topolearn/model.h — in-memory sample sets and the model kinds of SPEC 3 (topo, sym,
 * mlp, cnn) behind one interface.
 *
 * A model maps one chain's features to logits over the integer classes cmin..cmax.
 * Its parameters live in one tl_nn_params_t (float32, named tensors). Forward and
 * backward exist in float (_f32, training) and double (_f64, gradient checks), built
 * from one source per kind (src/models/kinds/, compiled once per precision), like the
 * nn ops; both take the parameter values and gradients as flat arrays laid out like
 * params->param, so a double copy of the buffer runs through the same code.
 * Minibatches go through the ops' gemms.
 *
 * Call sequence for one step (what tl_train does):
 *   tl_model_featurise_f32(m, samples, idx, B, flips, x)    x: tl_model_input_size(m, B)
 *   tl_model_forward_f32(m, theta, x, B, ws)                -> ws logits (B, C), W (B)
 *   tl_model_loss_f32(m, ws, B, &loss)                      xent on ws->labels;
 *                                                           sets ws dlogits
 *     (or tl_model_loss_w_f32: (W - target)^2 on ws->wtarget, W-head regression)
 *   tl_model_backward_f32(m, theta, grad, x, dx, B, ws)     grad (and dx) accumulate
 *
 * The loss is the seam between a model and its training: a loss reads one output of
 * the forward pass (the logits, or W of a W-head kind), writes d loss / d output into
 * the workspace and records which output in ws->dout; backward starts there. A new
 * loss is one more function of that shape. */
#ifndef TOPOLEARN_MODEL_H
#define TOPOLEARN_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "topolearn/chain.h"
#include "topolearn/invariant.h"
#include "topolearn/nn.h"
#include "topolearn/samples.h"

/* ---- model kinds --------------------------------------------------------------------
 * A kind (topo, sym, mlp, cnn) is one file in src/models/kinds/ that fills a table of
 * operations, listed once in src/models/registry.c (which says what a new kind needs).
 * Callers hold a kind as a handle, find it by name and ask its traits; nothing outside
 * the kind's file tests which kind it is. A model file stores the kind by name. */

typedef struct tl_model_kind_s tl_model_kind_t;

/* Traits: what the generic code (training, evaluation, pruning, the studies, the CLI)
 * asks of a kind, as a bit set. */
enum {
  /* Predicts a real winding W, and its logits are the nearest-integer head on W (nn.h,
   * tensor log_beta, started at beta0): it trains on W by regression, labels any
   * integer (tl_model_predict_class), has a W error, and its classes are widened by one
   * on each side (tl_model_hyper_classes). */
  TL_MODEL_W_HEAD = 1u << 0,
  /* Has a first dense layer to prune by SVD (tl_model_prune). */
  TL_MODEL_PRUNABLE = 1u << 1,
  /* Its parameters do not depend on L, so it runs at any chain length (tl_model_resize). */
  TL_MODEL_SIZE_INDEPENDENT = 1u << 2,
  /* Has the exact initialisations (init exact, exact+noise:SIGMA), and so a measure of
   * closeness to those tensors (tl_model_exact_cosines). */
  TL_MODEL_EXACT_INIT = 1u << 3,
  /* Measures distances along the chain (hp.boundary): data must share the boundary. */
  TL_MODEL_USES_BOUNDARY = 1u << 4,
  /* Backward also gives d loss / d input (dx of tl_model_backward). */
  TL_MODEL_INPUT_GRAD = 1u << 5,
};

/* Hyper-parameters a kind reads besides those every kind has (classes, boundary, bulk
 * fraction, activation check), as a bit set: `train --help` lists a flag's default for
 * each kind that reads it, and the registry's tests give each one a bad value. The input
 * is read by the kinds with a choice of one (tl_model_kind_fixed_input), the init and
 * beta0 by the kinds with the traits EXACT_INIT and W_HEAD. */
enum {
  TL_HYPER_WIDTHS = 1u << 0,     /* nlayers and width[]: hidden layers, conv channels */
  TL_HYPER_ACT = 1u << 1,        /* act                                               */
  TL_HYPER_KERNEL = 1u << 2,     /* kernel                                            */
  TL_HYPER_POOL = 1u << 3,       /* pool                                              */
  TL_HYPER_BAND = 1u << 4,       /* band                                              */
  TL_HYPER_SYM_HIDDEN = 1u << 5, /* sym_hidden                                        */
};

/* The kinds in registry order (i = 0 .. tl_model_kind_count() - 1). */
int tl_model_kind_count(void);
const tl_model_kind_t *tl_model_kind_at(int i);
/* The kind called name, NULL if none. */
const tl_model_kind_t *tl_model_kind_find(const char *name);
const char *tl_model_kind_name(const tl_model_kind_t *k);
/* One line describing the kind, for help texts. */
const char *tl_model_kind_help(const tl_model_kind_t *k);
/* 1 if the kind has every trait of the set traits. */
int tl_model_kind_has(const tl_model_kind_t *k, unsigned traits);
/* 1 if the kind reads every hyper-parameter of the set hyper (TL_HYPER_*). */
int tl_model_kind_reads(const tl_model_kind_t *k, unsigned hyper);
/* Names of the kinds that have every trait of traits (0: every kind), in registry
 * order, separated by sep: "topo|sym|mlp|cnn", "mlp or cnn". */
void tl_model_kind_list(char *buf, size_t cap, const char *sep, unsigned traits);
/* Rough cost of one sample-epoch (training plus a test pass) at chain length L, in
 * microseconds on the reference two-core machine: only for time estimates. */
double tl_model_kind_cost_us(const tl_model_kind_t *k, int L);

typedef enum { TL_INPUT_EIGVEC, TL_INPUT_HOPPING, TL_INPUT_QAB } tl_model_input;
typedef enum { TL_ACT_RELU, TL_ACT_TANH, TL_ACT_SQUARE } tl_model_act;
/* Initialisations (SPEC 3): random for every kind; exact (the invariant's tensors,
 * SPEC 1.4) and exact+noise:SIGMA (those plus SIGMA rms(tensor) N(0, 1) per entry: a
 * relative distance SIGMA from the exact point, zero entries included) for the kinds
 * with TL_MODEL_EXACT_INIT. Each kind's file says what its tensors and inits are. */
typedef enum { TL_INIT_RANDOM, TL_INIT_EXACT, TL_INIT_EXACT_NOISE } tl_model_init;

/* 1 if the kind reads input in. */
int tl_model_kind_accepts(const tl_model_kind_t *k, tl_model_input in);
/* 1 if the kind reads one input only (topo: eigvec, sym: qab), so none is chosen. */
int tl_model_kind_fixed_input(const tl_model_kind_t *k);
/* Names of the inputs the kind reads, separated by sep ("eigvec|hopping"). */
void tl_model_kind_inputs(const tl_model_kind_t *k, char *buf, size_t cap, const char *sep);

/* ---- model description ------------------------------------------------------------ */

#define TL_MODEL_MAX_LAYERS 8

/* Hyper-parameters. Every field is stored in a model file, whichever kind reads it. */
typedef struct {
  const tl_model_kind_t *kind;
  tl_model_input input;   /* mlp: eigvec|hopping|qab; cnn: eigvec|hopping; topo: eigvec
                             and sym: qab (fixed)                                        */
  int nlayers;            /* mlp: hidden widths; cnn: conv channels                       */
  int width[TL_MODEL_MAX_LAYERS];
  tl_model_act act;       /* relu|tanh|square (square: sym's exact init; accepted for all) */
  int kernel, pool;       /* cnn: kernel (odd or even, 'same' padding), mean-pool window */
  int band, sym_hidden;   /* sym: features |d| <= band, hidden units of the cell network */
  double bulk_fraction;   /* topo exact K, sym average: the bulk window of SPEC 1.4      */
  tl_boundary boundary;   /* TL_MODEL_USES_BOUNDARY: x_m - x_n is the minimal image under
                             PBC (topo's exact K; sym's features q[n, n+d] wrap)          */
  tl_model_init init;     /* random, or exact / exact+noise with TL_MODEL_EXACT_INIT     */
  double init_sigma;      /* exact+noise: relative noise                                */
  double beta0;           /* TL_MODEL_W_HEAD: initial head sharpness beta                */
  int cmin, cmax;         /* class range of the logits                                 */
} tl_model_hyper_t;

/* Defaults for kind: widths 64,64, relu, eigvec input, kernel 5, pool 2, band 4,
 * sym_hidden 16, bulk fraction 1/2, init random, beta0 = 5, classes 0..1, and then the
 * kind's own (sym: qab, square; cnn: channels 16,16). */
void tl_model_hyper_default(tl_model_hyper_t *hp, const tl_model_kind_t *kind);
/* Classes cmin..cmax = the label range of s (tl_samples_label_range); a W-head kind
 * also gets the neighbouring integers: on the training classes alone the head's logit
 * difference is linear in W, so the loss would reward pushing W away from the
 * integers; with cmin - 1 and cmax + 1 in the softmax a W past its integer costs loss,
 * which keeps W calibrated (SPEC 1.4). */
tl_status tl_model_hyper_classes(tl_model_hyper_t *hp, const tl_samples_t *s,
                                 int keep_ambiguous, tl_error *err);
/* The settings that make the kind's exact initialisation exactly representable on
 * chains of L cells (the studies' model specs; sym: band L - 1, hidden 2 band + 1,
 * square). No change for the other kinds. */
void tl_model_hyper_fit_length(tl_model_hyper_t *hp, int L);
/* What the chosen init implies for the flags of `train` (sym: init exact takes the
 * square activation whatever --act said). No change for the other kinds. */
void tl_model_hyper_implied(tl_model_hyper_t *hp);

typedef struct {
  tl_model_hyper_t hp;
  int L, r_min, r_max, R;
  int C;                        /* cmax - cmin + 1 */
  int bulk_start, bulk_cells;   /* tl_bulk_window(L, hp.bulk_fraction) */
  tl_nn_params_t *params;
} tl_model_t;

/* 1 if m's kind has every trait of the set traits. */
int tl_model_has(const tl_model_t *m, unsigned traits);

/* Validates hp against the chain shape and initialises the parameters from rng
 * (random parts only; exact inits draw nothing except their noise). */
tl_status tl_model_new(tl_model_t **out, const tl_model_hyper_t *hp, int L, int r_min,
                       int r_max, tl_rng_t *rng, tl_error *err);
void tl_model_free(tl_model_t *m); /* NULL is a no-op */

/* The sample set fits the model: L and ranges (the ranges only for hopping input: one
 * column per range); with TL_MODEL_USES_BOUNDARY also the boundary (TL_ERR_INPUT in one
 * line otherwise). tl_train and tl_model_eval call it; callers check a test set with it
 * before training, not after. */
tl_status tl_model_check_data(const tl_model_t *m, const tl_samples_t *s, tl_error *err);

/* The same model for chains of L cells (size generalisation, SPEC 4): only kinds with
 * TL_MODEL_SIZE_INDEPENDENT (sym, whose per-cell network does not depend on L;
 * parameters, frozen flags and optimiser state copied; the bulk window follows the new
 * L). TL_ERR_INPUT for the other kinds. */
tl_status tl_model_resize(tl_model_t **out, const tl_model_t *m, int L, tl_error *err);

/* Relative distances of the learned tensors from the exact ones (topo: |lambda - 2| /
 * |2| and |K - K_exact| / |K_exact|, Frobenius), the trainability study's measure of
 * how close training came to the invariant. TL_ERR_INPUT for kinds without one. */
tl_status tl_model_topo_distance(const tl_model_t *m, double *d_lambda, double *d_K,
                                 tl_error *err);
/* Gauge- and scale-invariant closeness to the exact tensors, the studies' learning
 * curves: topo — cosines of lambda with the all-2 vector and of K with K_exact; sym
 * (square activation) — cosine of its per-cell quadratic form with the exact marker's,
 * in cos_K. NaN where the kind has no such measure. */
void tl_model_exact_cosines(const tl_model_t *m, double *cos_lambda, double *cos_K);

/* Freezes a tensor: "lambda", "K", "beta" (topo; beta is stored as log_beta, see the
 * head in nn.h) or any tensor name. TL_ERR_INPUT naming it if unknown. */
tl_status tl_model_freeze(tl_model_t *m, const char *name, tl_error *err);

/* ---- names for the CLI (each TL_ERR_INPUT with one line on an unknown name) -------- */

const char *tl_model_input_name(tl_model_input i);
const char *tl_model_act_name(tl_model_act a);
const char *tl_model_init_name(tl_model_init i);
tl_status tl_model_kind_from_name(const char *s, const tl_model_kind_t **k, tl_error *err);
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

/* The outputs of a forward pass a loss can read (and leave its gradient on). */
typedef enum { TL_MODEL_OUT_LOGITS, TL_MODEL_OUT_W } tl_model_output;

/* Activations and scratch for batches of up to B samples, in one precision
 * (elem = sizeof(float) or sizeof(double)); allocated once, reused every step. */
typedef struct {
  int B;
  size_t elem;
  void *buf;
  int *labels;          /* B class indices (label - cmin) for tl_model_loss          */
  double *wtarget;      /* B target W for tl_model_loss_w                             */
  tl_model_output dout; /* set by the loss: the output whose gradient it left, where
                           backward starts                                           */
} tl_model_ws_t;

tl_status tl_model_ws_new(tl_model_ws_t **out, const tl_model_t *m, int B, size_t elem,
                          tl_error *err);
void tl_model_ws_free(tl_model_ws_t *ws);

/* Class predicted from a sample's logits: argmax over cmin..cmax (what the loss
 * trains; for a W-head kind that is round(W) clamped to the range). With any_integer,
 * W-head kinds predict round(W) itself, the head's argmax over every integer, so they
 * can label windings outside the training classes (SPEC 3). Note that on two classes
 * the head's logit difference is linear in W, so training can push W far past the
 * classes without raising the loss: any_integer then reveals that W left the integers. */
int tl_model_predict_class(const tl_model_t *m, const float *logits, float W, int any_integer);

/* ---- forward, loss and backward, in float (_f32) and double (_f64) -------------------
 * Both precisions run the same source (src/models/pass.c and each kind's file, built
 * twice); each contract holds for both. */

/* Gathers samples idx[0..B) into the model input x (tl_model_input_size(m, B)).
 * flips (B x L, +-1, or NULL): gauge signs of each sample's states (SPEC 3,
 * --augment gauge); Q_AB and hoppings do not depend on them. */
void tl_model_featurise_f32(const tl_model_t *m, const tl_samples_t *s, const int *idx,
                            int B, const signed char *flips, float *x);
void tl_model_featurise_f64(const tl_model_t *m, const tl_samples_t *s, const int *idx,
                            int B, const signed char *flips, double *x);
/* Views of the workspace (valid after a forward on it): logits and dlogits (B,C), W (B;
 * W-head kinds). */
float *tl_model_logits_f32(const tl_model_t *m, tl_model_ws_t *ws);
double *tl_model_logits_f64(const tl_model_t *m, tl_model_ws_t *ws);
float *tl_model_W_f32(const tl_model_t *m, tl_model_ws_t *ws);
double *tl_model_W_f64(const tl_model_t *m, tl_model_ws_t *ws);
float *tl_model_dlogits_f32(const tl_model_t *m, tl_model_ws_t *ws);
double *tl_model_dlogits_f64(const tl_model_t *m, tl_model_ws_t *ws);
/* theta: parameter values laid out like m->params->param. */
void tl_model_forward_f32(const tl_model_t *m, const float *theta, const float *x, int B,
                          tl_model_ws_t *ws);
void tl_model_forward_f64(const tl_model_t *m, const double *theta, const double *x, int B,
                          tl_model_ws_t *ws);
/* Mean softmax cross-entropy of the logits against ws->labels (class indices, set by
 * the caller); sets dlogits = d loss / d logits (overwriting), ws->dout = logits. */
void tl_model_loss_f32(const tl_model_t *m, tl_model_ws_t *ws, int B, float *loss);
void tl_model_loss_f64(const tl_model_t *m, tl_model_ws_t *ws, int B, double *loss);
/* Regression on W (W-head kinds only; SPEC 3's regression mode): mean over the batch
 * of (W_b - wtarget_b)^2; sets dW, ws->dout = W, so backward starts at W and the head
 * (log_beta) gets no gradient. */
void tl_model_loss_w_f32(const tl_model_t *m, tl_model_ws_t *ws, int B, float *loss);
void tl_model_loss_w_f64(const tl_model_t *m, tl_model_ws_t *ws, int B, double *loss);
/* grad (like theta) += d loss / d theta from the gradient the loss left (ws->dout);
 * dx (like x; kinds with TL_MODEL_INPUT_GRAD, else pass NULL) += d loss / d x. Needs the
 * forward's activations in ws. */
void tl_model_backward_f32(const tl_model_t *m, const float *theta, float *grad,
                           const float *x, float *dx, int B, tl_model_ws_t *ws);
void tl_model_backward_f64(const tl_model_t *m, const double *theta, double *grad,
                           const double *x, double *dx, int B, tl_model_ws_t *ws);

#endif /* TOPOLEARN_MODEL_H */
