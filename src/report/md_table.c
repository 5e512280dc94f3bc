/* Tables of report.md from the CSVs in DIR/data: key columns only, rows filtered and
 * sorted, or pivoted (one column per value of a parameter), numbers to 4 significant
 * digits, an empty cell shown as a dash. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"
#include "topolearn/parse.h"

#define MAX_COLS 32
#define FIELD 96

typedef struct {
  int ncols, nrows;
  char head[MAX_COLS][FIELD];
  char (*cell)[MAX_COLS][FIELD]; /* nrows rows */
} csv_t;

static void csv_free(csv_t *t) { free(t->cell); }

/* Splits a line into fields (no quotes in our CSVs); the count. */
static int split(char *line, char (*dst)[FIELD]) {
  int k = 0;
  for (char *f = line, *end; k < MAX_COLS; f = end + 1) {
    end = strchr(f, ',');
    const size_t n = end ? (size_t)(end - f) : strlen(f);
    snprintf(dst[k++], FIELD, "%.*s", (int)n, f);
    if (!end) break;
  }
  return k;
}

/* Reads a CSV of ours: a header, then rows. */
static int csv_read(const char *path, csv_t *t) {
  memset(t, 0, sizeof *t);
  FILE *in = fopen(path, "r");
  if (!in) return -1;
  char line[4096];
  int cap = 0, ok = 0;
  while (fgets(line, sizeof line, in)) {
    line[strcspn(line, "\r\n")] = '\0';
    if (!ok) {
      t->ncols = split(line, t->head);
      ok = 1;
      continue;
    }
    if (t->nrows >= cap) {
      cap = cap ? 2 * cap : 64;
      void *p = realloc(t->cell, (size_t)cap * sizeof *t->cell);
      if (!p) break;
      t->cell = p;
    }
    memset(t->cell[t->nrows], 0, sizeof t->cell[0]);
    split(line, t->cell[t->nrows++]);
  }
  fclose(in);
  return ok ? 0 : -1;
}

static int column(const csv_t *t, const char *name, size_t n) {
  for (int i = 0; i < t->ncols; i++)
    if (strlen(t->head[i]) == n && !strncmp(t->head[i], name, n)) return i;
  return -1;
}

static int number(const char *s, double *x) {
  return *s && tl_parse_double_n(s, strlen(s), -HUGE_VAL, HUGE_VAL, x) == TL_PARSE_OK;
}

/* Equal as text, or as numbers ("0" and "0.0"). */
static int same(const char *a, const char *b) {
  double x, y;
  return !strcmp(a, b) || (number(a, &x) && number(b, &y) && x == y);
}

/* Rows passing every "col=value" of where (';'-separated). */
static int keep(const csv_t *t, int r, const char *where) {
  for (const char *w = where; w && *w;) {
    const char *eq = strchr(w, '='), *end = strchr(w, ';');
    if (!end) end = w + strlen(w);
    if (!eq || eq > end) return 0;
    const int c = column(t, w, (size_t)(eq - w));
    char val[FIELD];
    snprintf(val, sizeof val, "%.*s", (int)(end - eq - 1), eq + 1);
    if (c < 0 || !same(t->cell[r][c], val)) return 0;
    w = *end ? end + 1 : end;
  }
  return 1;
}

/* A cell as the report shows it: whole numbers as written, other numbers to 4
 * significant digits, empty as a dash. */
static void show(FILE *fp, const char *s) {
  double x;
  if (!*s) fputs("—", fp);
  else if (number(s, &x) && strpbrk(s, ".eE")) fprintf(fp, "%.4g", x);
  else fputs(s, fp);
}

/* The columns of spec ("a,b,c"), or all of them. */
static int columns(const csv_t *t, const char *spec, int *idx) {
  if (!spec) {
    for (int i = 0; i < t->ncols; i++) idx[i] = i;
    return t->ncols;
  }
  int n = 0;
  for (const char *p = spec; *p && n < MAX_COLS;) {
    const size_t len = strcspn(p, ",");
    const int c = column(t, p, len);
    if (c >= 0) idx[n++] = c;
    p += len + (p[len] == ',');
  }
  return n;
}

static int g_sort_col;
static const csv_t *g_sort_t;
/* Order of rows: by first column as it first appears (kept), then the sort column. */
static int by_group_then_value(const void *a, const void *b) {
  const int i = *(const int *)a, j = *(const int *)b;
  const csv_t *t = g_sort_t;
  int gi = i, gj = j; /* first row of each one's group */
  while (gi > 0 && !strcmp(t->cell[gi - 1][0], t->cell[i][0])) gi--;
  while (gj > 0 && !strcmp(t->cell[gj - 1][0], t->cell[j][0])) gj--;
  if (gi != gj) return gi - gj;
  double x = 0, y = 0;
  number(t->cell[i][g_sort_col], &x);
  number(t->cell[j][g_sort_col], &y);
  return x < y ? -1 : x > y ? 1 : i - j;
}

static void header(FILE *fp, int n, char labels[][FIELD]) {
  fputs("|", fp);
  for (int i = 0; i < n; i++) fprintf(fp, " %s |", labels[i]);
  fputs("\n|", fp);
  for (int i = 0; i < n; i++) fputs("---|", fp);
  fputs("\n", fp);
}

static void plain(FILE *fp, const csv_t *t, const tl_report_table_t *tb) {
  int idx[MAX_COLS], order[4096], n = 0;
  const int nc = columns(t, tb->columns, idx);
  char labels[MAX_COLS][FIELD];
  for (int i = 0; i < nc; i++) snprintf(labels[i], FIELD, "%s", t->head[idx[i]]);
  header(fp, nc, labels);
  for (int r = 0; r < t->nrows && n < 4096; r++)
    if (keep(t, r, tb->where)) order[n++] = r;
  const int sc = tb->sort ? column(t, tb->sort, strlen(tb->sort)) : -1;
  if (sc >= 0) {
    g_sort_col = sc;
    g_sort_t = t;
    qsort(order, (size_t)n, sizeof *order, by_group_then_value);
  }
  for (int k = 0; k < n && (!tb->max_rows || k < tb->max_rows); k++) {
    fputs("|", fp);
    for (int i = 0; i < nc; i++) {
      fputc(' ', fp);
      show(fp, t->cell[order[k]][idx[i]]);
      fputs(" |", fp);
    }
    fputs("\n", fp);
  }
}

/* One row per distinct key (the columns of tb->columns), one column per distinct value of
 * tb->pivot, holding tb->value. */
static void pivot(FILE *fp, const csv_t *t, const tl_report_table_t *tb) {
  int idx[MAX_COLS];
  const int nk = columns(t, tb->columns, idx);
  const int pc = column(t, tb->pivot, strlen(tb->pivot)), vc = column(t, tb->value, strlen(tb->value));
  if (pc < 0 || vc < 0 || nk + 1 >= MAX_COLS) return;
  char labels[MAX_COLS][FIELD], pv[MAX_COLS][FIELD];
  int np = 0;
  for (int r = 0; r < t->nrows; r++) {
    if (!keep(t, r, tb->where)) continue;
    int found = 0;
    for (int k = 0; k < np; k++) found |= same(pv[k], t->cell[r][pc]);
    if (!found && nk + np < MAX_COLS) snprintf(pv[np++], FIELD, "%s", t->cell[r][pc]);
  }
  for (int i = 0; i < nk; i++) snprintf(labels[i], FIELD, "%s", t->head[idx[i]]);
  for (int k = 0; k < np; k++)
    snprintf(labels[nk + k], FIELD, "%s = %.40s", tb->pivot_label ? tb->pivot_label : tb->pivot, pv[k]);
  header(fp, nk + np, labels);
  int shown = 0;
  for (int r = 0; r < t->nrows && (!tb->max_rows || shown < tb->max_rows); r++) {
    if (!keep(t, r, tb->where)) continue;
    int first = 1; /* a key's first row starts its line */
    for (int q = 0; q < r && first; q++) {
      int eq = keep(t, q, tb->where);
      for (int i = 0; i < nk && eq; i++) eq = !strcmp(t->cell[q][idx[i]], t->cell[r][idx[i]]);
      first = !eq;
    }
    if (!first) continue;
    fputs("|", fp);
    for (int i = 0; i < nk; i++) fprintf(fp, " %s |", t->cell[r][idx[i]]);
    for (int k = 0; k < np; k++) {
      const char *v = "";
      for (int q = r; q < t->nrows; q++) {
        int eq = keep(t, q, tb->where) && same(t->cell[q][pc], pv[k]);
        for (int i = 0; i < nk && eq; i++) eq = !strcmp(t->cell[q][idx[i]], t->cell[r][idx[i]]);
        if (eq) {
          v = t->cell[q][vc];
          break;
        }
      }
      fputc(' ', fp);
      show(fp, v);
      fputs(" |", fp);
    }
    fputs("\n", fp);
    shown++;
  }
}

void tl_md_table(FILE *fp, const char *dir, const tl_report_table_t *tb) {
  char path[4096];
  snprintf(path, sizeof path, "%s/data/%s", dir, tb->csv);
  csv_t t;
  if (tb->caption) fprintf(fp, "%s\n\n", tb->caption);
  if (csv_read(path, &t)) {
    fprintf(fp, "_(table data/%s is missing: its study did not run)_\n\n", tb->csv);
    return;
  }
  if (tb->pivot) pivot(fp, &t, tb);
  else plain(fp, &t, tb);
  fprintf(fp, "\n");
  csv_free(&t);
}
