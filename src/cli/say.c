/* Messages that echo what a user typed or named: control bytes and bytes that are not
 * UTF-8 are written as escapes (tl_escape_text, as in every library message), so that
 * `topolearn $'gen\nerate'` stays one line and a file name cannot move the cursor or
 * recolour the terminal. */
#include <stdarg.h>
#include <string.h>

#include "cli/cli.h"

void tl_cli_escape(const char *text, char *out, size_t cap) { tl_escape_text(text, out, cap); }

void tl_cli_say(FILE *out, const char *fmt, ...) {
  char raw[2048], safe[4 * sizeof raw];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(raw, sizeof raw, fmt, ap);
  va_end(ap);
  tl_cli_escape(raw, safe, sizeof safe);
  fprintf(out, "%s\n", safe);
}
