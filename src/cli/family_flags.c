/* Chain-family flags shared by the subcommands that build chains. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define NR (2 * TL_RANGE_MAX + 1)

void tl_cli_family_init(tl_cli_family_t *cf, int L) {
  memset(cf, 0, sizeof *cf);
  tl_family_ssh(&cf->fam, L, 1.0, 1.0);
  cf->seed = 1;
  cf->v = cf->w = NAN;
  tl_rswn_opts_default(&cf->rswn);
}

tl_status tl_cli_parse_pairs(const char *flag, const char *text, double lo, double hi,
                             double vals[NR], int given[NR], tl_error *err) {
  tl_fields_t f = tl_fields(text, ',');
  while (tl_fields_next(&f)) {
    const char *colon = memchr(f.at, ':', f.len);
    if (!colon)
      return tl_error_set(err, TL_ERR_INPUT, "%s: '%.*s' is not r:value (expected e.g. 0:1,1:1.5)",
                          flag, (int)f.len, f.at);
    long long r;
    tl_status st = tl_cli_int_n(flag, f.at, (size_t)(colon - f.at), -TL_RANGE_MAX, TL_RANGE_MAX, &r, err);
    if (!st) st = tl_cli_double_n(flag, colon + 1, (size_t)(f.at + f.len - colon - 1), lo, hi,
                                  &vals[r + TL_RANGE_MAX], err);
    if (st) return st;
    if (given[r + TL_RANGE_MAX])
      return tl_error_set(err, TL_ERR_INPUT, "%s: range %lld given twice", flag, r);
    given[r + TL_RANGE_MAX] = 1;
  }
  return TL_OK;
}

static tl_status parse_hop(const tl_flag_t *row, const char *text, void *group, tl_error *err) {
  tl_cli_family_t *cf = group;
  tl_family_t *f = &cf->fam;
  double vals[NR] = {0};
  int given[NR] = {0};
  if (tl_cli_parse_pairs("--hop", text, row->dmin, row->dmax, vals, given, err)) return err->status;
  int lo = NR - 1, hi = 0;
  for (int k = 0; k < NR; k++)
    if (given[k]) {
      if (k < lo) lo = k;
      hi = k;
    }
  f->r_min = lo - TL_RANGE_MAX;
  f->r_max = hi - TL_RANGE_MAX;
  memset(f->t, 0, sizeof f->t);
  for (int k = lo; k <= hi; k++) f->t[k - lo] = vals[k];
  cf->have_hop = 1;
  return TL_OK;
}

static void show_hop(const tl_flag_t *row, const void *group, char *buf, size_t cap) {
  const tl_family_t *f = &((const tl_cli_family_t *)group)->fam;
  size_t k = 0;
  for (int r = f->r_min; r <= f->r_max && k < cap; r++)
    k += (size_t)snprintf(buf + k, cap - k, "%s%d:%g", r > f->r_min ? "," : "", r, f->t[r - f->r_min]);
}

/* One D for every range, or r:D pairs. */
static tl_status parse_disorder(const tl_flag_t *row, const char *text, void *group,
                                tl_error *err) {
  tl_cli_family_t *cf = group;
  if (!strchr(text, ':'))
    return tl_cli_double("--disorder", text, row->dmin, row->dmax, &cf->disorder_all, err);
  memset(cf->disorder_by_range, 0, sizeof cf->disorder_by_range);
  memset(cf->disorder_given, 0, sizeof cf->disorder_given);
  cf->disorder_all = -1;
  return tl_cli_parse_pairs("--disorder", text, row->dmin, row->dmax, cf->disorder_by_range,
                            cf->disorder_given, err);
}

static void show_disorder(const tl_flag_t *row, const void *group, char *buf, size_t cap) {
  snprintf(buf, cap, "%g", ((const tl_cli_family_t *)group)->disorder_all);
}

#define F tl_cli_family_t
const tl_flag_t tl_cli_family_rows[] = {
    {.name = "L", .type = TL_FT_INT, .metavar = "N", .off = offsetof(F, fam.L), .imin = 1,
     .imax = TL_L_MAX, .help = "cells"},
    {.name = "hop", .type = TL_FT_CUSTOM, .metavar = "r:t[,r:t...]", .dmin = -TL_CLI_HOP_MAX,
     .dmax = TL_CLI_HOP_MAX, .parse = parse_hop, .show = show_hop,
     .help = "mean hopping per range r (r may be negative)"},
    {.name = "disorder", .type = TL_FT_CUSTOM, .metavar = "D", .dmin = 0, .dmax = TL_CLI_HOP_MAX,
     .parse = parse_disorder, .show = show_disorder,
     .help = "bond disorder on every range, or r:D[,r:D...] per range"},
    TL_FLAG_DOUBLE_ROW("onsite", F, fam.onsite, 0, TL_CLI_HOP_MAX, "D0",
                       "on-site disorder (breaks chiral symmetry)"),
    TL_FLAG_SEED_ROW(F, seed, "random seed of the disorder"),
    TL_FLAG_SWITCH_ROW("pbc", F, pbc, "periodic boundaries (default open)"),
    TL_FLAG_DOUBLE_ROW("bulk-fraction", F, rswn.bulk_fraction, 1e-9, 1.0, "f",
                       "central fraction of cells averaged into W"),
    TL_FLAG_DOUBLE_ROW("delta", F, rswn.delta, 1e-12, 0.5, "d",
                       "ambiguity threshold on |W - round W|"),
    {0}};

const tl_flag_t tl_cli_vw_rows[] = {
    TL_FLAG_DOUBLE_ROW("v", F, v, -TL_CLI_HOP_MAX, TL_CLI_HOP_MAX, "X",
                       "plain SSH shorthand: --v X --w Y is --hop 0:X,1:Y (the other one 1)"),
    TL_FLAG_DOUBLE_ROW("w", F, w, -TL_CLI_HOP_MAX, TL_CLI_HOP_MAX, "Y", "see --v"),
    {0}};
#undef F

const char *const tl_cli_chain_flags[] = {"L", "hop", "v", "w", "disorder", "onsite", "seed", NULL};

tl_status tl_cli_family_finish(tl_cli_family_t *cf, tl_error *err) {
  tl_family_t *f = &cf->fam;
  if (!isnan(cf->v) || !isnan(cf->w)) {
    if (cf->have_hop)
      return tl_error_set(err, TL_ERR_INPUT, "--hop and --v/--w both given (expected one of them)");
    f->r_min = 0;
    f->r_max = 1;
    f->t[0] = isnan(cf->v) ? 1.0 : cf->v;
    f->t[1] = isnan(cf->w) ? 1.0 : cf->w;
  }
  if (cf->pbc) f->boundary = TL_PBC;
  memset(f->disorder, 0, sizeof f->disorder);
  for (int k = 0; k <= f->r_max - f->r_min; k++) {
    int idx = f->r_min + k + TL_RANGE_MAX;
    f->disorder[k] = cf->disorder_all >= 0 ? cf->disorder_all : cf->disorder_by_range[idx];
  }
  if (cf->disorder_all < 0)
    for (int idx = 0; idx < NR; idx++)
      if (cf->disorder_given[idx] &&
          (idx - TL_RANGE_MAX < f->r_min || idx - TL_RANGE_MAX > f->r_max))
        return tl_error_set(err, TL_ERR_INPUT, "--disorder: range %d is not among the hoppings "
                            "(%d..%d)", idx - TL_RANGE_MAX, f->r_min, f->r_max);
  tl_status st = tl_family_validate(f, err);
  if (st) return st;
  return tl_rswn_opts_validate(&cf->rswn, err);
}
