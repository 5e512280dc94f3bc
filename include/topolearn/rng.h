/* topolearn/rng.h — counter-based random streams (Philox4x32-10).
 *
 * A stream is keyed by (seed, stream index): the numbers of chain i depend on the seed
 * and i only, never on which thread or process draws them, so data sets are identical
 * whatever the parallel layout. The state is always an argument, never a global. */
#ifndef TOPOLEARN_RNG_H
#define TOPOLEARN_RNG_H

#include <stdint.h>

typedef struct {
  uint32_t key[2];
  uint32_t ctr[4];    /* ctr[0..1]: position in the stream, ctr[2..3]: stream index */
  uint32_t out[4];
  int used;           /* how many of out[] have been handed out */
} tl_rng_t;

/* A fresh stream for (seed, stream); two different pairs give independent streams. */
void tl_rng_init(tl_rng_t *rng, uint64_t seed, uint64_t stream);

uint32_t tl_rng_u32(tl_rng_t *rng);
uint64_t tl_rng_u64(tl_rng_t *rng);
/* Uniform on [0, 1) with 53 random bits. */
double tl_rng_uniform(tl_rng_t *rng);
/* Standard normal (Box-Muller on two uniforms; no cached second value, so the stream
 * position after a call is the same whatever was drawn before). */
double tl_rng_normal(tl_rng_t *rng);
/* Uniform integer in [0, n) without modulo bias; n > 0. */
uint64_t tl_rng_below(tl_rng_t *rng, uint64_t n);

#endif
