/* Energies and positive-energy eigenvectors of H from the solver's decomposition
 * (SPEC 1.3: E = +/- s_j, psi_j = (u_j, +/- v_j)/sqrt 2 interleaved), in the sign gauge
 * of SPEC 2. */
#include <math.h>

#include "topolearn/invariant.h"

#define GAUGE_TIE 1e-9

/* Largest magnitude by comparison, not fmax: fmax is a libm call per amplitude here
 * (2L^2 calls per chain, 6% of generating at L = 32), and for the values it can meet
 * it returns the same (a NaN is skipped by both). Four running maxima, so that the
 * comparisons do not wait on each other; the maximum is exact in any order. */
static inline double max4(const double b[4]) {
  double m = b[0];
  for (int k = 1; k < 4; k++)
    if (b[k] > m) m = b[k];
  return m;
}

static inline double max_abs(const double *v, int n) {
  double b[4] = {0.0, 0.0, 0.0, 0.0};
  int i = 0;
  for (; i + 4 <= n; i += 4)
    for (int k = 0; k < 4; k++) {
      const double a = fabs(v[i + k]);
      if (a > b[k]) b[k] = a;
    }
  for (; i < n; i++) {
    const double a = fabs(v[i]);
    if (a > b[0]) b[0] = a;
  }
  return max4(b);
}

/* Clean open chains are mirror-symmetric, so exact ties are common; the lowest index
 * within GAUGE_TIE of the maximum decides, not round-off. */
static inline void gauge_flip(double *v, int n, double big) {
  for (int i = 0; i < n; i++) {
    if (fabs(v[i]) >= big - GAUGE_TIE) {
      if (v[i] < 0)
        for (int k = 0; k < n; k++) v[k] = -v[k];
      return;
    }
  }
}

void tl_gauge_fix(double *v, int n) { gauge_flip(v, n, max_abs(v, n)); }

void tl_solver_energies(const tl_solver_t *s, double *energies) {
  const int L = s->L;
  if (s->path == TL_PATH_FULL_H) {
    for (int i = 0; i < 2 * L; i++) energies[i] = s->e_full[i];
    return;
  }
  for (int i = 0; i < L; i++) {
    energies[i] = -s->s[i];             /* s descending: -s ascending */
    energies[2 * L - 1 - i] = s->s[i];
  }
}

void tl_solver_eigvecs(const tl_solver_t *s, double *psi) {
  const int L = s->L, N = 2 * L;
  if (s->path == TL_PATH_FULL_H) {
    for (int j = 0; j < L; j++) {
      const double *z = s->z_full + (size_t)(L + j) * N;
      double *row = psi + (size_t)j * N;
      for (int i = 0; i < N; i++) row[i] = z[i];
      tl_gauge_fix(row, N);
    }
    return;
  }
  const double r2 = 1.0 / sqrt(2.0);
  for (int j = 0; j < L; j++) {
    const int idx = L - 1 - j; /* ascending energy: smallest singular value first */
    const double *u = s->u + (size_t)idx * L;
    double *row = psi + (size_t)j * N;
    const double *v = s->vt + idx; /* row idx of V^T: stride L */
    double b[4] = {0.0, 0.0, 0.0, 0.0}; /* max_abs fused into the fill (4.5 -> 0.9 us per
                                           chain with the above at L = 32, 32 -> 9 at 100) */
    int n = 0;
    for (; n + 2 <= L; n += 2) {
      const double x[4] = {r2 * u[n], r2 * v[(size_t)n * L], r2 * u[n + 1], r2 * v[(size_t)(n + 1) * L]};
      for (int k = 0; k < 4; k++) {
        row[2 * n + k] = x[k];
        if (fabs(x[k]) > b[k]) b[k] = fabs(x[k]);
      }
    }
    if (n < L) { /* odd L */
      row[2 * n] = r2 * u[n];
      row[2 * n + 1] = r2 * v[(size_t)n * L];
      if (fabs(row[2 * n]) > b[0]) b[0] = fabs(row[2 * n]);
      if (fabs(row[2 * n + 1]) > b[1]) b[1] = fabs(row[2 * n + 1]);
    }
    gauge_flip(row, N, max4(b));
  }
}
