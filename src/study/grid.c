/* The grid runner: every study's cells (setting x model x seed) trained or reloaded in
 * one loop, judged by the study, then its tables; the work plan behind the time
 * estimates; progress events at every step. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "study/study_internal.h"

int tl_grid_nmodels(const tl_grid_t *g, int setting) {
  return g->setting[setting].own_spec ? 1 : g->c->nmodels;
}

const tl_study_model_t *tl_grid_model(const tl_grid_t *g, int setting, int model) {
  return g->setting[setting].own_spec ? &g->own[setting] : &g->c->models[model];
}

static long cell_index(const tl_grid_t *g, int setting, int model, int seed) {
  return g->base[setting] + (long)model * g->c->seeds + seed;
}

double *tl_grid_vals(const tl_grid_t *g, int setting, int model, int seed) {
  return g->vals + (size_t)cell_index(g, setting, model, seed) * (size_t)g->def->nvals;
}

double *tl_grid_curve(const tl_grid_t *g, int setting, int model, int seed) {
  return g->curves + (size_t)cell_index(g, setting, model, seed) * (size_t)g->c->epochs * TL_CURVE_COLS;
}

/* Settings, their own models and the index of each one's first cell. */
static tl_status layout(tl_grid_t *g, const tl_study_def_t *def, const tl_study_config_t *c,
                        tl_error *err) {
  memset(g, 0, sizeof *g);
  g->def = def;
  g->c = c;
  g->nsettings = def->settings(c, g->setting);
  for (int t = 0; t < g->nsettings; t++) {
    const tl_grid_setting_t *s = &g->setting[t];
    if (s->own_spec) {
      tl_status st = tl_study_model_parse(s->own_spec, c->L, &g->own[t], err);
      if (st) return st;
      snprintf(g->own[t].name, sizeof g->own[t].name, "%s", s->own_name);
    }
    g->base[t] = g->ncells;
    g->ncells += (long)tl_grid_nmodels(g, t) * c->seeds;
  }
  return TL_OK;
}

/* ---- work ---------------------------------------------------------------------------- */

/* Units of drawing one chain of L cells in memory (RSWN included): about 100 us per
 * chain and thread at L = 32 (measured with --threads 1), growing like the L x L
 * products. */
static double draw_units(int L) { return 50.0 * (L / 32.0) * (L / 32.0); }

/* A cell's own costs besides its epochs: writing (or reading) the model file, the
 * curve and the cell file. */
#define CELL_FILES_UNITS 20000.0
/* A figure: one gnuplot run (pngcairo) of about 0.3 s. */
#define FIGURE_UNITS 300000.0

static double train_units(const tl_study_config_t *c, const tl_study_model_t *m) {
  return (double)c->epochs * (double)(c->n_train + c->n_test) * tl_study_cost_us(&m->hp, c->L) +
         CELL_FILES_UNITS;
}

/* An evaluation is a forward pass, about a third of a training step. */
static double judge_units(const tl_study_config_t *c, const tl_study_model_t *m, double chains) {
  return chains * tl_study_cost_us(&m->hp, c->L) / 3.0;
}

static int finished(const tl_study_config_t *c, const char *cells, const char *model, int s) {
  char name[160], path[4400];
  tl_cell_name(model, s, name, sizeof name);
  snprintf(path, sizeof path, "%s/cells/%s/%s.cell", c->out_dir, cells, name);
  struct stat sb;
  return c->resume && stat(path, &sb) == 0;
}

tl_status tl_grid_plan(const tl_study_def_t *def, const tl_study_config_t *c,
                       tl_study_plan_t *plan, tl_error *err) {
  tl_grid_t g;
  tl_status st = layout(&g, def, c, err);
  if (st) return st;
  tl_study_extra_work_t x = {0, 0};
  if (def->extra_work) def->extra_work(c, &x);
  memset(plan, 0, sizeof *plan);
  plan->cells = g.ncells;
  plan->work = x.chains_drawn * draw_units(c->L);
  if (!c->train_only) plan->figures = def->nfigures * FIGURE_UNITS;
  for (int t = 0; t < g.nsettings; t++)
    for (int mi = 0; mi < tl_grid_nmodels(&g, t); mi++)
      for (int s = 0; s < c->seeds; s++) {
        const tl_study_model_t *m = tl_grid_model(&g, t, mi);
        const int done = finished(c, g.setting[t].cells, m->name, s);
        if (c->train_only && (done || !tl_study_owns(c, g.setting[t].cells, m->name, s))) continue;
        if (done) {
          plan->reload++;
          plan->work += CELL_FILES_UNITS / 4;
        } else {
          plan->train++;
          plan->work += train_units(c, m);
        }
        if (!c->train_only) plan->work += judge_units(c, m, x.chains_judged);
      }
  return TL_OK;
}

/* ---- the run --------------------------------------------------------------------------- */

typedef struct {
  const tl_study_hooks_t *h;
  tl_study_event_t ev;
  double epoch_units, cell_base;
} progress_t;

static int emit(progress_t *p) { return p->h && p->h->fn ? p->h->fn(p->h->ctx, &p->ev) : 0; }

static int on_epoch(void *ctx, int epoch, int epochs) {
  progress_t *p = ctx;
  p->ev.epoch = epoch;
  p->ev.epochs = epochs;
  p->ev.work_done = p->cell_base + epoch * p->epoch_units;
  return emit(p);
}

static tl_status interrupted(tl_error *err) {
  return tl_error_set(err, TL_ERR_INTERRUPTED, "interrupted");
}

/* One cell: trained or reloaded, then judged. */
static tl_status run_cell(tl_grid_t *g, const tl_grid_cell_t *cell, progress_t *p,
                          double judged, tl_error *err) {
  const tl_study_config_t *c = g->c;
  const tl_grid_setting_t *set = &g->setting[cell->setting];
  const tl_samples_t *train, *test;
  g->def->sets(g, cell->setting, &train, &test);
  const int reload = finished(c, set->cells, cell->spec->name, cell->seed);
  p->ev.phase = reload ? "reloading" : "training";
  p->ev.epoch = 0;
  p->ev.epochs = reload ? 0 : c->epochs;
  p->epoch_units = (train_units(c, cell->spec) - CELL_FILES_UNITS) / c->epochs;
  p->cell_base = p->ev.work_done;
  if (emit(p)) return interrupted(err);
  tl_model_t *m;
  tl_cell_train_t ct;
  tl_status st = tl_cell_train(c, set->cells, cell->spec, cell->seed, train, test, on_epoch, p,
                               &m, &ct, err);
  if (st) return st;
  if (!m) { /* train_only: another process's cell, or nothing to judge */
    if (!reload && tl_study_owns(c, set->cells, cell->spec->name, cell->seed))
      p->ev.work_done = p->cell_base + train_units(c, cell->spec);
    tl_cell_train_free(&ct);
    return TL_OK;
  }
  p->ev.work_done = p->cell_base + (reload ? CELL_FILES_UNITS / 4 : train_units(c, cell->spec));
  p->ev.phase = "evaluating";
  p->ev.epoch = p->ev.epochs = 0;
  if (emit(p)) st = interrupted(err);
  if (!st)
    st = g->def->judge(g, cell, m, &ct,
                       tl_grid_vals(g, cell->setting, cell->model, cell->seed), err);
  if (!st && g->def->keep_curves)
    memcpy(tl_grid_curve(g, cell->setting, cell->model, cell->seed), ct.curve,
           (size_t)c->epochs * TL_CURVE_COLS * sizeof *ct.curve);
  p->ev.work_done += judge_units(c, cell->spec, judged);
  tl_cell_train_free(&ct);
  tl_model_free(m);
  return st;
}

static tl_status run_cells(tl_grid_t *g, progress_t *p, double judged, tl_error *err) {
  tl_status st = TL_OK;
  for (int t = 0; t < g->nsettings && !st; t++)
    for (int mi = 0; mi < tl_grid_nmodels(g, t) && !st; mi++)
      for (int s = 0; s < g->c->seeds && !st; s++) {
        const tl_grid_cell_t cell = {t, mi, s, tl_grid_model(g, t, mi)};
        p->ev.setting = g->setting[t].name;
        p->ev.model = cell.spec->name;
        p->ev.seed = s;
        p->ev.cell++;
        st = run_cell(g, &cell, p, judged, err);
      }
  p->ev.setting = p->ev.model = NULL;
  return st;
}

tl_status tl_grid_run(const tl_study_def_t *def, const tl_study_config_t *c,
                      const tl_study_hooks_t *h, tl_summary_t *sum, tl_report_section_t *sec,
                      tl_error *err) {
  tl_grid_t g;
  tl_status st = layout(&g, def, c, err);
  if (st) return st;
  tl_study_extra_work_t x = {0, 0};
  if (def->extra_work) def->extra_work(c, &x);
  progress_t p = {h, {0}, 0, 0};
  p.ev.study = def->name;
  p.ev.cells = g.ncells;
  p.ev.seeds = c->seeds;
  p.ev.phase = "drawing chains";
  st = emit(&p) ? interrupted(err) : TL_OK;
  const size_t nv = (size_t)g.ncells * (size_t)def->nvals;
  g.ctx = tl_calloc(1, def->ctx_size ? def->ctx_size : 1);
  g.vals = tl_malloc((nv ? nv : 1) * sizeof *g.vals);
  g.curves = def->keep_curves
                 ? tl_calloc((size_t)g.ncells * c->epochs * TL_CURVE_COLS, sizeof *g.curves)
                 : NULL;
  if (!st && (!g.ctx || !g.vals || (def->keep_curves && !g.curves)))
    st = tl_error_set(err, TL_ERR_NOMEM, "out of memory for the %s grid", def->name);
  for (size_t i = 0; !st && i < nv; i++) g.vals[i] = NAN;
  if (!st) st = def->setup(&g, err);
  p.ev.work_done = x.chains_drawn * draw_units(c->L);
  if (!st) st = run_cells(&g, &p, x.chains_judged, err);
  if (!st && !c->train_only) {
    p.ev.phase = "writing tables";
    if (emit(&p)) st = interrupted(err);
    if (!st) st = def->tables(&g, sum, err);
    if (!st && sec) {
      memset(sec, 0, sizeof *sec);
      sec->name = def->name;
      def->report(&g, sum, sec);
    }
  }
  if (g.ctx) def->cleanup(&g);
  tl_free(g.ctx);
  tl_free(g.vals);
  tl_free(g.curves);
  return st;
}
