/* src/study/study_internal.h — pieces shared by the studies: in-memory chain sets,
 * training one cell with its learning curve, cell files for resume, paths. */
#ifndef TL_STUDY_INTERNAL_H
#define TL_STUDY_INTERNAL_H

#include <limits.h>

#include "topolearn/report.h"
#include "topolearn/study.h"

#define TL_ANY_LABEL INT_MIN

/* A family of chains to draw in memory. Candidate k draws from stream (seed, k): the
 * mean hopping of each range uniformly in [t_lo, t_hi], then disorder. Candidates are
 * accepted in index order (want_label: only that label, non-ambiguous), so the set is
 * the same for any thread count. */
typedef struct {
  int L, r_min, r_max;
  double t_lo[2 * TL_RANGE_MAX + 1], t_hi[2 * TL_RANGE_MAX + 1];
  double disorder, onsite;
  tl_boundary boundary;
  long n;
  uint64_t seed;
  int want_label;
} tl_set_spec_t;

/* Plain SSH, v and w uniform in [0, 2] (SPEC 2's default family). */
void tl_set_spec_ssh(tl_set_spec_t *sp, int L, long n, uint64_t seed, double disorder);
/* Ranges 0..2 with t_0, t_1 in [0, 1] and t_2 in [1, 2], keeping winding-2 chains. */
void tl_set_spec_winding2(tl_set_spec_t *sp, int L, long n, uint64_t seed);
tl_status tl_set_make(const tl_set_spec_t *sp, tl_samples_t **out, tl_error *err);

/* Deterministic seeds derived from the base seed and a purpose tag. */
uint64_t tl_study_seed(uint64_t base, const char *tag, long index);

/* One trained cell. */
typedef struct {
  int epochs_to_success;  /* first epoch with test accuracy >= success, -1 if never */
  double final_loss, fit_acc;
  int epochs;
  double *curve;          /* epochs x TL_CURVE_COLS: loss, train_acc, test_acc, cos_lambda, cos_K */
} tl_cell_train_t;
#define TL_CURVE_COLS 5

/* Trains (or, with c->resume and a finished cell file, reloads) the model of `model`
 * for seed index s on train, evaluating test after every epoch. Writes the model to
 * DIR/cells/<study>/<cell>.h5 and the curve to <cell>.curve.csv. With c->train_only it
 * only trains cells this process owns and returns *out_model = NULL (nothing to judge);
 * callers then skip the cell. */
tl_status tl_cell_train(const tl_study_config_t *c, const tl_study_hooks_t *h, const char *study,
                        const tl_study_model_t *model, int s, const tl_samples_t *train,
                        const tl_samples_t *test, tl_model_t **out_model, tl_cell_train_t *out,
                        tl_error *err);
void tl_cell_train_free(tl_cell_train_t *t);

/* Accuracy of m on s (non-ambiguous chains), optionally gauge-flipped / any-integer;
 * W_max receives max |W_pred - W| (NaN without a W head) when non-NULL. */
tl_status tl_study_accuracy(const tl_model_t *m, const tl_samples_t *s, int gauge_flip,
                            int any_integer, double *acc, double *W_max, tl_error *err);

/* Key-value cell files: "key,value" lines. Missing file: TL_ERR_IO. */
tl_status tl_cell_write(const char *path, const char *const *keys, const double *vals, int n,
                        tl_error *err);
tl_status tl_cell_read(const char *path, const char *const *keys, double *vals, int n,
                       tl_error *err);

/* DIR/sub/name into buf, creating DIR/sub. */
tl_status tl_study_path(const tl_study_config_t *c, const char *sub, const char *name,
                        char *buf, size_t cap, tl_error *err);

/* Progress hook wrapper: nonzero means stop. */
int tl_study_tick(const tl_study_hooks_t *h, const char *study, long done, long total,
                  const char *cell);

/* Median and quartiles of x[0..n) (n >= 1; x is reordered). */
void tl_quartiles(double *x, int n, double *q25, double *median, double *q75);

#endif
