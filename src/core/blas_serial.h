/* src/core/blas_serial.h — run the BLAS/LAPACK calls of one stretch of code on one thread.
 *
 * Why: OpenBLAS's threaded products split their sums differently from its 1-thread
 * products, so a result computed with a threaded BLAS changes in the last bits with the
 * thread count, and SPEC 6 wants results independent of it. Wherever a result must not
 * depend on the thread count (one chain's decomposition, topo's per-sample products), the
 * BLAS runs on one thread and the parallelism is ours, over chains, blocks or samples.
 *
 * How: the project links OpenBLAS's OpenMP build (scripts/install-deps.sh), which reads
 * omp_get_max_threads() at every call. omp_set_num_threads changes that value for the
 * calling task only, so concurrent tasks keep their own setting — unlike
 * openblas_set_num_threads, which is process-wide in the pthread build. Inside an active
 * parallel region OpenBLAS is serial already; a region of one thread is not "active",
 * which is why the generator's loop needs this too. */
#ifndef TL_CORE_BLAS_SERIAL_H
#define TL_CORE_BLAS_SERIAL_H

#include <omp.h>

/* Returns the caller's setting, to hand back to tl_blas_serial_end. */
static inline int tl_blas_serial_begin(void) {
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  return saved;
}

static inline void tl_blas_serial_end(int saved) { omp_set_num_threads(saved); }

#endif
