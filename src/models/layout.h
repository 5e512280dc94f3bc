/* src/models/layout.h — private: where each activation lives in a model workspace.
 * Offsets are in elements, so one layout serves the float and the double workspace. */
#ifndef TL_MODELS_LAYOUT_H
#define TL_MODELS_LAYOUT_H

#include "topolearn/model.h"

typedef struct {
  size_t logits, probs, dlogits; /* (B, C) each                                      */
  size_t W, dW;                  /* (B): topo, sym                                   */
  size_t Q, work;                /* topo: Q (B,L,L), tl_nn_topo_work_size            */
  size_t h_pre, h_act, wloc, dwloc, dh_act, dh_pre; /* sym, rows = B * bulk cells    */
  size_t pre[TL_MODEL_MAX_LAYERS], post[TL_MODEL_MAX_LAYERS]; /* mlp, cnn            */
  size_t pooled[TL_MODEL_MAX_LAYERS];                         /* cnn                 */
  /* cnn: each layer's conv1d workspace, kept from forward to backward so that backward
   * reuses the channel-major copy of the layer's input (tl_nn_conv1d_backward, kept) */
  size_t cwork[TL_MODEL_MAX_LAYERS];
  size_t g1, g2;                 /* mlp, cnn: gradient scratch of the widest layer    */
  size_t total;
  int len[TL_MODEL_MAX_LAYERS + 1]; /* cnn: cells entering layer i; len[n] after all */
} tl_model_layout_t;

void tl_model_layout(const tl_model_t *m, int B, tl_model_layout_t *lay);

/* x_k - x_n: plain under OBC, the minimal image under PBC (hp.boundary). */
int tl_model_distance(const tl_model_t *m, int n, int k);

/* Features per cell of sym (2 band + 1) and per-sample input sizes. */
int tl_model_sym_features(const tl_model_t *m);
/* cnn input channels: 2L (eigvec: states x sublattice) or R (hopping). */
int tl_model_cnn_channels(const tl_model_t *m);
/* mlp input width per sample. */
int tl_model_mlp_inputs(const tl_model_t *m);

/* The model input of B samples is *planes blocks of B * (*per) elements, sample b's
 * part of each block at offset b * per (topo: the a block, then the b block; the other
 * kinds: one block). Lets a batch be gathered from a featurised copy of a whole set. */
void tl_model_input_planes(const tl_model_t *m, int *planes, size_t *per);

#endif
