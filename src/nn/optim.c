/* Optimisers on the one parameter buffer, and learning-rate schedules.
 * Frozen tensors are skipped whole: their parameters and moments do not move. */
#include <math.h>

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
    return tl_error_set(err, TL_ERR_INPUT, "momentum %g is out of range (expected [0, 1))", o->momentum);
  if (!(o->beta1 >= 0 && o->beta1 < 1) || !(o->beta2 >= 0 && o->beta2 < 1))
    return tl_error_set(err, TL_ERR_INPUT, "Adam betas %g, %g out of range (expected [0, 1))",
                        o->beta1, o->beta2);
  if (!(o->eps > 0))
    return tl_error_set(err, TL_ERR_INPUT, "Adam eps %g is out of range (expected > 0)", o->eps);
  if (!(o->weight_decay >= 0))
    return tl_error_set(err, TL_ERR_INPUT, "weight decay %g is out of range (expected >= 0)",
                        o->weight_decay);
  return TL_OK;
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
      const float a = (float)(lr / c1), sc2 = (float)(1.0 / sqrt(c2)), eps = (float)o->eps;
      for (size_t i = 0; i < t->size; i++) {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        x[i] = decay * x[i] - a * m[i] / (sqrtf(v[i]) * sc2 + eps);
      }
    }
  }
}

tl_status tl_nn_lr_validate(const tl_nn_lr_t *s, tl_error *err) {
  if (!(s->lr > 0)) return tl_error_set(err, TL_ERR_INPUT, "learning rate %g (expected > 0)", s->lr);
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
