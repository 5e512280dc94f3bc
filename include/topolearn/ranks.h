/* topolearn/ranks.h — a group of cooperating processes, as seen by the library.
 *
 * libtopolearn does not link MPI: a caller that runs several processes (the CLI under
 * mpirun) hands it these two collective operations, wired to its communicator. Tests
 * wire them to threads. Every rank must call each collective in the same order. */
#ifndef TOPOLEARN_RANKS_H
#define TOPOLEARN_RANKS_H

#include "topolearn/error.h"

typedef struct {
  int rank, size; /* this process and the group size (>= 1) */
  void *ctx;      /* passed to the operations                */
  /* Gather to rank 0 (MPI_Gatherv): every rank r > 0 sends `bytes` bytes from send, which
   * land at recv + displs[r] on rank 0 (bytes == counts[r]). Rank 0 passes send NULL: its
   * own part is already in place at recv + displs[0]. recv, counts and displs are read
   * on rank 0 only. 0 on success. */
  int (*gather)(void *ctx, const void *send, int bytes, void *recv, const int *counts,
                const int *displs);
  /* Rank 0's first `bytes` bytes of buf into buf on every rank (MPI_Bcast). 0 on success. */
  int (*bcast)(void *ctx, void *buf, int bytes);
} tl_ranks_t;

/* The failure with the lowest key over the ranks (ranks passing TL_OK take no part),
 * returned on every rank with its message in err; TL_OK if no rank failed. g NULL or
 * of size 1: returns st. Collective. */
tl_status tl_ranks_agree(const tl_ranks_t *g, tl_status st, long key, tl_error *err);

#endif
