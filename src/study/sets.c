/* In-memory chain sets for the studies (see study_internal.h). */
#include <math.h>
#include <omp.h>
#include <string.h>

#include "core/failure.h"
#include "study/study_internal.h"

void tl_set_spec_ssh(tl_set_spec_t *sp, int L, long n, uint64_t seed, double disorder) {
  memset(sp, 0, sizeof *sp);
  sp->L = L;
  sp->r_min = 0;
  sp->r_max = 1;
  sp->t_lo[0] = sp->t_lo[1] = 0.0;
  sp->t_hi[0] = sp->t_hi[1] = 2.0;
  sp->disorder = disorder;
  sp->boundary = TL_OBC;
  sp->n = n;
  sp->seed = seed;
  sp->want_label = TL_ANY_LABEL;
}

void tl_set_spec_winding2(tl_set_spec_t *sp, int L, long n, uint64_t seed) {
  tl_set_spec_ssh(sp, L, n, seed, 0.0);
  sp->r_max = 2;
  sp->t_hi[0] = sp->t_hi[1] = 1.0;
  sp->t_lo[2] = 1.0;
  sp->t_hi[2] = 2.0;
  sp->want_label = 2;
}

static void candidate_family(const tl_set_spec_t *sp, tl_rng_t *rng, tl_family_t *f) {
  memset(f, 0, sizeof *f);
  f->L = sp->L;
  f->r_min = sp->r_min;
  f->r_max = sp->r_max;
  f->boundary = sp->boundary;
  f->onsite = sp->onsite;
  for (int k = 0; k <= sp->r_max - sp->r_min; k++) {
    f->t[k] = sp->t_lo[k] + (sp->t_hi[k] - sp->t_lo[k]) * tl_rng_uniform(rng);
    f->disorder[k] = sp->disorder;
  }
}

tl_status tl_set_make(const tl_set_spec_t *sp, tl_samples_t **out, tl_error *err) {
  *out = NULL;
  tl_samples_t *s;
  tl_status st = tl_samples_new(&s, (int)sp->n, sp->L, sp->r_min, sp->r_max, sp->boundary, 1, err);
  if (st) return st;
  tl_rswn_opts_t ro;
  tl_rswn_opts_default(&ro);
  const long block = 256, max_candidates = 200 * sp->n + 10000;
  long filled = 0;
  /* Staging area for one block: solved candidates land here, then are copied in order. */
  tl_samples_t *stage = NULL;
  st = tl_samples_new(&stage, (int)block, sp->L, sp->r_min, sp->r_max, sp->boundary, 1, err);
  tl_status shared = st;
  for (long base = 0; !shared && filled < sp->n; base += block) {
    if (base >= max_candidates) {
      shared = tl_error_set(err, TL_ERR_INPUT, "could not draw %ld chains with label %d from %ld "
                            "candidates", sp->n, sp->want_label, base);
      break;
    }
    tl_failure_t fail;
    tl_failure_init(&fail);
#pragma omp parallel
    {
      tl_solver_t *solver = NULL;
      tl_chain_t *chain = NULL;
      tl_error e = {0};
      tl_status mine = tl_solver_new(&solver, sp->L, sp->r_min, sp->r_max, sp->boundary, &e);
      if (!mine) mine = tl_chain_new(&chain, sp->L, sp->r_min, sp->r_max, sp->boundary, &e);
      long mine_at = -1;
#pragma omp for schedule(dynamic, 8)
      for (long k = 0; k < block; k++) {
        if (mine) continue;
        tl_rng_t rng;
        tl_rng_init(&rng, sp->seed, (uint64_t)(base + k));
        tl_family_t f;
        candidate_family(sp, &rng, &f);
        mine = tl_chain_realise(chain, &f, &rng, &e);
        if (!mine) mine = tl_samples_fill(stage, (int)k, solver, chain, &ro, &e);
        if (mine) mine_at = k;
      }
      tl_failure_offer(&fail, mine, mine_at, &e);
      tl_solver_free(solver);
      tl_chain_free(chain);
    }
    if ((shared = fail.status)) {
      if (err) *err = fail.err;
      break;
    }
    for (long k = 0; k < block && filled < sp->n; k++) {
      if (sp->want_label != TL_ANY_LABEL && (stage->label[k] != sp->want_label || stage->ambiguous[k]))
        continue;
      const size_t L = (size_t)sp->L, R = (size_t)s->R;
      memcpy(s->t + filled * L * R, stage->t + k * L * R, L * R * sizeof *s->t);
      memcpy(s->psi + filled * L * 2 * L, stage->psi + k * L * 2 * L, 2 * L * L * sizeof *s->psi);
      memcpy(s->qab + filled * L * L, stage->qab + k * L * L, L * L * sizeof *s->qab);
      memcpy(s->energies + filled * 2 * L, stage->energies + k * 2 * L, 2 * L * sizeof *s->energies);
      s->W[filled] = stage->W[k];
      s->label[filled] = stage->label[k];
      s->ambiguous[filled] = stage->ambiguous[k];
      filled++;
    }
  }
  tl_samples_free(stage);
  if (shared) {
    tl_samples_free(s);
    return shared;
  }
  *out = s;
  return TL_OK;
}

uint64_t tl_study_seed(uint64_t base, const char *tag, long index) {
  /* FNV-1a of the tag mixed with base and index through one Philox draw. */
  uint64_t h = 1469598103934665603ull;
  for (const char *p = tag; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
  tl_rng_t r;
  tl_rng_init(&r, base ^ h, (uint64_t)index);
  return tl_rng_u64(&r) >> 1;
}
