/* libFuzzer harness for the text files topolearn reads back (issue 17: every parser gets
 * a harness): the metrics CSV a resumed training continues (tl_cli_metrics_begin) and a
 * study's cell file (tl_cell_read, read on --resume). Any bytes must give TL_OK or a
 * one-line error, never a crash, a leak or undefined behaviour; an accepted metrics CSV
 * is copied as exactly the header and the rows of epochs 1..k, each unchanged. The first
 * input byte picks the parser (and k), the rest is the file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "study/study_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(tl_status st, const tl_error *err) {
  if (st && (err->msg[0] == '\0' || strchr(err->msg, '\n'))) {
    fprintf(stderr, "bad error message: [%s]\n", err->msg);
    __builtin_trap();
  }
}

/* An accepted CSV: the output is the header, then input lines 2..k+1 verbatim. */
static void check_copy(const char *out, size_t len, const uint8_t *in, size_t n, int k) {
  size_t want_len = strlen(TL_CLI_METRICS_HEADER) + 1, at = 0;
  for (int line = 0; line <= k; line++) { /* input line 0 is the header */
    const uint8_t *nl = memchr(in + at, '\n', n - at);
    if (!nl) __builtin_trap(); /* accepted a row without its newline */
    if (line > 0) {
      if (memcmp(out + want_len, in + at, (size_t)(nl - (in + at)) + 1)) __builtin_trap();
      want_len += (size_t)(nl - (in + at)) + 1;
    }
    at = (size_t)(nl - in) + 1;
  }
  if (len != want_len || at != n) __builtin_trap(); /* rows beyond epoch k, or text left */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  char path[64];
  snprintf(path, sizeof path, "/tmp/tl-fuzz-text-%d", (int)getpid());
  FILE *fp = fopen(path, "wb");
  if (!fp) abort();
  fwrite(data + 1, 1, size - 1, fp);
  fclose(fp);
  tl_error err = {0};
  if (data[0] & 1) { /* a cell file of four keys */
    static const char *const keys[] = {"epochs_to_success", "final_loss", "fit_acc", "epochs"};
    double v[4];
    check(tl_cell_read(path, keys, v, 4, &err), &err);
  } else { /* the metrics CSV of a run interrupted after k epochs */
    const int k = data[0] >> 1;
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    if (!mem) abort();
    tl_status st = tl_cli_metrics_begin(mem, path, k, &err);
    fclose(mem);
    check(st, &err);
    if (!st && k > 0) check_copy(out, len, data + 1, size - 1, k);
    free(out);
  }
  unlink(path);
  return 0;
}
