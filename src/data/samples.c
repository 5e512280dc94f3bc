/* In-memory sample sets: the chains a model trains on, filled from the solver here or
 * from a data-set file by the reader. */
#include <math.h>
#include <string.h>

#include "topolearn/samples.h"

tl_status tl_samples_new(tl_samples_t **out, int N, int L, int r_min, int r_max,
                         tl_boundary bc, int with_qab, tl_error *err) {
  *out = NULL;
  if (N < 1 || L < 2 || r_min > r_max || r_max - r_min + 1 > 2 * TL_RANGE_MAX + 1)
    return tl_error_set(err, TL_ERR_INPUT, "sample set: N = %d, L = %d, ranges %d..%d "
                        "(expected N >= 1, L >= 2, r_min <= r_max)", N, L, r_min, r_max);
  tl_samples_t *s = tl_calloc(1, sizeof *s);
  if (!s) return tl_error_set(err, TL_ERR_NOMEM, "out of memory for a sample set");
  const size_t n = (size_t)N, l = (size_t)L, R = (size_t)(r_max - r_min + 1);
  s->N = N, s->L = L, s->r_min = r_min, s->r_max = r_max, s->R = (int)R;
  s->boundary = bc;
  s->t = tl_calloc(n * l * R, sizeof(double));
  s->psi = tl_calloc(n * l * 2 * l, sizeof(double));
  s->energies = tl_calloc(n * 2 * l, sizeof(double));
  s->W = tl_calloc(n, sizeof(double));
  s->label = tl_calloc(n, sizeof(int));
  s->ambiguous = tl_calloc(n, 1);
  if (with_qab) s->qab = tl_calloc(n * l * l, sizeof(double));
  if (!s->t || !s->psi || !s->energies || !s->W || !s->label || !s->ambiguous ||
      (with_qab && !s->qab)) {
    tl_samples_free(s);
    return tl_error_set(err, TL_ERR_NOMEM, "out of memory for %d chains of L = %d", N, L);
  }
  *out = s;
  return TL_OK;
}

tl_status tl_samples_copy(tl_samples_t **out, const tl_samples_t *s, tl_error *err) {
  tl_status st = tl_samples_new(out, s->N, s->L, s->r_min, s->r_max, s->boundary, s->qab != NULL, err);
  if (st) return st;
  tl_samples_t *c = *out;
  const size_t N = (size_t)s->N, L = (size_t)s->L, R = (size_t)s->R;
  memcpy(c->t, s->t, N * L * R * sizeof *c->t);
  memcpy(c->psi, s->psi, N * 2 * L * L * sizeof *c->psi);
  if (s->qab) memcpy(c->qab, s->qab, N * L * L * sizeof *c->qab);
  memcpy(c->energies, s->energies, N * 2 * L * sizeof *c->energies);
  memcpy(c->W, s->W, N * sizeof *c->W);
  memcpy(c->label, s->label, N * sizeof *c->label);
  memcpy(c->ambiguous, s->ambiguous, N * sizeof *c->ambiguous);
  return TL_OK;
}

void tl_samples_free(tl_samples_t *s) {
  if (!s) return;
  tl_free(s->t), tl_free(s->psi), tl_free(s->qab), tl_free(s->energies);
  tl_free(s->W), tl_free(s->label), tl_free(s->ambiguous);
  tl_free(s);
}

tl_status tl_samples_fill(tl_samples_t *s, int i, tl_solver_t *solver,
                          const tl_chain_t *chain, const tl_rswn_opts_t *opts,
                          tl_error *err) {
  if (i < 0 || i >= s->N)
    return tl_error_set(err, TL_ERR_INPUT, "sample %d out of range (set holds %d)", i, s->N);
  if (chain->L != s->L || chain->r_min != s->r_min || chain->r_max != s->r_max ||
      chain->boundary != s->boundary)
    return tl_error_set(err, TL_ERR_INPUT, "sample %d: chain L = %d, ranges %d..%d, %s (set "
                        "has L = %d, ranges %d..%d, %s)", i, chain->L, chain->r_min, chain->r_max,
                        chain->boundary == TL_PBC ? "PBC" : "OBC", s->L, s->r_min, s->r_max,
                        s->boundary == TL_PBC ? "PBC" : "OBC");
  tl_status st = tl_solver_run(solver, chain, TL_PATH_AUTO, err);
  if (st) return st;
  const size_t L = (size_t)s->L;
  memcpy(s->t + (size_t)i * L * s->R, chain->t, L * s->R * sizeof(double));
  tl_solver_eigvecs(solver, s->psi + (size_t)i * L * 2 * L);
  tl_solver_energies(solver, s->energies + (size_t)i * 2 * L);
  if (s->qab) memcpy(s->qab + (size_t)i * L * L, solver->qab, L * L * sizeof(double));
  tl_rswn_t r;
  tl_rswn_from_qab(solver->qab, s->L, chain->boundary, opts, &r, NULL);
  s->W[i] = r.W;
  s->label[i] = r.label;
  s->ambiguous[i] = (uint8_t)r.ambiguous;
  return TL_OK;
}

double tl_samples_qab(const tl_samples_t *s, int i, int n, int m) {
  const size_t L = (size_t)s->L;
  if (s->qab) return s->qab[(size_t)i * L * L + (size_t)n * L + (size_t)m];
  const double *psi = s->psi + (size_t)i * L * 2 * L;
  double q = 0;
  for (size_t j = 0; j < L; j++) q += psi[j * 2 * L + 2 * (size_t)n] * psi[j * 2 * L + 2 * (size_t)m + 1];
  return 2 * q;
}

static long first_bad(const double *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(v[i])) return (long)i;
  return -1;
}

tl_status tl_samples_validate(const tl_samples_t *s, tl_error *err) {
  const size_t L = (size_t)s->L;
  const struct { const char *name; const double *v; size_t per; } f[] = {
      {"hoppings", s->t, L * s->R}, {"eigvecs", s->psi, 2 * L * L},
      {"qab", s->qab, L * L}, {"energies", s->energies, 2 * L}, {"W", s->W, 1}};
  for (size_t k = 0; k < sizeof f / sizeof *f; k++) {
    if (!f[k].v) continue; /* qab is optional */
    long bad = first_bad(f[k].v, (size_t)s->N * f[k].per);
    if (bad >= 0)
      return tl_error_set(err, TL_ERR_INPUT, "chain %ld: %s entry %ld is not finite",
                          bad / (long)f[k].per, f[k].name, bad % (long)f[k].per);
  }
  for (int i = 0; i < s->N; i++) {
    if (s->ambiguous[i] > 1)
      return tl_error_set(err, TL_ERR_INPUT, "chain %d: ambiguous flag %d (expected 0 or 1)", i,
                          s->ambiguous[i]);
    if (fabs(s->W[i]) > 1e6 || s->label[i] != (int)lround(s->W[i]))
      return tl_error_set(err, TL_ERR_INPUT, "chain %d: label %d is not round(W) = round(%g)", i,
                          s->label[i], s->W[i]);
  }
  return TL_OK;
}

tl_status tl_samples_label_range(const tl_samples_t *s, int keep_ambiguous, int *cmin,
                                 int *cmax, tl_error *err) {
  int found = 0;
  for (int i = 0; i < s->N; i++) {
    if (s->ambiguous[i] && !keep_ambiguous) continue;
    if (!found || s->label[i] < *cmin) *cmin = s->label[i];
    if (!found || s->label[i] > *cmax) *cmax = s->label[i];
    found = 1;
  }
  if (!found)
    return tl_error_set(err, TL_ERR_INPUT, "sample set: all %d chains are ambiguous (use "
                        "--keep-ambiguous to train on them)", s->N);
  return TL_OK;
}
