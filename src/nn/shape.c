/* Shape rules and scratch sizes of the nn ops, shared by both precisions. */
#include "topolearn/nn.h"

int tl_nn_conv1d_out_len(int L, int K, int same) { return same ? L : L - K + 1; }

/* At least 512 columns (cells of the batch) per block keep the products efficient;
 * 16 samples at L = 32, so that a block's xp and y (under 300 KiB at 64 channels) stay
 * in L2 between the passes. */
int tl_nn_conv1d_block(int B, int L) {
  const int nb = (512 + L - 1) / L;
  return nb < B ? nb : B;
}

/* ops.inc.h: the channel-major input xp (cin, B L), the tap responses y or their
 * gradients d (K cout, B L), the stacked taps (K cout, cin), one gradient of them per
 * block (K cout, cin), and backward's dxp (cin, B L), apart from xp so that xp
 * survives for a second backward that reuses it (kept). */
size_t tl_nn_conv1d_work_size(int B, int cin, int cout, int L, int K, int same) {
  (void)same;
  const size_t N = (size_t)B * (size_t)L, KC = (size_t)K * (size_t)cout;
  const int nb = tl_nn_conv1d_block(B, L);
  const size_t blocks = (size_t)((B + nb - 1) / nb);
  return N * (2 * (size_t)cin + KC) + KC * (size_t)cin * (1 + blocks);
}

/* Forward: diag(lambda) a (S x L); backward: G (L x L), a G and b G^T (S x L each),
 * and the batch sum of dlambda (S). */
size_t tl_nn_topo_work_size(int S, int L) {
  return (size_t)L * L + 2 * (size_t)S * L + (size_t)S;
}
