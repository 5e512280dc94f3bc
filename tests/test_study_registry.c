/* The study registry: every registered study runs through the one grid runner on a tiny
 * configuration, and every claim of its report section finds each summary key it asks
 * for (a key the report asks for and no study wrote fails here, naming the key). The
 * work plan agrees with what the run reports, and a resumed run reloads every cell.
 * A study added to the registry is tested here without an edit. */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "study/study_internal.h"

static char dir[] = "/tmp/tl-study-registry-XXXXXX";

/* A tiny configuration of study `name` writing under dir/<sub>. */
static void tiny(tl_study_config_t *c, const char *name, const char *sub, const char *models,
                 char *out, size_t cap) {
  tl_error err = {0};
  assert_int_equal(tl_study_config_default(c, name, 1, &err), TL_OK);
  c->L = 8;
  c->n_train = 96;
  c->n_test = 64;
  c->epochs = 2;
  c->seeds = 2;
  c->nsweep = 2;
  c->sweep[0] = 0, c->sweep[1] = 2;
  c->edge_cells = 1; /* a cnn at L = 8 pools to 2 cells */
  c->threads = 1;
  c->models_text = models;
  snprintf(out, cap, "%s/%s", dir, sub);
  c->out_dir = out;
  assert_int_equal(tl_study_config_finish(c, name, &err), TL_OK);
}

/* Progress: cells counted up to the grid's, work never decreasing. */
typedef struct {
  long cells, last_cell;
  double work;
  int events, decreased, training;
} events_t;

static int on_event(void *ctx, const tl_study_event_t *ev) {
  events_t *e = ctx;
  e->events++;
  e->cells = ev->cells;
  e->last_cell = ev->cell;
  e->decreased |= ev->work_done < e->work;
  e->work = ev->work_done;
  if (ev->model && !strcmp(ev->phase, "training") && ev->epoch == 0) { /* a cell starts */
    e->training++;
    assert_non_null(ev->setting);
    assert_true(ev->seed >= 0 && ev->seed < ev->seeds);
  }
  return 0;
}

static void test_registry(void **state) {
  (void)state;
  assert_true(tl_study_count() >= 5);
  for (int i = 0; i < tl_study_count(); i++) {
    const tl_study_def_t *d = tl_study_def_at(i);
    assert_non_null(d->name);
    assert_ptr_equal(tl_study_def_find(d->name), d);
    assert_string_equal(tl_study_name_at(i), d->name);
    assert_non_null(strstr(tl_study_list(), d->name));
    assert_non_null(d->about);
    assert_non_null(d->default_models);
    assert_true(d->settings && d->setup && d->cleanup && d->sets && d->judge && d->tables && d->report);
    for (int k = 0; k < i; k++) assert_string_not_equal(tl_study_name_at(k), d->name);
  }
  tl_study_config_t c;
  tl_error err = {0};
  assert_int_equal(tl_study_config_default(&c, "bogus", 0, &err), TL_ERR_INPUT);
  assert_non_null(strstr(err.msg, "unknown study 'bogus'"));
  assert_non_null(strstr(err.msg, tl_study_list()));
}

/* Every study, its defaults: tables, summary, a section whose claims all found their
 * keys, a plan that matches the run, and a resume that reloads every cell. */
static void test_every_study(void **state) {
  (void)state;
  tl_summary_t *sum = calloc(1, sizeof *sum);
  tl_report_section_t *sec = calloc(1, sizeof *sec);
  assert_non_null(sum);
  assert_non_null(sec);
  for (int i = 0; i < tl_study_count(); i++) {
    const char *name = tl_study_name_at(i);
    tl_study_config_t c;
    char out[512];
    tiny(&c, name, name, NULL, out, sizeof out);
    tl_study_plan_t plan;
    tl_error err = {0};
    assert_int_equal(tl_study_plan(name, &c, &plan, &err), TL_OK);
    assert_int_equal(plan.train, plan.cells);
    assert_int_equal(plan.reload, 0);
    events_t ev = {0};
    tl_study_hooks_t h = {on_event, &ev};
    const int before = sum->n;
    if (tl_study_run(name, &c, &h, sum, sec, &err)) fail_msg("%s: %s", name, err.msg);
    assert_true(sum->n > before);
    assert_int_equal(ev.cells, plan.cells);
    assert_int_equal(ev.last_cell, plan.cells);
    assert_int_equal(ev.training, plan.cells);
    assert_false(ev.decreased);
    /* the run's last count of work is the plan's total (both sum the same units) */
    assert_close("work done / planned", i, ev.work / plan.work, 1.0, 1e-9);
    assert_string_equal(sec->name, name);
    assert_non_null(sec->title);
    for (int k = 0; k < sec->nclaims; k++) {
      const tl_report_claim_t *cl = &sec->claim[k];
      if (cl->missing[0]) fail_msg("%s: claim %s asked for keys no study wrote: %s", name, cl->id, cl->missing);
      assert_int_not_equal(cl->verdict, TL_VERDICT_NOT_MEASURED);
      assert_true(cl->measured[0] && cl->rule && cl->claim);
    }
    for (int t = 0; t < sec->ntables; t++) {
      char path[1024];
      snprintf(path, sizeof path, "%s/data/%s", out, sec->table[t].csv);
      if (access(path, R_OK)) fail_msg("%s: table %s was not written", name, path);
    }
    c.resume = 1; /* every cell is on disk: a resumed run trains none */
    assert_int_equal(tl_study_plan(name, &c, &plan, &err), TL_OK);
    assert_int_equal(plan.train, 0);
    assert_int_equal(plan.reload, plan.cells);
  }
  free(sum);
  free(sec);
}

/* A claim whose model was left out says which key it missed: never silently. */
static void test_missing_key_is_named(void **state) {
  (void)state;
  tl_study_config_t c;
  char out[512];
  tiny(&c, "trainability", "missing", "topo:exact,mlp:eigvec", out, sizeof out);
  tl_summary_t *sum = calloc(1, sizeof *sum);
  tl_report_section_t *sec = calloc(1, sizeof *sec);
  tl_error err = {0};
  assert_int_equal(tl_study_run("trainability", &c, NULL, sum, sec, &err), TL_OK);
  int seen = 0;
  for (int k = 0; k < sec->nclaims; k++)
    if (!strcmp(sec->claim[k].id, "C2")) {
      seen = 1;
      assert_non_null(strstr(sec->claim[k].missing, "trainability/topo:random/learned_fraction"));
    }
  assert_true(seen);
  free(sum);
  free(sec);
}

static int setup(void **state) {
  (void)state;
  return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_registry),
      cmocka_unit_test(test_every_study),
      cmocka_unit_test(test_missing_key_is_named),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
