/* Progress bar: redrawn at most 10 times a second, on stderr, only on a terminal. */
#include "cli/progress.h"

#include <stdio.h>
#include <sys/ioctl.h>
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

const char *tl_progress_duration(char *buf, size_t cap, double s) {
  const long t = s > 0 && s < 1e9 ? (long)(s + 0.5) : 0;
  if (t >= 3600) snprintf(buf, cap, "%ldh%02ldm", t / 3600, t / 60 % 60);
  else if (t >= 60) snprintf(buf, cap, "%ldm%02lds", t / 60, t % 60);
  else snprintf(buf, cap, "%lds", t);
  return buf;
}

void tl_progress_draw(double fraction, const char *text) {
  const int width = 30;
  fraction = fraction < 0 ? 0 : fraction > 1 ? 1 : fraction;
  const int fill = (int)(fraction * width);
  char bar[64];
  for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '.';
  bar[width] = '\0';
  /* one terminal line, or the next redraw would start below it: cut the text to fit */
  struct winsize ws;
  const int cols = ioctl(fileno(stderr), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 40 ? ws.ws_col : 80;
  /* \033[K clears what a longer line left behind */
  fprintf(stderr, "\r[%s] %3d%% %.*s\033[K", bar, (int)(100.0 * fraction), cols - width - 9, text);
  fflush(stderr);
}

int tl_progress_update(void *ctx, long done, long total) {
  tl_progress_t *p = ctx;
  if (!p->enabled) return 0;
  double now = tl_progress_now();
  if (done < total && now - p->last < 0.1) return 0;
  p->last = now;
  double el = now - p->t0, rate = el > 0 ? (double)(done - p->base) / el : 0.0;
  double eta = rate > 0 ? (double)(total - done) / rate : 0.0;
  char text[256], d[32];
  snprintf(text, sizeof text, "%ld/%ld %s  %.0f/s  ETA %s", done, total, p->what, rate,
           tl_progress_duration(d, sizeof d, eta));
  tl_progress_draw(total > 0 ? (double)done / (double)total : 1.0, text);
  return 0;
}

void tl_progress_done(tl_progress_t *p) {
  if (p->enabled) fprintf(stderr, "\n");
}
