/* tests/dataset_util.h — shared fixtures of the data-set tests: a temporary directory
 * per test program, and generate/open/read helpers that fail the test with the
 * library's message. Functions are static inline so each program uses what it needs. */
#ifndef TL_TESTS_DATASET_UTIL_H
#define TL_TESTS_DATASET_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "topolearn.h"

static char dir[256];

/* mkdtemp of /tmp/<prefix>_XXXXXX into dir; 0 on success (cmocka setup convention). */
static inline int tmpdir_make(const char *prefix) {
  snprintf(dir, sizeof dir, "/tmp/%s_XXXXXX", prefix);
  return mkdtemp(dir) ? 0 : -1;
}

static inline int teardown(void **state) {
  (void)state;
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd);
}

/* dir/name; four rotating buffers, so a call can hold a few paths at once. */
static inline const char *path_of(const char *name) {
  static char buf[4][512];
  static int k = 0;
  k = (k + 1) % 4;
  snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
  return buf[k];
}

/* Entries in dir: nothing but the named files means no temporaries left behind. */
static inline int count_files(void) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
  FILE *p = popen(cmd, "r");
  int n = -1;
  if (p) {
    if (fscanf(p, "%d", &n) != 1) n = -1;
    pclose(p);
  }
  return n;
}

static inline void generate_ok(const tl_dataset_params_t *p, const char *path) {
  tl_error err = {0};
  if (tl_dataset_generate(p, path, NULL, NULL, NULL, &err)) fail_msg("generate %s: %s", path, err.msg);
}

static inline tl_dataset_t *open_ok(const char *path) {
  tl_dataset_t *ds = NULL;
  tl_error err = {0};
  if (tl_dataset_open(&ds, path, TL_DATASET_VERIFY, &err)) fail_msg("open %s: %s", path, err.msg);
  return ds;
}

/* Every chain of field f as memory type mt (elem bytes each); the caller frees. */
static inline void *read_all(tl_dataset_t *ds, tl_field f, tl_memtype mt, size_t elem) {
  const long n = tl_dataset_meta(ds)->n, per = tl_dataset_field_size(ds, f);
  void *buf = malloc((size_t)n * (size_t)per * elem + 1);
  tl_error err = {0};
  if (tl_dataset_read(ds, f, 0, n, mt, buf, &err)) fail_msg("read %s: %s", tl_field_name(f), err.msg);
  return buf;
}

/* The validating reader refuses path with one line naming it and containing needle. */
static inline void expect_refused(const char *path, const char *needle) {
  tl_dataset_t *ds = NULL;
  tl_error err = {0};
  tl_status st = tl_dataset_open(&ds, path, TL_DATASET_VERIFY, &err);
  if (st != TL_ERR_INPUT || !strstr(err.msg, needle) || !strstr(err.msg, path) ||
      strchr(err.msg, '\n'))
    fail_msg("%s: status %d, message '%s' (expected bad input naming '%s')", path, (int)st,
             err.msg, needle);
  assert_null(ds);
}

/* Every field of a and b, byte for byte (read as float64). */
static inline void compare_datasets(const char *a, const char *b) {
  tl_dataset_t *da = open_ok(a), *db = open_ok(b);
  const long n = tl_dataset_meta(da)->n;
  assert_int_equal(n, tl_dataset_meta(db)->n);
  for (int f = 0; f < TL_FIELD_COUNT; f++) {
    long per = tl_dataset_field_size(da, (tl_field)f);
    assert_int_equal(per, tl_dataset_field_size(db, (tl_field)f));
    if (!per) continue;
    void *x = read_all(da, (tl_field)f, TL_MEM_F64, 8), *y = read_all(db, (tl_field)f, TL_MEM_F64, 8);
    if (memcmp(x, y, (size_t)n * (size_t)per * 8))
      fail_msg("field %s differs between %s and %s", tl_field_name((tl_field)f), a, b);
    free(x), free(y);
  }
  tl_dataset_close(da);
  tl_dataset_close(db);
}

/* A family with three windings and disorder: ranges 0..2, t_0, t_1, t_2 ~ U[0, 1.5],
 * bond disorder 0.3 on every range. */
static inline void family_r012(tl_dataset_params_t *p, int L) {
  tl_dataset_params_default(p);
  p->fam.L = L;
  p->fam.r_min = 0;
  p->fam.r_max = 2;
  for (int k = 0; k < 3; k++) {
    p->t_lo[k] = 0.0;
    p->t_hi[k] = 1.5;
    p->fam.disorder[k] = 0.3;
  }
}

/* ---- whole files, for "nothing changed" checks and corrupted copies ----------------- */

/* Size of path in bytes, -1 when it does not exist. */
static inline long file_bytes(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

static inline int exists(const char *path) { return file_bytes(path) >= 0; }

/* The whole file (malloc'ed) and its length. */
static inline char *slurp(const char *path, long *len) {
  FILE *fp = fopen(path, "rb");
  assert_non_null(fp);
  *len = file_bytes(path);
  char *buf = malloc((size_t)*len + 1);
  assert_int_equal(fread(buf, 1, (size_t)*len, fp), (size_t)*len);
  fclose(fp);
  return buf;
}

/* Writes len bytes to path, replacing it. */
static inline void spit(const char *path, const char *bytes, long len) {
  FILE *fp = fopen(path, "wb");
  assert_non_null(fp);
  assert_int_equal(fwrite(bytes, 1, (size_t)len, fp), (size_t)len);
  fclose(fp);
}

/* ---- interruptions ------------------------------------------------------------------ */

/* A progress callback that cancels at its stop_at-th call (generation polls after each
 * block, the phase diagram after each realisation). */
typedef struct {
  int polls, stop_at;
} cancel_t;

static inline int cancel_after(void *ctx, long done, long total) {
  (void)done, (void)total;
  cancel_t *c = ctx;
  return ++c->polls >= c->stop_at;
}

#endif
