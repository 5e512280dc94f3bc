/* src/nn/ops.inc.h — dense, conv1d, activations, pooling and losses, written once for
 * both precisions. Included by ops_f32.c / ops_f64.c after defining
 *   tl_real       float or double
 *   TL_NN_FN(x)   x##_f32 or x##_f64
 *   TL_GEMM       cblas_sgemm or cblas_dgemm
 * Contracts (shapes, accumulation) are in topolearn/nn.h beside each declaration. */

/* ---- dense ------------------------------------------------------------------------ */

void TL_NN_FN(tl_nn_dense_forward)(tl_real *out, const tl_real *inp, const tl_real *w,
                                   const tl_real *bias, int B, int in, int nout) {
  /* out (B,nout) = bias + inp (B,in) w^T (in,nout); the bias is preloaded so the gemm
   * adds onto it (beta = 1) instead of a second pass over out. */
  tl_real beta = 0;
  if (bias) {
    for (int b = 0; b < B; b++)
      for (int o = 0; o < nout; o++) out[(size_t)b * nout + o] = bias[o];
    beta = 1;
  }
  TL_GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, B, nout, in, 1, inp, in, w, in, beta,
          out, nout);
}

void TL_NN_FN(tl_nn_dense_backward)(tl_real *dinp, tl_real *dw, tl_real *dbias,
                                    const tl_real *dout, const tl_real *inp,
                                    const tl_real *w, int B, int in, int nout) {
  if (dinp) /* (B,in) += dout (B,nout) w (nout,in) */
    TL_GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, in, nout, 1, dout, nout, w, in,
            1, dinp, in);
  if (dw) /* (nout,in) += dout^T (nout,B) inp (B,in): the batch sum is the gemm's k */
    TL_GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, nout, in, B, 1, dout, nout, inp, in,
            1, dw, in);
  if (dbias) /* summed locally, then added once: two backward passes give exactly 2x */
    for (int o = 0; o < nout; o++) {
      tl_real s = 0;
      for (int b = 0; b < B; b++) s += dout[(size_t)b * nout + o];
      dbias[o] += s;
    }
}

/* ---- conv1d (im2col) ------------------------------------------------------------- */
/* col has rows (c,k) and columns (b,t): col[(c K + k), (b Lout + t)] = inp[b,c,t+k-pad],
 * so the whole batch is one (cout x cin K) x (cin K x B Lout) product. */

static void TL_NN_FN(im2col)(tl_real *col, const tl_real *inp, int B, int cin, int L,
                             int K, int pad, int Lout) {
  const size_t N = (size_t)B * Lout;
  for (int c = 0; c < cin; c++)
    for (int k = 0; k < K; k++) {
      tl_real *row = col + (size_t)(c * K + k) * N;
      for (int b = 0; b < B; b++) {
        const tl_real *x = inp + ((size_t)b * cin + c) * L;
        for (int t = 0; t < Lout; t++) {
          int s = t + k - pad;
          row[(size_t)b * Lout + t] = (s >= 0 && s < L) ? x[s] : 0;
        }
      }
    }
}

/* Gathers, per input cell s, the K entries of dcol that came from it (t = s - k + pad)
 * and adds their sum once, so the accumulation into dinp is exact (see dense). */
static void TL_NN_FN(col2im_add)(tl_real *dinp, const tl_real *dcol, int B, int cin, int L,
                                 int K, int pad, int Lout) {
  const size_t N = (size_t)B * Lout;
  for (int b = 0; b < B; b++)
    for (int c = 0; c < cin; c++) {
      tl_real *dx = dinp + ((size_t)b * cin + c) * L;
      for (int s = 0; s < L; s++) {
        tl_real sum = 0;
        for (int k = 0; k < K; k++) {
          int t = s - k + pad;
          if (t >= 0 && t < Lout) sum += dcol[(size_t)(c * K + k) * N + (size_t)b * Lout + t];
        }
        dx[s] += sum;
      }
    }
}

void TL_NN_FN(tl_nn_conv1d_forward)(tl_real *out, const tl_real *inp, const tl_real *w,
                                    const tl_real *bias, int B, int cin, int cout, int L,
                                    int K, int same, tl_real *work) {
  const int pad = same ? (K - 1) / 2 : 0, Lout = tl_nn_conv1d_out_len(L, K, same);
  const int ck = cin * K;
  const size_t N = (size_t)B * Lout;
  tl_real *col = work, *tmp = work + (size_t)ck * N;
  TL_NN_FN(im2col)(col, inp, B, cin, L, K, pad, Lout);
  /* tmp (cout, B Lout) = w (cout, cin K) col (cin K, B Lout) */
  TL_GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, cout, (int)N, ck, 1, w, ck, col,
          (int)N, 0, tmp, (int)N);
  for (int b = 0; b < B; b++) /* (cout, B, Lout) -> (B, cout, Lout), adding the bias */
    for (int o = 0; o < cout; o++) {
      tl_real *y = out + ((size_t)b * cout + o) * Lout;
      const tl_real *z = tmp + (size_t)o * N + (size_t)b * Lout, bo = bias ? bias[o] : 0;
      for (int t = 0; t < Lout; t++) y[t] = z[t] + bo;
    }
}

void TL_NN_FN(tl_nn_conv1d_backward)(tl_real *dinp, tl_real *dw, tl_real *dbias,
                                     const tl_real *dout, const tl_real *inp,
                                     const tl_real *w, int B, int cin, int cout, int L,
                                     int K, int same, tl_real *work) {
  const int pad = same ? (K - 1) / 2 : 0, Lout = tl_nn_conv1d_out_len(L, K, same);
  const int ck = cin * K;
  const size_t N = (size_t)B * Lout;
  tl_real *col = work, *dtmp = work + (size_t)ck * N, *dcol = dtmp + (size_t)cout * N;
  for (int b = 0; b < B; b++) /* dout (B, cout, Lout) -> dtmp (cout, B Lout) */
    for (int o = 0; o < cout; o++) {
      const tl_real *dy = dout + ((size_t)b * cout + o) * Lout;
      tl_real *z = dtmp + (size_t)o * N + (size_t)b * Lout;
      for (int t = 0; t < Lout; t++) z[t] = dy[t];
    }
  if (dbias)
    for (int o = 0; o < cout; o++) {
      tl_real s = 0;
      for (size_t i = 0; i < N; i++) s += dtmp[(size_t)o * N + i];
      dbias[o] += s;
    }
  if (dw) { /* (cout, cin K) += dtmp (cout, B Lout) col^T (B Lout, cin K) */
    TL_NN_FN(im2col)(col, inp, B, cin, L, K, pad, Lout);
    TL_GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, cout, ck, (int)N, 1, dtmp, (int)N, col,
            (int)N, 1, dw, ck);
  }
  if (dinp) { /* dcol (cin K, B Lout) = w^T (cin K, cout) dtmp (cout, B Lout) */
    TL_GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, ck, (int)N, cout, 1, w, ck, dtmp,
            (int)N, 0, dcol, (int)N);
    TL_NN_FN(col2im_add)(dinp, dcol, B, cin, L, K, pad, Lout);
  }
}

/* ---- activations ----------------------------------------------------------------- */

void TL_NN_FN(tl_nn_relu_forward)(tl_real *out, const tl_real *inp, size_t n) {
  for (size_t i = 0; i < n; i++) out[i] = inp[i] > 0 ? inp[i] : 0;
}
void TL_NN_FN(tl_nn_relu_backward)(tl_real *dinp, const tl_real *inp, const tl_real *dout,
                                   size_t n) {
  for (size_t i = 0; i < n; i++)
    if (inp[i] > 0) dinp[i] += dout[i];
}
void TL_NN_FN(tl_nn_tanh_forward)(tl_real *out, const tl_real *inp, size_t n) {
  for (size_t i = 0; i < n; i++) out[i] = tanh(inp[i]);
}
void TL_NN_FN(tl_nn_tanh_backward)(tl_real *dinp, const tl_real *out, const tl_real *dout,
                                   size_t n) {
  for (size_t i = 0; i < n; i++) dinp[i] += dout[i] * (1 - out[i] * out[i]);
}
void TL_NN_FN(tl_nn_square_forward)(tl_real *out, const tl_real *inp, size_t n) {
  for (size_t i = 0; i < n; i++) out[i] = inp[i] * inp[i];
}
void TL_NN_FN(tl_nn_square_backward)(tl_real *dinp, const tl_real *inp,
                                     const tl_real *dout, size_t n) {
  for (size_t i = 0; i < n; i++) dinp[i] += 2 * inp[i] * dout[i];
}

/* ---- pooling over cells ------------------------------------------------------------ */

void TL_NN_FN(tl_nn_meanpool_forward)(tl_real *out, const tl_real *inp, int BC, int L,
                                      int P) {
  const int Lout = L / P;
  for (int r = 0; r < BC; r++)
    for (int t = 0; t < Lout; t++) {
      const tl_real *x = inp + (size_t)r * L + (size_t)t * P;
      tl_real s = 0;
      for (int p = 0; p < P; p++) s += x[p];
      out[(size_t)r * Lout + t] = s / P;
    }
}
void TL_NN_FN(tl_nn_meanpool_backward)(tl_real *dinp, const tl_real *dout, int BC, int L,
                                       int P) {
  const int Lout = L / P;
  for (int r = 0; r < BC; r++)
    for (int t = 0; t < Lout; t++) {
      tl_real g = dout[(size_t)r * Lout + t] / P, *dx = dinp + (size_t)r * L + (size_t)t * P;
      for (int p = 0; p < P; p++) dx[p] += g;
    }
}
void TL_NN_FN(tl_nn_maxpool_forward)(tl_real *out, int *argmax, const tl_real *inp, int BC,
                                     int L, int P) {
  const int Lout = L / P;
  for (int r = 0; r < BC; r++)
    for (int t = 0; t < Lout; t++) {
      const tl_real *x = inp + (size_t)r * L;
      int best = t * P;
      for (int p = t * P + 1; p < (t + 1) * P; p++)
        if (x[p] > x[best]) best = p;
      out[(size_t)r * Lout + t] = x[best];
      argmax[(size_t)r * Lout + t] = best;
    }
}
void TL_NN_FN(tl_nn_maxpool_backward)(tl_real *dinp, const tl_real *dout, const int *argmax,
                                      int BC, int L, int P) {
  const int Lout = L / P;
  for (int r = 0; r < BC; r++)
    for (int t = 0; t < Lout; t++)
      dinp[(size_t)r * L + argmax[(size_t)r * Lout + t]] += dout[(size_t)r * Lout + t];
}

/* ---- losses ------------------------------------------------------------------------ */
/* Sums are accumulated in double in both builds: the f32 loss is then the rounded exact
 * value, not a sum whose error grows with B. */

void TL_NN_FN(tl_nn_xent_forward)(tl_real *loss, tl_real *probs, const tl_real *logits,
                                  const int *labels, int B, int C) {
  double total = 0;
  for (int b = 0; b < B; b++) {
    const tl_real *z = logits + (size_t)b * C;
    tl_real *p = probs + (size_t)b * C;
    tl_real zmax = z[0];
    for (int c = 1; c < C; c++)
      if (z[c] > zmax) zmax = z[c];
    double s = 0;
    for (int c = 0; c < C; c++) s += exp((double)z[c] - zmax);
    for (int c = 0; c < C; c++) p[c] = (tl_real)(exp((double)z[c] - zmax) / s);
    total += zmax + log(s) - z[labels[b]]; /* log-sum-exp minus the true logit */
  }
  *loss = (tl_real)(total / B);
}
void TL_NN_FN(tl_nn_xent_backward)(tl_real *dlogits, const tl_real *probs,
                                   const int *labels, int B, int C, tl_real dloss) {
  const tl_real g = dloss / B;
  for (int b = 0; b < B; b++)
    for (int c = 0; c < C; c++) {
      size_t i = (size_t)b * C + c;
      dlogits[i] += g * (probs[i] - (c == labels[b] ? 1 : 0));
    }
}
void TL_NN_FN(tl_nn_mse_forward)(tl_real *loss, const tl_real *pred, const tl_real *target,
                                 size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++) {
    double d = (double)pred[i] - target[i];
    s += d * d;
  }
  *loss = (tl_real)(s / (double)n);
}
void TL_NN_FN(tl_nn_mse_backward)(tl_real *dpred, const tl_real *pred,
                                  const tl_real *target, size_t n, tl_real dloss) {
  const tl_real g = 2 * dloss / (tl_real)n;
  for (size_t i = 0; i < n; i++) dpred[i] += g * (pred[i] - target[i]);
}
