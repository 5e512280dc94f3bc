/* bench_rswn_scaling — time of the windowed RSWN vs L (10^3 .. 10^6 cells) and of the
 * full computation up to where it is affordable, away from the transition
 * ((v, w, D) = (0.5, 1, 1)) and near it ((0.9, 1, 1)); fits the exponent of time vs L
 * from 10^4 upwards. Prints; never asserts.
 *   usage: bench_rswn_scaling [max_L] [full_max_L] */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench_util.h"
#include "topolearn.h"

static tl_chain_t *chain(int L, double v, double w, double D) {
  tl_family_t f;
  tl_family_ssh(&f, L, v, w);
  f.disorder[0] = f.disorder[1] = D;
  tl_rng_t rng;
  tl_rng_init(&rng, 2026, 0);
  tl_chain_t *c;
  tl_error err = {0};
  if (tl_chain_build(&c, &f, &rng, &err)) {
    fprintf(stderr, "%s\n", err.msg);
    exit(1);
  }
  return c;
}

int main(int argc, char **argv) {
  long max_L = argc > 1 ? atol(argv[1]) : 1000000;
  long full_max = argc > 2 ? atol(argv[2]) : 4000;
  const double cases[2][3] = {{0.5, 1.0, 1.0}, {0.9, 1.0, 1.0}};
  printf("# windowed RSWN scaling, %d OpenMP threads\n", omp_get_max_threads());
  printf("%-10s %-14s %12s %12s %10s %10s %12s %8s\n", "L", "(v,w,D)", "window[s]", "full[s]",
         "full/win", "W_error", "|dW| vs full", "buffer");
  for (int k = 0; k < 2; k++) {
    double lx[16], ly[16];
    int nfit = 0;
    for (long L = 1000; L <= max_L; L *= 10) {
      for (int half = 0; half < 2; half++) {
        long Lh = half ? 3 * L : L;
        if (Lh > max_L) break;
        tl_chain_t *c = chain((int)Lh, cases[k][0], cases[k][1], cases[k][2]);
        tl_rswn_opts_t o;
        tl_rswn_opts_default(&o);
        tl_window_opts_t wo;
        tl_window_opts_default(&wo);
        tl_window_result_t wr;
        tl_error err = {0};
        double t0 = now();
        if (tl_rswn_windowed(c, &o, &wo, &wr, NULL, &err)) {
          fprintf(stderr, "%s\n", err.msg);
          return 1;
        }
        double tw = now() - t0, tf = NAN, dW = NAN;
        if (Lh <= full_max) {
          tl_rswn_t r;
          t0 = now();
          if (tl_rswn(c, &o, &r, NULL, &err)) return 1;
          tf = now() - t0;
          dW = fabs(r.W - wr.rswn.W);
        }
        printf("%-10ld (%.1f,%.1f,%.1f)  %12.4f %12.4f %10.1f %10.2g %12.2g %8d\n", Lh,
               cases[k][0], cases[k][1], cases[k][2], tw, tf, tf / tw, wr.W_error, dW,
               wr.buffer_max);
        fflush(stdout);
        if (Lh >= 10000 && nfit < 16) {
          lx[nfit] = log((double)Lh);
          ly[nfit] = log(tw);
          nfit++;
        }
        tl_chain_free(c);
      }
    }
    if (nfit >= 2) { /* least-squares slope of log t vs log L */
      double mx = 0, my = 0, sxx = 0, sxy = 0;
      for (int i = 0; i < nfit; i++) mx += lx[i] / nfit, my += ly[i] / nfit;
      for (int i = 0; i < nfit; i++) sxx += (lx[i] - mx) * (lx[i] - mx), sxy += (lx[i] - mx) * (ly[i] - my);
      printf("# (v,w,D) = (%.1f,%.1f,%.1f): time ~ L^%.3f over L >= 10^4 (%d sizes)\n",
             cases[k][0], cases[k][1], cases[k][2], sxy / sxx, nfit);
    }
  }
  return 0;
}
