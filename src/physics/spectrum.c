/* Energies and positive-energy eigenvectors of H from the solver's decomposition
 * (SPEC 1.3: E = +/- s_j, psi_j = (u_j, +/- v_j)/sqrt 2 interleaved), in the sign gauge
 * of SPEC 2. */
#include <math.h>

#include "topolearn/invariant.h"

#define GAUGE_TIE 1e-9

void tl_gauge_fix(double *v, int n) {
  double big = 0.0;
  for (int i = 0; i < n; i++) big = fmax(big, fabs(v[i]));
  /* Clean open chains are mirror-symmetric, so exact ties are common; the lowest index
   * within GAUGE_TIE of the maximum decides, not round-off. */
  for (int i = 0; i < n; i++) {
    if (fabs(v[i]) >= big - GAUGE_TIE) {
      if (v[i] < 0)
        for (int k = 0; k < n; k++) v[k] = -v[k];
      return;
    }
  }
}

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
    for (int n = 0; n < L; n++) {
      row[2 * n] = r2 * u[n];
      row[2 * n + 1] = r2 * s->vt[idx + (size_t)n * L];
    }
    tl_gauge_fix(row, N);
  }
}
