/* libFuzzer harness for the command line: the input, split at newline bytes into at most
 * 24 arguments, goes through the flag groups the commands share (chain family, model,
 * study) as a command's flag loop calls them, then through their final checks; each
 * argument also goes to the text parsers behind flag values (model spec lists, inits,
 * widths, ranges) and, as OMP_NUM_THREADS, to the environment check. Every outcome must
 * be success or one line of error (never a crash, a leak or undefined behaviour). */
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
  double sigma;
  check_error(tl_model_init_parse(s, &init, &sigma, &err), &err);
  check_error(tl_model_widths_parse(s, &n, widths, &err), &err);
  double a, b;
  check_error(tl_cli_range("--fuzz", s, -1e6, 1e6, &a, &b, &err), &err);
  setenv("OMP_NUM_THREADS", s, 1);
  check_error(tl_cli_check_env(&err), &err);
  unsetenv("OMP_NUM_THREADS");
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

  tl_error err = {0};
  tl_cli_family_t cf;
  tl_cli_family_init(&cf, 32);
  tl_cli_model_t cm;
  memset(&cm, 0, sizeof cm);
  tl_study_config_t sc;
  if (tl_study_config_default(&sc, "trainability", 1, &err)) __builtin_trap();
  int bad = 0;
  for (int i = 1; i < argc && !bad; i++) {
    int used = tl_cli_family_flag(argc, argv, &i, &cf, &err);
    if (!used) used = tl_cli_model_flag(argc, argv, &i, &cm, &err);
    if (!used) used = tl_cli_study_flag(argc, argv, &i, &sc, &err);
    if (used < 0) {
      check_error(TL_ERR_INPUT, &err);
      bad = 1;
    }
    if (i >= argc) __builtin_trap(); /* a flag consumed a value that is not there */
  }
  if (!bad) {
    tl_status st = tl_cli_family_finish(&cf, &err);
    check_error(st, &err);
    if (!st && tl_family_validate(&cf.fam, &err)) __builtin_trap();
    check_error(tl_cli_model_finish(&cm, &err), &err);
  }
  free(text);
  return 0;
}
