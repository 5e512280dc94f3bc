/* Chain-family flags shared by the subcommands that build chains. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

void tl_cli_family_init(tl_cli_family_t *cf, int L) {
  memset(cf, 0, sizeof *cf);
  tl_family_ssh(&cf->fam, L, 1.0, 1.0);
  cf->seed = 1;
  tl_rswn_opts_default(&cf->rswn);
}

/* "r:x[,r:x...]" -> values per range; fills r_lo/r_hi with the extent given. */
static tl_status parse_pairs(const char *flag, const char *text, double lo, double hi,
                             double vals[2 * TL_RANGE_MAX + 1], int given[2 * TL_RANGE_MAX + 1],
                             tl_error *err) {
  char buf[1024];
  if (strlen(text) >= sizeof buf)
    return tl_error_set(err, TL_ERR_INPUT, "%s: value too long", flag);
  strcpy(buf, text);
  char *save = NULL;
  int any = 0;
  for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    char *colon = strchr(tok, ':');
    if (!colon)
      return tl_error_set(err, TL_ERR_INPUT, "%s: '%s' is not r:value (expected e.g. 0:1,1:1.5)",
                          flag, tok);
    *colon = '\0';
    long r;
    double x;
    tl_status st = tl_cli_int(flag, tok, -TL_RANGE_MAX, TL_RANGE_MAX, &r, err);
    if (st) return st;
    if ((st = tl_cli_double(flag, colon + 1, lo, hi, &x, err))) return st;
    if (given[r + TL_RANGE_MAX])
      return tl_error_set(err, TL_ERR_INPUT, "%s: range %ld given twice", flag, r);
    given[r + TL_RANGE_MAX] = 1;
    vals[r + TL_RANGE_MAX] = x;
    any = 1;
  }
  if (!any) return tl_error_set(err, TL_ERR_INPUT, "%s: empty (expected r:value pairs)", flag);
  return TL_OK;
}

int tl_cli_family_flag(int argc, char **argv, int *i, tl_cli_family_t *cf, tl_error *err) {
  const char *a = argv[*i], *v;
  tl_family_t *f = &cf->fam;
  long n;
  double x;
  if (!strcmp(a, "--L")) {
    if (tl_cli_int_arg(argc, argv, i, 1, TL_L_MAX, &n, err)) return -1;
    f->L = (int)n;
  } else if (!strcmp(a, "--hop")) {
    if (!(v = tl_cli_value(argc, argv, i, err))) return -1;
    double vals[2 * TL_RANGE_MAX + 1] = {0};
    int given[2 * TL_RANGE_MAX + 1] = {0};
    if (parse_pairs("--hop", v, -1e6, 1e6, vals, given, err)) return -1;
    int lo = 2 * TL_RANGE_MAX, hi = 0;
    for (int k = 0; k <= 2 * TL_RANGE_MAX; k++)
      if (given[k]) {
        if (k < lo) lo = k;
        hi = k;
      }
    f->r_min = lo - TL_RANGE_MAX;
    f->r_max = hi - TL_RANGE_MAX;
    memset(f->t, 0, sizeof f->t);
    for (int k = lo; k <= hi; k++) f->t[k - lo] = vals[k];
    cf->have_hop = 1;
  } else if (!strcmp(a, "--v") || !strcmp(a, "--w")) {
    if (tl_cli_double_arg(argc, argv, i, -1e6, 1e6, &x, err)) return -1;
    if (!cf->have_vw) { /* switch to plain SSH on first use */
      f->r_min = 0;
      f->r_max = 1;
      f->t[0] = f->t[1] = 1.0;
    }
    f->t[a[2] == 'v' ? 0 : 1] = x;
    cf->have_vw = 1;
  } else if (!strcmp(a, "--disorder")) {
    if (!(v = tl_cli_value(argc, argv, i, err))) return -1;
    if (strchr(v, ':')) {
      double vals[2 * TL_RANGE_MAX + 1] = {0};
      int given[2 * TL_RANGE_MAX + 1] = {0};
      if (parse_pairs("--disorder", v, 0, 1e6, vals, given, err)) return -1;
      memcpy(cf->disorder_by_range, vals, sizeof vals);
      memcpy(cf->disorder_given, given, sizeof given);
      cf->disorder_all = -1;
    } else {
      if (tl_cli_double("--disorder", v, 0, 1e6, &x, err)) return -1;
      cf->disorder_all = x;
    }
  } else if (!strcmp(a, "--onsite")) {
    if (tl_cli_double_arg(argc, argv, i, 0, 1e6, &f->onsite, err)) return -1;
  } else if (!strcmp(a, "--seed")) {
    if (tl_cli_int_arg(argc, argv, i, 0, 0x7fffffffffffffffL, &cf->seed, err)) return -1;
  } else if (!strcmp(a, "--pbc")) {
    f->boundary = TL_PBC;
  } else if (!strcmp(a, "--bulk-fraction")) {
    if (tl_cli_double_arg(argc, argv, i, 1e-9, 1.0, &cf->rswn.bulk_fraction, err)) return -1;
  } else if (!strcmp(a, "--delta")) {
    if (tl_cli_double_arg(argc, argv, i, 1e-12, 0.5, &cf->rswn.delta, err)) return -1;
  } else {
    return 0;
  }
  if (strcmp(a, "--bulk-fraction") && strcmp(a, "--delta") && strcmp(a, "--pbc")) cf->chain_flag = a;
  return 1;
}

tl_status tl_cli_family_finish(tl_cli_family_t *cf, tl_error *err) {
  tl_family_t *f = &cf->fam;
  if (cf->have_hop && cf->have_vw)
    return tl_error_set(err, TL_ERR_INPUT, "--hop and --v/--w both given (expected one of them)");
  memset(f->disorder, 0, sizeof f->disorder);
  for (int k = 0; k <= f->r_max - f->r_min; k++) {
    int idx = f->r_min + k + TL_RANGE_MAX;
    f->disorder[k] = cf->disorder_all >= 0 ? cf->disorder_all : cf->disorder_by_range[idx];
  }
  if (cf->disorder_all < 0)
    for (int idx = 0; idx <= 2 * TL_RANGE_MAX; idx++)
      if (cf->disorder_given[idx] &&
          (idx - TL_RANGE_MAX < f->r_min || idx - TL_RANGE_MAX > f->r_max))
        return tl_error_set(err, TL_ERR_INPUT, "--disorder: range %d is not among the hoppings "
                            "(%d..%d)", idx - TL_RANGE_MAX, f->r_min, f->r_max);
  tl_status st = tl_family_validate(f, err);
  if (st) return st;
  return tl_rswn_opts_validate(&cf->rswn, err);
}
