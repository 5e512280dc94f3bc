/* src/nn/ops.inc.h — dense, conv1d, activations, pooling and losses, written once for
 * both precisions. Included by ops_f32.c / ops_f64.c after defining
 *   tl_real       float or double
 *   TL_NN_FN(x)   x##_f32 or x##_f64
 *   TL_GEMM       cblas_sgemm or cblas_dgemm
 * Contracts (shapes, accumulation) are in topolearn/nn.h beside each declaration. */

/* ---- dense ------------------------------------------------------------------------ */
/* The products run in fixed blocks, each a 1-thread gemm, split over the OpenMP threads
 * (see conv1d below for why: OpenBLAS's threaded sgemm rounds differently from its
 * 1-thread sgemm, so one big product gave results that depended on the thread count).
 * The blocks never depend on the thread count: out and dinp by TL_DENSE_ROWS rows of
 * the batch, dw by TL_DENSE_COLS input columns, each with the whole batch as the
 * product's k, so no partial sums need adding and no scratch is needed. */
#define TL_DENSE_ROWS 32
#define TL_DENSE_COLS 1024

/* Blocks in parallel only from outside a parallel region; inside one (or at one thread)
 * in order. Either way OpenBLAS then runs each product on one thread. */
#define TL_BLOCKS_PAR (omp_get_max_threads() > 1 && !omp_in_parallel())

void TL_NN_FN(tl_nn_dense_forward)(tl_real *out, const tl_real *inp, const tl_real *w,
                                   const tl_real *bias, int B, int in, int nout) {
  /* out (B,nout) = bias + inp (B,in) w^T (in,nout); the bias is preloaded so the gemm
   * adds onto it (beta = 1) instead of a second pass over out. */
  const int blocks = (B + TL_DENSE_ROWS - 1) / TL_DENSE_ROWS;
#pragma omp parallel for schedule(static) if (TL_BLOCKS_PAR)
  for (int j = 0; j < blocks; j++) {
    const int b0 = j * TL_DENSE_ROWS, nb = B - b0 < TL_DENSE_ROWS ? B - b0 : TL_DENSE_ROWS;
    tl_real *ob = out + (size_t)b0 * nout;
    tl_real beta = 0;
    if (bias) {
      for (int b = 0; b < nb; b++)
        for (int o = 0; o < nout; o++) ob[(size_t)b * nout + o] = bias[o];
      beta = 1;
    }
    TL_GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, nb, nout, in, 1, inp + (size_t)b0 * in, in,
            w, in, beta, ob, nout);
  }
}

void TL_NN_FN(tl_nn_dense_backward)(tl_real *dinp, tl_real *dw, tl_real *dbias,
                                    const tl_real *dout, const tl_real *inp,
                                    const tl_real *w, int B, int in, int nout) {
  const int row_blocks = dinp ? (B + TL_DENSE_ROWS - 1) / TL_DENSE_ROWS : 0;
  const int col_blocks = dw ? (in + TL_DENSE_COLS - 1) / TL_DENSE_COLS : 0;
#pragma omp parallel for schedule(static) if (TL_BLOCKS_PAR)
  for (int j = 0; j < row_blocks + col_blocks; j++) {
    if (j < row_blocks) { /* rows b0.. of dinp (B,in) += dout (B,nout) w (nout,in) */
      const int b0 = j * TL_DENSE_ROWS, nb = B - b0 < TL_DENSE_ROWS ? B - b0 : TL_DENSE_ROWS;
      TL_GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, nb, in, nout, 1,
              dout + (size_t)b0 * nout, nout, w, in, 1, dinp + (size_t)b0 * in, in);
    } else { /* columns c0.. of dw (nout,in) += dout^T (nout,B) inp (B,in): k is the batch */
      const int c0 = (j - row_blocks) * TL_DENSE_COLS;
      const int nc = in - c0 < TL_DENSE_COLS ? in - c0 : TL_DENSE_COLS;
      TL_GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, nout, nc, B, 1, dout, nout, inp + c0, in,
              1, dw + c0, in);
    }
  }
  if (dbias) /* summed locally, then added once: two backward passes give exactly 2x */
    for (int o = 0; o < nout; o++) {
      tl_real s = 0;
      for (int b = 0; b < B; b++) s += dout[(size_t)b * nout + o];
      dbias[o] += s;
    }
}

/* The copies and shifted sums around the products are split over OpenMP threads when
 * large enough to pay for the fork: each element is computed by one thread with the
 * same operations as in one thread, so the results do not depend on the thread count.
 * (The products run one per block, each on one thread: see dense and conv1d.) */
#ifndef TL_NN_PAR
#define TL_NN_PAR(elements) ((elements) >= 65536 && omp_get_max_threads() > 1 && !omp_in_parallel())
#endif

/* ---- conv1d (one product for all taps, per block of samples) -------------------- */
/* With the input in channel-major order xp (cin, B L), column j = b L + s, and the taps
 * stacked as ws (K cout, cin), ws[k cout + o, c] = w[o, c, k], one product gives every
 * tap's response at every cell of the batch,
 *   y (K cout, B L) = ws xp,   out[b, o, t] = bias[o] + sum_k y[k cout + o, b L + t + k - pad]
 * (terms with t + k - pad outside 0..L-1 are the zero padding, skipped). Backward uses
 * the same shapes: d (K cout, B L), d[k cout + o, b L + s] = dout[b, o, s - k + pad] (0
 * where that is no output cell), then dws = d xp^T and dxp = ws^T d. Unlike im2col
 * (K times the input, written in forward and again in backward, then packed by BLAS),
 * the buffers here are the size of the input and output.
 *
 * The batch is cut into blocks of tl_nn_conv1d_block samples, and each block does all
 * its passes (copy, product, tap sum; in backward the products give a per-block dws,
 * added over the blocks in block order). The blocks are split over the OpenMP threads
 * and each product runs in one thread: OpenBLAS's threaded sgemm rounds differently
 * from its 1-thread sgemm (most entries of these shapes differ in the last bit), so
 * this is what keeps the results independent of the thread count. It also forks once
 * per pass instead of once per product and copy. xp, y, d and dxp are stored block by
 * block: block j's part starts at rows x b0 L and is (rows, nb L). */

/* xp (cin, B L) <- inp (B, cin, L). */
static void TL_NN_FN(conv_cmajor)(tl_real *xp, const tl_real *inp, int B, int cin, int L) {
#pragma omp parallel for schedule(static) if (TL_NN_PAR((size_t)cin * B * L))
  for (int c = 0; c < cin; c++) /* rows of L cells: a loop, not B cin short memcpy calls */
    for (int b = 0; b < B; b++) {
      tl_real *dst = xp + ((size_t)c * B + b) * L;
      const tl_real *src = inp + ((size_t)b * cin + c) * L;
      for (int s = 0; s < L; s++) dst[s] = src[s];
    }
}

/* ws (K cout, cin) <- w (cout, cin, K). */
static void TL_NN_FN(conv_taps)(tl_real *ws, const tl_real *w, int cin, int cout, int K) {
  for (int k = 0; k < K; k++)
    for (int o = 0; o < cout; o++)
      for (int c = 0; c < cin; c++)
        ws[((size_t)k * cout + o) * cin + c] = w[((size_t)o * cin + c) * K + k];
}

/* Output cells t of tap k that read an input cell: t + k - pad in 0..L-1. */
static void TL_NN_FN(conv_range)(int k, int pad, int L, int Lout, int *t0, int *t1) {
  *t0 = pad - k > 0 ? pad - k : 0;
  *t1 = L + pad - k < Lout ? L + pad - k : Lout;
}

/* One output row of sample b, channel o: yo[t] = bo + sum_k y0[k step + t] over the taps
 * k whose input cell t + k - pad is in the chain, added in the order k = 0..K-1
 * (y0 = y + o N + b L - pad, step = cout N + 1: next tap block, one cell on). Where
 * every tap applies, blocks of 8 cells are summed in registers and stored once; adding
 * each tap onto yo in memory (a short loop per tap, with its own start and tail) cost
 * twice as much. Same operations per element either way. */
static void TL_NN_FN(conv_tap_sum)(tl_real *yo, tl_real bo, const tl_real *y0, size_t step,
                                   int K, int pad, int L, int Lout) {
  const int lo = pad, hi = L - (K - 1 - pad) < Lout ? L - (K - 1 - pad) : Lout;
  int t = 0;
  for (; t < lo && t < Lout; t++) { /* left edge */
    tl_real s = bo;
    for (int k = pad - t; k < K && t + k - pad < L; k++) s += y0[k * step + t];
    yo[t] = s;
  }
  for (; t + 8 <= hi; t += 8) {
    tl_real acc[8];
    for (int j = 0; j < 8; j++) acc[j] = bo;
    for (int k = 0; k < K; k++)
      for (int j = 0; j < 8; j++) acc[j] += y0[k * step + t + j];
    for (int j = 0; j < 8; j++) yo[t + j] = acc[j];
  }
  for (; t < Lout; t++) { /* what is left, and the right edge */
    tl_real s = bo;
    for (int k = 0; k < K && t + k - pad < L; k++) s += y0[k * step + t];
    yo[t] = s;
  }
}

void TL_NN_FN(tl_nn_conv1d_forward)(tl_real *out, const tl_real *inp, const tl_real *w,
                                    const tl_real *bias, int B, int cin, int cout, int L,
                                    int K, int same, tl_real *work) {
  const int pad = same ? (K - 1) / 2 : 0, Lout = tl_nn_conv1d_out_len(L, K, same);
  const int Bb = tl_nn_conv1d_block(B, L), blocks = (B + Bb - 1) / Bb;
  const size_t N = (size_t)B * L, KC = (size_t)K * cout;
  tl_real *xp = work, *y = xp + (size_t)cin * N, *ws = y + KC * N;
  TL_NN_FN(conv_taps)(ws, w, cin, cout, K);
#pragma omp parallel for schedule(static) if (TL_BLOCKS_PAR)
  for (int j = 0; j < blocks; j++) {
    const int b0 = j * Bb, nb = B - b0 < Bb ? B - b0 : Bb, Nb = nb * L;
    tl_real *xb = xp + (size_t)cin * b0 * L, *yb = y + KC * b0 * L;
    TL_NN_FN(conv_cmajor)(xb, inp + (size_t)b0 * cin * L, nb, cin, L);
    TL_GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)KC, Nb, cin, 1, ws, cin, xb, Nb,
            0, yb, Nb);
    for (int b = 0; b < nb; b++)
      for (int o = 0; o < cout; o++)
        TL_NN_FN(conv_tap_sum)(out + ((size_t)(b0 + b) * cout + o) * Lout, bias ? bias[o] : 0,
                               yb + (size_t)o * Nb + (size_t)b * L - pad,
                               (size_t)cout * Nb + 1, K, pad, L, Lout);
  }
}

/* sum of x[0..n) in a fixed order: 8 interleaved partial sums (lane j takes x[j], x[j + 8],
 * ...), then the lanes pairwise, then the tail. One running sum was a chain of
 * dependent additions, each waiting for the last (for conv1d's bias gradient, about
 * 5% of a cnn step). */
static tl_real TL_NN_FN(sum8)(const tl_real *x, int n) {
  tl_real acc[8] = {0};
  int i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++) acc[j] += x[i + j];
  tl_real s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; i < n; i++) s += x[i];
  return s;
}

/* Block (b0, nb) of backward: d of the block from dout, then its dws into pj and its
 * dxp added into dinp. */
static void TL_NN_FN(conv_bwd_block)(tl_real *dinp, tl_real *pj, const tl_real *dout,
                                     const tl_real *inp, const tl_real *ws, tl_real *xb,
                                     tl_real *db, tl_real *dxb, int b0, int nb, int cin,
                                     int cout, int L, int Lout, int K, int pad, int kept) {
  const int Nb = nb * L, KC = K * cout;
  memset(db, 0, (size_t)KC * Nb * sizeof *db);
  for (int k = 0; k < K; k++) {
    int t0, t1;
    TL_NN_FN(conv_range)(k, pad, L, Lout, &t0, &t1);
    for (int o = 0; o < cout; o++)
      for (int b = 0; b < nb; b++) {
        tl_real *dk = db + ((size_t)k * cout + o) * Nb + (size_t)b * L + k - pad;
        const tl_real *dy = dout + ((size_t)(b0 + b) * cout + o) * Lout;
        for (int t = t0; t < t1; t++) dk[t] = dy[t];
      }
  }
  if (pj) { /* dws of the block (K cout, cin) = d xp^T */
    if (!kept) TL_NN_FN(conv_cmajor)(xb, inp + (size_t)b0 * cin * L, nb, cin, L);
    TL_GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, KC, cin, Nb, 1, db, Nb, xb, Nb, 0, pj,
            cin);
  }
  if (dinp) { /* dxp (cin, nb L) = ws^T d, apart from xp: xp stays for another backward */
    TL_GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, cin, Nb, KC, 1, ws, cin, db, Nb, 0, dxb,
            Nb);
    for (int b = 0; b < nb; b++)
      for (int c = 0; c < cin; c++) {
        tl_real *dx = dinp + ((size_t)(b0 + b) * cin + c) * L;
        const tl_real *gx = dxb + ((size_t)c * nb + b) * L;
        for (int s2 = 0; s2 < L; s2++) dx[s2] += gx[s2];
      }
  }
}

void TL_NN_FN(tl_nn_conv1d_backward)(tl_real *dinp, tl_real *dw, tl_real *dbias,
                                     const tl_real *dout, const tl_real *inp,
                                     const tl_real *w, int B, int cin, int cout, int L,
                                     int K, int same, int kept, tl_real *work) {
  const int pad = same ? (K - 1) / 2 : 0, Lout = tl_nn_conv1d_out_len(L, K, same);
  const int Bb = tl_nn_conv1d_block(B, L), blocks = (B + Bb - 1) / Bb;
  const size_t N = (size_t)B * L, KC = (size_t)K * cout, G = KC * cin;
  tl_real *xp = work, *d = xp + (size_t)cin * N, *ws = d + KC * N, *p = ws + G;
  tl_real *dxp = p + G * blocks; /* p: one dws per block */
  if (dbias) /* summed over (b, t), then added once (see dense) */
    for (int o = 0; o < cout; o++) {
      tl_real s = 0;
      for (int b = 0; b < B; b++) s += TL_NN_FN(sum8)(dout + ((size_t)b * cout + o) * Lout, Lout);
      dbias[o] += s;
    }
  if (!dw && !dinp) return;
  if (dinp) TL_NN_FN(conv_taps)(ws, w, cin, cout, K);
#pragma omp parallel for schedule(static) if (TL_BLOCKS_PAR)
  for (int j = 0; j < blocks; j++) {
    const int b0 = j * Bb, nb = B - b0 < Bb ? B - b0 : Bb;
    TL_NN_FN(conv_bwd_block)(dinp, dw ? p + G * j : NULL, dout, inp, ws,
                             xp + (size_t)cin * b0 * L, d + KC * b0 * L,
                             dxp + (size_t)cin * b0 * L, b0, nb, cin, cout, L, Lout, K, pad,
                             kept);
  }
  if (dw) /* the blocks' dws added in block order, then once onto dw */
    for (int k = 0; k < K; k++)
      for (int o = 0; o < cout; o++)
        for (int c = 0; c < cin; c++) {
          const size_t i = ((size_t)k * cout + o) * cin + c;
          tl_real s = p[i];
          for (int j = 1; j < blocks; j++) s += p[G * j + i];
          dw[((size_t)o * cin + c) * K + k] += s;
        }
}

/* ---- activations ----------------------------------------------------------------- */

void TL_NN_FN(tl_nn_relu_forward)(tl_real *out, const tl_real *inp, size_t n) {
  for (size_t i = 0; i < n; i++) out[i] = inp[i] > 0 ? inp[i] : 0;
}
void TL_NN_FN(tl_nn_relu_backward)(tl_real *dinp, const tl_real *inp, const tl_real *dout,
                                   size_t n) {
  /* A select, not a branch: the signs of a layer's inputs are random, so a branch
   * mispredicts half the time (it was a tenth of a cnn step). Loading dout
   * unconditionally is what lets GCC turn the select into vector code. */
  for (size_t i = 0; i < n; i++) {
    const tl_real g = dout[i];
    dinp[i] += inp[i] > 0 ? g : 0;
  }
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

/* Pooling pairs (P = 2) with no cell left over is one flat loop over all rows, which
 * GCC vectorises; the general loop (a short inner loop per output) ran scalar and was
 * a few percent of a cnn step. Same operations, in the same order, in both. */
void TL_NN_FN(tl_nn_meanpool_forward)(tl_real *out, const tl_real *inp, int BC, int L,
                                      int P) {
  const int Lout = L / P;
  if (P == 2 && L == 2 * Lout) {
    const size_t n = (size_t)BC * Lout;
    for (size_t j = 0; j < n; j++) out[j] = ((tl_real)0 + inp[2 * j] + inp[2 * j + 1]) / 2;
    return;
  }
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
  if (P == 2 && L == 2 * Lout) { /* flat, as in forward */
    const size_t n = (size_t)BC * Lout;
    for (size_t j = 0; j < n; j++) {
      const tl_real g = dout[j] / 2;
      dinp[2 * j] += g;
      dinp[2 * j + 1] += g;
    }
    return;
  }
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
