/* src/core/failure.h — the one failure a parallel loop reports.
 *
 * Each thread keeps its own first failure (status, message, and the loop index where it
 * happened; -1 for a failure before the loop) and offers it once, after the loop; the
 * lowest index wins. With a schedule that hands out indices in increasing order (static
 * or dynamic), every index below the lowest failing one was processed, so the failure
 * reported is the same whatever the thread count or timing. */
#ifndef TL_CORE_FAILURE_H
#define TL_CORE_FAILURE_H

#include <limits.h>

#include "topolearn/error.h"

typedef struct {
  tl_status status; /* TL_OK: no thread failed */
  long index;
  tl_error err;
} tl_failure_t;

static inline void tl_failure_init(tl_failure_t *f) {
  f->status = TL_OK;
  f->index = LONG_MAX;
  f->err.status = TL_OK;
  f->err.msg[0] = '\0';
}

/* From inside the parallel region (it locks); st TL_OK offers nothing. */
static inline void tl_failure_offer(tl_failure_t *f, tl_status st, long index, const tl_error *e) {
  if (!st) return;
#pragma omp critical(tl_failure)
  if (!f->status || index < f->index) {
    f->status = st;
    f->index = index;
    f->err = *e;
    f->err.status = st;
  }
}

#endif
