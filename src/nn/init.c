/* Weight initialisers. The random stream is an argument, so a model's initial weights
 * depend on its seed only (SPEC 3: deterministic given the seed). */
#include <math.h>

#include "topolearn/nn.h"

void tl_nn_init_normal(float *w, size_t n, double mean, double scale, tl_rng_t *rng) {
  for (size_t i = 0; i < n; i++) w[i] = (float)(mean + scale * tl_rng_normal(rng));
}

/* He et al. 2015: variance 2/fan_in keeps the activation variance of relu layers
 * constant with depth. */
void tl_nn_init_he(float *w, size_t n, int fan_in, tl_rng_t *rng) {
  tl_nn_init_normal(w, n, 0.0, sqrt(2.0 / fan_in), rng);
}

/* Glorot & Bengio 2010: variance 2/(fan_in + fan_out), i.e. U(-a, a) with
 * a = sqrt(6/(fan_in + fan_out)); for tanh / linear layers. */
void tl_nn_init_xavier(float *w, size_t n, int fan_in, int fan_out, tl_rng_t *rng) {
  const double a = sqrt(6.0 / (fan_in + fan_out));
  for (size_t i = 0; i < n; i++) w[i] = (float)(a * (2.0 * tl_rng_uniform(rng) - 1.0));
}
