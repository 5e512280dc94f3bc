/* The files a command reads and writes, checked before it starts (issue 17): the same
 * output given twice, or an output that is one of the inputs, would lose one of them
 * (train --out m.h5 --metrics m.h5 exited 0 with the model replaced by the CSV); and
 * temporaries that earlier runs left beside an output are named, or removed when their
 * writer has ended. Also the metrics CSV of a resumed training, which must continue the
 * interrupted run's rows. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

/* What a path names: an existing file by device and inode (hard links and symlinks
 * resolved), a new one by its resolved directory and its name. */
typedef struct {
  int exists, chr;
  dev_t dev;
  ino_t ino;
  char where[PATH_MAX + 256];
} ident_t;

static void identify(const char *path, ident_t *id) {
  memset(id, 0, sizeof *id);
  struct stat sb;
  if (stat(path, &sb) == 0) {
    id->exists = 1;
    id->chr = S_ISCHR(sb.st_mode);
    id->dev = sb.st_dev;
    id->ino = sb.st_ino;
    return;
  }
  const char *slash = strrchr(path, '/');
  char dir[PATH_MAX], real[PATH_MAX];
  snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + (slash == path) : 1,
           slash ? path : ".");
  if (strlen(path) < sizeof dir && realpath(dir, real))
    snprintf(id->where, sizeof id->where, "%s/%s", real, slash ? slash + 1 : path);
  else
    snprintf(id->where, sizeof id->where, "%s", path); /* the output itself will fail */
}

static int same_file(const ident_t *a, const ident_t *b) {
  if (a->exists != b->exists) return 0;
  if (a->exists) return a->dev == b->dev && a->ino == b->ino;
  return !strcmp(a->where, b->where);
}

/* One note on stderr about the temporaries earlier runs left beside an output. */
static void note_stale(const char *cmd, const char *path) {
  tl_outfile_stale_t *s = malloc(sizeof *s);
  tl_error ignored;
  if (!s || tl_outfile_sweep(path, s, &ignored)) {
    free(s);
    return;
  }
  if (s->removed)
    fprintf(stderr, "topolearn %s: note: removed %d temporar%s of %s that ended runs left "
            "(%.1f MB)\n", cmd, s->removed, s->removed == 1 ? "y" : "ies", path,
            s->removed_bytes / 1e6);
  char more[48] = "";
  if (s->kept > 1) snprintf(more, sizeof more, " (and %d more)", s->kept - 1);
  if (s->kept && s->example_pid)
    fprintf(stderr, "topolearn %s: note: %s%s is being written by process %ld (another run "
            "writing %s?)\n", cmd, s->example, more, s->example_pid, path);
  else if (s->kept)
    fprintf(stderr, "topolearn %s: note: %s%s may be left by an interrupted run (remove it if "
            "no run is writing %s)\n", cmd, s->example, more, path);
  free(s);
}

tl_status tl_cli_files_check(const char *cmd, const tl_cli_file_t *files, int n, tl_error *err) {
  ident_t *id = malloc((size_t)(n > 0 ? n : 1) * sizeof *id);
  if (!id) return tl_error_set(err, TL_ERR_NOMEM, "out of memory checking the file names");
  for (int i = 0; i < n; i++)
    if (files[i].path) identify(files[i].path, &id[i]);
  tl_status st = TL_OK;
  for (int i = 0; i < n && !st; i++)
    for (int j = 0; j < n && !st; j++) {
      const tl_cli_file_t *a = &files[i], *b = &files[j];
      if (i == j || !a->path || !b->path || !a->output || !same_file(&id[i], &id[j])) continue;
      if (b->output && j < i && !id[i].chr) /* /dev/null twice is harmless */
        st = tl_error_set(err, TL_ERR_INPUT, "%s %s: is the same file as %s %s (expected two "
                          "different outputs: one would replace the other)", a->flag, a->path,
                          b->flag, b->path);
      else if (!b->output && id[j].exists)
        st = tl_error_set(err, TL_ERR_INPUT, "%s %s: is the input %s %s (expected an output "
                          "that is not read by this command)", a->flag, a->path, b->flag,
                          b->path);
    }
  free(id);
  return st;
}

void tl_cli_files_note(const char *cmd, const tl_cli_file_t *files, int n) {
  for (int i = 0; i < n; i++) {
    struct stat sb;
    if (files[i].path && files[i].output &&
        !(stat(files[i].path, &sb) == 0 && (S_ISCHR(sb.st_mode) || S_ISFIFO(sb.st_mode))))
      note_stale(cmd, files[i].path);
  }
}

/* ---- train's metrics CSV ------------------------------------------------------------ */

/* A data row: the epoch, then six numbers (nan where a column has no value). */
static int row_ok(char *line, int epoch) {
  char *save = NULL, *tok = strtok_r(line, ",", &save);
  int fields = 0;
  for (; tok; tok = strtok_r(NULL, ",", &save), fields++) {
    char *end;
    errno = 0;
    if (fields == 0) {
      long e = strtol(tok, &end, 10);
      if (*end || e != epoch) return 0;
    } else {
      strtod(tok, &end);
      if (end == tok || *end) return 0;
    }
  }
  return fields == 7;
}

tl_status tl_cli_metrics_begin(FILE *fp, const char *path, int epochs_done, tl_error *err) {
  fprintf(fp, "%s\n", TL_CLI_METRICS_HEADER);
  struct stat sb;
  if (!path || epochs_done < 1 || (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)))
    return TL_OK; /* a fresh run, or a stream: nothing to continue */
  FILE *in = fopen(path, "r");
  if (!in)
    return tl_error_set(err, TL_ERR_INPUT, "%s: cannot open (%s; expected the metrics CSV of the "
                        "interrupted run, epochs 1..%d, to continue: leave out --metrics or give "
                        "a new file to keep none)", path, strerror(errno), epochs_done);
  char line[1024], copy[1024];
  int row = 0; /* data rows read */
  tl_status st = TL_OK;
  for (int lineno = 1; !st && fgets(line, sizeof line, in); lineno++) {
    const size_t len = strlen(line);
    const int whole = len > 0 && line[len - 1] == '\n';
    if (whole) line[len - 1] = '\0';
    memcpy(copy, line, len + 1);
    int ok = whole;
    if (ok && lineno == 1) ok = !strcmp(line, TL_CLI_METRICS_HEADER);
    else if (ok) ok = ++row <= epochs_done && row_ok(line, row);
    if (!ok)
      st = tl_error_set(err, TL_ERR_INPUT, "%s:%d: '%.40s%s' is not %s (expected the metrics CSV of "
                        "the interrupted run, epochs 1..%d)", path, lineno, copy,
                        strlen(copy) > 40 ? "..." : "",
                        lineno == 1 ? "the header" : row > epochs_done ? "a row of an epoch the "
                        "model file kept" : "the next epoch's row", epochs_done);
    else if (lineno > 1)
      fprintf(fp, "%s\n", copy);
  }
  if (!st && ferror(in)) st = tl_error_set(err, TL_ERR_IO, "%s: cannot read", path);
  if (!st && row < epochs_done)
    st = tl_error_set(err, TL_ERR_INPUT, "%s: holds the rows of %d epochs (expected the metrics "
                      "CSV of the interrupted run, epochs 1..%d)", path, row, epochs_done);
  fclose(in);
  return st;
}
