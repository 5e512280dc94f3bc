/* Report sections and claims: the helpers a study uses to fill its section, so that
 * report.md lays out sections without knowing any study. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "topolearn/report.h"

const char *tl_verdict_name(tl_verdict v) {
  switch (v) {
    case TL_VERDICT_REPRODUCED: return "reproduced";
    case TL_VERDICT_PARTLY: return "partly";
    case TL_VERDICT_NOT_REPRODUCED: return "not reproduced";
    default: return "not measured";
  }
}

void tl_report_cat(char *buf, size_t cap, const char *fmt, ...) {
  size_t n = strlen(buf);
  if (n + 1 >= cap) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf + n, cap - n, fmt, ap);
  va_end(ap);
}

static int has_key(const tl_summary_t *s, const char *study, const char *key) {
  for (int i = 0; i < s->n; i++)
    if (!strcmp(s->e[i].study, study) && !strcmp(s->e[i].key, key)) return 1;
  return 0;
}

double tl_report_claim_get(tl_report_claim_t *cl, const tl_summary_t *s, const char *study,
                           const char *key) {
  if (s && has_key(s, study, key)) return tl_summary_get(s, study, key);
  char one[160];
  snprintf(one, sizeof one, "%s/%s", study, key);
  if (!strstr(cl->missing, one))
    tl_report_cat(cl->missing, sizeof cl->missing, "%s%s", cl->missing[0] ? ", " : "", one);
  return NAN;
}

void tl_figures_add(tl_figures_t *figs, const char *section, const char *file,
                    const char *caption) {
  if (figs->n >= TL_FIGURES_MAX) return;
  snprintf(figs->file[figs->n], sizeof figs->file[0], "%s", file);
  snprintf(figs->caption[figs->n], sizeof figs->caption[0], "%s", caption);
  snprintf(figs->section[figs->n], sizeof figs->section[0], "%s", section);
  figs->n++;
}
