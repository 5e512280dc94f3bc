/* topolearn/error.h — status codes and the caller-owned error record.
 *
 * Every library function that can fail returns a tl_status and, on failure, writes a
 * one-line message into a caller-owned tl_error naming the file/field/value at fault
 * and what was expected. The library never prints and never exits; the CLI maps the
 * status to an exit code (tl_status_exit_code). */
#ifndef TOPOLEARN_ERROR_H
#define TOPOLEARN_ERROR_H

#include <stddef.h>

typedef enum {
  TL_OK = 0,
  TL_ERR_INPUT,       /* bad flag, file, field or value given by the user   -> exit 2 */
  TL_ERR_IO,          /* cannot read/write a path (missing, read-only, full) -> exit 2 */
  TL_ERR_NOMEM,       /* allocation failed                                   -> exit 1 */
  TL_ERR_NUMERIC,     /* LAPACK did not converge, NaN in a result            -> exit 1 */
  TL_ERR_INTERNAL,    /* a bug or an unexpected library failure              -> exit 1 */
  TL_ERR_INTERRUPTED  /* SIGINT/SIGTERM observed; state was checkpointed     -> exit 130 */
} tl_status;

#define TL_ERROR_MSG_MAX 512

typedef struct {
  tl_status status;
  char msg[TL_ERROR_MSG_MAX];
} tl_error;

/* Records status and a printf-style message in err (err may be NULL); returns status. */
tl_status tl_error_set(tl_error *err, tl_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* text with its control bytes, C1 controls and bytes that are not UTF-8 written as
 * escapes (\n, \t, \r, \xNN), cut to fit cap: what every message uses to quote a value
 * (tl_error_set applies it to the whole message). */
void tl_escape_text(const char *text, char *out, size_t cap);

/* Clears err to TL_OK with an empty message. */
void tl_error_clear(tl_error *err);

/* Short name of a status ("bad input", "out of memory", ...). */
const char *tl_status_name(tl_status status);

/* Process exit code the CLI uses for a status: 0, 2 for the user's input, 1 otherwise. */
int tl_status_exit_code(tl_status status);

/* Call once at program start, before any other call: turns off HDF5's error printing
 * and its exit handler (see src/core/h5.c). Optional for correct runs. */
void tl_init(void);

/* Progress of a long library call, called from the calling thread only: done of
 * total units so far; a nonzero return cancels the call with TL_ERR_INTERRUPTED. */
typedef int (*tl_progress_fn)(void *ctx, long done, long total);

/* Allocation through a hook so tests can fail the N-th allocation (SQLite-style).
 * tl_alloc_fail_after(n): the n-th allocation from now returns NULL (n = 0 disables). */
void *tl_malloc(size_t size);
void *tl_calloc(size_t count, size_t size);
void tl_free(void *p);
void tl_alloc_fail_after(long n);

#endif
