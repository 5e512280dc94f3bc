/* Progress of `study` and `reproduce`: what runs (study, model, seed, setting, epoch),
 * how far, and one time estimate — the work still to do (tl_study_plan) over the rate
 * measured so far. Before there is a rate (the first seconds) the reference machine's
 * rate stands in, which is also the estimate printed at the start. On a terminal a bar
 * redrawn in place (the bar of generate and phase-diagram); otherwise one line per cell
 * and per phase, and a line at least every 30 s while a long cell runs. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/progress.h"

/* The rate: the work done over the time taken, with the reference machine's rate
 * (1e6 units per second) counted as if measured for PRIOR_SECONDS, so that the first
 * seconds (set drawing, a first short cell) do not swing the estimate. */
#define PRIOR_SECONDS 5.0
#define LINE_EVERY 30.0      /* non-terminal: the longest silence */

void tl_cli_study_progress_init(tl_cli_study_progress_t *p, const char *cmd, int quiet) {
  memset(p, 0, sizeof *p);
  p->cmd = cmd;
  p->quiet = quiet;
  p->tty = !quiet && isatty(fileno(stderr));
  p->t0 = tl_progress_now();
}

double tl_cli_study_plan(tl_cli_study_progress_t *p, const char *const *names, int n,
                         const tl_study_config_t *cfgs, long *train, long *reload) {
  p->total = p->base = 0;
  p->nplanned = 0;
  *train = *reload = 0;
  for (int k = 0; k < n && k < TL_CLI_MAX_STUDIES; k++) {
    tl_study_plan_t plan;
    tl_error err = {0};
    if (tl_study_plan(names[k], &cfgs[k], &plan, &err)) plan.work = plan.figures = 0;
    p->planned[k] = plan.work + plan.figures;
    p->figures[k] = plan.figures;
    p->total += p->planned[k];
    *train += plan.train;
    *reload += plan.reload;
    p->nplanned++;
  }
  p->t0 = tl_progress_now(); /* the rate counts from here */
  return p->total * 1e-6;    /* units are microseconds of the reference machine */
}

void tl_cli_study_next(tl_cli_study_progress_t *p, int k) {
  if (k >= 0 && k < p->nplanned) p->base += p->planned[k];
}

double tl_cli_study_eta(const tl_cli_study_progress_t *p, double done) {
  const double el = tl_progress_now() - p->t0;
  const double left = p->total > done ? p->total - done : 0;
  const double rate = (done + 1e6 * PRIOR_SECONDS) / (el + PRIOR_SECONDS);
  return left / rate;
}

/* "trainability 18/60: topo:random seed 3/5 (clean chains) training epoch 12/40". */
static void what(const tl_study_event_t *ev, char *buf, size_t cap) {
  int k = snprintf(buf, cap, "%s", ev->study);
  if (ev->model && k >= 0 && (size_t)k < cap)
    k += snprintf(buf + k, cap - (size_t)k, " %ld/%ld: %s seed %d/%d (%s)", ev->cell, ev->cells,
                  ev->model, ev->seed + 1, ev->seeds, ev->setting);
  if (k >= 0 && (size_t)k < cap) k += snprintf(buf + k, cap - (size_t)k, " %s", ev->phase);
  if (!ev->epochs || k < 0 || (size_t)k >= cap) return;
  if (ev->epoch) snprintf(buf + k, cap - (size_t)k, " epoch %d/%d", ev->epoch, ev->epochs);
  else snprintf(buf + k, cap - (size_t)k, " (%d epochs)", ev->epochs);
}

int tl_cli_study_progress(void *ctx, const tl_study_event_t *ev) {
  tl_cli_study_progress_t *p = ctx;
  if (tl_cli_interrupted()) return 1;
  if (p->quiet) return 0;
  const double now = tl_progress_now(), done = p->base + ev->work_done;
  const int new_step = ev->cell != p->last_cell || ev->phase != p->last_phase || ev->study != p->last_study;
  const int draw = p->tty ? new_step || now - p->last_draw >= 0.1
                          : (new_step && strcmp(ev->phase, "evaluating")) || now - p->last_draw >= LINE_EVERY;
  if (!draw) return 0; /* in a log a cell is one line, unless it runs long */
  p->last_draw = now;
  p->last_cell = ev->cell;
  p->last_phase = ev->phase;
  p->last_study = ev->study;
  char text[512], el[32], eta[32];
  what(ev, text, sizeof text);
  tl_progress_duration(el, sizeof el, now - p->t0);
  tl_progress_duration(eta, sizeof eta, tl_cli_study_eta(p, done));
  const double frac = p->total > 0 ? done / p->total : 0;
  if (p->tty) {
    char line[640];
    snprintf(line, sizeof line, "%s | %s, ETA %s", text, el, eta);
    tl_progress_draw(frac, line);
    p->drawn = 1;
  } else {
    fprintf(stderr, "[%s %d%%, %s, ETA %s] %s\n", p->cmd, (int)(100 * (frac < 1 ? frac : 1)), el,
            eta, text);
  }
  return 0;
}

void tl_cli_study_say(tl_cli_study_progress_t *p, const char *text) {
  if (p->quiet) return;
  if (p->drawn) fputc('\n', stderr);
  p->drawn = 0;
  char el[32];
  fprintf(stderr, "[%s, %s] %s\n", p->cmd, tl_progress_duration(el, sizeof el, tl_progress_now() - p->t0), text);
}

void tl_cli_study_progress_end(tl_cli_study_progress_t *p) {
  if (p->drawn) fputc('\n', stderr);
  p->drawn = 0;
}
