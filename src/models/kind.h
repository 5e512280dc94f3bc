/* src/models/kind.h — private: the table of operations a model kind fills, and what the
 * kinds share.
 *
 * A kind is one file in src/models/kinds/ (kann's "op = shape + forward + backward in
 * one place", one level up): its hyper-parameter defaults and checks, its named tensors
 * and their initialisation, its input, its activations, and its forward and backward
 * passes in both precisions. src/models/registry.c lists the kinds, once. The generic
 * code (model.c, layout.c, pass.c, model_h5.c, prune.c, train.c, eval.c) calls these
 * entries and reads the traits (model.h); it never asks which kind it holds.
 *
 * Precision: a kind's file is compiled twice (CMakeLists.txt), with tl_real = float and
 * with tl_real = double (src/models/real.h). The passes are built both times; the
 * table and everything that does not depend on the precision only in the float build.
 * The passes reach the generic code through one typed table per precision. */
#ifndef TL_MODELS_KIND_H
#define TL_MODELS_KIND_H

#include "topolearn/model.h"

/* ---- named blocks: a kind's tensors and activations ---------------------------------
 * A kind lists its tensors (and, separately, its activations) once, in one function
 * that appends each block under its name and keeps the offset it gets in a named field
 * of the kind's own struct (llm.c's ParameterTensors): the list builds the parameter
 * buffer and the workspace, the fields give the passes their named views. */

#define TL_MODEL_MAX_BLOCKS 48

typedef struct {
  const char *name; /* with layer > 0 a format holding one %d, e.g. "dense%d_w"     */
  int layer;        /* 1.. for a block of a numbered layer, 0 otherwise              */
  int rows, cols;   /* tensors: the shape; activations: 0                            */
  size_t offset, size; /* elements, from the start of the buffer                   */
} tl_model_block_t;

typedef struct {
  int n;
  size_t total; /* elements in all blocks */
  tl_model_block_t block[TL_MODEL_MAX_BLOCKS];
} tl_model_blocks_t;

/* An empty list whose first block will start at offset start. */
void tl_model_blocks_init(tl_model_blocks_t *b, size_t start);
/* Appends tensor name (rows x cols) or activation name (size elements); returns its
 * offset. */
size_t tl_model_add_tensor(tl_model_blocks_t *b, const char *name, int layer, int rows, int cols);
size_t tl_model_add_act(tl_model_blocks_t *b, const char *name, int layer, size_t size);
/* The block that starts at offset (a tensor: never empty), NULL if none. */
const tl_model_block_t *tl_model_block_at(const tl_model_blocks_t *b, size_t offset);
/* The block's name with its layer number filled in ("dense1_w"). */
void tl_model_block_name(const tl_model_block_t *blk, char *buf, size_t cap);

/* ---- the passes, one typed table per precision --------------------------------------
 * featurise: samples -> x (input_size per sample, in input_planes blocks).
 * forward:   x -> ws logits (B,C); a W-head kind writes W (B) instead, and the generic
 *            head (pass.c) forms the logits from it.
 * backward:  from ws dlogits (a W-head kind: from dW) into grad, and dx if the kind has
 *            TL_MODEL_INPUT_GRAD and dx is not NULL. Accumulates, like the nn ops. */

typedef struct {
  void (*featurise)(const tl_model_t *m, const tl_samples_t *s, const int *idx, int B,
                    const signed char *flips, float *x);
  void (*forward)(const tl_model_t *m, const float *theta, const float *x, int B,
                  tl_model_ws_t *ws);
  void (*backward)(const tl_model_t *m, const float *theta, float *grad, const float *x,
                   float *dx, int B, tl_model_ws_t *ws);
} tl_model_pass_f32_t;

typedef struct {
  void (*featurise)(const tl_model_t *m, const tl_samples_t *s, const int *idx, int B,
                    const signed char *flips, double *x);
  void (*forward)(const tl_model_t *m, const double *theta, const double *x, int B,
                  tl_model_ws_t *ws);
  void (*backward)(const tl_model_t *m, const double *theta, double *grad, const double *x,
                   double *dx, int B, tl_model_ws_t *ws);
} tl_model_pass_f64_t;

/* ---- pruning: the first dense layer and the axes of its input ----------------------- */

typedef struct {
  const char *tensor; /* the weight (out x in)                                        */
  int ax0, ax1;       /* the input is ax0 x ax1 (x sub-entries): the heat map's shape  */
  int states;         /* 1 when ax0 indexes states ascending in energy                 */
  int stride0, stride1; /* input i lies at a0 = (i / stride0) % ax0, a1 = (i / stride1) % ax1 */
} tl_model_dense_view_t;

/* ---- the table ------------------------------------------------------------------------ */

struct tl_model_kind_s {
  const char *name;
  const char *help;   /* one line for help texts */
  unsigned traits;    /* TL_MODEL_W_HEAD | ... (model.h) */
  unsigned hyper;     /* the TL_HYPER_* it reads, each checked by validate (model.h) */
  unsigned inputs;    /* accepted inputs, bit 1u << tl_model_input; one bit: fixed input */
  double cost_us;     /* tl_model_kind_cost_us: at L = 32, scaling as L^cost_power */
  int cost_power;

  /* hyper-parameters */
  void (*defaults)(tl_model_hyper_t *hp); /* over the common defaults; may be NULL   */
  /* The kind's own checks, after the common ones (model.c: shape, classes, act,
   * boundary, init, the input among `inputs`). One line naming the field. */
  tl_status (*validate)(const tl_model_hyper_t *hp, int L, tl_error *err);
  void (*fit_length)(tl_model_hyper_t *hp, int L); /* tl_model_hyper_fit_length; NULL */
  void (*implied)(tl_model_hyper_t *hp);           /* tl_model_hyper_implied; NULL    */
  /* The middle of tl_model_summary: "band 4, hidden 16 square, " (may write nothing). */
  int (*describe)(const tl_model_t *m, char *buf, size_t cap);

  /* parameters: the named tensors in buffer order (a W-head kind's head tensor
   * log_beta follows them, added by model.c), and their initialisation (float build,
   * the model's parameter buffer; log_beta is set already) */
  void (*tensors)(const tl_model_t *m, tl_model_blocks_t *t);
  void (*init)(tl_model_t *m, tl_rng_t *rng);

  /* input and activations */
  size_t (*input_size)(const tl_model_t *m); /* elements per sample                 */
  int input_planes; /* the input of B samples is input_planes blocks of B * per
                       elements, sample b's part of each at b * per (train.c gathers
                       batches from a featurised copy of the set that way)           */
  /* The kind's activations for batches of B, appended after the generic ones
   * (layout.c: logits, probs, dlogits, W, dW). A block named "pre" holds the input of
   * the activation hp.act (the gradient tests keep those clear of relu's kink). */
  void (*acts)(const tl_model_t *m, int B, tl_model_blocks_t *a);
  const tl_model_pass_f32_t *f32;
  const tl_model_pass_f64_t *f64;

  /* with a trait, or NULL */
  void (*dense_view)(const tl_model_t *m, tl_model_dense_view_t *v); /* PRUNABLE */
  void (*exact_distance)(const tl_model_t *m, double *d_lambda, double *d_K); /* optional */
  void (*exact_cosines)(const tl_model_t *m, double *cos_lambda, double *cos_K); /* EXACT_INIT */
};

/* ---- shared by the kinds and the generic code (model.c, layout.c) ------------------- */

/* x_k - x_n: plain under OBC, the minimal image under PBC (hp.boundary). */
int tl_model_distance(const tl_model_t *m, int n, int k);
/* Adds sigma * rms(t) * N(0,1) to each entry of t (exact+noise: a relative distance
 * sigma from the exact tensor). */
void tl_model_add_noise(float *t, size_t n, double sigma, tl_rng_t *rng);
/* Weights of a dense or conv layer: He normal (fan_in) before a relu, Xavier uniform
 * (fan_in, fan_out) otherwise. */
void tl_model_init_weights(float *w, size_t n, int fan_in, int fan_out, int relu,
                           tl_rng_t *rng);
/* hp->nlayers in min_layers..TL_MODEL_MAX_LAYERS and each width in 1..65536. */
tl_status tl_model_check_widths(const tl_model_hyper_t *hp, int min_layers, tl_error *err);
/* hp's widths as "64,64" (empty without layers), as model files store them. */
void tl_model_widths_string(const tl_model_hyper_t *hp, char *buf, size_t cap);

/* The model's workspace layout for batches of B: the generic blocks, then the kind's. */
void tl_model_layout(const tl_model_t *m, int B, tl_model_blocks_t *a);
/* Starts the workspace list a with the generic blocks, whose offsets o receives; a
 * kind's acts follow. */
typedef struct {
  size_t logits, probs, dlogits, W, dW;
} tl_model_outs_t;
void tl_model_outs(const tl_model_t *m, int B, tl_model_blocks_t *a, tl_model_outs_t *o);
/* Offset of the head's log_beta in the parameter buffer (W-head kinds). */
size_t tl_model_head_offset(const tl_model_t *m);

#endif
