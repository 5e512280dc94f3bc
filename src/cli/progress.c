/* Progress bar: redrawn at most 10 times a second, on stderr, only on a terminal. */
#include "cli/progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

double tl_progress_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void tl_progress_init(tl_progress_t *p, const char *what, int quiet) {
  p->enabled = !quiet && isatty(fileno(stderr));
  p->t0 = p->last = tl_progress_now();
  p->what = what;
  p->base = 0;
}

int tl_progress_update(void *ctx, long done, long total) {
  tl_progress_t *p = ctx;
  if (!p->enabled) return 0;
  double now = tl_progress_now();
  if (done < total && now - p->last < 0.1) return 0;
  p->last = now;
  const int width = 30;
  int fill = total > 0 ? (int)((double)done / (double)total * width) : width;
  char bar[64];
  for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '.';
  bar[width] = '\0';
  double el = now - p->t0, rate = el > 0 ? (double)(done - p->base) / el : 0.0;
  double eta = rate > 0 ? (double)(total - done) / rate : 0.0;
  fprintf(stderr, "\r[%s] %3d%% %ld/%ld %s  %.0f/s  ETA %.0fs   ", bar,
          total > 0 ? (int)(100.0 * (double)done / (double)total) : 100, done, total, p->what,
          rate, eta);
  fflush(stderr);
  return 0;
}

void tl_progress_done(tl_progress_t *p) {
  if (p->enabled) fprintf(stderr, "\n");
}
