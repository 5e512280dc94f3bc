/* Streaming JSON writer (topolearn/json.h). */
#include "topolearn/json.h"

#include <math.h>
#include <string.h>

void tl_json_init(tl_json_t *j, FILE *fp, int pretty) {
  memset(j, 0, sizeof *j);
  j->fp = fp;
  j->pretty = pretty;
}

static void indent(tl_json_t *j) {
  if (!j->pretty) return;
  fputc('\n', j->fp);
  for (int i = 0; i < j->depth; i++) fputs("  ", j->fp);
}

/* Separator before a value or key at the current level (a value after a key is not
 * separated: the key already wrote its comma). */
static void before_item(tl_json_t *j) {
  if (j->after_key) {
    j->after_key = 0;
    return;
  }
  if (j->depth > 0 && j->count[j->depth]++ > 0) fputc(',', j->fp);
  if (j->depth > 0) indent(j);
}

static void open_level(tl_json_t *j, char open, char close) {
  before_item(j);
  fputc(open, j->fp);
  if (j->depth + 1 < TL_JSON_DEPTH) j->depth++;
  j->count[j->depth] = 0;
  j->close[j->depth] = close;
}

void tl_json_object(tl_json_t *j) { open_level(j, '{', '}'); }
void tl_json_array(tl_json_t *j) { open_level(j, '[', ']'); }

void tl_json_end(tl_json_t *j) {
  if (j->depth == 0) return;
  const int had = j->count[j->depth] > 0;
  const char close = j->close[j->depth];
  j->depth--;
  if (had) indent(j);
  fputc(close, j->fp);
  if (j->depth == 0) fputc('\n', j->fp);
}

static void put_string(FILE *fp, const char *s) {
  fputc('"', fp);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
      case '"': fputs("\\\"", fp); break;
      case '\\': fputs("\\\\", fp); break;
      case '\n': fputs("\\n", fp); break;
      case '\r': fputs("\\r", fp); break;
      case '\t': fputs("\\t", fp); break;
      default:
        if (*p < 0x20) fprintf(fp, "\\u%04x", *p);
        else fputc(*p, fp);
    }
  }
  fputc('"', fp);
}

void tl_json_key(tl_json_t *j, const char *key) {
  before_item(j);
  put_string(j->fp, key);
  fputs(j->pretty ? ": " : ":", j->fp);
  j->after_key = 1;
}

void tl_json_string(tl_json_t *j, const char *s) {
  before_item(j);
  put_string(j->fp, s);
}

void tl_json_number(tl_json_t *j, double x) {
  before_item(j);
  if (isfinite(x)) fprintf(j->fp, "%.17g", x);
  else fputs("null", j->fp);
}

void tl_json_int(tl_json_t *j, long x) {
  before_item(j);
  fprintf(j->fp, "%ld", x);
}

void tl_json_bool(tl_json_t *j, int b) {
  before_item(j);
  fputs(b ? "true" : "false", j->fp);
}

void tl_json_null(tl_json_t *j) {
  before_item(j);
  fputs("null", j->fp);
}

void tl_json_kv_string(tl_json_t *j, const char *k, const char *s) { tl_json_key(j, k); tl_json_string(j, s); }
void tl_json_kv_number(tl_json_t *j, const char *k, double x) { tl_json_key(j, k); tl_json_number(j, x); }
void tl_json_kv_int(tl_json_t *j, const char *k, long x) { tl_json_key(j, k); tl_json_int(j, x); }
void tl_json_kv_bool(tl_json_t *j, const char *k, int b) { tl_json_key(j, k); tl_json_bool(j, b); }
