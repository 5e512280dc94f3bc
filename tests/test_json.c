/* JSON writer: nesting, commas, escaping and non-finite numbers, checked against the
 * exact expected text. */
#include "check.h"
#include "topolearn/json.h"

static void test_compact(void **state) {
  (void)state;
  char buf[512] = {0};
  FILE *fp = fmemopen(buf, sizeof buf, "w");
  tl_json_t j;
  tl_json_init(&j, fp, 0);
  tl_json_object(&j);
  tl_json_kv_int(&j, "n", 3);
  tl_json_kv_number(&j, "x", 0.5);
  tl_json_kv_number(&j, "nan", NAN);
  tl_json_kv_string(&j, "s", "a\"b\\c\n\x01");
  tl_json_key(&j, "list");
  tl_json_array(&j);
  tl_json_int(&j, 1);
  tl_json_object(&j);
  tl_json_end(&j);
  tl_json_array(&j);
  tl_json_end(&j);
  tl_json_bool(&j, 0);
  tl_json_null(&j);
  tl_json_end(&j);
  tl_json_end(&j);
  fclose(fp);
  assert_string_equal(buf, "{\"n\":3,\"x\":0.5,\"nan\":null,\"s\":\"a\\\"b\\\\c\\n\\u0001\","
                           "\"list\":[1,{},[],false,null]}\n");
}

static void test_pretty(void **state) {
  (void)state;
  char buf[256] = {0};
  FILE *fp = fmemopen(buf, sizeof buf, "w");
  tl_json_t j;
  tl_json_init(&j, fp, 1);
  tl_json_object(&j);
  tl_json_kv_bool(&j, "ok", 1);
  tl_json_key(&j, "a");
  tl_json_array(&j);
  tl_json_int(&j, 2);
  tl_json_end(&j);
  tl_json_end(&j);
  fclose(fp);
  assert_string_equal(buf, "{\n  \"ok\": true,\n  \"a\": [\n    2\n  ]\n}\n");
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_compact), cmocka_unit_test(test_pretty)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
