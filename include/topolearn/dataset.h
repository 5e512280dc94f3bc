/* topolearn/dataset.h — labelled data sets of chains in HDF5 (SPEC 2, docs/FORMAT.md).
 *
 * Generation: candidate k is drawn from its own Philox stream (seed, k) — mean hoppings
 * from their ranges first, then bond and on-site disorder (tl_chain_realise) — and
 * solved exactly (tl_solver_*). Without balancing, chain i is candidate i; with
 * balancing, candidates are accepted in index order until every class r_min..r_max
 * holds its quota. Every chain is computed by the same single-threaded code whatever
 * the thread count, so the stored data are bit-identical for any --threads.
 *
 * Long-chain mode (method "window"): for chiral families with L >= TL_WINDOW_AUTO_MIN_L
 * (or when asked) each chain is solved by the windowed, linear-scaling RSWN
 * (topolearn/window.h) and no spectrum is stored (no energies, eigvecs, qab: they are
 * O(L^2) per chain); local_marker holds NaN outside the bulk window and the field
 * W_error holds the windowed error estimate. Such files cannot feed models.
 *
 * Checkpoints: with params.checkpoint a cancelled generation keeps its finished rows in
 * out_path.partial; params.resume continues it into a file equal to an uninterrupted
 * run's (docs/FORMAT.md "Checkpoints").
 *
 * Reading: tl_dataset_open validates a file (kind, format version, attributes, shapes,
 * dtypes, that every chain it claims is stored in it, and with TL_DATASET_VERIFY every
 * value: finite, and inside what the physics and the file's attributes allow, see
 * docs/FORMAT.md "Validation") and reports the first problem in one line naming the
 * file, the field and what was expected. */
#ifndef TOPOLEARN_DATASET_H
#define TOPOLEARN_DATASET_H

#include <stdint.h>

#include "topolearn/chain.h"
#include "topolearn/invariant.h"
#include "topolearn/ranks.h"
#include "topolearn/window.h"

#define TL_DATASET_FORMAT_VERSION 1
#define TL_NRANGE (2 * TL_RANGE_MAX + 1)

/* ---- generation ------------------------------------------------------------------ */

/* How W is computed: full (structured SVD of the whole chain, spectrum stored), window
 * (linear-scaling windows, no spectrum), auto (window iff the family is chiral and
 * L >= TL_WINDOW_AUTO_MIN_L). */
typedef enum { TL_DS_METHOD_AUTO = 0, TL_DS_METHOD_FULL, TL_DS_METHOD_WINDOW } tl_ds_method;

typedef struct {
  /* Family: L, r_min..r_max, disorder per range, on-site D_0, boundary. fam.t is not
   * used: each chain draws its mean hopping of range r_min + k uniformly from
   * [t_lo[k], t_hi[k]] (no draw when t_lo[k] == t_hi[k]). */
  tl_family_t fam;
  double t_lo[TL_NRANGE], t_hi[TL_NRANGE];
  long n;               /* chains to store, >= 1                                       */
  uint64_t seed;
  tl_rswn_opts_t rswn;  /* bulk fraction and ambiguity threshold                       */
  int balanced;         /* equal label counts (within 1) over classes r_min..r_max      */
  long max_candidates;  /* balanced: give up after this many (0: 20 n + 1000)           */
  int store_qab;        /* store Q_AB (N x L x L); ignored in long-chain mode           */
  int float32;          /* store eigvecs and qab as float32 (halves the bytes written)  */
  int compress;         /* deflate level 0..9 (+ shuffle) for the large float fields    */
  int threads;          /* OpenMP threads, 0: the OpenMP default                       */
  int force;            /* overwrite an existing output                                */
  const char *command;  /* command line stored as provenance (may be NULL)             */
  /* (appended last: bindings that mirror this struct keep their offsets) */
  int method;           /* tl_ds_method (default auto)                                 */
  tl_window_opts_t window; /* windows of long-chain mode (tl_window_opts_default)      */
  /* Checkpoints (docs/FORMAT.md, "Checkpoints"). checkpoint: when progress cancels the
   * run, every finished row is kept in tl_dataset_checkpoint_path(out_path) (still
   * TL_ERR_INTERRUPTED; the output name gets nothing), and an existing checkpoint there
   * is refused unless force (start over). resume: continue that checkpoint, written by
   * a run with the same data parameters (everything but threads, force, command and
   * these two flags); the finished file equals an uninterrupted run's. One process
   * only (g of size 1); the checkpoint is removed once out_path is complete. */
  int checkpoint;
  int resume;
} tl_dataset_params_t;

/* Defaults of SPEC 2: plain SSH, L = 32, v and w uniform in [0, 2], OBC, no disorder,
 * n = 1000, seed 1, Q_AB stored, float64, no compression of the large fields, method
 * auto with the default window options. */
void tl_dataset_params_default(tl_dataset_params_t *p);
/* Checks every parameter, including the method: window needs a chiral family (no on-site
 * disorder) and L > block + 2 buffer0 (the windowed method's minimum). */
tl_status tl_dataset_params_validate(const tl_dataset_params_t *p, tl_error *err);
/* 1 if valid parameters p generate in long-chain mode (method window, or auto with a
 * chiral family and L >= TL_WINDOW_AUTO_MIN_L), else 0. */
int tl_dataset_params_windowed(const tl_dataset_params_t *p);
/* Smallest L the windowed method accepts with these window options: block + 2 buffer0 + 1. */
long tl_dataset_window_min_L(const tl_window_opts_t *wo);

/* Where the time went (wall-clock seconds), for benchmarks. */
typedef struct {
  long candidates;      /* candidates examined, from 0 (> n when balanced; with resume
                           including those of the interrupted runs)                    */
  double seconds_total;
  double seconds_write;   /* in HDF5 writes (mostly overlapped with solving)      */
  double seconds_compute; /* solving chains, summed over threads                  */
  long stored;  /* chains in the file: n when complete, the checkpoint's rows after an
                   interruption with p->checkpoint                                    */
  long resumed; /* with p->resume: the rows taken over from the checkpoint (computed by
                   earlier runs, so not in this run's rate); else 0                   */
} tl_dataset_stats_t;

/* The checkpoint of out_path: out_path + ".partial" (cap >= strlen(out_path) + 9). */
void tl_dataset_checkpoint_path(const char *out_path, char *buf, size_t cap);

/* Generates p->n chains into out_path (temporary name + rename). progress and stats
 * may be NULL. progress is called from the calling thread between blocks with the
 * chains stored so far and the total; a nonzero return cancels the generation
 * (TL_ERR_INTERRUPTED): nothing is left under out_path, and with p->checkpoint the
 * finished rows are kept in the checkpoint. A cancel after the last block is ignored
 * (the file is complete). */
tl_status tl_dataset_generate(const tl_dataset_params_t *p, const char *out_path,
                              tl_progress_fn progress, void *progress_ctx,
                              tl_dataset_stats_t *stats, tl_error *err);

/* The same over the ranks of g (collective; g NULL or of size 1: tl_dataset_generate).
 * Each block of candidates is cut in contiguous slices, one per rank, solved there
 * with p->threads threads; rank 0 gathers the block, accepts in index order and alone
 * writes out_path, so the data equal the one-process run's (gather-and-write: one
 * writer, no parallel HDF5, and the file never depends on the number of ranks). Every
 * rank returns the same status and message. progress runs on rank 0 only; stats are
 * rank 0's (seconds_compute: its own threads). */
tl_status tl_dataset_generate_ranks(const tl_dataset_params_t *p, const char *out_path,
                                    const tl_ranks_t *g, tl_progress_fn progress,
                                    void *progress_ctx, tl_dataset_stats_t *stats,
                                    tl_error *err);

/* ---- reading --------------------------------------------------------------------- */

typedef enum {
  TL_FIELD_HOPPINGS = 0, /* N x L x R   float64                                   */
  TL_FIELD_ENERGIES,     /* N x 2L      float64, ascending (not in long-chain mode)  */
  TL_FIELD_EIGVECS,      /* N x L x 2L  float64 or float32, site order 2n + a (idem) */
  TL_FIELD_QAB,          /* N x L x L   float64 or float32 (optional; idem)         */
  TL_FIELD_W,            /* N           float64                                   */
  TL_FIELD_LABEL,        /* N           int32                                     */
  TL_FIELD_AMBIGUOUS,    /* N           uint8                                     */
  TL_FIELD_W_KSPACE,     /* N           float64, NaN where undefined               */
  TL_FIELD_LOCAL_MARKER, /* N x L       float64; long-chain mode: NaN outside bulk  */
  TL_FIELD_ONSITE,       /* N x 2L      float64 (only with on-site disorder)       */
  TL_FIELD_CANDIDATE,    /* N           int64: random stream index of the chain    */
  TL_FIELD_W_ERROR,      /* N           float64 >= 0: windowed error estimate (only
                                        in long-chain mode)                        */
  TL_FIELD_COUNT
} tl_field;

/* Memory types for tl_dataset_read; HDF5 converts. */
typedef enum { TL_MEM_F64 = 0, TL_MEM_F32, TL_MEM_I32, TL_MEM_U8, TL_MEM_I64 } tl_memtype;

typedef struct {
  long n;
  int L, r_min, r_max;
  tl_boundary boundary;
  int balanced;
  int has_qab, has_onsite, eig_float32;
  uint64_t seed;
  double bulk_fraction, delta, onsite;
  double t_lo[TL_NRANGE], t_hi[TL_NRANGE], disorder[TL_NRANGE];
  char version[32];
  char created[64];
  char command[4096];
  /* (appended last: bindings that mirror this struct keep their offsets) */
  int has_spectrum;         /* energies and eigvecs stored (0 in long-chain mode)      */
  char method[16];          /* "full" or "window" (files without the attribute: full) */
  tl_window_opts_t window;  /* method "window" only: the window options used           */
} tl_dataset_meta_t;

typedef struct tl_dataset tl_dataset_t;

#define TL_DATASET_VERIFY 1 /* tl_dataset_open flag: every value through the value rules */

tl_status tl_dataset_open(tl_dataset_t **out, const char *path, int flags, tl_error *err);
void tl_dataset_close(tl_dataset_t *ds);
const tl_dataset_meta_t *tl_dataset_meta(const tl_dataset_t *ds);
/* Field name as stored ("hoppings", "W_kspace", ...). */
const char *tl_field_name(tl_field f);
/* Values per chain of a field (L*R for hoppings, 1 for W, ...); 0 if absent. */
long tl_dataset_field_size(const tl_dataset_t *ds, tl_field f);

/* Reads chains [first, first + count) of a field into buf (count * field_size values of
 * type mt). Values are checked finite (W_kspace may be NaN; in long-chain files
 * local_marker is NaN outside the bulk window, and W_error must be >= 0). */
tl_status tl_dataset_read(tl_dataset_t *ds, tl_field f, long first, long count, tl_memtype mt,
                          void *buf, tl_error *err);

/* Summary for `topolearn info`: counts per label (labels outside label_lo..label_hi go
 * to out_of_range), ambiguous counts. */
#define TL_INFO_LABELS 64
typedef struct {
  tl_dataset_meta_t meta;
  int label_lo; /* counts[i] is for label label_lo + i, i < TL_INFO_LABELS */
  long counts[TL_INFO_LABELS];
  long ambiguous_counts[TL_INFO_LABELS];
  long out_of_range;
  long ambiguous;
  long kspace_defined;
  long kspace_agree;    /* chains where W_kspace is defined and equals the label */
  double W_error_max, W_error_mean; /* long-chain mode (meta.method "window"); else 0 */
} tl_dataset_info_t;

/* Kind and provenance of any topolearn HDF5 file (data set, model, ...): fails for a
 * file that is not HDF5 or has no 'kind' attribute; absent provenance is left empty. */
typedef struct {
  char kind[32];
  long format_version; /* -1 if absent */
  char version[32];
  char created[64];
  char command[4096];
} tl_file_provenance_t;
tl_status tl_file_provenance(const char *path, tl_file_provenance_t *out, tl_error *err);

/* What the checkpoint of an interrupted generate or phase-diagram holds: done of total
 * units finished ("chains" or "realisations") and the parameter words a --resume must
 * match. Fails for any other file. */
typedef struct {
  long done, total;
  const char *unit;
  char params[8192];
} tl_checkpoint_info_t;
tl_status tl_checkpoint_info(const char *path, tl_checkpoint_info_t *out, tl_error *err);

/* The whole file, validated, as an in-memory sample set (topolearn/samples.h) in double
 * precision — what training and evaluation read. Fails (TL_ERR_INPUT) for a long-chain
 * file: it holds no spectrum, and models need eigenvectors. */
struct tl_samples_s;
tl_status tl_dataset_load_samples(const char *path, struct tl_samples_s **out, tl_error *err);

/* sizeof the parameter and metadata structs, for bindings that mirror them (Python). */
size_t tl_dataset_params_size(void);
size_t tl_dataset_meta_size(void);

/* Opens with TL_DATASET_VERIFY and fills info. */
tl_status tl_dataset_info(const char *path, tl_dataset_info_t *info, tl_error *err);

#endif
