/* src/cli/cli.h — shared pieces of the command-line shell: subcommand entry points,
 * flag parsing that reports bad values in one line, and error printing. The CLI only
 * parses, calls the library and prints; exit codes come from tl_status_exit_code. */
#ifndef TL_CLI_H
#define TL_CLI_H

#include <stdio.h>

#include "topolearn.h"
#include "topolearn/study.h"

#include "cli/flags.h"

/* `topolearn --help`, and the exit-status sentence every --help ends with. */
void tl_cli_main_usage(FILE *out);
extern const char *const tl_cli_exit_note;
void tl_cli_print_wrapped(FILE *out, const char *text); /* word-wrapped at 88 columns */

int tl_cmd_winding(int argc, char **argv);
int tl_cmd_phase_diagram(int argc, char **argv);
int tl_cmd_generate(int argc, char **argv);
int tl_cmd_info(int argc, char **argv);

/* Prints "topolearn CMD: message" on stderr (escaped, one line) and returns the exit
 * code for the status. */
int tl_cli_fail(const char *cmd, const tl_error *err);
/* tl_cli_fail for a library error about a field, named by its flag (tl_cli_map_fields). */
int tl_cli_fail_cmd(const tl_cli_cmd_t *cmd, tl_error *err);

/* One line from a printf format: control bytes and bytes that are not UTF-8 in it are
 * escaped (\n, \t, \xNN), so that text a user typed cannot break it into two lines. */
void tl_cli_say(FILE *out, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void tl_cli_escape(const char *text, char *out, size_t cap);

/* Flag values: on failure err says "--flag: 'text' is not ... (expected lo..hi)". */
tl_status tl_cli_int_n(const char *flag, const char *s, size_t n, long long lo, long long hi,
                       long long *out, tl_error *err);
tl_status tl_cli_double_n(const char *flag, const char *s, size_t n, double lo, double hi,
                          double *out, tl_error *err);
tl_status tl_cli_int(const char *flag, const char *text, long lo, long hi, long *out,
                     tl_error *err);
tl_status tl_cli_double(const char *flag, const char *text, double lo, double hi,
                        double *out, tl_error *err);
/* "a:b" with lo <= a <= b <= hi. */
tl_status tl_cli_range(const char *flag, const char *text, double lo, double hi,
                       double *a, double *b, tl_error *err);

/* The command line as provenance: "topolearn CMD args..." (argv from the subcommand),
 * arguments with spaces or quotes quoted. */
void tl_cli_join_command(int argc, char **argv, char *out, size_t cap);

/* The environment the CLI depends on (OMP_NUM_THREADS, the launcher's rank variables) is
 * well-formed. tl_cli_env_preinit runs before the shared libraries' constructors. */
tl_status tl_cli_check_env(tl_error *err);
void tl_cli_env_preinit(char **envp);

/* The run's threads (requested, or the OpenMP default when 0) can be created. */
tl_status tl_cli_threads_check(int requested, tl_error *err);

/* Installs handler for SIGINT, SIGTERM and SIGHUP (unless SIGHUP is ignored: nohup). */
void tl_cli_on_signals(void (*handler)(int));

/* ---- the files of a command (src/cli/outputs.c) ----------------------------------- */

typedef struct {
  const char *flag, *path; /* path NULL: not given (skipped) */
  int output;
} tl_cli_file_t;

/* Before a command starts: refuses an output given twice and an output that is one of
 * its inputs (existing files by device and inode, so symlinks and hard links count; new
 * ones by their resolved directory); character devices such as /dev/null may repeat.
 * Entries with a NULL path are skipped. */
tl_status tl_cli_files_check(const char *cmd, const tl_cli_file_t *files, int n, tl_error *err);
/* Once the inputs are checked and the work begins (so that a refusal stays one line):
 * one note on stderr per output whose temporaries earlier runs left, removing those of
 * ended processes (tl_outfile_sweep). */
void tl_cli_files_note(const char *cmd, const tl_cli_file_t *files, int n);

/* train's metrics CSV: this header, then one row per epoch (cmd_train.c). */
#define TL_CLI_METRICS_HEADER "epoch,loss,train_acc,val_acc,val_loss,lr,seconds"
/* Writes the header to fp and, when a training resumes after epochs_done > 0 epochs, the
 * rows of epochs 1..epochs_done from path, the CSV the interrupted run kept, so that the
 * finished CSV equals an uninterrupted run's. Refuses (one line) a missing file or one
 * that does not hold exactly those rows; a FIFO or device at path is not read. */
tl_status tl_cli_metrics_begin(FILE *fp, const char *path, int epochs_done, tl_error *err);

/* ---- chain-family flags shared by winding, phase-diagram and generate ------------- */

typedef struct {
  tl_family_t fam;
  uint64_t seed;
  tl_rswn_opts_t rswn;
  int have_hop, pbc;
  double v, w;         /* --v, --w: NaN when not given */
  double disorder_all; /* one D for every range, or -1 when given per range */
  double disorder_by_range[2 * TL_RANGE_MAX + 1];
  int disorder_given[2 * TL_RANGE_MAX + 1];
} tl_cli_family_t;

/* --L --hop --disorder --onsite --seed --pbc --bulk-fraction --delta, and --v --w (the
 * plain-SSH shorthand; generate has its own, drawn per chain). */
extern const tl_flag_t tl_cli_family_rows[];
extern const tl_flag_t tl_cli_vw_rows[];
/* The flags that define the chain itself (not W's options), for conflicts with a file. */
extern const char *const tl_cli_chain_flags[];

/* Defaults: L cells, plain SSH t_0 = t_1 = 1, no disorder, OBC, seed 1, the library's
 * RSWN options. */
void tl_cli_family_init(tl_cli_family_t *cf, int L);

/* Final consistency checks after all flags are read. */
tl_status tl_cli_family_finish(tl_cli_family_t *cf, tl_error *err);

/* "r:x[,r:x...]" (ranges within +-TL_RANGE_MAX, values in lo..hi, each range once). */
tl_status tl_cli_parse_pairs(const char *flag, const char *text, double lo, double hi,
                             double vals[2 * TL_RANGE_MAX + 1], int given[2 * TL_RANGE_MAX + 1],
                             tl_error *err);

/* ---- interruption for long runs (study, reproduce, train, generate) --------------- */

/* Replaces the default exit-at-once handler: the first SIGINT/SIGTERM only sets a flag
 * that the run polls (it then stops cleanly, keeping its checkpoints); a second one
 * exits at once. */
void tl_cli_catch_interrupts(void);
int tl_cli_interrupted(void);

/* ---- study flags shared by `study` and `reproduce` --------------------------------- */

/* --seeds --epochs --L --n-train --n-test --batch --lr --seed --models --train-disorder
 * --train-ranges --sweep --edge-cells --threads, into a tl_study_config_t. */
extern const tl_flag_t tl_cli_study_rows[];

/* What `study` and `reproduce` share beyond the study's configuration. */
typedef struct {
  tl_study_config_t c;
  const char *out;
  int quick, force, resume, quiet;
} tl_cli_study_args_t;
/* The flags of tl_cli_study_args_t besides the configuration (--quick --out --force
 * --resume --quiet), and the defaults of both (variant 1: --quick). */
extern const tl_flag_t tl_cli_study_run_rows[];
void tl_cli_study_defaults(void *state, int quick);

/* Progress of study runs (src/cli/study_progress.c): what runs, how far, and the time
 * left from the planned work and the measured rate; polls the interruption flag. */
#define TL_CLI_MAX_STUDIES 16
typedef struct {
  const char *cmd;
  int quiet, tty, drawn;
  double t0, last_draw;
  double total, base;                   /* work units in all, and of the finished studies */
  double planned[TL_CLI_MAX_STUDIES], figures[TL_CLI_MAX_STUDIES]; /* of which figures */
  int nplanned;
  long last_cell;
  const char *last_phase, *last_study;
} tl_cli_study_progress_t;
void tl_cli_study_progress_init(tl_cli_study_progress_t *p, const char *cmd, int quiet);
/* Plans the runs of studies names[0..n) (tl_study_plan): the work, the cells to train and
 * to reload; returns the time estimated at the reference rate, in seconds. */
double tl_cli_study_plan(tl_cli_study_progress_t *p, const char *const *names, int n,
                         const tl_study_config_t *cfgs, long *train, long *reload);
/* Study k of the plan is done: its work counts as done from here on. */
void tl_cli_study_next(tl_cli_study_progress_t *p, int k);
/* Seconds left once `done` units are done. */
double tl_cli_study_eta(const tl_cli_study_progress_t *p, double done);
/* The tl_study_progress_fn of the hooks; ctx is a tl_cli_study_progress_t. */
int tl_cli_study_progress(void *ctx, const tl_study_event_t *ev);
/* A line about a step outside the studies (phase diagram, figures), unless quiet. */
void tl_cli_study_say(tl_cli_study_progress_t *p, const char *text);
void tl_cli_study_progress_end(tl_cli_study_progress_t *p);
/* DIR for a study run: refuses an existing one unless force (start over) or resume. */
tl_status tl_cli_prepare_dir(const char *dir, int force, int resume, tl_error *err);

int tl_cmd_study(int argc, char **argv);
int tl_cmd_reproduce(int argc, char **argv);

/* ---- model flags of `train` ------------------------------------------------------- */

/* Model flags of `train`: what was given, applied over the kind's defaults at the end
 * (-1, 0 or NULL: not given). */
typedef struct {
  const tl_model_kind_t *kind;
  int input, act, init;
  int nlayers, width[TL_MODEL_MAX_LAYERS];
  int kernel, pool, band, sym_hidden;
  double init_sigma, beta0;
  const char *freeze[16]; /* names or comma lists, in the order given */
  int nfreeze;
} tl_cli_model_t;

extern const tl_flag_t tl_cli_model_rows[];
void tl_cli_model_init(tl_cli_model_t *cm);
/* --model required; the hyperparameters: the kind's defaults with the given flags. */
tl_status tl_cli_model_finish(const tl_cli_model_t *cm, tl_model_hyper_t *hp, tl_error *err);

int tl_cmd_train(int argc, char **argv);
int tl_cmd_eval(int argc, char **argv);
int tl_cmd_prune(int argc, char **argv);

/* ---- several processes (mpirun) ----------------------------------------------------- */

/* The launcher's rank and world size from its environment, without starting MPI (0 and 1
 * outside mpirun; read the same way in a build without MPI). */
int tl_cli_launcher_rank(int *size);
int tl_cli_mpi_built(void);                    /* 1: this binary can start MPI */
void tl_cli_mpi_init(int *argc, char ***argv); /* starts MPI only under a launcher */
void tl_cli_mpi_world(int *rank, int *size);   /* 0 and 1 without MPI */
int tl_cli_mpi_secondary(void);                /* a rank > 0 (async-signal-safe) */
int tl_cli_mpi_all_ok(int ok);                 /* logical AND over the ranks */
void tl_cli_mpi_finalize(void);
const tl_ranks_t *tl_cli_mpi_ranks(void);       /* the world's collectives; NULL: one process */

/* Multi-process study runs: every rank trains the cells it owns (train_only), then
 * rank 0 aggregates every cell from disk with resume, so the tables equal a one-process
 * run's. Returns 1 when this rank is done (not rank 0, or a failure already reported
 * in *code), 0 when the caller goes on as rank 0 with c adjusted for aggregation. */
int tl_cli_study_ranks(const char *const *studies, int nstudies, tl_study_config_t *cfgs,
                       tl_cli_study_progress_t *prog, int *code);

#endif
