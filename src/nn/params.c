/* The parameter buffer (llm.c): param, grad and the two optimiser moments are four
 * equal slices of ONE allocation, and each tensor is an (offset, size) view into all
 * four, so zeroing, the optimiser, save/load and pruning are each one loop. */
#include <string.h>

#include "topolearn/nn.h"

tl_status tl_nn_params_new(tl_nn_params_t **out, const tl_nn_tensor_spec_t *specs, int n,
                           tl_error *err) {
  *out = NULL;
  if (n <= 0) return tl_error_set(err, TL_ERR_INPUT, "parameter tensors: %d (expected >= 1)", n);
  size_t count = 0;
  for (int i = 0; i < n; i++) {
    const char *name = specs[i].name;
    if (!name || !name[0] || strlen(name) >= TL_NN_NAME_MAX)
      return tl_error_set(err, TL_ERR_INPUT,
                          "parameter tensor %d: name empty or longer than %d characters", i,
                          TL_NN_NAME_MAX - 1);
    if (specs[i].rows <= 0 || specs[i].cols <= 0)
      return tl_error_set(err, TL_ERR_INPUT, "parameter tensor '%s': shape %d x %d (expected positive)",
                          name, specs[i].rows, specs[i].cols);
    for (int k = 0; k < i; k++)
      if (!strcmp(specs[k].name, name))
        return tl_error_set(err, TL_ERR_INPUT, "parameter tensor '%s' appears twice", name);
    count += (size_t)specs[i].rows * (size_t)specs[i].cols;
  }
  tl_nn_params_t *p = tl_calloc(1, sizeof *p);
  if (!p) return tl_error_set(err, TL_ERR_NOMEM, "out of memory for the parameter buffer");
  p->tensor = tl_calloc((size_t)n, sizeof *p->tensor);
  p->param = tl_calloc(4 * count, sizeof(float));
  if (!p->tensor || !p->param) {
    tl_nn_params_free(p);
    return tl_error_set(err, TL_ERR_NOMEM, "out of memory for %zu parameters", count);
  }
  p->grad = p->param + count;
  p->m = p->grad + count;
  p->v = p->m + count;
  p->count = count;
  p->ntensors = n;
  size_t off = 0;
  for (int i = 0; i < n; i++) {
    tl_nn_tensor_t *t = &p->tensor[i];
    strcpy(t->name, specs[i].name); /* length checked above */
    t->rows = specs[i].rows;
    t->cols = specs[i].cols;
    t->offset = off;
    t->size = (size_t)t->rows * (size_t)t->cols;
    off += t->size;
  }
  *out = p;
  return TL_OK;
}

void tl_nn_params_free(tl_nn_params_t *p) {
  if (!p) return;
  tl_free(p->param);
  tl_free(p->tensor);
  tl_free(p);
}

int tl_nn_params_find(const tl_nn_params_t *p, const char *name) {
  for (int i = 0; i < p->ntensors; i++)
    if (!strcmp(p->tensor[i].name, name)) return i;
  return -1;
}

float *tl_nn_params_data(tl_nn_params_t *p, int i) { return p->param + p->tensor[i].offset; }
float *tl_nn_params_grad(tl_nn_params_t *p, int i) { return p->grad + p->tensor[i].offset; }

tl_status tl_nn_params_set_frozen(tl_nn_params_t *p, const char *name, int frozen,
                                  tl_error *err) {
  int i = tl_nn_params_find(p, name);
  if (i < 0) return tl_error_set(err, TL_ERR_INPUT, "no parameter tensor called '%s'", name);
  p->tensor[i].frozen = frozen != 0;
  return TL_OK;
}

void tl_nn_params_zero_grad(tl_nn_params_t *p) {
  memset(p->grad, 0, p->count * sizeof *p->grad);
}

void tl_nn_params_reset_optim(tl_nn_params_t *p) {
  memset(p->m, 0, 2 * p->count * sizeof *p->m); /* m and v are adjacent */
  p->step = 0;
}
