/* topolearn/json.h — a small streaming JSON writer (summary.json, --json outputs).
 * Tracks nesting and commas so callers cannot emit malformed JSON; non-finite numbers
 * are written as null (JSON has no NaN). */
#ifndef TOPOLEARN_JSON_H
#define TOPOLEARN_JSON_H

#include <stdio.h>

#define TL_JSON_DEPTH 32

typedef struct {
  FILE *fp;
  int depth;
  int count[TL_JSON_DEPTH]; /* items written at each level      */
  char close[TL_JSON_DEPTH]; /* '}' or ']' to end each level      */
  int after_key;             /* a key was written; its value next */
  int pretty;
} tl_json_t;

void tl_json_init(tl_json_t *j, FILE *fp, int pretty);
void tl_json_object(tl_json_t *j);          /* { */
void tl_json_array(tl_json_t *j);           /* [ */
void tl_json_end(tl_json_t *j);             /* } or ] */
void tl_json_key(tl_json_t *j, const char *key);
void tl_json_string(tl_json_t *j, const char *s);
void tl_json_number(tl_json_t *j, double x); /* %.17g, null when not finite */
void tl_json_int(tl_json_t *j, long x);
void tl_json_bool(tl_json_t *j, int b);
void tl_json_null(tl_json_t *j);
/* key + value shorthands */
void tl_json_kv_string(tl_json_t *j, const char *key, const char *s);
void tl_json_kv_number(tl_json_t *j, const char *key, double x);
void tl_json_kv_int(tl_json_t *j, const char *key, long x);
void tl_json_kv_bool(tl_json_t *j, const char *key, int b);

#endif
