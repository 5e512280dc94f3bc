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
  int force;    /* the commit may replace a file (else it never does, even one created
                   by another process since the begin) */
  int in_place; /* a character device or FIFO, written directly: no temporary */
} tl_outfile_t;

/* Reserves a temporary name beside path, "path.tmp-HOST.PID-XXXXXX". force = 0 refuses an
 * existing path. With as_stream, opens it as fp for writing. A character device or FIFO
 * (/dev/null, /dev/stdout, a pipe) is opened in place instead when as_stream, without
 * --force: there is no file to replace; other outputs must be regular files. */
tl_status tl_outfile_begin(tl_outfile_t *o, const char *path, int force, int as_stream,
                           tl_error *err);
/* Flushes, checks for write errors (ENOSPC is reported here), and renames into place;
 * without force never over a file (TL_ERR_INPUT "exists" if another process made one
 * since the begin: renameat2 RENAME_NOREPLACE, or link(2)). */
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

/* Temporaries of path left by earlier runs ("path.tmp-*"): those whose writer, named
 * in the temporary, was a process of this host that has ended are removed (nothing can
 * be writing them); the others are counted, the first named (example_pid: the running
 * process that writes it, 0 when unknown: another host, or an older name). */
typedef struct {
  int removed, kept;
  double removed_bytes;
  char example[8192];
  long example_pid;
} tl_outfile_stale_t;
tl_status tl_outfile_sweep(const char *path, tl_outfile_stale_t *out, tl_error *err);

/* Temporaries of outputs in progress are removed by this call, which is
 * async-signal-safe (for SIGINT/SIGTERM handlers); tl_outfile_* keep the list. */
void tl_outfile_cleanup_all(void);

#endif
