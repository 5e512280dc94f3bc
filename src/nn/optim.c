/* Optimisers on the one parameter buffer, and learning-rate schedules.
 * Frozen tensors are skipped whole: their parameters and moments do not move. */
#include <math.h>
#include <omp.h>

#include "topolearn/nn.h"

void tl_nn_optim_default(tl_nn_optim_t *o, tl_nn_optim_kind kind) {
  o->kind = kind;
  o->momentum = 0.9;
  o->beta1 = 0.9;
  o->beta2 = 0.999;
  o->eps = 1e-8;
  o->weight_decay = 0.0;
}

tl_status tl_nn_optim_validate(const tl_nn_optim_t *o, tl_error *err) {
  if (o->kind != TL_NN_SGD && o->kind != TL_NN_ADAM)
    return tl_error_set(err, TL_ERR_INPUT, "optimiser kind %d is unknown", (int)o->kind);
  if (!(o->momentum >= 0 && o->momentum < 1))
    return tl_error_set(err, TL_ERR_INPUT, "momentum = %g is out of range (expected [0, 1))", o->momentum);
  if (!(o->beta1 >= 0 && o->beta1 < 1) || !(o->beta2 >= 0 && o->beta2 < 1))
    return tl_error_set(err, TL_ERR_INPUT, "Adam betas %g, %g out of range (expected [0, 1))",
                        o->beta1, o->beta2);
  if (!(o->eps > 0))
    return tl_error_set(err, TL_ERR_INPUT, "Adam eps %g is out of range (expected > 0)", o->eps);
  if (!(o->weight_decay >= 0))
    return tl_error_set(err, TL_ERR_INPUT, "weight_decay = %g is out of range (expected >= 0)",
                        o->weight_decay);
  return TL_OK;
}

/* Adam's elementwise update. It costs as much as the matrix products of a wide, shallow
 * network (the eigvec mlp: 137k parameters, one step per 64 samples), so it must use
 * the vector units; but sqrtf's errno keeps GCC from vectorising it without
 * -fno-math-errno, hence the explicit AVX-512/AVX paths, chosen at run time. IEEE
 * sqrt and division are correctly rounded and the multiplies and adds are kept apart
 * in the same order (no FMA; ISO C mode does not contract the scalar tail either), so
 * every path gives bit-identical parameters. */
typedef struct {
  float b1, c1, b2, c2, a, sc2, eps, decay; /* c1 = 1 - b1, c2 = 1 - b2 */
} adam_k;

static void adam_scalar(float *x, const float *g, float *m, float *v, size_t i, size_t n,
                        const adam_k *k) {
  for (; i < n; i++) {
    m[i] = k->b1 * m[i] + k->c1 * g[i];
    v[i] = k->b2 * v[i] + k->c2 * g[i] * g[i];
    x[i] = k->decay * x[i] - k->a * m[i] / (sqrtf(v[i]) * k->sc2 + k->eps);
  }
}

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define ADAM_SIMD(NAME, TARGET, W, T, PS)                                                  \
  __attribute__((target(TARGET))) static void NAME(float *x, const float *g, float *m,   \
                                                   float *v, size_t n, const adam_k *k) { \
    const T b1 = PS##_set1_ps(k->b1), c1 = PS##_set1_ps(k->c1), b2 = PS##_set1_ps(k->b2); \
    const T c2 = PS##_set1_ps(k->c2), a = PS##_set1_ps(k->a), sc2 = PS##_set1_ps(k->sc2); \
    const T eps = PS##_set1_ps(k->eps), dec = PS##_set1_ps(k->decay);                     \
    size_t i = 0;                                                                          \
    for (; i + W <= n; i += W) {                                                           \
      const T gi = PS##_loadu_ps(g + i);                                                   \
      const T mi = PS##_add_ps(PS##_mul_ps(b1, PS##_loadu_ps(m + i)), PS##_mul_ps(c1, gi)); \
      const T vi = PS##_add_ps(PS##_mul_ps(b2, PS##_loadu_ps(v + i)),                     \
                               PS##_mul_ps(PS##_mul_ps(c2, gi), gi));                      \
      const T den = PS##_add_ps(PS##_mul_ps(PS##_sqrt_ps(vi), sc2), eps);                  \
      const T xi = PS##_sub_ps(PS##_mul_ps(dec, PS##_loadu_ps(x + i)),                    \
                               PS##_div_ps(PS##_mul_ps(a, mi), den));                      \
      PS##_storeu_ps(m + i, mi);                                                           \
      PS##_storeu_ps(v + i, vi);                                                           \
      PS##_storeu_ps(x + i, xi);                                                           \
    }                                                                                      \
    adam_scalar(x, g, m, v, i, n, k);                                                      \
  }
ADAM_SIMD(adam_avx512, "avx512f", 16, __m512, _mm512)
ADAM_SIMD(adam_avx, "avx", 8, __m256, _mm256)
#endif

static void adam_update(float *x, const float *g, float *m, float *v, size_t n,
                        const adam_k *k) {
#if defined(__GNUC__) && defined(__x86_64__)
  if (__builtin_cpu_supports("avx512f")) adam_avx512(x, g, m, v, n, k);
  else if (__builtin_cpu_supports("avx")) adam_avx(x, g, m, v, n, k);
  else
#endif
    adam_scalar(x, g, m, v, 0, n, k);
}

/* Large tensors in chunks over the OpenMP threads: the update is elementwise and the
 * chunks are multiples of the vector width, so any split gives the same values. */
static void adam_update_par(float *x, const float *g, float *m, float *v, size_t n,
                            const adam_k *k) {
  const size_t chunk = 16384;
  if (n < 2 * chunk || omp_get_max_threads() < 2 || omp_in_parallel()) {
    adam_update(x, g, m, v, n, k);
    return;
  }
  const long nc = (long)((n + chunk - 1) / chunk);
#pragma omp parallel for schedule(static)
  for (long c = 0; c < nc; c++) {
    const size_t i0 = (size_t)c * chunk, len = n - i0 < chunk ? n - i0 : chunk;
    adam_update(x + i0, g + i0, m + i0, v + i0, len, k);
  }
}

void tl_nn_optim_step(const tl_nn_optim_t *o, tl_nn_params_t *p, double lr) {
  p->step++;
  /* Adam's bias corrections 1/(1 - beta^t), folded into the step size and eps once. */
  const double c1 = 1.0 - pow(o->beta1, (double)p->step);
  const double c2 = 1.0 - pow(o->beta2, (double)p->step);
  const float decay = (float)(1.0 - lr * o->weight_decay);
  for (int k = 0; k < p->ntensors; k++) {
    const tl_nn_tensor_t *t = &p->tensor[k];
    if (t->frozen) continue;
    float *x = p->param + t->offset, *g = p->grad + t->offset;
    float *m = p->m + t->offset, *v = p->v + t->offset;
    if (o->kind == TL_NN_SGD) {
      const float mu = (float)o->momentum, a = (float)lr;
      for (size_t i = 0; i < t->size; i++) {
        m[i] = mu * m[i] + g[i];
        x[i] = decay * x[i] - a * m[i];
      }
    } else {
      const float b1 = (float)o->beta1, b2 = (float)o->beta2;
      const adam_k ak = {b1, 1 - b1, b2, 1 - b2, (float)(lr / c1), (float)(1.0 / sqrt(c2)),
                         (float)o->eps, decay};
      adam_update_par(x, g, m, v, t->size, &ak);
    }
  }
}

tl_status tl_nn_lr_validate(const tl_nn_lr_t *s, tl_error *err) {
  if (!(s->lr > 0)) return tl_error_set(err, TL_ERR_INPUT, "learning_rate = %g is out of range (expected > 0)", s->lr);
  switch (s->kind) {
    case TL_NN_LR_CONSTANT: return TL_OK;
    case TL_NN_LR_STEP:
      if (s->step_epochs < 1 || !(s->gamma > 0 && s->gamma <= 1))
        return tl_error_set(err, TL_ERR_INPUT,
                            "step schedule: every %d epochs, gamma %g (expected >= 1, (0, 1])",
                            s->step_epochs, s->gamma);
      return TL_OK;
    case TL_NN_LR_COSINE:
      if (s->total_epochs < 1 || !(s->lr_min >= 0 && s->lr_min <= s->lr))
        return tl_error_set(err, TL_ERR_INPUT,
                            "cosine schedule: %d epochs, lr_min %g (expected >= 1, [0, lr])",
                            s->total_epochs, s->lr_min);
      return TL_OK;
  }
  return tl_error_set(err, TL_ERR_INPUT, "learning-rate schedule %d is unknown", (int)s->kind);
}

double tl_nn_lr_at(const tl_nn_lr_t *s, int epoch) {
  switch (s->kind) {
    case TL_NN_LR_STEP: return s->lr * pow(s->gamma, (double)(epoch / s->step_epochs));
    case TL_NN_LR_COSINE: {
      /* SGDR (Loshchilov & Hutter 2017) without restarts; flat at lr_min afterwards. */
      double f = epoch >= s->total_epochs ? 1.0 : (double)epoch / s->total_epochs;
      return s->lr_min + 0.5 * (s->lr - s->lr_min) * (1.0 + cos(M_PI * f));
    }
    default: return s->lr;
  }
}
