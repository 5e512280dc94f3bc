/* topolearn/parse.h — the one lexer of numbers and lists in text given by a user: flag
 * values, model specs, hoppings files, study cell files and environment variables all
 * go through it, so each accepts the same syntax and none truncates or skips a check.
 *
 * A number is the whole text or the whole field, nothing before or after it: no blanks,
 * no trailing garbage ("0.5junk"), no hexadecimal. Integers are [+-]digits and are
 * checked against their bounds without wrapping, however long ("99999999999" is out of
 * range, not a wrapped int). Decimals are [+-]digits[.digits][e[+-]digits] (a leading
 * or trailing '.' allowed, as in C); "inf" and "nan" are recognised so that the caller
 * can say "is not finite" rather than "is not a number". Fields are counted strings: a
 * long field is parsed whole, never copied into a fixed buffer. The callers write the
 * one-line message with their own context (flag, file:line:column, attribute). */
#ifndef TOPOLEARN_PARSE_H
#define TOPOLEARN_PARSE_H

#include <stddef.h>

typedef enum {
  TL_PARSE_OK = 0,
  TL_PARSE_SYNTAX,    /* not a number of the kind asked for */
  TL_PARSE_RANGE,     /* a number outside lo..hi (or beyond what the type holds) */
  TL_PARSE_NONFINITE  /* decimals only: nan, inf, or an overflow such as 1e999 */
} tl_parse_result;

/* The n bytes at s as an integer in lo..hi. *out is written only on TL_PARSE_OK. */
tl_parse_result tl_parse_int_n(const char *s, size_t n, long long lo, long long hi,
                               long long *out);
/* The n bytes at s as a finite decimal in lo..hi (an underflow rounds towards 0, as
 * strtod does). *out is written unless TL_PARSE_SYNTAX (nan, +-inf for NONFINITE). */
tl_parse_result tl_parse_double_n(const char *s, size_t n, double lo, double hi, double *out);

/* The same on a whole NUL-terminated string. */
tl_parse_result tl_parse_int(const char *s, long long lo, long long hi, long long *out);
tl_parse_result tl_parse_double(const char *s, double lo, double hi, double *out);

/* Fields of a separated list, empty ones included ("a,,b" has three fields, "" has one
 * empty field): a caller refuses an empty field instead of skipping it silently.
 *   tl_fields_t f = tl_fields(text, ',');
 *   while (tl_fields_next(&f)) use(f.at, f.len);                                      */
typedef struct {
  const char *at; /* the current field (not NUL-terminated) */
  size_t len;
  int index;      /* 0 for the first field */
  const char *next_, *end_;
  char sep_;
} tl_fields_t;

tl_fields_t tl_fields(const char *text, char sep);
tl_fields_t tl_fields_n(const char *s, size_t n, char sep);
int tl_fields_next(tl_fields_t *f);

/* Number of fields text would give (one more than the separators in it). */
int tl_fields_count(const char *s, size_t n, char sep);

#endif
