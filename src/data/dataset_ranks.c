/* Blocks of candidates split over ranks (tl_dataset_generate_ranks): contiguous slices,
 * gathered on rank 0 field by field. Rank 0 also writes the file, so it takes a smaller
 * slice, sized so that its solving plus writing lasts as long as another rank's solving.
 * The slices never change the data, only who computes which chain. */
#include <limits.h>

#include "data/dataset_io.h"

void tl_ds_slice(long count, long root_share, int rank, int size, long *lo, long *hi) {
  if (size <= 1) {
    *lo = 0;
    *hi = count;
  } else if (rank == 0) {
    *lo = 0;
    *hi = root_share;
  } else { /* the rest evenly over ranks 1..size-1 */
    const long rest = count - root_share;
    *lo = root_share + rest * (rank - 1) / (size - 1);
    *hi = root_share + rest * rank / (size - 1);
  }
}

long tl_ds_root_share(long count, int size, double chain_seconds, double write_seconds) {
  if (size <= 1) return count;
  double share = (double)count / size;
  if (chain_seconds > 0) share = ((double)count - (size - 1) * write_seconds / chain_seconds) / size;
  if (share < 0) share = 0;
  if (share > (double)count / size) share = (double)count / size;
  return (long)share;
}

tl_status tl_ds_block_gather(const tl_ranks_t *g, tl_ds_block_t *b, long count, long root_share,
                             tl_error *err) {
  if (!g || g->size <= 1) return TL_OK;
  int *counts = NULL, *displs = NULL;
  if (g->rank == 0) {
    counts = tl_malloc((size_t)g->size * sizeof *counts);
    displs = tl_malloc((size_t)g->size * sizeof *displs);
  }
  tl_status st = TL_OK;
  long lo, hi;
  tl_ds_slice(count, root_share, g->rank, g->size, &lo, &hi);
  for (int f = 0; f < TL_FIELD_COUNT && !st; f++) {
    if (!b->f[f]) continue;
    const size_t rb = b->row_bytes[f];
    /* MPI counts bytes in int: a block is at most 16 MiB per field unless single chains
     * are larger, and then it holds a few (block_chains in dataset_gen.c) */
    if ((size_t)count * rb > (size_t)INT_MAX) {
      st = tl_error_set(err, TL_ERR_INPUT, "a block of %ld chains holds %zu bytes of %s (the "
                          "ranks exchange at most %d at once; fewer threads or ranks)", count,
                          (size_t)count * rb, tl_field_name((tl_field)f), INT_MAX);
      break;
    }
    for (int r = 0; counts && displs && r < g->size; r++) {
      long rlo, rhi;
      tl_ds_slice(count, root_share, r, g->size, &rlo, &rhi);
      counts[r] = (int)((size_t)(rhi - rlo) * rb);
      displs[r] = (int)((size_t)rlo * rb);
    }
    if (g->gather(g->ctx, g->rank ? b->f[f] + (size_t)lo * rb : NULL, (int)((size_t)(hi - lo) * rb),
                  counts && displs ? b->f[f] : NULL, counts, displs))
      st = tl_error_set(err, TL_ERR_INTERNAL, "rank %d: gathering %s from the ranks failed",
                        g->rank, tl_field_name((tl_field)f));
  }
  tl_free(counts);
  tl_free(displs);
  return st;
}
