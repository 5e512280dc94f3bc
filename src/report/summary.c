/* The summary: numbers the report quotes, written as DIR/summary.json. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "topolearn/json.h"
#include "topolearn/outfile.h"
#include "topolearn/report.h"

void tl_summary_add(tl_summary_t *s, const char *study, const char *key, double value,
                    const char *text) {
  if (!s) return;
  for (int i = 0; i < s->n; i++) /* replace: a resumed study re-adds its numbers */
    if (!strcmp(s->e[i].study, study) && !strcmp(s->e[i].key, key)) {
      s->e[i].value = value;
      snprintf(s->e[i].text, sizeof s->e[i].text, "%s", text ? text : "");
      return;
    }
  if (s->n >= TL_SUMMARY_MAX) return;
  tl_summary_entry_t *e = &s->e[s->n++];
  snprintf(e->study, sizeof e->study, "%s", study);
  snprintf(e->key, sizeof e->key, "%s", key);
  e->value = value;
  snprintf(e->text, sizeof e->text, "%s", text ? text : "");
}

double tl_summary_get(const tl_summary_t *s, const char *study, const char *key) {
  for (int i = 0; i < s->n; i++)
    if (!strcmp(s->e[i].study, study) && !strcmp(s->e[i].key, key)) return s->e[i].value;
  return NAN;
}

tl_status tl_summary_write_json(const tl_summary_t *s, const char *path, tl_error *err) {
  tl_outfile_t o;
  tl_status st = tl_outfile_begin(&o, path, 1, 1, err);
  if (st) return st;
  tl_json_t j;
  tl_json_init(&j, o.fp, 1);
  tl_json_object(&j);
  /* one object per study, entries in the order they were added */
  for (int i = 0; i < s->n; i++) {
    int first = 1;
    for (int k = 0; k < i; k++) first &= strcmp(s->e[k].study, s->e[i].study) != 0;
    if (!first) continue;
    tl_json_key(&j, s->e[i].study);
    tl_json_object(&j);
    for (int k = i; k < s->n; k++) {
      if (strcmp(s->e[k].study, s->e[i].study)) continue;
      if (s->e[k].text[0]) {
        tl_json_key(&j, s->e[k].key);
        tl_json_object(&j);
        tl_json_kv_number(&j, "value", s->e[k].value);
        tl_json_kv_string(&j, "verdict", s->e[k].text);
        tl_json_end(&j);
      } else {
        tl_json_kv_number(&j, s->e[k].key, s->e[k].value);
      }
    }
    tl_json_end(&j);
  }
  tl_json_end(&j);
  return tl_outfile_commit(&o, err);
}
