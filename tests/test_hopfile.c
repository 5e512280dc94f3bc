/* Hoppings CSV parser: the documented format round-trips into the chain, and every
 * malformation is rejected with a message naming the line and column. */
#include "check.h"
#include "topolearn/hopfile.h"

static tl_status parse(const char *text, tl_chain_t **c, tl_error *err) {
  return tl_hopfile_parse_csv(text, strlen(text), "mem.csv", TL_OBC, c, err);
}

static void test_valid(void **state) {
  (void)state;
  tl_chain_t *c;
  tl_error err = {0};
  const char *text = "# a comment\n t_-1 , t_0,t_1\r\n0.1,0.5,1.0\n\n0.2,0.6,1.1\n0.3,0.7,1.2\n";
  assert_int_equal(parse(text, &c, &err), TL_OK);
  assert_int_equal(c->L, 3);
  assert_int_equal(c->r_min, -1);
  assert_int_equal(c->r_max, 1);
  assert_null(c->onsite);
  assert_true(c->t[0] == 0.0);         /* B_0 -> A_{-1} leaves the open chain */
  assert_true(c->t[1] == 0.5 && c->t[2] == 1.0 && c->t[3] == 0.2);
  assert_true(c->t[8] == 0.0);         /* B_2 -> A_3 leaves the open chain */
  tl_chain_free(c);
  assert_int_equal(parse("t_0,t_1,eps_A,eps_B\n1,2,0.1,-0.1\n", &c, &err), TL_OK);
  assert_non_null(c->onsite);
  assert_true(c->onsite[0] == 0.1 && c->onsite[1] == -0.1);
  tl_chain_free(c);
}

static void expect_error(const char *text, const char *needle) {
  tl_chain_t *c = (tl_chain_t *)0x1;
  tl_error err = {0};
  tl_status st = parse(text, &c, &err);
  if (st != TL_ERR_INPUT) fail_msg("'%s': status %d, expected bad input", text, (int)st);
  assert_null(c);
  if (!strstr(err.msg, needle)) fail_msg("'%s': message '%s' lacks '%s'", text, err.msg, needle);
  assert_null(strchr(err.msg, '\n'));
}

static void test_malformed(void **state) {
  (void)state;
  expect_error("", "no header");
  expect_error("# only a comment\n", "no header");
  expect_error("t_0,t_1\n", "no cells");
  expect_error("t_0,t_1\n1,2\n3\n", "mem.csv:3: row has 1 columns (expected 2");
  expect_error("t_0,t_1\n1,abc\n", "mem.csv:2: column 2 'abc' is not a number");
  expect_error("t_0,t_1\n1,nan\n", "not finite");
  expect_error("t_0,t_1\n1,inf\n", "not finite");
  expect_error("t_0,t_2\n1,2\n", "breaks the order");
  expect_error("v,w\n1,2\n", "is not a range name");
  expect_error("t_0,t_99\n1,2\n", "is not a range name");
  expect_error("t_0,t_1\n1,2,\n", "row has 3 columns");
}

/* Every error is one line, even when it quotes a value holding control characters: they
 * are escaped (so the value can still be read), and so are bytes that are not UTF-8. */
static void test_error_is_one_line(void **state) {
  (void)state;
  tl_error err = {0};
  tl_error_set(&err, TL_ERR_INPUT, "attribute is '%s'", "a\nb\rc\td\x1b\x7f\xff\xc3\xa9");
  assert_string_equal(err.msg, "attribute is 'a\\nb\\rc\\td\\x1b\\x7f\\xff\xc3\xa9'");
  /* escaping cannot overflow the message: a long value is cut, still one line */
  char big[2 * TL_ERROR_MSG_MAX];
  memset(big, '\n', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  tl_error_set(&err, TL_ERR_INPUT, "%s", big);
  assert_true(strlen(err.msg) < TL_ERROR_MSG_MAX);
  assert_null(strchr(err.msg, '\n'));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_valid),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_error_is_one_line),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
