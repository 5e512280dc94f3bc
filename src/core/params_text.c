/* Canonical parameter strings of checkpoints (see params_text.h). */
#include "core/params_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tl_text_put(char *buf, size_t cap, size_t *len, const char *fmt, ...) {
  if (*len >= cap) return;
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(buf + *len, cap - *len, fmt, ap);
  va_end(ap);
  if (k > 0) *len += (size_t)k;
}

/* Equal strings <=> equal bits (NaN cannot occur: parameters are validated finite). */
void tl_text_exact(char *out, size_t cap, double x) {
  for (int digits = 15; digits <= 17; digits++) {
    snprintf(out, cap, "%.*g", digits, x);
    if (strtod(out, NULL) == x) return;
  }
}

void tl_text_doubles(char *buf, size_t cap, size_t *len, const char *key, const double *v,
                     int n) {
  tl_text_put(buf, cap, len, " %s=", key);
  for (int k = 0; k < n; k++) {
    char x[32];
    tl_text_exact(x, sizeof x, v[k]);
    tl_text_put(buf, cap, len, "%s%s", k ? "," : "", x);
  }
}

/* The first word "key=value" of want that have lacks or holds with another value. */
static int first_difference(const char *have, const char *want, char *h_word, char *w_word,
                            size_t cap) {
  for (const char *w = want; *w;) {
    while (*w == ' ') w++;
    size_t wl = strcspn(w, " "), kl = strcspn(w, "=");
    if (!wl) break;
    snprintf(w_word, cap, "%.*s", (int)wl, w);
    snprintf(h_word, cap, "no %.*s", (int)kl, w);
    for (const char *h = have; *h;) {
      while (*h == ' ') h++;
      size_t hl = strcspn(h, " ");
      if (!hl) break;
      if (hl > kl && !strncmp(h, w, kl + 1)) {
        snprintf(h_word, cap, "%.*s", (int)hl, h);
        break;
      }
      h += hl;
    }
    if (strcmp(h_word, w_word)) return 1;
    w += wl;
  }
  return 0;
}

tl_status tl_text_params_match(const char *path, const char *have, const char *want,
                               tl_error *err) {
  if (!strcmp(have, want)) return TL_OK;
  char hw[512], ww[512];
  /* a word of this command's, else one only the checkpoint has */
  if (!first_difference(have, want, hw, ww, sizeof hw)) first_difference(want, have, ww, hw, sizeof hw);
  return tl_error_set(err, TL_ERR_INPUT, "%s: checkpoint of other parameters: %s there, %s in "
                      "this command (--resume continues the interrupted command unchanged)", path,
                      hw, ww);
}
