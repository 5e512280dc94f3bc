/* The CLI's flag tables, read as data: one flag has one type and one set of bounds in
 * every command (issue 14: --lr, --threads and --batch differed between train and
 * study), every row is complete, `--flag=value` equals `--flag value` for every flag of
 * every command, `--` ends the options, and a library field maps to its flag. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/cli.h"

/* Names whose meaning differs between commands, so their rows may differ:
 * --model is a kind in train and a MODEL.h5 file in eval and prune; --n is the number of
 * chains in generate and the points per axis in phase-diagram. */
static int meaning_differs(const char *name) { return !strcmp(name, "model") || !strcmp(name, "n"); }

/* A path is a path: prune's --data is repeatable (TL_FT_STRS), train's is one file. */
static int kind(const tl_flag_t *r) { return r->type == TL_FT_STRS ? TL_FT_STRING : (int)r->type; }
static int numeric(const tl_flag_t *r) { return kind(r) != TL_FT_STRING && r->type != TL_FT_SWITCH; }

typedef struct {
  const tl_cli_cmd_t *cmd;
  const tl_flag_t *row;
} located;

static int all_rows(located *out, int cap) {
  int n = 0;
  for (int c = 0; c < tl_cli_ncommands; c++)
    for (int g = 0; tl_cli_commands[c]->groups[g].rows; g++)
      for (const tl_flag_t *r = tl_cli_commands[c]->groups[g].rows; r->name; r++)
        if (n < cap) out[n++] = (located){tl_cli_commands[c], r};
  return n;
}

static void same_choices(const tl_flag_t *a, const tl_flag_t *b) {
  if (a->type != TL_FT_CHOICE) return;
  int i = 0;
  for (; a->choices[i].name && b->choices[i].name; i++) assert_string_equal(a->choices[i].name, b->choices[i].name);
  assert_true(!a->choices[i].name && !b->choices[i].name);
}

static void one_flag_one_bound(void **state) {
  (void)state;
  static located rows[1024];
  const int n = all_rows(rows, 1024);
  assert_true(n > 100 && n < 1024);
  int shared = 0;
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++) {
      const tl_flag_t *a = rows[i].row, *b = rows[j].row;
      if (strcmp(a->name, b->name)) continue;
      if (rows[i].cmd == rows[j].cmd) fail_msg("--%s twice in %s", a->name, rows[i].cmd->name);
      if (meaning_differs(a->name)) continue;
      shared++;
      if (kind(a) != kind(b) || (numeric(a) && (a->imin != b->imin || a->imax != b->imax ||
                                                a->dmin != b->dmin || a->dmax != b->dmax)))
        fail_msg("--%s: %s and %s differ (type %d/%d, %lld..%lld / %lld..%lld, %g..%g / %g..%g)",
                 a->name, rows[i].cmd->name, rows[j].cmd->name, a->type, b->type, a->imin, a->imax,
                 b->imin, b->imax, a->dmin, a->dmax, b->dmin, b->dmax);
      same_choices(a, b);
    }
  assert_true(shared > 50); /* the family, study, output and threads rows are shared */
}

/* The flags train and study share, named one by one (the examples among them). */
static void train_and_study_agree(void **state) {
  (void)state;
  const tl_cli_cmd_t *train = tl_cli_command("train"), *study = tl_cli_command("study"),
                     *repro = tl_cli_command("reproduce");
  const char *names[] = {"epochs", "batch", "lr", "seed", "threads"};
  for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
    const tl_flag_t *r[3] = {NULL, NULL, NULL};
    const tl_cli_cmd_t *cmds[3] = {train, study, repro};
    for (int c = 0; c < 3; c++)
      for (int g = 0; cmds[c]->groups[g].rows; g++)
        for (const tl_flag_t *x = cmds[c]->groups[g].rows; x->name; x++)
          if (!strcmp(x->name, names[k])) r[c] = x;
    for (int c = 0; c < 3; c++) {
      assert_non_null(r[c]);
      assert_int_equal(r[c]->type, r[0]->type);
      assert_true(r[c]->imin == r[0]->imin && r[c]->imax == r[0]->imax);
      assert_true(r[c]->dmin == r[0]->dmin && r[c]->dmax == r[0]->dmax);
    }
  }
}

static void rows_complete(void **state) {
  (void)state;
  static located rows[1024];
  const int n = all_rows(rows, 1024);
  for (int i = 0; i < n; i++) {
    const tl_flag_t *r = rows[i].row;
    assert_true(r->help && r->help[0]);
    assert_true((r->type == TL_FT_SWITCH) == (r->metavar == NULL));
    if (r->type == TL_FT_CUSTOM) assert_non_null(r->parse);
    if (r->type == TL_FT_CHOICE) assert_non_null(r->choices);
    if (r->type == TL_FT_INT || r->type == TL_FT_LONG || r->type == TL_FT_U64) assert_true(r->imin <= r->imax);
    if (r->type == TL_FT_DOUBLE || r->type == TL_FT_RANGE || r->type == TL_FT_DLIST) assert_true(r->dmin < r->dmax);
  }
}

/* A value every row accepts. */
static const char *sample(const tl_flag_t *r, char *buf, size_t cap) {
  switch (r->type) {
    case TL_FT_INT: case TL_FT_LONG: case TL_FT_U64: snprintf(buf, cap, "%lld", r->imax); break;
    case TL_FT_DOUBLE: case TL_FT_DLIST: snprintf(buf, cap, "%.17g", r->dmax); break;
    case TL_FT_RANGE: snprintf(buf, cap, "%.17g:%.17g", r->dmin, r->dmax); break;
    case TL_FT_IRANGE: snprintf(buf, cap, "%lld:%lld", r->imin, r->imax); break;
    case TL_FT_CHOICE: snprintf(buf, cap, "%s", r->choices[1].name ? r->choices[1].name : r->choices[0].name); break;
    case TL_FT_STRING: case TL_FT_STRS: snprintf(buf, cap, "some/file-%s", r->name); break;
    case TL_FT_CUSTOM: {
      static const char *const known[][2] = {{"hop", "-1:0.5,0:1,2:0.25"}, {"disorder", "0:1,1:2"},
          {"hop-range", "2:0:1,0:0.5:1"}, {"model", "cnn"}, {"input", "hopping"}, {"hidden", "8,4"},
          {"channels", "3"}, {"act", "tanh"}, {"init", "exact+noise:0.5"}, {"n", "7"}};
      for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (!strcmp(known[i][0], r->name)) return known[i][1];
      fail_msg("no sample value for --%s", r->name);
    }
    case TL_FT_SWITCH: return NULL;
  }
  return buf;
}

/* Every row of every command: "--flag value" and "--flag=value" leave the same value. */
static void both_forms(void **state) {
  (void)state;
  for (int c = 0; c < tl_cli_ncommands; c++) {
    const tl_cli_cmd_t *cmd = tl_cli_commands[c];
    for (int g = 0; cmd->groups[g].rows; g++)
      for (const tl_flag_t *r = cmd->groups[g].rows; r->name; r++) {
        if (r->type == TL_FT_SWITCH) continue;
        char buf[128], flag[64], joined[256], v1[512], v2[512];
        const char *value = sample(r, buf, sizeof buf);
        snprintf(flag, sizeof flag, "--%s", r->name);
        snprintf(joined, sizeof joined, "--%s=%s", r->name, value);
        char *a1[] = {"cmd", flag, (char *)value}, *a2[] = {"cmd", joined};
        char *s1 = calloc(1, cmd->state_size), *s2 = calloc(1, cmd->state_size);
        if (cmd->defaults) cmd->defaults(s1, 0), cmd->defaults(s2, 0);
        tl_cli_parsed_t p1, p2;
        tl_error e = {0};
        if (tl_cli_parse_into(cmd, 3, a1, s1, &p1, &e)) fail_msg("%s %s %s: %s", cmd->name, flag, value, e.msg);
        if (tl_cli_parse_into(cmd, 2, a2, s2, &p2, &e)) fail_msg("%s %s: %s", cmd->name, joined, e.msg);
        assert_true(tl_cli_seen(cmd, &p1, r->name) == 1 && tl_cli_seen(cmd, &p2, r->name) == 1);
        tl_cli_flag_value(r, s1 + cmd->groups[g].base, v1, sizeof v1);
        tl_cli_flag_value(r, s2 + cmd->groups[g].base, v2, sizeof v2);
        if (strcmp(v1, v2)) fail_msg("%s --%s: '%s' and '%s'", cmd->name, r->name, v1, v2);
        free(s1);
        free(s2);
      }
  }
}

/* Out of bounds by one is refused with the flag's name; the bound itself is accepted. */
static void bounds(void **state) {
  (void)state;
  const tl_cli_cmd_t *train = tl_cli_command("train");
  char *s = calloc(1, train->state_size);
  tl_cli_parsed_t p;
  tl_error e = {0};
  train->defaults(s, 0);
  char *ok[] = {"train", "--threads=1024", "--batch", "65536", "--lr=1000", "--epochs", "1000000"};
  assert_int_equal(tl_cli_parse_into(train, 7, ok, s, &p, &e), TL_OK);
  char *over[][2] = {{"--threads", "1025"}, {"--batch", "65537"}, {"--lr", "1000.5"}, {"--epochs", "1000001"}};
  for (int i = 0; i < 4; i++) {
    char *argv[] = {"train", over[i][0], over[i][1]};
    assert_int_equal(tl_cli_parse_into(train, 3, argv, s, &p, &e), TL_ERR_INPUT);
    assert_non_null(strstr(e.msg, over[i][0]));
    assert_non_null(strstr(e.msg, "is out of range"));
  }
  free(s);
}

static void double_dash(void **state) {
  (void)state;
  const tl_cli_cmd_t *study = tl_cli_command("study");
  char *s = calloc(1, study->state_size);
  tl_cli_parsed_t p;
  tl_error e = {0};
  study->defaults(s, 0);
  char *argv[] = {"study", "--seeds=3", "--", "--quick"};
  assert_int_equal(tl_cli_parse_into(study, 4, argv, s, &p, &e), TL_OK);
  assert_int_equal(p.npos, 1);
  assert_string_equal(p.pos[0], "--quick"); /* after --, a positional */
  assert_int_equal(((tl_cli_study_args_t *)s)->quick, 0);
  assert_int_equal(((tl_cli_study_args_t *)s)->c.seeds, 3);
  char *two[] = {"study", "trainability", "--", "size"};
  assert_int_equal(tl_cli_parse_into(study, 4, two, s, &p, &e), TL_ERR_INPUT);
  assert_non_null(strstr(e.msg, "unexpected argument 'size'"));
  char *sw[] = {"study", "--quick=1"};
  assert_int_equal(tl_cli_parse_into(study, 2, sw, s, &p, &e), TL_ERR_INPUT);
  assert_string_equal(e.msg, "--quick takes no value (given '--quick=1')");
  char *unk[] = {"study", "--seedz=3"};
  assert_int_equal(tl_cli_parse_into(study, 2, unk, s, &p, &e), TL_ERR_INPUT);
  assert_string_equal(e.msg, "unknown option '--seedz' (see topolearn study --help)");
  free(s);
}

static void field_to_flag(void **state) {
  (void)state;
  tl_error e = {0};
  tl_error_set(&e, TL_ERR_INPUT, "early_stop = 3 needs a validation split (val_fraction > 0)");
  tl_cli_map_fields(tl_cli_command("train"), &e);
  assert_string_equal(e.msg, "--early-stop: 3 needs a validation split (val_fraction > 0)");
  tl_error_set(&e, TL_ERR_INPUT, "learning_rate = 0 is out of range (expected > 0)");
  tl_cli_map_fields(tl_cli_command("train"), &e);
  assert_string_equal(e.msg, "--lr: 0 is out of range (expected > 0)");
  tl_error_set(&e, TL_ERR_INPUT, "L = 2 is out of range for a study (expected 4..4096)");
  tl_cli_map_fields(tl_cli_command("reproduce"), &e);
  assert_string_equal(e.msg, "--L: 2 is out of range for a study (expected 4..4096)");
  tl_error_set(&e, TL_ERR_INPUT, "data.h5: L = 2 is odd"); /* not a field message */
  tl_cli_map_fields(tl_cli_command("reproduce"), &e);
  assert_string_equal(e.msg, "data.h5: L = 2 is odd");
}

static void escaped(void **state) {
  (void)state;
  char out[256];
  tl_cli_escape("gen\nerate\t\x1b[31m\xff ok \xc3\xa9", out, sizeof out);
  assert_string_equal(out, "gen\\nerate\\t\\x1b[31m\\xff ok \xc3\xa9");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(one_flag_one_bound), cmocka_unit_test(train_and_study_agree),
      cmocka_unit_test(rows_complete),      cmocka_unit_test(both_forms),
      cmocka_unit_test(bounds),             cmocka_unit_test(double_dash),
      cmocka_unit_test(field_to_flag),      cmocka_unit_test(escaped)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
