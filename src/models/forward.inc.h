/* src/models/forward.inc.h — forward and backward of the four models, once per
 * precision (see featurise.inc.h for the macros). Tensor order per kind is fixed by
 * model.c (tensor_specs): topo lambda, K, log_beta; sym w1, b1, w2, b2, log_beta;
 * mlp and cnn (w, b) per layer, then w_out, b_out. Activation shapes in layout.c. */

#define VIEW(arr, i) ((arr) + m->params->tensor[(i)].offset)
#define WS(field) ((tl_real *)ws->buf + lay.field)

static void TL_MODEL_FN(act_fwd)(tl_model_act a, tl_real *out, const tl_real *inp, size_t n) {
  if (a == TL_ACT_RELU) TL_NN_FN(tl_nn_relu_forward)(out, inp, n);
  else if (a == TL_ACT_TANH) TL_NN_FN(tl_nn_tanh_forward)(out, inp, n);
  else TL_NN_FN(tl_nn_square_forward)(out, inp, n);
}
/* tanh's derivative reads the output, relu's and square's the input (nn.h). */
static void TL_MODEL_FN(act_bwd)(tl_model_act a, tl_real *dinp, const tl_real *inp,
                                 const tl_real *out, const tl_real *dout, size_t n) {
  if (a == TL_ACT_RELU) TL_NN_FN(tl_nn_relu_backward)(dinp, inp, dout, n);
  else if (a == TL_ACT_TANH) TL_NN_FN(tl_nn_tanh_backward)(dinp, out, dout, n);
  else TL_NN_FN(tl_nn_square_backward)(dinp, inp, dout, n);
}
static void TL_MODEL_FN(zero)(tl_real *p, size_t n) { memset(p, 0, n * sizeof *p); }

tl_real *TL_MODEL_FN(tl_model_logits)(const tl_model_t *m, tl_model_ws_t *ws) {
  tl_model_layout_t lay;
  tl_model_layout(m, ws->B, &lay);
  return WS(logits);
}
tl_real *TL_MODEL_FN(tl_model_W)(const tl_model_t *m, tl_model_ws_t *ws) {
  tl_model_layout_t lay;
  tl_model_layout(m, ws->B, &lay);
  return WS(W);
}
tl_real *TL_MODEL_FN(tl_model_dlogits)(const tl_model_t *m, tl_model_ws_t *ws) {
  tl_model_layout_t lay;
  tl_model_layout(m, ws->B, &lay);
  return WS(dlogits);
}

void TL_MODEL_FN(tl_model_forward)(const tl_model_t *m, const tl_real *theta,
                                   const tl_real *x, int B, tl_model_ws_t *ws) {
  tl_model_layout_t lay;
  tl_model_layout(m, ws->B, &lay); /* offsets for the workspace's B; B <= ws->B used */
  const tl_model_hyper_t *hp = &m->hp;
  const int L = m->L, C = m->C;
  tl_real *logits = WS(logits), *W = WS(W);
  switch (hp->kind) {
    case TL_MODEL_TOPO: {
      const size_t SL = (size_t)B * L * L;
      TL_NN_FN(tl_nn_topo_forward)(W, WS(Q), x, x + SL, VIEW(theta, 0), VIEW(theta, 1), B, L,
                                   L, WS(work));
      TL_NN_FN(tl_nn_head_forward)(logits, W, VIEW(theta, 2), B, hp->cmin, hp->cmax);
      break;
    }
    case TL_MODEL_SYM: { /* shared cell network on every (sample, bulk cell) row */
      const int F = tl_model_sym_features(m), H = hp->sym_hidden, Lb = m->bulk_cells;
      const int rows = B * Lb;
      TL_NN_FN(tl_nn_dense_forward)(WS(h_pre), x, VIEW(theta, 0), VIEW(theta, 1), rows, F, H);
      TL_MODEL_FN(act_fwd)(hp->act, WS(h_act), WS(h_pre), (size_t)rows * H);
      TL_NN_FN(tl_nn_dense_forward)(WS(wloc), WS(h_act), VIEW(theta, 2), VIEW(theta, 3), rows,
                                    H, 1);
      const tl_real *wl = WS(wloc);
      for (int b = 0; b < B; b++) { /* bulk average, summed in double like the RSWN */
        double s = 0;
        for (int c = 0; c < Lb; c++) s += wl[(size_t)b * Lb + c];
        W[b] = (tl_real)(s / Lb);
      }
      TL_NN_FN(tl_nn_head_forward)(logits, W, VIEW(theta, 4), B, hp->cmin, hp->cmax);
      break;
    }
    case TL_MODEL_MLP: {
      const tl_real *in = x;
      int nin = tl_model_mlp_inputs(m);
      for (int i = 0; i < hp->nlayers; i++) {
        const int nout = hp->width[i];
        TL_NN_FN(tl_nn_dense_forward)(WS(pre[i]), in, VIEW(theta, 2 * i), VIEW(theta, 2 * i + 1),
                                      B, nin, nout);
        TL_MODEL_FN(act_fwd)(hp->act, WS(post[i]), WS(pre[i]), (size_t)B * nout);
        in = WS(post[i]);
        nin = nout;
      }
      const int k = 2 * hp->nlayers;
      TL_NN_FN(tl_nn_dense_forward)(logits, in, VIEW(theta, k), VIEW(theta, k + 1), B, nin, C);
      break;
    }
    case TL_MODEL_CNN: {
      const tl_real *in = x;
      int cin = tl_model_cnn_channels(m);
      for (int i = 0; i < hp->nlayers; i++) {
        const int cout = hp->width[i], len = lay.len[i];
        TL_NN_FN(tl_nn_conv1d_forward)(WS(pre[i]), in, VIEW(theta, 2 * i), VIEW(theta, 2 * i + 1),
                                       B, cin, cout, len, hp->kernel, 1, WS(cwork[i]));
        TL_MODEL_FN(act_fwd)(hp->act, WS(post[i]), WS(pre[i]), (size_t)B * cout * len);
        TL_NN_FN(tl_nn_meanpool_forward)(WS(pooled[i]), WS(post[i]), B * cout, len, hp->pool);
        in = WS(pooled[i]);
        cin = cout;
      }
      const int k = 2 * hp->nlayers, nin = cin * lay.len[hp->nlayers];
      TL_NN_FN(tl_nn_dense_forward)(logits, in, VIEW(theta, k), VIEW(theta, k + 1), B, nin, C);
      break;
    }
  }
}

void TL_MODEL_FN(tl_model_loss)(const tl_model_t *m, tl_model_ws_t *ws, int B,
                                tl_real *loss) {
  tl_model_layout_t lay;
  tl_model_layout(m, ws->B, &lay);
  TL_NN_FN(tl_nn_xent_forward)(loss, WS(probs), WS(logits), ws->labels, B, m->C);
  TL_MODEL_FN(zero)(WS(dlogits), (size_t)B * m->C);
  TL_NN_FN(tl_nn_xent_backward)(WS(dlogits), WS(probs), ws->labels, B, m->C, 1);
  ws->w_loss = 0;
}

void TL_MODEL_FN(tl_model_loss_w)(const tl_model_t *m, tl_model_ws_t *ws, int B,
                                  tl_real *loss) {
  tl_model_layout_t lay;
  tl_model_layout(m, ws->B, &lay);
  const tl_real *W = WS(W);
  tl_real *dW = WS(dW);
  double s = 0; /* summed in double, as the losses in nn */
  for (int b = 0; b < B; b++) {
    const double d = (double)W[b] - ws->wtarget[b];
    s += d * d;
    dW[b] = (tl_real)(2 * d / B);
  }
  *loss = (tl_real)(s / B);
  ws->w_loss = 1;
}

void TL_MODEL_FN(tl_model_backward)(const tl_model_t *m, const tl_real *theta,
                                    tl_real *grad, const tl_real *x, tl_real *dx, int B,
                                    tl_model_ws_t *ws) {
  tl_model_layout_t lay;
  tl_model_layout(m, ws->B, &lay);
  const tl_model_hyper_t *hp = &m->hp;
  const int L = m->L, C = m->C;
  tl_real *dlogits = WS(dlogits), *W = WS(W), *dW = WS(dW);
  switch (hp->kind) {
    case TL_MODEL_TOPO: {
      const size_t SL = (size_t)B * L * L;
      if (!ws->w_loss) { /* else tl_model_loss_w left dW */
        TL_MODEL_FN(zero)(dW, (size_t)B);
        TL_NN_FN(tl_nn_head_backward)(dW, VIEW(grad, 2), dlogits, W, VIEW(theta, 2), B,
                                      hp->cmin, hp->cmax);
      }
      TL_NN_FN(tl_nn_topo_backward)(VIEW(grad, 0), VIEW(grad, 1), dx, dx ? dx + SL : NULL, dW,
                                    WS(Q), x, x + SL, VIEW(theta, 0), VIEW(theta, 1), B, L, L,
                                    WS(work));
      break;
    }
    case TL_MODEL_SYM: {
      const int F = tl_model_sym_features(m), H = hp->sym_hidden, Lb = m->bulk_cells;
      const int rows = B * Lb;
      const size_t RH = (size_t)rows * H;
      if (!ws->w_loss) {
        TL_MODEL_FN(zero)(dW, (size_t)B);
        TL_NN_FN(tl_nn_head_backward)(dW, VIEW(grad, 4), dlogits, W, VIEW(theta, 4), B,
                                      hp->cmin, hp->cmax);
      }
      tl_real *dwl = WS(dwloc);
      for (int b = 0; b < B; b++)
        for (int c = 0; c < Lb; c++) dwl[(size_t)b * Lb + c] = dW[b] / Lb;
      TL_MODEL_FN(zero)(WS(dh_act), RH);
      TL_NN_FN(tl_nn_dense_backward)(WS(dh_act), VIEW(grad, 2), VIEW(grad, 3), dwl, WS(h_act),
                                     VIEW(theta, 2), rows, H, 1);
      TL_MODEL_FN(zero)(WS(dh_pre), RH);
      TL_MODEL_FN(act_bwd)(hp->act, WS(dh_pre), WS(h_pre), WS(h_act), WS(dh_act), RH);
      TL_NN_FN(tl_nn_dense_backward)(NULL, VIEW(grad, 0), VIEW(grad, 1), WS(dh_pre), x,
                                     VIEW(theta, 0), rows, F, H);
      break;
    }
    case TL_MODEL_MLP: {
      const int n = hp->nlayers, k = 2 * n;
      tl_real *g1 = WS(g1), *g2 = WS(g2);
      const tl_real *last = n ? WS(post[n - 1]) : x;
      const int nlast = n ? hp->width[n - 1] : tl_model_mlp_inputs(m);
      if (n) TL_MODEL_FN(zero)(g1, (size_t)B * nlast);
      TL_NN_FN(tl_nn_dense_backward)(n ? g1 : NULL, VIEW(grad, k), VIEW(grad, k + 1), dlogits,
                                     last, VIEW(theta, k), B, nlast, C);
      for (int i = n - 1; i >= 0; i--) { /* g1 holds d post[i] */
        const int nout = hp->width[i], nin = i ? hp->width[i - 1] : tl_model_mlp_inputs(m);
        TL_MODEL_FN(zero)(g2, (size_t)B * nout);
        TL_MODEL_FN(act_bwd)(hp->act, g2, WS(pre[i]), WS(post[i]), g1, (size_t)B * nout);
        if (i) TL_MODEL_FN(zero)(g1, (size_t)B * nin);
        TL_NN_FN(tl_nn_dense_backward)(i ? g1 : NULL, VIEW(grad, 2 * i), VIEW(grad, 2 * i + 1),
                                       g2, i ? WS(post[i - 1]) : x, VIEW(theta, 2 * i), B, nin,
                                       nout);
      }
      break;
    }
    case TL_MODEL_CNN: {
      const int n = hp->nlayers, k = 2 * n, cin0 = tl_model_cnn_channels(m);
      tl_real *g1 = WS(g1), *g2 = WS(g2);
      const int nlast = hp->width[n - 1] * lay.len[n];
      TL_MODEL_FN(zero)(g1, (size_t)B * nlast);
      TL_NN_FN(tl_nn_dense_backward)(g1, VIEW(grad, k), VIEW(grad, k + 1), dlogits,
                                     WS(pooled[n - 1]), VIEW(theta, k), B, nlast, C);
      for (int i = n - 1; i >= 0; i--) { /* g1 holds d pooled[i] */
        const int cout = hp->width[i], len = lay.len[i], cin = i ? hp->width[i - 1] : cin0;
        const size_t N = (size_t)B * cout * len;
        TL_MODEL_FN(zero)(g2, N);
        TL_NN_FN(tl_nn_meanpool_backward)(g2, g1, B * cout, len, hp->pool);
        TL_MODEL_FN(zero)(g1, N);
        TL_MODEL_FN(act_bwd)(hp->act, g1, WS(pre[i]), WS(post[i]), g2, N);
        if (i) TL_MODEL_FN(zero)(g2, (size_t)B * cin * len);
        TL_NN_FN(tl_nn_conv1d_backward)(i ? g2 : NULL, VIEW(grad, 2 * i), VIEW(grad, 2 * i + 1),
                                        g1, i ? WS(pooled[i - 1]) : x, VIEW(theta, 2 * i), B,
                                        cin, cout, len, hp->kernel, 1, 1, WS(cwork[i]));
        tl_real *t = g1; /* d pooled[i-1] is in g2 now */
        g1 = g2;
        g2 = t;
      }
      break;
    }
  }
}

#undef VIEW
#undef WS
