/* src/cli/progress.h — a one-line progress bar on stderr, only on a terminal. */
#ifndef TL_CLI_PROGRESS_H
#define TL_CLI_PROGRESS_H

#include <stddef.h>

typedef struct {
  int enabled;   /* stderr is a TTY and --quiet was not given */
  double t0;     /* start, seconds */
  double last;   /* last redraw, seconds */
  const char *what;
  long base;     /* units done before this run (a resume's kept ones): not in the rate */
} tl_progress_t;

void tl_progress_init(tl_progress_t *p, const char *what, int quiet);
/* tl_progress_fn-compatible: ctx is a tl_progress_t; never cancels. */
int tl_progress_update(void *ctx, long done, long total);
/* Draws "[#####.....]  45% text" over the current line of stderr (a terminal). */
void tl_progress_draw(double fraction, const char *text);
/* "45s", "2m05s", "1h02m". */
const char *tl_progress_duration(char *buf, size_t cap, double seconds);
/* Ends the line if a bar was drawn. */
void tl_progress_done(tl_progress_t *p);
/* Monotonic seconds. */
double tl_progress_now(void);

#endif
