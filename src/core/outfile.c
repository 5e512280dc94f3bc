/* Atomic outputs: temporary name + rename (see topolearn/outfile.h). */
#define _GNU_SOURCE /* copy_file_range, renameat2 */
#include "topolearn/outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
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

/* "HOST.PID" of this process for temporary names, so that a later run can tell a
 * temporary whose writer has ended (tl_outfile_sweep) from one still being written. */
static void writer_tag(char *buf, size_t cap) {
  char host[65] = "";
  if (gethostname(host, sizeof host - 1) != 0 || !host[0]) snprintf(host, sizeof host, "host");
  size_t k = 0;
  for (const char *h = host; *h && k < 32; h++) /* a name component: no '/' or spaces */
    if ((*h >= 'a' && *h <= 'z') || (*h >= 'A' && *h <= 'Z') || (*h >= '0' && *h <= '9') ||
        *h == '-' || *h == '_')
      host[k++] = *h;
    else if (*h == '.')
      break; /* the short name: the pid follows the last '.' */
  host[k] = '\0';
  snprintf(buf, cap, "%s.%ld", k ? host : "host", (long)getpid());
}

/* Character devices and FIFOs are written in place: they hold no file to replace
 * (/dev/null, /dev/stdout, a pipe from `>(cmd)`), and renaming a temporary over them
 * would replace the device node with a regular file. Anything else that is not a
 * regular file is refused. */
static tl_status open_in_place(tl_outfile_t *o, const char *path, const struct stat *sb,
                               int as_stream, tl_error *err) {
  const char *what = S_ISCHR(sb->st_mode) ? "a character device" : S_ISFIFO(sb->st_mode) ? "a FIFO"
                     : S_ISBLK(sb->st_mode) ? "a block device" : S_ISSOCK(sb->st_mode) ? "a socket"
                     : "not a regular file";
  if (!(S_ISCHR(sb->st_mode) || S_ISFIFO(sb->st_mode)))
    return tl_error_set(err, TL_ERR_INPUT, "%s: is %s (expected a regular file, a FIFO or a "
                        "character device)", path, what);
  if (!as_stream)
    return tl_error_set(err, TL_ERR_INPUT, "%s: is %s (expected a regular file: this output is "
                        "written whole under a temporary name and renamed into place)", path, what);
  int fd = open(path, O_WRONLY | O_NOCTTY);
  if (fd < 0 || !(o->fp = fdopen(fd, "w"))) {
    int e = errno;
    if (fd >= 0) close(fd);
    return tl_error_set(err, TL_ERR_IO, "%s: cannot open for writing (%s)", path, strerror(e));
  }
  snprintf(o->final_path, sizeof o->final_path, "%s", path);
  o->in_place = 1;
  return TL_OK;
}

tl_status tl_outfile_begin(tl_outfile_t *o, const char *path, int force, int as_stream,
                           tl_error *err) {
  memset(o, 0, sizeof *o);
  if (!path || !*path) return tl_error_set(err, TL_ERR_INPUT, "empty output path");
  if (strlen(path) + 64 >= sizeof o->final_path)
    return tl_error_set(err, TL_ERR_INPUT, "%s: output path too long", path);
  struct stat sb;
  if (stat(path, &sb) == 0) {
    if (S_ISDIR(sb.st_mode))
      return tl_error_set(err, TL_ERR_INPUT, "%s: is a directory (expected a file name)", path);
    if (!S_ISREG(sb.st_mode)) return open_in_place(o, path, &sb, as_stream, err);
    if (!force)
      return tl_error_set(err, TL_ERR_INPUT, "%s: exists (use --force to overwrite)", path);
  }
  o->force = force;
  char tag[64];
  writer_tag(tag, sizeof tag);
  snprintf(o->final_path, sizeof o->final_path, "%s", path);
  snprintf(o->tmp_path, sizeof o->tmp_path, "%s.tmp-%s-XXXXXX", path, tag);
  int fd = mkstemp(o->tmp_path);
  if (fd < 0) {
    o->tmp_path[0] = '\0';
    return tl_error_set(err, TL_ERR_IO, "%s: cannot create (%s)", path, strerror(errno));
  }
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

/* The temporary into place. Without replace, never over a file that appeared meanwhile
 * (two runs of one command without --force both passed the check at their start):
 * renameat2(RENAME_NOREPLACE), or where the file system lacks it link(2), which fails
 * with EEXIST just the same; only a file system without either (vfat) is left with a
 * check before a plain rename, a window of microseconds. */
static int move_into_place(const char *tmp, const char *final, int replace) {
  if (replace) return rename(tmp, final);
  if (renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) return -1;
  if (link(tmp, final) == 0) {
    unlink(tmp);
    return 0;
  }
  if (errno != EPERM && errno != EOPNOTSUPP && errno != EMLINK) return -1;
  struct stat sb;
  if (lstat(final, &sb) == 0) {
    errno = EEXIST;
    return -1;
  }
  return rename(tmp, final);
}

static tl_status commit(tl_outfile_t *o, int replace, tl_error *err) {
  if (o->fp) {
    int e = ferror(o->fp) ? EIO : 0;
    if (fflush(o->fp) != 0 && !e) e = errno;
    if (!o->in_place && fsync(fileno(o->fp)) != 0 && errno != EINVAL && !e) e = errno;
    if (fclose(o->fp) != 0 && !e) e = errno;
    o->fp = NULL;
    if (e) {
      tl_outfile_abort(o);
      return tl_error_set(err, TL_ERR_IO, "%s: write failed (%s)", o->final_path, strerror(e));
    }
  }
  if (o->in_place) return TL_OK;
  if (move_into_place(o->tmp_path, o->final_path, replace) != 0) {
    int e = errno;
    tl_outfile_abort(o);
    if (e == EEXIST)
      return tl_error_set(err, TL_ERR_INPUT, "%s: exists (written by another process while this "
                          "one ran; use --force to overwrite)", o->final_path);
    return tl_error_set(err, TL_ERR_IO, "%s: cannot move into place (%s)", o->final_path,
                        strerror(e));
  }
  forget(o->tmp_path);
  o->tmp_path[0] = '\0';
  return TL_OK;
}

tl_status tl_outfile_commit(tl_outfile_t *o, tl_error *err) { return commit(o, o->force, err); }

tl_status tl_outfile_commit_to(tl_outfile_t *o, const char *path, tl_error *err) {
  if (strlen(path) >= sizeof o->final_path)
    return tl_error_set(err, TL_ERR_INPUT, "%s: path too long", path);
  snprintf(o->final_path, sizeof o->final_path, "%s", path);
  return commit(o, 1, err); /* a checkpoint replaces the older one it continued */
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
  o->in_place = 0;
  if (o->tmp_path[0]) {
    unlink(o->tmp_path);
    forget(o->tmp_path);
    o->tmp_path[0] = '\0';
  }
}

/* The writer of a temporary "BASE.tmp-HOST.PID-XXXXXX": 1 and its pid when HOST is this
 * host, 0 for names of another form (another host, or an older topolearn's). */
static int parse_tag(const char *suffix, const char *host_pid, long *pid) {
  const char *dash = strrchr(suffix, '-'), *dot = NULL;
  if (!dash || strlen(dash) != 7) return 0; /* "-XXXXXX" of mkstemp */
  for (const char *c = suffix; c < dash; c++)
    if (*c == '.') dot = c;
  if (!dot || dot == suffix) return 0;
  char *end;
  *pid = strtol(dot + 1, &end, 10);
  const size_t hl = strcspn(host_pid, ".");
  return end == dash && *pid > 0 && (size_t)(dot - suffix) == hl && !strncmp(suffix, host_pid, hl);
}

tl_status tl_outfile_sweep(const char *path, tl_outfile_stale_t *out, tl_error *err) {
  memset(out, 0, sizeof *out);
  char dir[4096], prefix[4096], tag[64];
  if (strlen(path) + 8 >= sizeof dir) return tl_error_set(err, TL_ERR_INPUT, "%s: path too long", path);
  const char *slash = strrchr(path, '/');
  snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
  if (slash == path) snprintf(dir, sizeof dir, "/");
  snprintf(prefix, sizeof prefix, "%s.tmp-", slash ? slash + 1 : path);
  writer_tag(tag, sizeof tag);
  DIR *dp = opendir(dir);
  if (!dp) return TL_OK; /* no directory: no temporaries (the output reports it) */
  const size_t pl = strlen(prefix);
  for (struct dirent *e; (e = readdir(dp));) {
    if (strncmp(e->d_name, prefix, pl)) continue;
    char name[8192];
    snprintf(name, sizeof name, "%s/%s", dir, e->d_name);
    struct stat sb;
    if (lstat(name, &sb) != 0 || !S_ISREG(sb.st_mode)) continue;
    long pid = 0;
    const int here = parse_tag(e->d_name + pl, tag, &pid);
    if (here && pid == (long)getpid()) continue; /* ours */
    /* kill(pid, 0) fails with ESRCH only when no process has that pid: the writer has
     * ended and nothing else writes a temporary it named (a reused pid merely keeps it) */
    if (here && kill((pid_t)pid, 0) != 0 && errno == ESRCH && unlink(name) == 0) {
      out->removed++;
      out->removed_bytes += (double)sb.st_size;
      continue;
    }
    if (!out->kept++) {
      snprintf(out->example, sizeof out->example, "%s", name);
      out->example_pid = here ? pid : 0;
    }
  }
  closedir(dp);
  return TL_OK;
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
