/* Hoppings CSV parser (format in topolearn/hopfile.h and docs/physics.md).
 * Works on an in-memory buffer so the fuzzer can drive it without files. Every
 * rejection names the file, the line and the column. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topolearn/hopfile.h"
#include "topolearn/parse.h"

#define MAX_COLS (2 * TL_RANGE_MAX + 3)
#define MAX_FILE_BYTES (1L << 30)

typedef struct {
  const char *p, *end;
  long line;
} cursor_t;

/* Next line into [*b, *e), without the newline; 0 at end of input. */
static int next_line(cursor_t *c, const char **b, const char **e) {
  if (c->p >= c->end) return 0;
  *b = c->p;
  const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
  *e = nl ? nl : c->end;
  c->p = nl ? nl + 1 : c->end;
  if (*e > *b && (*e)[-1] == '\r') (*e)--;
  c->line++;
  return 1;
}

static int blank_or_comment(const char *b, const char *e) {
  while (b < e && (*b == ' ' || *b == '\t')) b++;
  return b == e || *b == '#';
}

typedef struct {
  const char *at;
  int len;
} field_t;

/* Splits [b, e) on commas into trimmed fields (pointers into the text, so a long field
 * is parsed whole); returns the count, or -1 past MAX_COLS fields. */
static int split(const char *b, const char *e, field_t f[MAX_COLS]) {
  tl_fields_t it = tl_fields_n(b, (size_t)(e - b), ',');
  int n = 0;
  while (tl_fields_next(&it)) {
    if (n == MAX_COLS) return -1;
    const char *fb = it.at, *fe = it.at + it.len;
    while (fb < fe && (*fb == ' ' || *fb == '\t')) fb++;
    while (fe > fb && (fe[-1] == ' ' || fe[-1] == '\t')) fe--;
    f[n].at = fb;
    f[n].len = (int)(fe - fb);
    n++;
  }
  return n;
}

static int field_is(const field_t *f, const char *word) {
  return (size_t)f->len == strlen(word) && !memcmp(f->at, word, (size_t)f->len);
}

static int parse_range_name(const field_t *f, int *r) {
  long long v;
  if (f->len < 2 || memcmp(f->at, "t_", 2) ||
      tl_parse_int_n(f->at + 2, (size_t)f->len - 2, -TL_RANGE_MAX, TL_RANGE_MAX, &v))
    return 0;
  *r = (int)v;
  return 1;
}

/* A field the first pass accepted. */
static double value(const field_t *f) {
  double v = 0;
  tl_parse_double_n(f->at, (size_t)f->len, -HUGE_VAL, HUGE_VAL, &v);
  return v;
}

tl_status tl_hopfile_parse_csv(const char *text, size_t len, const char *name, tl_boundary bc,
                               tl_chain_t **out, tl_error *err) {
  *out = NULL;
  cursor_t cur = {text, text + len, 0};
  const char *b, *e;
  field_t f[MAX_COLS];
  int ncol = 0;
  while (next_line(&cur, &b, &e)) {
    if (blank_or_comment(b, e)) continue;
    ncol = split(b, e, f);
    break;
  }
  if (ncol == 0)
    return tl_error_set(err, TL_ERR_INPUT, "%s: no header line (expected e.g. 't_0,t_1')", name);
  if (ncol < 0)
    return tl_error_set(err, TL_ERR_INPUT, "%s:%ld: header has more than %d columns", name,
                        cur.line, MAX_COLS);
  /* Header: t_R columns with consecutive ascending R, then optionally eps_A,eps_B. */
  int r_min = 0, R = 0, has_eps = 0;
  for (int k = 0; k < ncol; k++) {
    int r;
    if (parse_range_name(&f[k], &r)) {
      if (has_eps || (R > 0 && r != r_min + R))
        return tl_error_set(err, TL_ERR_INPUT,
                            "%s:%ld: header column %d '%.*s' breaks the order (expected t_%d)",
                            name, cur.line, k + 1, f[k].len, f[k].at, R > 0 ? r_min + R : r);
      if (R == 0) r_min = r;
      R++;
    } else if (k == ncol - 2 && field_is(&f[k], "eps_A") && field_is(&f[k + 1], "eps_B") && R > 0) {
      has_eps = 1;
      k++;
    } else {
      return tl_error_set(err, TL_ERR_INPUT,
                          "%s:%ld: header column %d '%.*s' is not a range name (expected t_R, "
                          "e.g. t_0,t_1, optionally followed by eps_A,eps_B)",
                          name, cur.line, k + 1, f[k].len, f[k].at);
    }
  }
  const long header_line = cur.line;
  /* First pass: count and check rows, so the chain is allocated once. */
  long rows = 0;
  cursor_t scan = cur;
  while (next_line(&scan, &b, &e)) {
    if (blank_or_comment(b, e)) continue;
    int n = split(b, e, f);
    if (n != ncol)
      return tl_error_set(err, TL_ERR_INPUT, "%s:%ld: row has %d columns (expected %d as in the "
                          "header on line %ld)", name, scan.line, n < 0 ? MAX_COLS + 1 : n, ncol,
                          header_line);
    for (int k = 0; k < ncol; k++) {
      double v;
      const tl_parse_result pr = tl_parse_double_n(f[k].at, (size_t)f[k].len, -HUGE_VAL, HUGE_VAL, &v);
      if (pr)
        return tl_error_set(err, TL_ERR_INPUT, "%s:%ld: column %d '%.*s' is not %s", name,
                            scan.line, k + 1, f[k].len, f[k].at,
                            pr == TL_PARSE_NONFINITE ? "finite" : "a number");
    }
    if (++rows > TL_L_MAX)
      return tl_error_set(err, TL_ERR_INPUT, "%s: more than %d cells", name, TL_L_MAX);
  }
  if (rows == 0)
    return tl_error_set(err, TL_ERR_INPUT, "%s: no cells after the header (expected one row per cell)",
                        name);
  tl_chain_t *c;
  tl_status st = tl_chain_new(&c, (int)rows, r_min, r_min + R - 1, bc, err);
  if (st) return st;
  if (has_eps && !(c->onsite = tl_calloc(2 * (size_t)rows, sizeof *c->onsite))) {
    tl_chain_free(c);
    return tl_error_set(err, TL_ERR_NOMEM, "%s: out of memory for on-site terms", name);
  }
  long n = 0;
  while (next_line(&cur, &b, &e)) {
    if (blank_or_comment(b, e)) continue;
    split(b, e, f);
    for (int k = 0; k < R; k++) c->t[(size_t)n * R + k] = value(&f[k]);
    if (has_eps) {
      c->onsite[2 * n] = value(&f[R]);
      c->onsite[2 * n + 1] = value(&f[R + 1]);
    }
    n++;
  }
  tl_chain_apply_boundary(c);
  *out = c;
  return TL_OK;
}

tl_status tl_hopfile_read_csv(const char *path, tl_boundary bc, tl_chain_t **out, tl_error *err) {
  *out = NULL;
  FILE *fp = fopen(path, "rb");
  if (!fp) return tl_error_set(err, TL_ERR_IO, "%s: cannot open (%s)", path, strerror(errno));
  char *buf = NULL;
  size_t len = 0, cap = 0;
  tl_status st = TL_OK;
  for (;;) {
    if (len == cap) {
      cap = cap ? 2 * cap : 65536;
      if (cap > (size_t)MAX_FILE_BYTES) {
        st = tl_error_set(err, TL_ERR_INPUT, "%s: larger than %ld bytes", path, MAX_FILE_BYTES);
        break;
      }
      char *nb = tl_malloc(cap);
      if (!nb) {
        st = tl_error_set(err, TL_ERR_NOMEM, "%s: out of memory reading the file", path);
        break;
      }
      if (len) memcpy(nb, buf, len);
      tl_free(buf);
      buf = nb;
    }
    size_t got = fread(buf + len, 1, cap - len, fp);
    len += got;
    if (got == 0) {
      if (ferror(fp)) st = tl_error_set(err, TL_ERR_IO, "%s: read error", path);
      break;
    }
  }
  fclose(fp);
  if (!st) {
    if (len == 0) st = tl_error_set(err, TL_ERR_INPUT, "%s: file is empty (expected a header "
                                    "'t_0,t_1' and one row per cell)", path);
    else st = tl_hopfile_parse_csv(buf, len, path, bc, out, err);
  }
  tl_free(buf);
  return st;
}

static int has_suffix(const char *s, const char *suf) {
  size_t a = strlen(s), b = strlen(suf);
  return a >= b && !strcmp(s + a - b, suf);
}

tl_status tl_hopfile_read(const char *path, long index, tl_boundary bc, tl_chain_t **out,
                          tl_error *err) {
  if (has_suffix(path, ".h5") || has_suffix(path, ".hdf5"))
    return tl_hopfile_read_h5(path, index, bc, out, err);
  return tl_hopfile_read_csv(path, bc, out, err);
}
