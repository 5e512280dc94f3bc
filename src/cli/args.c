/* Flag-value parsing with one-line errors naming the flag, the text and the range. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int tl_cli_fail(const char *cmd, const tl_error *err) {
  fprintf(stderr, "topolearn %s: %s\n", cmd, err->msg[0] ? err->msg : tl_status_name(err->status));
  return tl_status_exit_code(err->status);
}

const char *tl_cli_value(int argc, char **argv, int *i, tl_error *err) {
  if (*i + 1 >= argc) {
    tl_error_set(err, TL_ERR_INPUT, "%s needs a value", argv[*i]);
    return NULL;
  }
  return argv[++*i];
}

tl_status tl_cli_int_arg(int argc, char **argv, int *i, long lo, long hi, long *out,
                         tl_error *err) {
  const char *flag = argv[*i], *v = tl_cli_value(argc, argv, i, err);
  return v ? tl_cli_int(flag, v, lo, hi, out, err) : TL_ERR_INPUT;
}

tl_status tl_cli_double_arg(int argc, char **argv, int *i, double lo, double hi, double *out,
                            tl_error *err) {
  const char *flag = argv[*i], *v = tl_cli_value(argc, argv, i, err);
  return v ? tl_cli_double(flag, v, lo, hi, out, err) : TL_ERR_INPUT;
}

tl_status tl_cli_range_arg(int argc, char **argv, int *i, double lo, double hi, double *a,
                           double *b, tl_error *err) {
  const char *flag = argv[*i], *v = tl_cli_value(argc, argv, i, err);
  return v ? tl_cli_range(flag, v, lo, hi, a, b, err) : TL_ERR_INPUT;
}

tl_status tl_cli_int(const char *flag, const char *text, long lo, long hi, long *out,
                     tl_error *err) {
  char *end;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (end == text || *end != '\0' || errno == ERANGE)
    return tl_error_set(err, TL_ERR_INPUT, "%s: '%s' is not an integer (expected %ld..%ld)",
                        flag, text, lo, hi);
  if (v < lo || v > hi)
    return tl_error_set(err, TL_ERR_INPUT, "%s: %ld is out of range (expected %ld..%ld)",
                        flag, v, lo, hi);
  *out = v;
  return TL_OK;
}

tl_status tl_cli_double(const char *flag, const char *text, double lo, double hi,
                        double *out, tl_error *err) {
  char *end;
  errno = 0;
  double v = strtod(text, &end);
  if (end == text || *end != '\0' || errno == ERANGE)
    return tl_error_set(err, TL_ERR_INPUT, "%s: '%s' is not a number (expected %g..%g)", flag,
                        text, lo, hi);
  if (!isfinite(v))
    return tl_error_set(err, TL_ERR_INPUT, "%s: '%s' is not finite (expected %g..%g)", flag,
                        text, lo, hi);
  if (v < lo || v > hi)
    return tl_error_set(err, TL_ERR_INPUT, "%s: %g is out of range (expected %g..%g)", flag, v,
                        lo, hi);
  *out = v;
  return TL_OK;
}

tl_status tl_cli_range(const char *flag, const char *text, double lo, double hi,
                       double *a, double *b, tl_error *err) {
  const char *colon = strchr(text, ':');
  if (!colon)
    return tl_error_set(err, TL_ERR_INPUT, "%s: '%s' is not a range (expected a:b)", flag, text);
  char first[64];
  size_t n = (size_t)(colon - text);
  if (n >= sizeof first) n = sizeof first - 1;
  memcpy(first, text, n);
  first[n] = '\0';
  tl_status st = tl_cli_double(flag, first, lo, hi, a, err);
  if (st) return st;
  st = tl_cli_double(flag, colon + 1, lo, hi, b, err);
  if (st) return st;
  if (*a > *b)
    return tl_error_set(err, TL_ERR_INPUT, "%s: '%s' has a > b (expected a:b with a <= b)", flag,
                        text);
  return TL_OK;
}

/* OMP_NUM_THREADS is read by the OpenMP runtime, which warns about a bad value and then
 * uses every core: a user who asked for a thread count would silently not get it. The
 * OpenMP syntax is a comma-separated list of positive integers (one per nesting level). */
tl_status tl_cli_check_env(tl_error *err) {
  const char *v = getenv("OMP_NUM_THREADS");
  if (!v) return TL_OK;
  const char *p = v;
  for (;;) { /* one level: blanks, a positive integer, blanks; then ',' or the end */
    while (*p == ' ' || *p == '\t') p++;
    char *end;
    errno = 0;
    long n = strtol(p, &end, 10);
    if (end == p || errno || n < 1) break;
    for (p = end; *p == ' ' || *p == '\t';) p++;
    if (*p == '\0') return TL_OK;
    if (*p++ != ',') break;
  }
  return tl_error_set(err, TL_ERR_INPUT, "OMP_NUM_THREADS='%s' is not a thread count (expected "
                      "a positive integer such as 2, or unset it to use every core)", v);
}

void tl_cli_join_command(int argc, char **argv, char *out, size_t cap) {
  size_t k = (size_t)snprintf(out, cap, "topolearn");
  for (int i = 0; i < argc && k < cap; i++) {
    const char *q = strpbrk(argv[i], " \t'\"") ? "'" : "";
    k += (size_t)snprintf(out + k, cap - k, " %s%s%s", q, argv[i], q);
  }
}

