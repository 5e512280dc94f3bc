/* src/data/dataset_io.h — blocks of chains in memory and the HDF5 writer that stores
 * them (private to src/data). */
#ifndef TL_DATA_DATASET_IO_H
#define TL_DATA_DATASET_IO_H

#include "data/dataset_format.h"

/* cap chains, one contiguous array per field (NULL when the field is not stored), each
 * row_bytes[f] per chain, in the stored element kind. */
typedef struct {
  long cap;
  unsigned char *f[TL_FIELD_COUNT];
  size_t row_bytes[TL_FIELD_COUNT];
} tl_ds_block_t;

tl_status tl_ds_block_init(tl_ds_block_t *b, long cap, int L, int R, int float32, int has_qab,
                           int has_onsite, int windowed, tl_error *err);
void tl_ds_block_free(tl_ds_block_t *b);
/* Copies chain j of src to chain i of dst (same layout). */
void tl_ds_block_copy(tl_ds_block_t *dst, long i, const tl_ds_block_t *src, long j);
/* Bytes per chain over all stored fields. */
size_t tl_ds_block_row_bytes(const tl_ds_block_t *b);

/* Several ranks (tl_dataset_generate_ranks): rank's slice [lo, hi) of count candidates
 * when rank 0 takes the first root_share and the others split the rest evenly. */
void tl_ds_slice(long count, long root_share, int rank, int size, long *lo, long *hi);
/* Rank 0's share of count candidates, balancing its solving plus writing (seconds per
 * chain and per block, from the last block; chain_seconds 0: unknown) against the other
 * ranks' solving: at most count / size. */
long tl_ds_root_share(long count, int size, double chain_seconds, double write_seconds);
/* Rows [0, count) of b: every rank's slice to rank 0 (collective; g NULL: nothing). */
tl_status tl_ds_block_gather(const tl_ranks_t *g, tl_ds_block_t *b, long count, long root_share,
                             tl_error *err);

typedef struct {
  hid_t file;
  hid_t d[TL_FIELD_COUNT];
  const char *path; /* final output name, for messages */
  int float32;
} tl_ds_writer_t;

/* Creates file_path (the temporary), writes every attribute and creates the datasets.
 * path names the final output in messages; block: chains per block of the generator,
 * the chunk length of the small fields. */
tl_status tl_ds_writer_open(tl_ds_writer_t *w, const char *file_path, const char *path,
                            const tl_dataset_params_t *p, long block, tl_error *err);
/* Stores chains [0, count) of b as chains [first, first + count) of the file. */
tl_status tl_ds_writer_rows(tl_ds_writer_t *w, const tl_ds_block_t *b, long first, long count,
                            tl_error *err);
/* Closes the file; reports a failed flush (disk full). */
tl_status tl_ds_writer_close(tl_ds_writer_t *w, tl_error *err);

/* ---- value rules (src/data/dataset_check.c, docs/FORMAT.md "Validation") ----------- */

/* The root attributes the value rules rest on: finite hop_lo <= hop_hi, disorder and
 * onsite_disorder >= 0. */
tl_status tl_ds_check_meta(const char *path, const tl_dataset_meta_t *m, tl_error *err);

/* One winding W of a chain or realisation (unit names it) of L cells: |W| <= L,
 * ambiguous = |W - round(W)| > delta, and label = round(W) when label is not NULL. The
 * rule data sets and phase-diagram checkpoints share. */
tl_status tl_ds_check_winding(const char *path, const char *unit, long i, double W, int L,
                              double delta, const int32_t *label, uint8_t amb, tl_error *err);

/* Rows [first, first + count) in memory: v[f] every float field in double (eigvecs and
 * qab of float32 files converted; NULL when not stored), and the integer fields. */
typedef struct {
  long first, count;
  const double *v[TL_FIELD_COUNT];
  const int32_t *label;
  const uint8_t *ambiguous;
  const int64_t *candidate;
} tl_ds_rows_t;

/* The state of a pass over rows 0, 1, ... in order (the candidate rule looks back). */
typedef struct {
  const char *path;
  const tl_dataset_meta_t *m;
  int R, windowed, bulk_start, bulk_cells;
  double tol_eig, tol_qab;            /* round-off margins of the stored precision  */
  double hop_lo[TL_NRANGE], hop_hi[TL_NRANGE]; /* bounds of t_r(n), margin included */
  int64_t last_candidate;
  double *marker;                     /* L doubles of scratch (the caller's)        */
} tl_ds_check_t;

void tl_ds_check_init(tl_ds_check_t *c, const char *path, const tl_dataset_meta_t *m,
                      int qab_float32, int windowed, double *scratch);
/* Every rule on the rows, first failing chain and rule in one line. Rows must come in
 * order from 0, already checked finite by tl_dataset_read. */
tl_status tl_ds_check_rows(tl_ds_check_t *c, const tl_ds_rows_t *r, tl_error *err);

/* Every row [0, rows) of every dataset is stored in the file (chunks allocated, or the
 * bytes of a contiguous dataset inside it) and no dataset keeps its values in other
 * files: O(1) per dataset up to the chunk-index walk. tl_dataset_open runs it with n. */
tl_status tl_ds_check_storage(const tl_dataset_t *ds, long rows, tl_error *err);

/* Rows [0, rows) of an open data set or checkpoint: read in blocks (finite values) and
 * passed through the rules above. What TL_DATASET_VERIFY runs over every row, and a
 * resume over a checkpoint's kept rows: one path for both. */
tl_status tl_ds_verify_rows(tl_dataset_t *ds, long rows, tl_error *err);

/* ---- checkpoints (docs/FORMAT.md "Checkpoints") ------------------------------------ */

/* A checkpoint is a data-set file whose kind is TL_DS_CHECKPOINT_KIND, so that no reader
 * takes it for data; tl_dataset_open validates it like a data set with this flag. */
#define TL_DS_CHECKPOINT_KIND "dataset_checkpoint"
#define TL_DS_OPEN_CHECKPOINT 0x100
hid_t tl_ds_file(const tl_dataset_t *ds);

/* Reopens file_path (a copy of a checkpoint written for p) to continue writing rows. */
tl_status tl_ds_writer_reopen(tl_ds_writer_t *w, const char *file_path, const char *path,
                              const tl_dataset_params_t *p, tl_error *err);
/* Turns the open file into a checkpoint: rows [0, rows) final, candidates from next on
 * still to examine, p described canonically (tl_ds_params_describe). */
tl_status tl_ds_checkpoint_mark(tl_ds_writer_t *w, const tl_dataset_params_t *p, long rows,
                                long next, tl_error *err);
/* Turns a finished continuation of a checkpoint back into a data set: kind, no
 * checkpoint attributes, this run's command and time. */
tl_status tl_ds_checkpoint_unmark(tl_ds_writer_t *w, const tl_dataset_params_t *p,
                                  tl_error *err);

/* Everything in p that determines the stored data and layout, as "key=value" words in a
 * fixed order (doubles in their shortest exact form); not threads, force, command. */
void tl_ds_params_describe(const tl_dataset_params_t *p, char *buf, size_t cap);

/* The state after a checkpoint's rows: stored rows, next candidate, rows per class. */
typedef struct {
  long rows, next;
  long filled[TL_NRANGE];
} tl_ds_resume_t;
/* Validates the checkpoint ck_path against p (one line naming the first parameter
 * that differs) and recovers the state; quota per class and max_cand as in the run. */
tl_status tl_ds_checkpoint_load(const char *ck_path, const tl_dataset_params_t *p,
                                const long *quota, long max_cand, tl_ds_resume_t *r,
                                tl_error *err);

#endif
