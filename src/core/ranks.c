/* Agreement on a failure across ranks (see topolearn/ranks.h). */
#include "topolearn/ranks.h"

#include <string.h>

typedef struct {
  long key;
  tl_error e;
} failure_t;

tl_status tl_ranks_agree(const tl_ranks_t *g, tl_status st, long key, tl_error *err) {
  if (!g || g->size <= 1) return st;
  failure_t mine = {.key = key};
  if (st) {
    if (err) mine.e = *err;
    mine.e.status = st;
  }
  failure_t pick = {0}, *all = NULL;
  int *counts = NULL, *displs = NULL, failed;
  if (g->rank == 0) { /* only the root needs room for everyone's record */
    all = tl_calloc((size_t)g->size, sizeof *all);
    counts = tl_malloc((size_t)g->size * sizeof *counts);
    displs = tl_malloc((size_t)g->size * sizeof *displs);
    for (int r = 0; all && counts && displs && r < g->size; r++) {
      counts[r] = (int)sizeof mine;
      displs[r] = r * (int)sizeof mine;
    }
    if (all) all[0] = mine;
  }
  /* an allocation failure on the root makes its gather fail; MPI then ends the job */
  failed = g->gather(g->ctx, g->rank ? &mine : NULL, (int)sizeof mine,
                     counts && displs ? (void *)all : NULL, counts, displs) != 0;
  for (int r = 0; !failed && g->rank == 0 && r < g->size; r++)
    if (all[r].e.status && (!pick.e.status || all[r].key < pick.key)) pick = all[r];
  if (!failed) failed = g->bcast(g->ctx, &pick, (int)sizeof pick) != 0;
  tl_free(all);
  tl_free(counts);
  tl_free(displs);
  if (failed)
    return tl_error_set(err, TL_ERR_INTERNAL, "rank %d: exchange with the other ranks failed",
                        g->rank);
  if (pick.e.status && err) *err = pick.e;
  return pick.e.status;
}
