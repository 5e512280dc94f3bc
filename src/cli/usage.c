/* The one usage printer (--help of every command, `topolearn help CMD`), the values it
 * shows as defaults, and the mapping of a library field to its flag in messages. */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define HELP_WIDTH 88
#define FLAG_COLUMN 24

void tl_cli_flag_value(const tl_flag_t *row, const void *group, char *buf, size_t cap) {
  const void *v = (const char *)group + row->off;
  buf[0] = '\0';
  if (row->show) {
    row->show(row, group, buf, cap);
  } else if (row->type == TL_FT_INT || row->type == TL_FT_IRANGE) {
    const int *x = v;
    if (row->type == TL_FT_IRANGE) snprintf(buf, cap, "%d:%d", x[0], x[1]);
    else if (*x || !row->unset) snprintf(buf, cap, "%d", *x);
  } else if (row->type == TL_FT_LONG) {
    if (*(const long *)v || !row->unset) snprintf(buf, cap, "%ld", *(const long *)v);
  } else if (row->type == TL_FT_U64) {
    snprintf(buf, cap, "%" PRIu64, *(const uint64_t *)v);
  } else if (row->type == TL_FT_DOUBLE) {
    if (!isnan(*(const double *)v)) snprintf(buf, cap, "%g", *(const double *)v);
  } else if (row->type == TL_FT_RANGE) {
    const double *x = v;
    if (!isnan(x[0])) snprintf(buf, cap, "%g:%g", x[0], x[1]);
  } else if (row->type == TL_FT_DLIST) {
    const double *x = v;
    const int n = *(const int *)((const char *)group + row->count_off);
    size_t k = 0;
    for (int i = 0; i < n && k < cap; i++) k += (size_t)snprintf(buf + k, cap - k, "%s%g", i ? "," : "", x[i]);
  } else if (row->type == TL_FT_CHOICE) {
    for (int i = 0; row->choices[i].name; i++)
      if (row->choices[i].value == *(const int *)v && !row->choices[i].alias) {
        snprintf(buf, cap, "%s", row->choices[i].name);
        break;
      }
  } else if (row->type == TL_FT_STRING) {
    if (*(const char *const *)v) snprintf(buf, cap, "%s", *(const char *const *)v);
  }
  if (!buf[0] && row->unset) snprintf(buf, cap, "%s", row->unset);
}

/* text word-wrapped from column `indent` (the first line starts at column `at`). */
static void wrap(FILE *out, const char *text, int at, int indent) {
  int col = at;
  const char *p = text;
  while (*p) {
    if (*p == '\n') { /* a forced break */
      fprintf(out, "\n%*s", indent, "");
      col = indent;
      p++;
      continue;
    }
    size_t w = strcspn(p, " \n");
    if (col > indent && col + 1 + (int)w > HELP_WIDTH) {
      fprintf(out, "\n%*s", indent, "");
      col = indent;
    } else if (col > indent) {
      fputc(' ', out);
      col++;
    }
    fprintf(out, "%.*s", (int)w, p);
    col += (int)w;
    p += w;
    while (*p == ' ') p++;
  }
  fputc('\n', out);
}

void tl_cli_print_wrapped(FILE *out, const char *text) { wrap(out, text, 0, 0); }

void tl_cli_row_text(const tl_flag_t *row, const void *g0, const void *g1, const char *variant,
                     char *text, size_t cap) {
  char def[256], alt[256];
  tl_cli_flag_value(row, g0, def, sizeof def);
  alt[0] = '\0';
  if (g1) tl_cli_flag_value(row, g1, alt, sizeof alt);
  size_t k = (size_t)snprintf(text, cap, "%s", row->help);
  if (row->type == TL_FT_STRS && k < cap)
    k += (size_t)snprintf(text + k, cap - k, " (repeatable, at most %lld)", row->imax);
  if (row->type == TL_FT_SWITCH || !def[0] || k >= cap) return;
  k += (size_t)snprintf(text + k, cap - k, " (default %s", def);
  if (g1 && strcmp(def, alt) && k < cap) k += (size_t)snprintf(text + k, cap - k, "; --%s: %s", variant, alt);
  if (k < cap) snprintf(text + k, cap - k, ")");
}

const char *tl_cli_row_metavar(const tl_flag_t *row, char *buf, size_t cap) {
  if (!row->words || !cap) return row->metavar;
  row->words(buf, cap, "|");
  return buf;
}

static void print_row(FILE *out, const tl_flag_t *row, const void *g0, const void *g1,
                      const char *variant) {
  char left[96], text[1024], words[64];
  const char *mv = tl_cli_row_metavar(row, words, sizeof words);
  int n = snprintf(left, sizeof left, "  --%s%s%s", row->name, mv ? " " : "", mv ? mv : "");
  tl_cli_row_text(row, g0, g1, variant, text, sizeof text);
  if (n >= FLAG_COLUMN - 1) {
    fprintf(out, "%s\n%*s", left, FLAG_COLUMN, "");
  } else {
    fprintf(out, "%-*s", FLAG_COLUMN, left);
  }
  wrap(out, text, FLAG_COLUMN, FLAG_COLUMN);
}

const char *const tl_cli_exit_note =
    "Exit status: 0 success; 2 bad input (one line on stderr naming what is wrong, and no "
    "output written); 1 internal failure; 130 interrupted by SIGINT or SIGTERM.";

void tl_cli_usage(const tl_cli_cmd_t *cmd, FILE *out) {
  char *s0 = calloc(1, cmd->state_size), *s1 = cmd->variant ? calloc(1, cmd->state_size) : NULL;
  if (s0 && cmd->defaults) cmd->defaults(s0, 0);
  if (s1 && cmd->defaults) cmd->defaults(s1, 1);
  fprintf(out, "usage: topolearn %s %s\n", cmd->name, cmd->synopsis);
  if (cmd->about) {
    fputc('\n', out);
    wrap(out, cmd->about, 0, 0);
  }
  if (cmd->positional_about) {
    fputc('\n', out);
    wrap(out, cmd->positional_about(), 0, 0);
  }
  for (int g = 0; s0 && cmd->groups[g].rows; g++) {
    const tl_flag_group_t *gr = &cmd->groups[g];
    if (gr->title) fprintf(out, "\n%s:\n", gr->title);
    for (int r = 0; gr->rows[r].name; r++)
      print_row(out, &gr->rows[r], s0 + gr->base, s1 ? s1 + gr->base : NULL, cmd->variant);
  }
  char help[64];
  snprintf(help, sizeof help, "this help (also: topolearn help %s)", cmd->name);
  fprintf(out, "%-*s%s\n\n", FLAG_COLUMN, "  --help", help);
  if (cmd->notes) {
    wrap(out, cmd->notes, 0, 0);
    fputc('\n', out);
  }
  wrap(out, tl_cli_exit_note, 0, 0);
  free(s0);
  free(s1);
}

/* Does the row go by this field name in the library's messages? */
static int row_field(const tl_flag_t *row, const char *id, size_t n) {
  if (row->field) { /* one or more names separated by blanks */
    for (const char *p = row->field; *p;) {
      size_t w = strcspn(p, " ");
      if (w == n && !memcmp(p, id, n)) return 1;
      p += w + (p[w] == ' ');
    }
    return 0;
  }
  if (strlen(row->name) != n) return 0;
  for (size_t i = 0; i < n; i++)
    if ((row->name[i] == '-' ? '_' : row->name[i]) != id[i]) return 0;
  return 1;
}

void tl_cli_map_fields(const tl_cli_cmd_t *cmd, tl_error *err) {
  const char *m = err->msg;
  size_t n = 0;
  while (isalnum((unsigned char)m[n]) || m[n] == '_') n++;
  if (!n || strncmp(m + n, " = ", 3)) return;
  for (int g = 0; cmd->groups[g].rows; g++)
    for (int r = 0; cmd->groups[g].rows[r].name; r++)
      if (row_field(&cmd->groups[g].rows[r], m, n)) {
        char mapped[TL_ERROR_MSG_MAX];
        snprintf(mapped, sizeof mapped, "--%s: %s", cmd->groups[g].rows[r].name, m + n + 3);
        memcpy(err->msg, mapped, sizeof mapped);
        return;
      }
}
