/* Flag values: one parser per type (on the library's lexer, topolearn/parse.h), each
 * failure one line naming the flag, the text and what was expected. */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "cli/cli.h"

tl_status tl_cli_int_n(const char *flag, const char *s, size_t n, long long lo, long long hi,
                       long long *out, tl_error *err) {
  switch (tl_parse_int_n(s, n, lo, hi, out)) {
    case TL_PARSE_OK: return TL_OK;
    case TL_PARSE_RANGE:
      return tl_error_set(err, TL_ERR_INPUT, "%s: %.*s is out of range (expected %lld..%lld)", flag,
                          (int)n, s, lo, hi);
    default:
      return tl_error_set(err, TL_ERR_INPUT, "%s: '%.*s' is not an integer (expected %lld..%lld)",
                          flag, (int)n, s, lo, hi);
  }
}

tl_status tl_cli_double_n(const char *flag, const char *s, size_t n, double lo, double hi,
                          double *out, tl_error *err) {
  switch (tl_parse_double_n(s, n, lo, hi, out)) {
    case TL_PARSE_OK: return TL_OK;
    case TL_PARSE_RANGE:
      return tl_error_set(err, TL_ERR_INPUT, "%s: %.*s is out of range (expected %g..%g)", flag,
                          (int)n, s, lo, hi);
    case TL_PARSE_NONFINITE:
      return tl_error_set(err, TL_ERR_INPUT, "%s: '%.*s' is not finite (expected %g..%g)", flag,
                          (int)n, s, lo, hi);
    default:
      return tl_error_set(err, TL_ERR_INPUT, "%s: '%.*s' is not a number (expected %g..%g)", flag,
                          (int)n, s, lo, hi);
  }
}

tl_status tl_cli_int(const char *flag, const char *text, long lo, long hi, long *out,
                     tl_error *err) {
  long long v;
  tl_status st = tl_cli_int_n(flag, text, strlen(text), lo, hi, &v, err);
  if (!st) *out = (long)v;
  return st;
}

tl_status tl_cli_double(const char *flag, const char *text, double lo, double hi, double *out,
                        tl_error *err) {
  return tl_cli_double_n(flag, text, strlen(text), lo, hi, out, err);
}

/* "a:b": exactly two fields, each a number (integers when ints), a <= b. */
static tl_status parse_pair(const char *flag, const char *text, int ints, double lo, double hi,
                            long long ilo, long long ihi, double ab[2], tl_error *err) {
  if (tl_fields_count(text, strlen(text), ':') != 2)
    return tl_error_set(err, TL_ERR_INPUT, "%s: '%s' is not a range (expected a:b)", flag, text);
  tl_fields_t f = tl_fields(text, ':');
  while (tl_fields_next(&f)) {
    long long v;
    tl_status st = ints ? tl_cli_int_n(flag, f.at, f.len, ilo, ihi, &v, err)
                        : tl_cli_double_n(flag, f.at, f.len, lo, hi, &ab[f.index], err);
    if (st) return st;
    if (ints) ab[f.index] = (double)v;
  }
  if (ab[0] > ab[1])
    return tl_error_set(err, TL_ERR_INPUT, "%s: '%s' has a > b (expected a:b with a <= b)", flag,
                        text);
  return TL_OK;
}

tl_status tl_cli_range(const char *flag, const char *text, double lo, double hi, double *a,
                       double *b, tl_error *err) {
  double ab[2];
  tl_status st = parse_pair(flag, text, 0, lo, hi, 0, 0, ab, err);
  if (!st) *a = ab[0], *b = ab[1];
  return st;
}

/* "x,y,...": at most max numbers, none empty. */
static tl_status parse_list(const char *flag, const char *text, double lo, double hi, int max,
                            double *vals, int *count, tl_error *err) {
  if (tl_fields_count(text, strlen(text), ',') > max)
    return tl_error_set(err, TL_ERR_INPUT, "%s: more than %d values", flag, max);
  tl_fields_t f = tl_fields(text, ',');
  while (tl_fields_next(&f)) {
    if (!f.len)
      return tl_error_set(err, TL_ERR_INPUT, "%s: value %d of '%s' is empty (expected numbers "
                          "separated by commas)", flag, f.index + 1, text);
    tl_status st = tl_cli_double_n(flag, f.at, f.len, lo, hi, &vals[f.index], err);
    if (st) return st;
  }
  *count = f.index + 1;
  return TL_OK;
}

static tl_status parse_choice(const char *flag, const tl_flag_choice_t *c, const char *text,
                              int *out, tl_error *err) {
  for (int i = 0; c[i].name; i++)
    if (!strcmp(c[i].name, text)) return *out = c[i].value, TL_OK;
  char names[256] = "";
  size_t k = 0;
  int shown = 0;
  for (int i = 0; c[i].name; i++) shown += !c[i].alias;
  for (int i = 0, j = 0; c[i].name && k < sizeof names; i++) {
    if (c[i].alias) continue;
    k += (size_t)snprintf(names + k, sizeof names - k, "%s%s", j == 0 ? "" : j + 1 == shown ? " or " : ", ",
                          c[i].name);
    j++;
  }
  return tl_error_set(err, TL_ERR_INPUT, "%s: '%s' is unknown (expected %s)", flag, text, names);
}

tl_status tl_cli_flag_set(const tl_flag_t *row, const char *text, void *group, tl_error *err) {
  char flag[64];
  snprintf(flag, sizeof flag, "--%s", row->name);
  void *dst = (char *)group + row->off;
  long long v;
  tl_status st = TL_OK;
  switch (row->type) {
    case TL_FT_SWITCH: *(int *)dst = 1; break;
    case TL_FT_INT:
    case TL_FT_LONG:
    case TL_FT_U64:
      if ((st = tl_cli_int_n(flag, text, strlen(text), row->imin, row->imax, &v, err))) break;
      if (row->type == TL_FT_INT) *(int *)dst = (int)v;
      else if (row->type == TL_FT_LONG) *(long *)dst = (long)v;
      else *(uint64_t *)dst = (uint64_t)v;
      break;
    case TL_FT_DOUBLE: st = tl_cli_double(flag, text, row->dmin, row->dmax, dst, err); break;
    case TL_FT_RANGE: st = parse_pair(flag, text, 0, row->dmin, row->dmax, 0, 0, dst, err); break;
    case TL_FT_IRANGE: {
      double ab[2];
      if (!(st = parse_pair(flag, text, 1, 0, 0, row->imin, row->imax, ab, err)))
        ((int *)dst)[0] = (int)ab[0], ((int *)dst)[1] = (int)ab[1];
      break;
    }
    case TL_FT_DLIST:
      st = parse_list(flag, text, row->dmin, row->dmax, (int)row->imax, dst,
                      (int *)((char *)group + row->count_off), err);
      break;
    case TL_FT_STRS: {
      int *count = (int *)((char *)group + row->count_off);
      if (*count >= row->imax)
        return tl_error_set(err, TL_ERR_INPUT, "%s: given more than %lld times", flag, row->imax);
      ((const char **)dst)[(*count)++] = text;
      break;
    }
    case TL_FT_CHOICE: st = parse_choice(flag, row->choices, text, dst, err); break;
    case TL_FT_STRING: *(const char **)dst = text; break;
    case TL_FT_CUSTOM: st = row->parse(row, text, group, err); break;
  }
  return st;
}
