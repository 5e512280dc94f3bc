/* The number and list lexer (topolearn/parse.h): whole-text syntax, bounds without
 * wrapping or truncation, fields with empty ones kept. Each case is a text a user typed
 * (issue 17: trailing garbage, 63-character truncation, sscanf wrap-around). */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "topolearn/parse.h"

static void integers(void **state) {
  (void)state;
  long long v = -1;
  assert_int_equal(tl_parse_int("42", 0, 100, &v), TL_PARSE_OK);
  assert_int_equal(v, 42);
  assert_int_equal(tl_parse_int("-7", -10, 10, &v), TL_PARSE_OK);
  assert_int_equal(v, -7);
  assert_int_equal(tl_parse_int("+7", -10, 10, &v), TL_PARSE_OK);
  assert_int_equal(v, 7);
  /* leading zeros are a number, however many (the 63-character truncation case) */
  char zeros[200];
  memset(zeros, '0', 150);
  strcpy(zeros + 150, "9999999");
  assert_int_equal(tl_parse_int(zeros, 0, 10000000, &v), TL_PARSE_OK);
  assert_int_equal(v, 9999999);
  assert_int_equal(tl_parse_int(zeros, 0, 1000000, &v), TL_PARSE_RANGE);
  /* no wrap-around: sscanf("%d") read 99999999999 as a wrapped int */
  assert_int_equal(tl_parse_int("99999999999", 1, 2147483647, &v), TL_PARSE_RANGE);
  assert_int_equal(tl_parse_int("9223372036854775807", 0, 0x7fffffffffffffffLL, &v), TL_PARSE_OK);
  assert_true(v == 0x7fffffffffffffffLL);
  assert_int_equal(tl_parse_int("9223372036854775808", 0, 0x7fffffffffffffffLL, &v), TL_PARSE_RANGE);
  assert_int_equal(tl_parse_int("-9223372036854775808", -0x7fffffffffffffffLL - 1, 0, &v), TL_PARSE_OK);
  assert_true(v == -0x7fffffffffffffffLL - 1);
  assert_int_equal(tl_parse_int("123456789012345678901234567890", 0, 10, &v), TL_PARSE_RANGE);
  /* syntax: the whole text, digits only */
  const char *bad[] = {"", "-", "+", " 5", "5 ", "5junk", "0x10", "1e3", "1.0", "--5", "5-", "١"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    v = 77;
    assert_int_equal(tl_parse_int(bad[i], -100, 100, &v), TL_PARSE_SYNTAX);
    assert_int_equal(v, 77); /* untouched */
  }
  /* a long run of digits followed by garbage is syntax, not range */
  assert_int_equal(tl_parse_int("99999999999999999999999x", 0, 10, &v), TL_PARSE_SYNTAX);
  /* counted: the bytes after n are not read */
  assert_int_equal(tl_parse_int_n("12:34", 2, 0, 100, &v), TL_PARSE_OK);
  assert_int_equal(v, 12);
}

static void decimals(void **state) {
  (void)state;
  double x = 0;
  assert_int_equal(tl_parse_double("0.5", 0, 1, &x), TL_PARSE_OK);
  assert_true(x == 0.5);
  assert_int_equal(tl_parse_double("-1e-3", -1, 1, &x), TL_PARSE_OK);
  assert_true(x == -1e-3);
  assert_int_equal(tl_parse_double(".5", 0, 1, &x), TL_PARSE_OK);
  assert_true(x == 0.5);
  assert_int_equal(tl_parse_double("5.", 0, 10, &x), TL_PARSE_OK);
  assert_true(x == 5.0);
  assert_int_equal(tl_parse_double("2E+2", 0, 1000, &x), TL_PARSE_OK);
  assert_true(x == 200.0);
  /* the same value as strtod gives (correct rounding), also past 64 characters */
  char longnum[300] = "0.";
  memset(longnum + 2, '0', 250);
  strcpy(longnum + 252, "15");
  assert_int_equal(tl_parse_double(longnum, 0, 1, &x), TL_PARSE_OK);
  assert_true(x == 1.5e-251);
  /* trailing garbage, blanks, hexadecimal, empty exponents */
  const char *bad[] = {"", ".", "-", "e5", "1e", "1e+", "0.5junk", " 1", "1 ", "0x1p3", "1..2", "1,5", "--1"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    assert_int_equal(tl_parse_double(bad[i], -1e9, 1e9, &x), TL_PARSE_SYNTAX);
  /* non-finite, with the value for callers that keep it (study cell files) */
  assert_int_equal(tl_parse_double("nan", -1, 1, &x), TL_PARSE_NONFINITE);
  assert_true(isnan(x));
  assert_int_equal(tl_parse_double("-Inf", -1, 1, &x), TL_PARSE_NONFINITE);
  assert_true(isinf(x) && x < 0);
  assert_int_equal(tl_parse_double("1e999", -1, 1, &x), TL_PARSE_NONFINITE);
  /* out of range, the value reported */
  assert_int_equal(tl_parse_double("2", 0, 1, &x), TL_PARSE_RANGE);
  assert_true(x == 2.0);
  /* an underflow rounds towards zero, like strtod: then the bounds decide */
  assert_int_equal(tl_parse_double("1e-400", 1e-12, 1, &x), TL_PARSE_RANGE);
  assert_true(x == 0.0);
  /* counted: a field of a longer text */
  assert_int_equal(tl_parse_double_n("0.25:0.75", 4, 0, 1, &x), TL_PARSE_OK);
  assert_true(x == 0.25);
  assert_int_equal(tl_parse_double_n("1e5", 2, 0, 1e9, &x), TL_PARSE_SYNTAX); /* "1e" */
}

static void fields(void **state) {
  (void)state;
  const char *want[] = {"a", "", "bc", ""};
  tl_fields_t f = tl_fields("a,,bc,", ',');
  int n = 0;
  while (tl_fields_next(&f)) {
    assert_int_equal(f.index, n);
    assert_int_equal(f.len, strlen(want[n]));
    assert_memory_equal(f.at, want[n], f.len);
    n++;
  }
  assert_int_equal(n, 4);
  assert_int_equal(tl_fields_count("a,,bc,", 6, ','), 4);
  f = tl_fields("", ',');
  assert_true(tl_fields_next(&f));
  assert_int_equal(f.len, 0);
  assert_false(tl_fields_next(&f));
  assert_int_equal(tl_fields_count("0:1:2", 5, ':'), 3);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(integers), cmocka_unit_test(decimals),
                                     cmocka_unit_test(fields)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
