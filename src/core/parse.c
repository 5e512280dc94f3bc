/* The one lexer of numbers and separated lists (topolearn/parse.h). strtol/strtod alone
 * accept leading blanks, hexadecimal and a partial parse, and sscanf("%d") wraps on a
 * long value: each caller used to add its own checks, and some forgot one. */
#include "topolearn/parse.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int lower(char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

/* The n bytes at s equal word, ignoring case. */
static int same_word(const char *s, size_t n, const char *word) {
  if (strlen(word) != n) return 0;
  for (size_t i = 0; i < n; i++)
    if (lower(s[i]) != word[i]) return 0;
  return 1;
}

tl_parse_result tl_parse_int_n(const char *s, size_t n, long long lo, long long hi,
                               long long *out) {
  size_t i = 0;
  int neg = 0;
  if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  if (i == n) return TL_PARSE_SYNTAX;
  /* the magnitude in unsigned arithmetic; past 2^63 it is out of every long long bound */
  const unsigned long long limit = (unsigned long long)1 << 63;
  unsigned long long mag = 0;
  int over = 0;
  for (; i < n; i++) {
    if (!is_digit(s[i])) return TL_PARSE_SYNTAX;
    const unsigned d = (unsigned)(s[i] - '0');
    if (mag > (limit - d) / 10) over = 1; /* keep scanning: "12x" with 40 digits is syntax */
    else mag = mag * 10 + d;
  }
  if (over || (!neg && mag == limit)) return TL_PARSE_RANGE;
  const long long v = neg ? (mag == limit ? (long long)(-(long long)(limit - 1) - 1)
                                          : -(long long)mag)
                          : (long long)mag;
  if (v < lo || v > hi) return TL_PARSE_RANGE;
  *out = v;
  return TL_PARSE_OK;
}

/* [+-]digits[.digits][e[+-]digits] with at least one mantissa digit, exactly n bytes. */
static int decimal_syntax(const char *s, size_t n) {
  size_t i = 0, digits = 0;
  if (i < n && (s[i] == '+' || s[i] == '-')) i++;
  for (; i < n && is_digit(s[i]); i++) digits++;
  if (i < n && s[i] == '.')
    for (i++; i < n && is_digit(s[i]); i++) digits++;
  if (!digits) return 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    size_t exp_digits = 0;
    for (; i < n && is_digit(s[i]); i++) exp_digits++;
    if (!exp_digits) return 0;
  }
  return i == n;
}

tl_parse_result tl_parse_double_n(const char *s, size_t n, double lo, double hi, double *out) {
  const size_t sign = n > 0 && (s[0] == '+' || s[0] == '-');
  if (same_word(s + sign, n - sign, "nan")) return *out = NAN, TL_PARSE_NONFINITE;
  if (same_word(s + sign, n - sign, "inf") || same_word(s + sign, n - sign, "infinity"))
    return *out = s[0] == '-' ? -INFINITY : INFINITY, TL_PARSE_NONFINITE;
  if (!decimal_syntax(s, n)) return TL_PARSE_SYNTAX;
  /* strtod reads a NUL-terminated copy: a field of a longer text ends where the next
   * byte might continue the number, and that byte need not be readable */
  char small[64], *copy = n < sizeof small ? small : malloc(n + 1);
  if (!copy) return TL_PARSE_SYNTAX;
  memcpy(copy, s, n);
  copy[n] = '\0';
  const char *text = copy;
  const double v = strtod(text, NULL);
  if (copy != small) free(copy);
  *out = v;
  if (!isfinite(v)) return TL_PARSE_NONFINITE;
  return v >= lo && v <= hi ? TL_PARSE_OK : TL_PARSE_RANGE;
}

tl_parse_result tl_parse_int(const char *s, long long lo, long long hi, long long *out) {
  return tl_parse_int_n(s, strlen(s), lo, hi, out);
}

tl_parse_result tl_parse_double(const char *s, double lo, double hi, double *out) {
  return tl_parse_double_n(s, strlen(s), lo, hi, out);
}

tl_fields_t tl_fields_n(const char *s, size_t n, char sep) {
  tl_fields_t f;
  memset(&f, 0, sizeof f);
  f.index = -1;
  f.next_ = s;
  f.end_ = s + n;
  f.sep_ = sep;
  return f;
}

tl_fields_t tl_fields(const char *text, char sep) { return tl_fields_n(text, strlen(text), sep); }

int tl_fields_next(tl_fields_t *f) {
  if (!f->next_) return 0; /* the last field was returned */
  const char *b = f->next_;
  const char *e = memchr(b, f->sep_, (size_t)(f->end_ - b));
  f->at = b;
  f->len = (size_t)((e ? e : f->end_) - b);
  f->next_ = e ? e + 1 : NULL;
  f->index++;
  return 1;
}

int tl_fields_count(const char *s, size_t n, char sep) {
  int k = 1;
  for (size_t i = 0; i < n; i++) k += s[i] == sep;
  return k;
}
