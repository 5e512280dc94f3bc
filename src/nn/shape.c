/* Shape rules and scratch sizes of the nn ops, shared by both precisions. */
#include "topolearn/nn.h"

int tl_nn_conv1d_out_len(int L, int K, int same) { return same ? L : L - K + 1; }

/* Forward needs col (cin K x B Lout) and tmp (cout x B Lout); backward needs col,
 * dtmp and dcol (cin K x B Lout): size for the larger, backward. */
size_t tl_nn_conv1d_work_size(int B, int cin, int cout, int L, int K, int same) {
  size_t N = (size_t)B * (size_t)tl_nn_conv1d_out_len(L, K, same);
  return N * (2 * (size_t)cin * K + (size_t)cout);
}

/* Forward: diag(lambda) a (S x L); backward: G (L x L), a G and b G^T (S x L each),
 * and the batch sum of dlambda (S). */
size_t tl_nn_topo_work_size(int S, int L) {
  return (size_t)L * L + 2 * (size_t)S * L + (size_t)S;
}
