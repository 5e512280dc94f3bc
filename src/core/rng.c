/* Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11).
 * Counter = (position lo, position hi, stream lo, stream hi); key = seed. */
#include "topolearn/rng.h"

#include <math.h>

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

static void philox_round(uint32_t c[4], const uint32_t k[2]) {
  uint64_t p0 = (uint64_t)PHILOX_M0 * c[0];
  uint64_t p1 = (uint64_t)PHILOX_M1 * c[2];
  uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
  uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
  c[0] = hi1 ^ c[1] ^ k[0];
  c[1] = lo1;
  c[2] = hi0 ^ c[3] ^ k[1];
  c[3] = lo0;
}

static void philox_block(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]) {
  uint32_t c[4] = {ctr[0], ctr[1], ctr[2], ctr[3]};
  uint32_t k[2] = {key[0], key[1]};
  for (int r = 0; r < 10; r++) {
    philox_round(c, k);
    k[0] += PHILOX_W0;
    k[1] += PHILOX_W1;
  }
  for (int i = 0; i < 4; i++) out[i] = c[i];
}

void tl_rng_init(tl_rng_t *rng, uint64_t seed, uint64_t stream) {
  rng->key[0] = (uint32_t)seed;
  rng->key[1] = (uint32_t)(seed >> 32);
  rng->ctr[0] = rng->ctr[1] = 0;
  rng->ctr[2] = (uint32_t)stream;
  rng->ctr[3] = (uint32_t)(stream >> 32);
  rng->used = 4;
}

uint32_t tl_rng_u32(tl_rng_t *rng) {
  if (rng->used == 4) {
    philox_block(rng->ctr, rng->key, rng->out);
    if (++rng->ctr[0] == 0) ++rng->ctr[1];
    rng->used = 0;
  }
  return rng->out[rng->used++];
}

uint64_t tl_rng_u64(tl_rng_t *rng) {
  uint64_t hi = tl_rng_u32(rng);
  return (hi << 32) | tl_rng_u32(rng);
}

double tl_rng_uniform(tl_rng_t *rng) { return (double)(tl_rng_u64(rng) >> 11) * 0x1.0p-53; }

double tl_rng_normal(tl_rng_t *rng) {
  double u1 = 1.0 - tl_rng_uniform(rng); /* (0, 1]: log is finite */
  double u2 = tl_rng_uniform(rng);
  return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

uint64_t tl_rng_below(tl_rng_t *rng, uint64_t n) {
  uint64_t limit = UINT64_MAX - UINT64_MAX % n; /* reject the biased tail */
  uint64_t x;
  do x = tl_rng_u64(rng);
  while (x >= limit);
  return x % n;
}
