/* tests/check.h — tolerance tiers, named once. Each use says why its tier applies. */
#ifndef TL_TESTS_CHECK_H
#define TL_TESTS_CHECK_H

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* Round-off of an O(L^3) dense decomposition in double: N * eps with N ~ L. */
#define TOL_ROUNDOFF(L) (64.0 * (double)(L) * DBL_EPSILON)
/* Identities SPEC 1.4 promises "to round-off": 1e-10 in double. */
#define TOL_IDENTITY 1e-10
/* Integer-valued invariants of gapped clean chains at finite L: exponentially close
 * to an integer; 1e-6 leaves room for L as small as 8 at moderate gaps. */
#define TOL_WINDING_CLEAN 1e-6
/* Central differences with h = cbrt(eps): truncation + round-off ~ eps^(2/3) ~ 4e-11
 * relative; 1e-7 on signed values (STYLE). */
#define TOL_FD_DOUBLE 1e-7

/* ---- nn (tests/test_nn_*.c) ---- */
/* float32 against double on the same (float-representable) inputs: a float reduction
 * of depth n errs by at most gamma_n = n u / (1 - n u) times the sum of the absolute
 * terms (Higham, Accuracy and Stability, 3.1), u = FLT_EPSILON / 2. We use n * eps,
 * twice n u, times that absolute sum, which each test computes by running the double
 * op on absolute values. */
#define TOL_F32_SUM(n) ((double)(n) * (double)FLT_EPSILON)
/* Central differences in float along one direction, h = cbrt(FLT_EPSILON) ~ 5e-3:
 * truncation and round-off both ~ FLT_EPSILON^(2/3) ~ 2.5e-5 relative for O(1) losses
 * and curvatures; 1e-3 on the signed value leaves 40x headroom and still rejects a
 * wrong sign or a factor error (each tests the sign explicitly as well). */
#define TOL_FD_FLOAT 1e-3
/* Optimiser arithmetic done in float, compared with the same formula in double: a
 * handful of float operations per step, each within u; 8 eps relative covers them. */
#define TOL_F32_STEP (8.0 * (double)FLT_EPSILON)

/* Fails with a message naming the check, the index and both values. */
#define assert_close(what, idx, got, want, tol)                                         \
  do {                                                                                  \
    double g_ = (got), w_ = (want), t_ = (tol);                                         \
    if (!(fabs(g_ - w_) <= t_)) {                                                       \
      fail_msg("%s [%ld]: got %.17g, want %.17g (|diff| %.3g > tol %.3g)", (what),      \
               (long)(idx), g_, w_, fabs(g_ - w_), t_);                                 \
    }                                                                                   \
  } while (0)

#endif
