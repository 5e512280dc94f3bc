/* topolearn/outfile.h — outputs that appear whole or not at all.
 *
 * Every output is written to a temporary name beside its destination and renamed into
 * place only when complete, so an error, a full disk or a signal never leaves a partial
 * file under the output name. */
#ifndef TOPOLEARN_OUTFILE_H
#define TOPOLEARN_OUTFILE_H

#include <stdio.h>

#include "topolearn/error.h"

typedef struct {
  char final_path[4096];
  char tmp_path[4096];
  FILE *fp; /* NULL for outputs written by another library (HDF5, gnuplot) */
} tl_outfile_t;

/* Reserves a temporary name beside path. force = 0 refuses an existing path. With
 * as_stream, opens it as fp for writing. */
tl_status tl_outfile_begin(tl_outfile_t *o, const char *path, int force, int as_stream,
                           tl_error *err);
/* Flushes, checks for write errors (ENOSPC is reported here), and renames into place. */
tl_status tl_outfile_commit(tl_outfile_t *o, tl_error *err);
/* The same, renaming into path instead of the destination (a checkpoint kept beside an
 * output that was interrupted: the output name itself never holds a partial file). */
tl_status tl_outfile_commit_to(tl_outfile_t *o, const char *path, tl_error *err);
/* Fills the temporary (not opened as a stream) with a copy of the file src, to be
 * continued in place of it: src itself stays untouched until the commit. */
tl_status tl_outfile_copy_from(tl_outfile_t *o, const char *src, tl_error *err);
/* Removes the temporary; safe to call after a failed or successful commit. */
void tl_outfile_abort(tl_outfile_t *o);

/* Creates the missing parent directories of path (like mkdir -p of its dirname). */
tl_status tl_outfile_make_parents(const char *path, tl_error *err);

/* Temporaries of outputs in progress are removed by this call, which is
 * async-signal-safe (for SIGINT/SIGTERM handlers); tl_outfile_* keep the list. */
void tl_outfile_cleanup_all(void);

#endif
