/* Atomic outputs: temporary name + rename (see topolearn/outfile.h). */
#define _GNU_SOURCE /* copy_file_range */
#include "topolearn/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Temporaries currently open, for the signal-time cleanup. Fixed slots: a handler may
 * not allocate. */
#define MAX_LIVE 16
static char live[MAX_LIVE][4096];
static volatile sig_atomic_t live_used[MAX_LIVE];

static void remember(const char *tmp) {
  for (int i = 0; i < MAX_LIVE; i++)
    if (!live_used[i]) {
      memcpy(live[i], tmp, strlen(tmp) + 1);
      live_used[i] = 1;
      return;
    }
}

static void forget(const char *tmp) {
  for (int i = 0; i < MAX_LIVE; i++)
    if (live_used[i] && !strcmp(live[i], tmp)) live_used[i] = 0;
}

void tl_outfile_cleanup_all(void) {
  for (int i = 0; i < MAX_LIVE; i++)
    if (live_used[i]) unlink(live[i]);
}

tl_status tl_outfile_begin(tl_outfile_t *o, const char *path, int force, int as_stream,
                           tl_error *err) {
  memset(o, 0, sizeof *o);
  if (!path || !*path) return tl_error_set(err, TL_ERR_INPUT, "empty output path");
  if (strlen(path) + 16 >= sizeof o->final_path)
    return tl_error_set(err, TL_ERR_INPUT, "%s: output path too long", path);
  struct stat sb;
  if (stat(path, &sb) == 0) {
    if (S_ISDIR(sb.st_mode))
      return tl_error_set(err, TL_ERR_INPUT, "%s: is a directory (expected a file name)", path);
    if (!force)
      return tl_error_set(err, TL_ERR_INPUT, "%s: exists (use --force to overwrite)", path);
  }
  snprintf(o->final_path, sizeof o->final_path, "%s", path);
  snprintf(o->tmp_path, sizeof o->tmp_path, "%s.tmp-XXXXXX", path);
  int fd = mkstemp(o->tmp_path);
  if (fd < 0)
    return tl_error_set(err, TL_ERR_IO, "%s: cannot create (%s)", path, strerror(errno));
  fchmod(fd, 0644);
  remember(o->tmp_path);
  if (as_stream) {
    o->fp = fdopen(fd, "w");
    if (!o->fp) {
      close(fd);
      tl_outfile_abort(o);
      return tl_error_set(err, TL_ERR_IO, "%s: cannot open for writing", path);
    }
  } else {
    close(fd); /* another library reopens the temporary by name */
  }
  return TL_OK;
}

tl_status tl_outfile_commit(tl_outfile_t *o, tl_error *err) {
  if (o->fp) {
    int e = ferror(o->fp) ? EIO : 0;
    if (fflush(o->fp) != 0 && !e) e = errno;
    if (fsync(fileno(o->fp)) != 0 && errno != EINVAL && !e) e = errno;
    if (fclose(o->fp) != 0 && !e) e = errno;
    o->fp = NULL;
    if (e) {
      tl_outfile_abort(o);
      return tl_error_set(err, TL_ERR_IO, "%s: write failed (%s)", o->final_path, strerror(e));
    }
  }
  if (rename(o->tmp_path, o->final_path) != 0) {
    int e = errno;
    tl_outfile_abort(o);
    return tl_error_set(err, TL_ERR_IO, "%s: cannot move into place (%s)", o->final_path,
                        strerror(e));
  }
  forget(o->tmp_path);
  o->tmp_path[0] = '\0';
  return TL_OK;
}

tl_status tl_outfile_commit_to(tl_outfile_t *o, const char *path, tl_error *err) {
  if (strlen(path) >= sizeof o->final_path)
    return tl_error_set(err, TL_ERR_INPUT, "%s: path too long", path);
  snprintf(o->final_path, sizeof o->final_path, "%s", path);
  return tl_outfile_commit(o, err);
}

/* copy_file_range shares or copies the blocks inside the kernel (no user-space pass
 * over a checkpoint of gigabytes); read/write where it is not supported. */
tl_status tl_outfile_copy_from(tl_outfile_t *o, const char *src, tl_error *err) {
  int in = open(src, O_RDONLY), out = open(o->tmp_path, O_WRONLY | O_TRUNC);
  int e = in < 0 || out < 0 ? errno : 0;
  for (int fallback = 0; !e;) {
    ssize_t k = 0;
    if (!fallback) {
      k = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
      if (k < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
        fallback = 1;
        continue;
      }
    } else {
      char buf[1 << 16];
      k = read(in, buf, sizeof buf);
      for (ssize_t done = 0; k > 0 && done < k;) {
        ssize_t w = write(out, buf + done, (size_t)(k - done));
        if (w < 0) {
          k = -1;
          break;
        }
        done += w;
      }
    }
    if (k < 0) e = errno;
    if (k <= 0) break;
  }
  if (out >= 0 && close(out) != 0 && !e) e = errno;
  if (in >= 0) close(in);
  if (e) return tl_error_set(err, TL_ERR_IO, "%s: cannot copy %s (%s)", o->final_path, src, strerror(e));
  return TL_OK;
}

void tl_outfile_abort(tl_outfile_t *o) {
  if (o->fp) {
    fclose(o->fp);
    o->fp = NULL;
  }
  if (o->tmp_path[0]) {
    unlink(o->tmp_path);
    forget(o->tmp_path);
    o->tmp_path[0] = '\0';
  }
}

tl_status tl_outfile_make_parents(const char *path, tl_error *err) {
  char buf[4096];
  if (strlen(path) >= sizeof buf) return tl_error_set(err, TL_ERR_INPUT, "%s: path too long", path);
  strcpy(buf, path);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
      return tl_error_set(err, TL_ERR_IO, "%s: cannot create directory (%s)", buf, strerror(errno));
    *p = '/';
  }
  return TL_OK;
}
