/* Allocation hook: every library allocation goes through here so a test can make the
 * N-th one fail and check that the out-of-memory path reports TL_ERR_NOMEM and leaks
 * nothing. The counter is atomic because generation allocates from OpenMP threads. */
#include "topolearn/error.h"

#include <stdatomic.h>
#include <stdlib.h>

static atomic_long fail_countdown = 0;

void tl_alloc_fail_after(long n) { atomic_store(&fail_countdown, n); }

static int should_fail(void) {
  long c = atomic_load(&fail_countdown);
  while (c > 0) {
    if (atomic_compare_exchange_weak(&fail_countdown, &c, c - 1)) return c == 1;
  }
  return 0;
}

void *tl_malloc(size_t size) {
  if (should_fail()) return NULL;
  return malloc(size ? size : 1);
}

void *tl_calloc(size_t count, size_t size) {
  if (should_fail()) return NULL;
  return calloc(count ? count : 1, size ? size : 1);
}

void tl_free(void *p) { free(p); }
