/* Error records and status names (see topolearn/error.h). */
#include "topolearn/error.h"

#include <stdarg.h>
#include <stdio.h>

tl_status tl_error_set(tl_error *err, tl_status status, const char *fmt, ...) {
  if (err) {
    err->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    /* Messages quote values from files (attributes, fields); control characters in
     * them must not break the one-line contract of every error. */
    for (char *p = err->msg; *p; p++)
      if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = '?';
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
