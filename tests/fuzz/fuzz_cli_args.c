/* libFuzzer harness for the command line: the input, split at newline bytes into at most
 * 24 arguments, is parsed by every command's flag tables (the parser every command runs),
 * then the shared groups' final checks (chain family, model, study); each argument also
 * goes to the text parsers behind flag values (the number lexer, model spec lists, inits,
 * widths, ranges), to the message escaper and, as OMP_NUM_THREADS, to the environment
 * check. Every outcome must be success or one line of error (never a crash, a leak or
 * undefined behaviour). And the two GNU forms must agree: the same arguments with every
 * "--flag value" written as "--flag=value" give the same status and message. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 24

/* A failure must say what is wrong in one line. */
static void check_error(tl_status st, const tl_error *err) {
  if (st && (err->msg[0] == '\0' || strchr(err->msg, '\n'))) __builtin_trap();
}

static void text_parsers(const char *s) {
  tl_error err = {0};
  tl_study_model_t models[TL_STUDY_MAX_MODELS];
  int n = 0, widths[TL_MODEL_MAX_LAYERS];
  check_error(tl_study_models_parse(s, 16, models, &n, &err), &err);
  tl_model_init init;
  double sigma, a, b;
  check_error(tl_model_init_parse(s, &init, &sigma, &err), &err);
  check_error(tl_model_widths_parse(s, &n, widths, &err), &err);
  check_error(tl_cli_range("--fuzz", s, -1e6, 1e6, &a, &b, &err), &err);
  long long v;
  if (tl_parse_int(s, -5, 5, &v) == TL_PARSE_OK && (v < -5 || v > 5)) __builtin_trap();
  if (tl_parse_double(s, -1, 1, &a) == TL_PARSE_OK && !(a >= -1 && a <= 1)) __builtin_trap();
  char safe[4 * 64 + 8];
  tl_cli_escape(s, safe, sizeof safe);
  for (const char *p = safe; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7f) __builtin_trap(); /* one printable line */
  setenv("OMP_NUM_THREADS", s, 1);
  check_error(tl_cli_check_env(&err), &err);
  unsetenv("OMP_NUM_THREADS");
}

/* Is name (after "--") a row of cmd that takes a value? */
static int takes_value(const tl_cli_cmd_t *cmd, const char *name) {
  for (int g = 0; cmd->groups[g].rows; g++)
    for (const tl_flag_t *r = cmd->groups[g].rows; r->name; r++)
      if (!strcmp(r->name, name)) return r->type != TL_FT_SWITCH;
  return 0;
}

/* The groups' final checks on a parsed state. */
static void finish(const tl_cli_cmd_t *cmd, char *state) {
  tl_error err = {0};
  for (int g = 0; cmd->groups[g].rows; g++) {
    void *grp = state + cmd->groups[g].base;
    tl_status st = TL_OK;
    if (cmd->groups[g].rows == tl_cli_family_rows) {
      tl_cli_family_t *cf = grp;
      st = tl_cli_family_finish(cf, &err);
      if (!st && tl_family_validate(&cf->fam, &err)) __builtin_trap();
    } else if (cmd->groups[g].rows == tl_cli_model_rows) {
      tl_model_hyper_t hp;
      st = tl_cli_model_finish(grp, &hp, &err);
    } else if (cmd->groups[g].rows == tl_cli_study_rows) {
      tl_study_config_t *c = grp;
      st = tl_study_config_finish(c, "trainability", &err);
    }
    check_error(st, &err);
  }
}

static void parse_both_forms(const tl_cli_cmd_t *cmd, int argc, char **argv) {
  char *s1 = calloc(1, cmd->state_size), *s2 = calloc(1, cmd->state_size);
  char *joined[MAX_ARGS + 1] = {argv[0]}, *owned[MAX_ARGS] = {0};
  int n2 = 1, nowned = 0;
  bool options_ended = false; /* after "--" every word is positional: nothing to join */
  for (int i = 1; i < argc; i++) { /* "--flag" "value" -> "--flag=value" */
    const char *a = argv[i];
    if (!options_ended && !strcmp(a, "--")) options_ended = true;
    if (!options_ended && i + 1 < argc && a[0] == '-' && a[1] == '-' && !strchr(a, '=') && takes_value(cmd, a + 2)) {
      size_t la = strlen(a), lv = strlen(argv[i + 1]);
      char *j = malloc(la + lv + 2);
      memcpy(j, a, la);
      j[la] = '=';
      memcpy(j + la + 1, argv[i + 1], lv + 1);
      joined[n2++] = owned[nowned++] = j;
      i++;
    } else {
      joined[n2++] = argv[i];
    }
  }
  if (cmd->defaults) cmd->defaults(s1, 0), cmd->defaults(s2, 0);
  tl_cli_parsed_t p1, p2;
  tl_error e1 = {0}, e2 = {0};
  tl_status st1 = tl_cli_parse_into(cmd, argc, argv, s1, &p1, &e1);
  tl_status st2 = tl_cli_parse_into(cmd, n2, joined, s2, &p2, &e2);
  check_error(st1, &e1);
  if (st1 != st2 || (st1 && strcmp(e1.msg, e2.msg)) || p1.help != p2.help || p1.npos != p2.npos)
    __builtin_trap();
  if (!st1 && !p1.help) finish(cmd, s1);
  for (int i = 0; i < nowned; i++) free(owned[i]);
  free(s1);
  free(s2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = '\0'; /* an embedded NUL ends the last argument early: fine */
  char *argv[MAX_ARGS + 1] = {"topolearn"};
  int argc = 1;
  for (char *p = text; argc <= MAX_ARGS;) {
    argv[argc++] = p;
    char *nl = strchr(p, '\n');
    if (!nl) break;
    *nl = '\0';
    p = nl + 1;
  }
  for (int i = 1; i < argc; i++) text_parsers(argv[i]);
  for (int c = 0; c < tl_cli_ncommands; c++) parse_both_forms(tl_cli_commands[c], argc, argv);
  free(text);
  return 0;
}
