/* tests/dataset_util.h — shared fixtures of the data-set tests: a temporary directory
 * per test program, and generate/open/read helpers that fail the test with the
 * library's message. Functions are static inline so each program uses what it needs. */
#ifndef TL_TESTS_DATASET_UTIL_H
#define TL_TESTS_DATASET_UTIL_H

#include <stdlib.h>
#include <string.h>

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

#endif
