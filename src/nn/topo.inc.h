/* src/nn/topo.inc.h — the topo contraction of SPEC 1.4 and the nearest-integer head of
 * SPEC 3, written once for both precisions (see ops.inc.h for the macros).
 *
 * Per sample, with G = dL/dQ = 2 dW K .* Q (elementwise):
 *   dK       += dW Q .* Q
 *   dlambda_j += sum_m (a G)[j,m] b[j,m]
 *   db[j,m]  += lambda_j (a G)[j,m]
 *   da[j,n]  += lambda_j (b G^T)[j,n]
 * so backward costs two L x L x S gemms per sample, like forward's one. */

/* The per-sample products run on one thread: OpenBLAS threads an L x L x S product from
 * about L = 64 on, and its threaded sgemm rounds differently from its 1-thread sgemm,
 * which made topo's results at L = 100 depend on the thread count (core/blas_serial.h). */
static void TL_NN_FN(topo_forward_1t)(tl_real *W, tl_real *Q, const tl_real *a,
                                      const tl_real *bp, const tl_real *lambda,
                                      const tl_real *K, int B, int S, int L, tl_real *work) {
  const size_t SL = (size_t)S * L, LL = (size_t)L * L;
  tl_real *as = work; /* (S,L): diag(lambda) a_b, so Q_b is one gemm */
  for (int b = 0; b < B; b++) {
    const tl_real *ab = a + b * SL, *bb = bp + b * SL;
    tl_real *Qb = Q + b * LL;
    for (int j = 0; j < S; j++)
      for (int n = 0; n < L; n++) as[(size_t)j * L + n] = lambda[j] * ab[(size_t)j * L + n];
    /* Q_b (L,L) = as^T (L,S) b_b (S,L) */
    TL_GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, L, L, S, 1, as, L, bb, L, 0, Qb, L);
    /* W is a signed sum of O(L^2) terms: accumulate in double, in 8 interleaved partial
     * sums (one sequential chain of L^2 dependent adds took longer than the gemm) */
    double w8[8] = {0, 0, 0, 0, 0, 0, 0, 0}, w = 0;
    size_t i = 0;
    for (; i + 8 <= LL; i += 8)
      for (int r = 0; r < 8; r++) w8[r] += (double)K[i + r] * Qb[i + r] * Qb[i + r];
    for (; i < LL; i++) w += (double)K[i] * Qb[i] * Qb[i];
    for (int r = 0; r < 8; r++) w += w8[r];
    W[b] = (tl_real)w;
  }
}

void TL_NN_FN(tl_nn_topo_forward)(tl_real *W, tl_real *Q, const tl_real *a,
                                  const tl_real *bp, const tl_real *lambda,
                                  const tl_real *K, int B, int S, int L, tl_real *work) {
  const int saved = tl_blas_serial_begin();
  TL_NN_FN(topo_forward_1t)(W, Q, a, bp, lambda, K, B, S, L, work);
  tl_blas_serial_end(saved);
}

static void TL_NN_FN(topo_backward_1t)(tl_real *dlambda, tl_real *dK, tl_real *da,
                                       tl_real *dbp, const tl_real *dW, const tl_real *Q,
                                       const tl_real *a, const tl_real *bp,
                                       const tl_real *lambda, const tl_real *K, int B, int S,
                                       int L, tl_real *work) {
  const size_t SL = (size_t)S * L, LL = (size_t)L * L;
  tl_real *G = work, *M = work + LL, *N = M + SL, *dl = N + SL;
  /* Batch sums (dK, dlambda) are formed locally and added once, so two backward passes
   * give exactly twice the gradient. */
  if (dK) { /* sample by sample into G (contiguous, vectorises), same order per entry */
    for (size_t i = 0; i < LL; i++) G[i] = 0;
    for (int b = 0; b < B; b++) {
      const tl_real *Qb = Q + b * LL, g = dW[b];
      for (size_t i = 0; i < LL; i++) G[i] += g * Qb[i] * Qb[i];
    }
    for (size_t i = 0; i < LL; i++) dK[i] += G[i];
  }
  if (!dlambda && !da && !dbp) return;
  for (int j = 0; j < S; j++) dl[j] = 0;
  for (int b = 0; b < B; b++) {
    const tl_real *ab = a + b * SL, *bb = bp + b * SL, *Qb = Q + b * LL, g = dW[b];
    for (size_t i = 0; i < LL; i++) G[i] = 2 * g * K[i] * Qb[i];
    if (dlambda || dbp) { /* M (S,L) = a_b (S,L) G (L,L) */
      TL_GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, S, L, L, 1, ab, L, G, L, 0, M, L);
      if (dlambda) { /* 8 states at a time: 8 independent chains, each in order of m */
        int j = 0;
        for (; j + 8 <= S; j += 8)
          for (int m = 0; m < L; m++)
            for (int r = 0; r < 8; r++)
              dl[j + r] += M[(size_t)(j + r) * L + m] * bb[(size_t)(j + r) * L + m];
        for (; j < S; j++)
          for (int m = 0; m < L; m++) dl[j] += M[(size_t)j * L + m] * bb[(size_t)j * L + m];
      }
      if (dbp)
        for (int j = 0; j < S; j++)
          for (int m = 0; m < L; m++)
            dbp[b * SL + (size_t)j * L + m] += lambda[j] * M[(size_t)j * L + m];
    }
    if (da) { /* N (S,L) = b_b (S,L) G^T (L,L) */
      TL_GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, S, L, L, 1, bb, L, G, L, 0, N, L);
      for (int j = 0; j < S; j++)
        for (int n = 0; n < L; n++)
          da[b * SL + (size_t)j * L + n] += lambda[j] * N[(size_t)j * L + n];
    }
  }
  if (dlambda)
    for (int j = 0; j < S; j++) dlambda[j] += dl[j];
}

void TL_NN_FN(tl_nn_topo_backward)(tl_real *dlambda, tl_real *dK, tl_real *da,
                                   tl_real *dbp, const tl_real *dW, const tl_real *Q,
                                   const tl_real *a, const tl_real *bp,
                                   const tl_real *lambda, const tl_real *K, int B, int S,
                                   int L, tl_real *work) {
  const int saved = tl_blas_serial_begin();
  TL_NN_FN(topo_backward_1t)(dlambda, dK, da, dbp, dW, Q, a, bp, lambda, K, B, S, L, work);
  tl_blas_serial_end(saved);
}

/* ---- nearest-integer head ---------------------------------------------------------- */

void TL_NN_FN(tl_nn_head_forward)(tl_real *z, const tl_real *W, const tl_real *rho, int B,
                                  int cmin, int cmax) {
  const int C = cmax - cmin + 1;
  const tl_real beta = exp(rho[0]);
  for (int b = 0; b < B; b++)
    for (int c = 0; c < C; c++) {
      tl_real d = W[b] - (tl_real)(cmin + c);
      z[(size_t)b * C + c] = -beta * d * d;
    }
}

void TL_NN_FN(tl_nn_head_backward)(tl_real *dW, tl_real *drho, const tl_real *dz,
                                   const tl_real *W, const tl_real *rho, int B, int cmin,
                                   int cmax) {
  const int C = cmax - cmin + 1;
  const tl_real beta = exp(rho[0]);
  tl_real sr = 0;
  for (int b = 0; b < B; b++) {
    tl_real sw = 0;
    for (int c = 0; c < C; c++) {
      tl_real d = W[b] - (tl_real)(cmin + c), g = dz[(size_t)b * C + c];
      sw += g * d;
      sr += g * d * d;
    }
    if (dW) dW[b] += -2 * beta * sw;
  }
  if (drho) drho[0] += -beta * sr; /* d beta / d rho = beta */
}
