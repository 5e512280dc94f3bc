/* src/cli/cli.h — shared pieces of the command-line shell: subcommand entry points,
 * flag parsing that reports bad values in one line, and error printing. The CLI only
 * parses, calls the library and prints; exit codes come from tl_status_exit_code. */
#ifndef TL_CLI_H
#define TL_CLI_H

#include <stdio.h>

#include "topolearn.h"
#include "topolearn/study.h"

typedef int (*tl_cmd_fn)(int argc, char **argv);

typedef struct {
  const char *name;
  const char *summary;
  tl_cmd_fn run;
  int ranks; /* splits its work over mpirun's ranks; otherwise rank 0 alone runs it */
} tl_cmd_t;

int tl_cmd_winding(int argc, char **argv);
int tl_cmd_phase_diagram(int argc, char **argv);
int tl_cmd_generate(int argc, char **argv);
int tl_cmd_info(int argc, char **argv);

/* Prints "topolearn CMD: message" on stderr and returns the exit code for status. */
int tl_cli_fail(const char *cmd, const tl_error *err);

/* Parsers for flag values: on failure they fill err with "--flag: 'text' is not ..."
 * and return TL_ERR_INPUT. */
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

/* The environment the CLI depends on (OMP_NUM_THREADS) is well-formed. */
tl_status tl_cli_check_env(tl_error *err);

/* Installs handler for SIGINT and SIGTERM. */
void tl_cli_on_signals(void (*handler)(int));

/* Is there a value after argv[*i]? Advances *i and returns it, or sets err. */
const char *tl_cli_value(int argc, char **argv, int *i, tl_error *err);
/* The value after the flag argv[*i] (advancing *i), parsed by the parsers above with the
 * flag's name in the message: one call per numeric flag in every flag loop. */
tl_status tl_cli_int_arg(int argc, char **argv, int *i, long lo, long hi, long *out,
                         tl_error *err);
tl_status tl_cli_double_arg(int argc, char **argv, int *i, double lo, double hi, double *out,
                            tl_error *err);
tl_status tl_cli_range_arg(int argc, char **argv, int *i, double lo, double hi, double *a,
                           double *b, tl_error *err);


/* ---- chain-family flags shared by winding, phase-diagram and generate ------------- */

typedef struct {
  tl_family_t fam;
  long seed;
  tl_rswn_opts_t rswn;
  int have_hop, have_vw;
  const char *chain_flag; /* last flag that defines the chain itself (not W's options) */
  double disorder_all; /* one D for every range, or -1 when given per range */
  double disorder_by_range[2 * TL_RANGE_MAX + 1];
  int disorder_given[2 * TL_RANGE_MAX + 1];
} tl_cli_family_t;

/* Defaults: L = 100, plain SSH t_0 = t_1 = 1, no disorder, OBC, seed 1, f = 1/2,
 * delta = 0.1. */
void tl_cli_family_init(tl_cli_family_t *cf, int L);

/* Consumes argv[*i] (and its value) if it is one of --L --hop --v --w --disorder
 * --onsite --seed --pbc --bulk-fraction --delta. Returns 1 when consumed, 0 when the
 * flag is not a family flag, -1 on a bad value (err filled). */
int tl_cli_family_flag(int argc, char **argv, int *i, tl_cli_family_t *cf, tl_error *err);

/* Final consistency checks after all flags are read. */
tl_status tl_cli_family_finish(tl_cli_family_t *cf, tl_error *err);

#define TL_CLI_FAMILY_HELP                                                               \
  "  --L N               cells (default %d)\n"                                          \
  "  --hop r:t[,r:t...]  mean hopping per range r (default 0:1,1:1; r may be negative)\n" \
  "  --v X --w Y         plain SSH shorthand for --hop 0:X,1:Y\n"                       \
  "  --disorder D        bond disorder on every range, or r:D[,r:D...] per range\n"     \
  "  --onsite D0         on-site disorder (breaks chiral symmetry)\n"                   \
  "  --seed S            random seed (default 1)\n"                                     \
  "  --pbc               periodic boundaries (default open)\n"                          \
  "  --bulk-fraction f   central fraction of cells averaged into W (default 0.5)\n"     \
  "  --delta d           ambiguity threshold on |W - round W| (default 0.1)\n"

/* ---- interruption for long runs (study, reproduce, train, generate) --------------- */

/* Replaces the default exit-at-once handler: the first SIGINT/SIGTERM only sets a flag
 * that the run polls (it then stops cleanly, keeping its checkpoints); a second one
 * exits at once. */
void tl_cli_catch_interrupts(void);
int tl_cli_interrupted(void);

/* ---- study flags shared by `study` and `reproduce` --------------------------------- */

/* Consumes one of --seeds --epochs --L --n-train --n-test --batch --lr --seed --models
 * --train-disorder --sweep --edge-cells --threads: 1 consumed, 0 not a study flag,
 * -1 bad value (err filled). */
int tl_cli_study_flag(int argc, char **argv, int *i, tl_study_config_t *c, tl_error *err);

#define TL_CLI_STUDY_HELP                                                                  \
  "  --quick             small sizes (minutes on two cores)\n"                            \
  "  --seeds S           trainings per model (default 5, quick 2)\n"                      \
  "  --epochs E          epochs per training (default 40, quick 10)\n"                    \
  "  --L N               cells of the training chains (default 32, quick 16)\n"           \
  "  --n-train N --n-test N   chains per set (default 4096/1024, quick 512/256)\n"        \
  "  --batch B --lr LR   minibatch and Adam learning rate (default 64 (quick 32), 3e-3)\n" \
  "  --seed S            base seed of data and trainings (default 1)\n"                   \
  "  --models LIST       comma-separated model specs, e.g. topo:random,topo:exact+noise:0.1,\n" \
  "                      sym:exact,mlp:eigvec,mlp:eigvec:gauge,mlp:hopping,cnn:eigvec\n"   \
  "  --train-disorder D  bond disorder of the training chains (default 0)\n"              \
  "  --train-ranges a:b  trainability: ranges of the training family (default 0:1, SSH)\n" \
  "  --sweep D1,D2,...   test disorders of the disorder study (default 0,0.5,1,1.5,2,3)\n" \
  "  --edge-cells e      cells at each end counted as edge in prune (default 2)\n"        \
  "  --threads T         OpenMP/BLAS threads (default: all cores)\n"                      \
  "  --out DIR           output directory\n"                                              \
  "  --force             reuse an existing output directory, starting over\n"             \
  "  --resume            continue an interrupted run in DIR from its finished cells\n"    \
  "  --quiet             no progress lines\n"

/* Progress lines of study cells on stderr ("[study i/n, t s] cell"), and the poll of
 * the interruption flag; ctx is a tl_cli_study_progress_t. */
typedef struct {
  int quiet;
  long start;
} tl_cli_study_progress_t;
int tl_cli_study_progress(void *ctx, const char *study, long done, long total, const char *cell);
/* DIR for a study run: refuses an existing one unless force (start over) or resume. */
tl_status tl_cli_prepare_dir(const char *dir, int force, int resume, tl_error *err);

int tl_cmd_study(int argc, char **argv);
int tl_cmd_reproduce(int argc, char **argv);

/* ---- model flags of `train` ------------------------------------------------------- */

typedef struct {
  tl_model_hyper_t hp;
  int have_model, have_input, have_widths, have_act, have_init;
  tl_model_input input;
  int nlayers, width[TL_MODEL_MAX_LAYERS];
  tl_model_act act;
  int kernel, pool, band, sym_hidden;
  tl_model_init init;
  double init_sigma, beta0;
  char freeze[256];  /* comma-separated tensor names */
} tl_cli_model_t;

int tl_cli_model_flag(int argc, char **argv, int *i, tl_cli_model_t *cm, tl_error *err);
/* --model required; applies the given flags over the kind's defaults. */
tl_status tl_cli_model_finish(tl_cli_model_t *cm, tl_error *err);

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
                       const tl_study_hooks_t *hooks, int *code);

#endif
