/* src/study/trainability.h — what the two files of the trainability study share:
 * trainability.c (grid, judgement, tables) and trainability_report.c (expressivity,
 * figures, claims C1-C3 and the report section). */
#ifndef TL_STUDY_TRAINABILITY_H
#define TL_STUDY_TRAINABILITY_H

#include "study/study_internal.h"

/* The chain sets: training and test sets of the training family, bond disorder D = 2
 * ("hard"), winding 2, and random-label copies of the first two for the control. */
typedef struct {
  tl_samples_t *train, *test, *hard, *w2;
  tl_samples_t *random_train, *random_test;
} tr_ctx;

enum { TR_MODELS, TR_CONTROL }; /* settings */
#define TR_CONTROL_NAME "control:random-labels"

/* What the judge keeps per cell (trainability_cells.csv columns, in this order). */
enum { K_FIT, K_EPOCHS, K_DIS, K_GAUGE, K_W2, K_WMAX, K_COSL, K_COSK, K_FITS, K_LEARNED, K_N };
extern const char *const tr_judge_keys[K_N];

/* Summary keys "<model>/<what>" written by the tables and read by the claims. */
#define TR_FIT_FRACTION "fit_fraction"
#define TR_LEARNED_FRACTION "learned_fraction"
#define TR_ACC_DISORDER2_MEDIAN "acc_disorder2_median"

/* Expressivity (C1): the exact initialisations, untrained, against the RSWN on the
 * clean test set, at bond disorder 2 and on winding-2 chains: expressivity.csv and the
 * summary's "expressivity" numbers. */
tl_status tr_expressivity(const tl_study_config_t *c, const tr_ctx *s, tl_summary_t *sum,
                          tl_error *err);
tl_status tr_figures(const tl_study_config_t *c, tl_figures_t *figs, tl_error *err);
void tr_report(const tl_grid_t *g, const tl_summary_t *sum, tl_report_section_t *sec);

#endif
