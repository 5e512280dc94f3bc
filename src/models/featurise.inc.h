/* src/models/featurise.inc.h — sample set -> model input, once per precision (included
 * by model_f32.c / model_f64.c with tl_real and TL_MODEL_FN defined).
 *
 * Reads the double sample arrays and writes the model's input layout (layout.c:
 * tl_model_input_size). Gauge flips multiply whole states by -1; Q_AB and the
 * hoppings are gauge invariant, so flips only touch eigvec inputs. */

/* Q_AB[n,m] of sample s: stored, or 2 sum_j a_j[n] b_j[m] from the states (SPEC 1.4). */
static double TL_MODEL_FN(qab_at)(const tl_samples_t *s, int i, int n, int m) {
  const size_t L = (size_t)s->L;
  if (s->qab) return s->qab[(size_t)i * L * L + (size_t)n * L + (size_t)m];
  const double *psi = s->psi + (size_t)i * L * 2 * L;
  double q = 0;
  for (size_t j = 0; j < L; j++) q += psi[j * 2 * L + 2 * (size_t)n] * psi[j * 2 * L + 2 * (size_t)m + 1];
  return 2 * q;
}

void TL_MODEL_FN(tl_model_featurise)(const tl_model_t *m, const tl_samples_t *s,
                                     const int *idx, int B, const signed char *flips,
                                     tl_real *x) {
  const int L = m->L;
  const size_t LL = (size_t)L * L;
  for (int bi = 0; bi < B; bi++) {
    const int i = idx[bi];
    const double *psi = s->psi + (size_t)i * 2 * LL;
    const signed char *fl = flips ? flips + (size_t)bi * L : NULL;
    switch (m->hp.kind) {
      case TL_MODEL_TOPO: { /* a (B,S,L) then b (B,S,L): A and B amplitudes per state */
        tl_real *a = x + (size_t)bi * LL, *b = x + (size_t)B * LL + (size_t)bi * LL;
        for (int j = 0; j < L; j++) {
          const double sg = fl ? fl[j] : 1;
          for (int n = 0; n < L; n++) {
            a[(size_t)j * L + n] = (tl_real)(sg * psi[(size_t)j * 2 * L + 2 * n]);
            b[(size_t)j * L + n] = (tl_real)(sg * psi[(size_t)j * 2 * L + 2 * n + 1]);
          }
        }
        break;
      }
      case TL_MODEL_SYM: { /* (B, bulk cells, 2D+1): q[n, n+d], zero outside the chain;
                              PBC: wrapped, and only where d is the minimal image, so a
                              band D >= L/2 sees every site exactly once */
        const int D = m->hp.band, F = 2 * D + 1, pbc = m->hp.boundary == TL_PBC;
        tl_real *f = x + (size_t)bi * m->bulk_cells * F;
        for (int c = 0; c < m->bulk_cells; c++) {
          const int n = m->bulk_start + c;
          for (int d = -D; d <= D; d++) {
            int mm = n + d, in = mm >= 0 && mm < L;
            if (pbc) {
              mm = ((mm % L) + L) % L;
              in = tl_model_distance(m, n, mm) == d;
            }
            f[(size_t)c * F + d + D] = in ? (tl_real)TL_MODEL_FN(qab_at)(s, i, n, mm) : 0;
          }
        }
        break;
      }
      case TL_MODEL_MLP: {
        const size_t P = (size_t)tl_model_mlp_inputs(m);
        tl_real *f = x + (size_t)bi * P;
        if (m->hp.input == TL_INPUT_HOPPING) {
          for (size_t k = 0; k < P; k++) f[k] = (tl_real)s->t[(size_t)i * P + k];
        } else if (m->hp.input == TL_INPUT_QAB) {
          for (int n = 0; n < L; n++)
            for (int mm = 0; mm < L; mm++)
              f[(size_t)n * L + mm] = (tl_real)TL_MODEL_FN(qab_at)(s, i, n, mm);
        } else { /* flattened (L states x 2L sites) */
          for (int j = 0; j < L; j++) {
            const double sg = fl ? fl[j] : 1;
            for (int k = 0; k < 2 * L; k++)
              f[(size_t)j * 2 * L + k] = (tl_real)(sg * psi[(size_t)j * 2 * L + k]);
          }
        }
        break;
      }
      case TL_MODEL_CNN: { /* (B, channels, L): per cell, channel 2j + a or range k */
        const int R = m->R, Cin = tl_model_cnn_channels(m);
        tl_real *f = x + (size_t)bi * Cin * L;
        if (m->hp.input == TL_INPUT_HOPPING) {
          for (int k = 0; k < R; k++)
            for (int n = 0; n < L; n++)
              f[(size_t)k * L + n] = (tl_real)s->t[(size_t)i * L * R + (size_t)n * R + k];
        } else {
          for (int j = 0; j < L; j++) {
            const double sg = fl ? fl[j] : 1;
            for (int a = 0; a < 2; a++)
              for (int n = 0; n < L; n++)
                f[(size_t)(2 * j + a) * L + n] =
                    (tl_real)(sg * psi[(size_t)j * 2 * L + 2 * n + a]);
          }
        }
        break;
      }
    }
  }
}
