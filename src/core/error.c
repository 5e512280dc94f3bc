/* Error records and status names (see topolearn/error.h). */
#include "topolearn/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Length of the well-formed UTF-8 character at s (at most n bytes) that is not a C1
 * control, or 0. */
static size_t utf8_char(const unsigned char *s, size_t n) {
  const size_t len = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 && s[0] < 0xf0 ? 3
                     : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
  if (!len || len > n || (s[0] == 0xc2 && s[1] < 0xa0)) return 0; /* U+0080..U+009F */
  for (size_t i = 1; i < len; i++)
    if ((s[i] & 0xc0) != 0x80) return 0;
  return len;
}

void tl_escape_text(const char *text, char *out, size_t cap) {
  const unsigned char *s = (const unsigned char *)text;
  const size_t n = strlen(text);
  size_t k = 0;
  if (!cap) return;
  for (size_t i = 0; i < n && k + 5 < cap;) {
    const size_t u = s[i] >= 0x80 ? utf8_char(s + i, n - i) : 0;
    if (u) {
      memcpy(out + k, s + i, u);
      k += u, i += u;
    } else if (s[i] >= 0x20 && s[i] < 0x7f) {
      out[k++] = (char)s[i++];
    } else {
      const char *named = s[i] == '\n' ? "\\n" : s[i] == '\t' ? "\\t" : s[i] == '\r' ? "\\r" : NULL;
      k += named ? (size_t)snprintf(out + k, cap - k, "%s", named)
                 : (size_t)snprintf(out + k, cap - k, "\\x%02x", s[i]);
      i++;
    }
  }
  out[k] = '\0';
}

tl_status tl_error_set(tl_error *err, tl_status status, const char *fmt, ...) {
  if (err) {
    err->status = status;
    char raw[TL_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    /* Messages quote values from files and command lines (attributes, fields, names):
     * control bytes in them must not break the one-line contract of every error, nor
     * reach a terminal. */
    tl_escape_text(raw, err->msg, sizeof err->msg);
  }
  return status;
}

void tl_error_clear(tl_error *err) {
  if (err) {
    err->status = TL_OK;
    err->msg[0] = '\0';
  }
}

const char *tl_status_name(tl_status status) {
  switch (status) {
    case TL_OK: return "ok";
    case TL_ERR_INPUT: return "bad input";
    case TL_ERR_IO: return "i/o error";
    case TL_ERR_NOMEM: return "out of memory";
    case TL_ERR_NUMERIC: return "numerical failure";
    case TL_ERR_INTERNAL: return "internal error";
    case TL_ERR_INTERRUPTED: return "interrupted";
  }
  return "unknown status";
}

int tl_status_exit_code(tl_status status) {
  switch (status) {
    case TL_OK: return 0;
    case TL_ERR_INPUT:
    case TL_ERR_IO: return 2;
    case TL_ERR_INTERRUPTED: return 130;
    default: return 1;
  }
}
