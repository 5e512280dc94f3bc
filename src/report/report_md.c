/* report.md: the setup, a glossary of every term and column, the paper's claims C1-C5
 * with their verdicts, then each section with its tables and figures, and the next
 * steps. The sections (and their claims) come from the studies that own them
 * (tl_report_section_t); this file knows no study by name. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report_internal.h"
#include "topolearn/outfile.h"

/* The words every section uses. */
static const tl_report_term_t common_terms[] = {
    {"chain", "a one-dimensional chain of L unit cells, each with two sites A and B; a "
              "hopping t_r(n) joins site B of cell n to site A of cell n + r. Plain SSH has "
              "r = 0 (intra-cell hopping v) and r = 1 (inter-cell hopping w); open ends"},
    {"v, w", "the mean intra- and inter-cell hoppings, drawn for every chain uniformly in "
             "[0, 2]; a clean chain has winding 1 when |w| > |v|, else 0"},
    {"D (bond disorder)", "every hopping is t_r(n) = t_r + D u with u drawn uniformly in "
                          "[-1/2, 1/2], independently for every bond; it keeps the chiral "
                          "symmetry that protects the winding number"},
    {"D_0 (on-site disorder)", "random energies on every site, uniform in [-D_0/2, D_0/2]; "
                               "it breaks chiral symmetry, so the winding number is no longer "
                               "protected"},
    {"RSWN, W", "the real-space winding number of a chain, its topological invariant: W = "
                "(1/L') sum over the bulk cells n of the local marker -sum_m Q_AB[n,m]^2 "
                "(x_m - x_n), with x_m = m the position of cell m and Q = sign(H), H being the "
                "chain's Hamiltonian (the 2L x 2L matrix of its hoppings). W is an integer up "
                "to finite-size corrections, and on clean chains it equals the winding number "
                "of the infinite periodic chain (the k-space winding; docs/physics.md)"},
    {"Q_AB", "the block of Q = sign(H) that joins the A sites to the B sites, an L x L "
             "matrix computed from the chain's eigenvectors"},
    {"L', bulk, edge cells", "L' is the number of bulk cells W averages over: the central "
                             "half of the L cells; the edge cells are the first and last few "
                             "cells of the chain"},
    {"label, ambiguous", "a chain's label is round(W); a chain with |W - round(W)| > 0.1 "
                         "(near a transition, at finite L) is ambiguous and left out of "
                         "training and of every accuracy"},
    {"accuracy", "share of the non-ambiguous test chains whose predicted label equals the "
                 "RSWN label"},
    {"training, epoch, loss", "a model is trained by gradient descent (Adam) on a set of "
                              "labelled training chains, lowering its loss (the cross-entropy "
                              "of its predicted class probabilities); one epoch is one pass "
                              "over that set; it is then tested on other chains"},
    {"fits, learned the invariant", "a seed fits when its accuracy on test chains like the "
                                    "training chains is >= 0.99; it learned the invariant "
                                    "when it also passes tests a proxy cannot pass (see the "
                                    "trainability section)"},
    {"proxy", "a feature of the training chains that agrees with the winding number there but "
              "is not it: the sign convention of the eigenvectors, the size of the hoppings, "
              "or edge states, each failing somewhere the invariant does not"},
    {"median, interquartile range (IQR)", "the middle value over the seeds, and the range of "
                                          "the middle half of them (shaded bands in figures)"},
    {"SVD, singular components", "the singular value decomposition of a weight matrix: a sum "
                                 "of rank-one components, each a singular value times an "
                                 "output and an input direction (its right-singular vector); "
                                 "keeping the top k components prunes the layer"},
    {"topo", "the hybrid tensor network that contains the RSWN formula: W = sum K[n,m] "
             "Q_AB[n,m]^2 with Q_AB = sum_j lambda_j a_j b_j^T, a_j and b_j being the A and B "
             "parts of eigenvector j; trainable lambda (one per state), K (L x L) and a "
             "nearest-integer head. Its exact values (lambda = 2, K from the marker) give W "
             "exactly"},
    {"sym", "a local network on Q_AB: one small shared network per cell reads the entries "
            "q[n, n+d] of its row, averaged over the bulk cells, with the nearest-integer head; "
            "it does not depend on the eigenvectors' sign convention, and has no parameter "
            "tied to L"},
    {"mlp", "a fully connected network (two hidden layers of 64) on one input"},
    {"cnn", "a 1D convolutional network along the cells (two layers of 16 channels, "
            "kernel 5, pooling 2) with a dense head"},
    {"nearest-integer head", "logits -beta (W - c)^2 over the integers c: topo and sym "
                             "predict a real W and label round(W), so they can name an "
                             "integer they were never trained on"},
    {"input eigvec, hopping, qab", "what an mlp or cnn reads: the positive-energy "
                                   "eigenvectors (sign fixed by a convention), the hoppings, "
                                   "or the matrix Q_AB"},
    {"model spec", "kind[:input][:init][:gauge]: init random, exact (the tensors of the RSWN "
                   "formula, so accuracy 1 before any training) or exact+noise:SIGMA (those "
                   "plus Gaussian noise of SIGMA times their rms); gauge: trained with the "
                   "sign of every eigenvector flipped at random, so it cannot learn the sign "
                   "convention (e.g. mlp:eigvec:gauge)"},
    {"seed", "one independent training of a model (its initial weights and minibatch "
             "order); every per-model number is over the seeds, and every verdict gives how "
             "many and their spread"},
    {"log-hopping rule", "predicts winding 1 when sum_n log|w_n| > sum_n log|v_n| (in "
                         "general: the range with the largest mean log|t_r|); the exact "
                         "phase boundary of infinite disordered SSH chains"},
    {"edge-state indicator", "predicts the winding as the number of near-zero-energy modes "
                             "localised on the end cells, what one would read off the "
                             "spectrum"},
    {"verdict", "reproduced, partly or not reproduced, by the rule printed beside each "
                "claim; not measured when a number it needs was not computed (the report "
                "names it)"},
    {"— (a dash in a table)", "the quantity does not apply to that model (each column's "
                              "entry below says to which models it applies), or no seed "
                              "reached it"},
    {NULL, NULL}};

static void terms(FILE *fp, const tl_report_term_t *t) {
  for (; t && t->term; t++) fprintf(fp, "- **%s**: %s.\n", t->term, t->meaning);
}

static void glossary(FILE *fp, const tl_report_section_t *secs, int n) {
  fputs("## Glossary\n\n", fp);
  terms(fp, common_terms);
  for (int i = 0; i < n; i++) {
    if (!secs[i].terms) continue;
    fprintf(fp, "\nColumns of *%s*:\n\n", secs[i].title);
    terms(fp, secs[i].terms);
  }
  fputs("\n", fp);
}

static tl_verdict verdict_of(const tl_report_claim_t *cl) {
  return cl->missing[0] ? TL_VERDICT_NOT_MEASURED : cl->verdict;
}

static int by_id(const void *a, const void *b) {
  const tl_report_claim_t *x = *(const tl_report_claim_t *const *)a, *y = *(const tl_report_claim_t *const *)b;
  return strcmp(x->id, y->id);
}

static void claims(FILE *fp, const tl_report_meta_t *m, const tl_report_section_t *secs, int n) {
  const tl_report_claim_t *all[64];
  const char *where[64];
  int nc = 0;
  for (int i = 0; i < n; i++)
    for (int k = 0; k < secs[i].nclaims && nc < 64; k++) {
      where[nc] = secs[i].title;
      all[nc++] = &secs[i].claim[k];
    }
  for (int i = 0; i < nc; i++) /* in the paper's order, C1 first; each knows its section */
    for (int k = i + 1; k < nc; k++)
      if (by_id(&all[k], &all[i]) < 0) {
        const tl_report_claim_t *t = all[i];
        const char *w = where[i];
        all[i] = all[k], where[i] = where[k];
        all[k] = t, where[k] = w;
      }
  fputs("## The paper's claims against our numbers\n\n", fp);
  if (m->quick)
    fputs("A `--quick` run: the verdicts below are indicative only (small chains, few seeds "
          "and epochs).\n\n", fp);
  fputs("| | claim | verdict |\n|---|---|---|\n", fp);
  for (int i = 0; i < nc; i++)
    fprintf(fp, "| %s | %s | **%s** |\n", all[i]->id, all[i]->claim, tl_verdict_name(verdict_of(all[i])));
  fputs("\n", fp);
  for (int i = 0; i < nc; i++) {
    const tl_report_claim_t *cl = all[i];
    fprintf(fp, "**%s: %s.** %s\n\n", cl->id, tl_verdict_name(verdict_of(cl)), cl->claim);
    if (cl->missing[0]) fprintf(fp, "- Not measured: no study wrote %s.\n", cl->missing);
    fprintf(fp, "- Measured (section *%s*): %s\n", where[i], cl->measured);
    fprintf(fp, "- Rule: %s\n", cl->rule);
    if (cl->note[0]) fprintf(fp, "- %s\n", cl->note);
    fputs("\n", fp);
  }
}

static void section(FILE *fp, const char *dir, const tl_report_section_t *s, const tl_figures_t *figs) {
  fprintf(fp, "## %s\n\n", s->title);
  if (s->intro[0]) fprintf(fp, "%s\n\n", s->intro);
  for (int t = 0; t < s->ntables; t++) tl_md_table(fp, dir, &s->table[t]);
  for (int i = 0; figs && i < figs->n; i++) {
    if (strcmp(figs->section[i], s->name)) continue;
    fprintf(fp, "![%s](%s)\n\n*Figure: %s*\n\n", figs->file[i], figs->file[i], figs->caption[i]);
  }
}

static void setup(FILE *fp, const tl_report_meta_t *m) {
  fputs("# topolearn report: why is topology hard to learn?\n\n", fp);
  if (m->quick)
    fprintf(fp, "**This is a smoke test** (`--quick`): chains of L = %d cells, %ld training "
                "chains, few seeds and epochs. It shows that every study runs end to end; its "
                "verdicts are indicative only. The full study is `topolearn reproduce` (see "
                "*Next steps*).\n\n", m->L, m->n_train);
  fputs("The question: the winding number of a chain (its topological invariant, an "
        "integer) is easy for a network to fit on the chains it is trained on; does the "
        "network learn the invariant itself, or a proxy that agrees with it only there? The "
        "report sets the paper's five claims against our numbers, then gives each study's "
        "tables and figures. Every term is defined in the glossary below.\n\n", fp);
  fprintf(fp, "This report reproduces the study of arXiv:2509.26261 (Oriekhov et al., 2025, "
              "\"Why is topology hard to learn?\") with topolearn %s. Command: `%s`. Wall time "
              "%.0f s (estimated %.0f s at the start). Training chains: plain SSH (glossary), "
              "L = %d cells, open ends; %ld training and %ld test chains; each model is "
              "trained for %d epochs (Adam, learning rate %g, batches of %d); each study's "
              "seed count is given in its section. Every headline number is in "
              "`summary.json`, every table in full in `data/` (CSV), and the spreads over "
              "seeds in the per-seed CSVs.\n\n",
          TL_VERSION, m->command, m->seconds, m->estimate, m->L, m->n_train, m->n_test,
          m->epochs, m->lr, m->batch);
}

static void next_steps(FILE *fp, const tl_report_meta_t *m) {
  fprintf(fp, "## Next steps\n\n"
              "- The full study (chains of 32 cells, 4096 training chains, 5 seeds x 40 epochs "
              "for trainability): `topolearn reproduce --out results/reproduce`. It prints its "
              "expected time and updates it as it runs; an interrupted run continues with "
              "`--resume`.\n"
              "- One study with more seeds: `topolearn study trainability --seeds 10 --out "
              "results/trainability-10` (any study of `topolearn study --help`; `--models` "
              "picks the models, `--quick` the small sizes).\n"
              "- The numbers: every table of this report in full is a CSV in `%s/data/`, the "
              "headline numbers are in `%s/summary.json`, and each trained model is in "
              "`%s/cells/` (`topolearn info`, `topolearn eval`).\n",
          m->out_dir, m->out_dir, m->out_dir);
}

tl_status tl_report_write(const char *dir, const tl_report_meta_t *meta,
                          const tl_report_section_t *secs, int nsecs, const tl_figures_t *figs,
                          tl_error *err) {
  char path[4096];
  snprintf(path, sizeof path, "%s/report.md", dir);
  tl_outfile_t o;
  tl_status st = tl_outfile_begin(&o, path, 1, 1, err);
  if (st) return st;
  setup(o.fp, meta);
  glossary(o.fp, secs, nsecs);
  claims(o.fp, meta, secs, nsecs);
  for (int i = 0; i < nsecs; i++) section(o.fp, dir, &secs[i], figs);
  next_steps(o.fp, meta);
  return tl_outfile_commit(&o, err);
}
