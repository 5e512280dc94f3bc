/* topolearn — command-line entry: dispatches to one file per subcommand. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

/* SIGINT/SIGTERM: remove the temporaries of outputs in progress so no partial file
 * survives, then exit 130. Commands with checkpoints install their own handler. */
static void on_signal(int sig) {
  (void)sig;
  /* Under mpirun, rank 0 alone acts: it holds the outputs, and its exit makes mpirun end
   * the other ranks. Were another rank to exit first, mpirun would kill rank 0 before it
   * could remove its temporary. */
  if (tl_cli_mpi_secondary()) return;
  tl_outfile_cleanup_all();
  static const char msg[] = "topolearn: interrupted; no partial output was kept\n";
  ssize_t rc = write(STDERR_FILENO, msg, sizeof msg - 1);
  (void)rc;
  _exit(130);
}

static const tl_cmd_t commands[] = {
    {"winding", "W, local marker and k-space winding of one chain", tl_cmd_winding, 0},
    {"phase-diagram", "W over a (v, w) or (w, D) grid -> CSV + PNG", tl_cmd_phase_diagram, 0},
    {"study", "one study: trainability, disorder, size, unseen, prune", tl_cmd_study, 1},
    {"reproduce", "every study + report.md with figures (--quick: minutes)", tl_cmd_reproduce, 1},
    {"generate", "labelled data set of chains -> HDF5", tl_cmd_generate, 1},
    {"train", "a model on a data set -> model HDF5 + metrics CSV", tl_cmd_train, 0},
    {"eval", "a model on a data set -> accuracy, confusion, per-chain CSV", tl_cmd_eval, 0},
    {"prune", "SVD pruning curve of a trained model's first dense layer", tl_cmd_prune, 0},
    {"info", "summary of a topolearn HDF5 file", tl_cmd_info, 0},
};
static const int n_commands = (int)(sizeof commands / sizeof commands[0]);

static void usage(FILE *out) {
  fprintf(out,
          "topolearn %s — how well do machine-learning models learn a topological invariant?\n\n"
          "usage: topolearn COMMAND [options]   (topolearn COMMAND --help for its options)\n\n"
          "commands:\n",
          TL_VERSION);
  for (int i = 0; i < n_commands; i++)
    fprintf(out, "  %-15s %s\n", commands[i].name, commands[i].summary);
}

/* Under mpirun, a command that splits its work over the ranks starts MPI on every rank.
 * Any other command (or any command of a build without MPI) runs once, on rank 0, with a
 * note; the other ranks exit at once instead of each repeating the whole run and writing
 * the same outputs. */
static int run_command(const tl_cmd_t *cmd, int argc, char **argv) {
  int size, rank = tl_cli_launcher_rank(&size);
  if (cmd->ranks && tl_cli_mpi_built()) {
    tl_cli_mpi_init(&argc, &argv);
    int code = cmd->run(argc - 1, argv + 1);
    tl_cli_mpi_finalize();
    return code;
  }
  if (rank > 0) return 0;
  if (size > 1)
    fprintf(stderr, "topolearn %s: runs on rank 0 alone, %d other rank%s idle (%s)\n", cmd->name,
            size - 1, size == 2 ? "" : "s",
            tl_cli_mpi_built() ? "generate, study and reproduce split their work over ranks"
                               : "this build has no MPI");
  return cmd->run(argc - 1, argv + 1);
}

int main(int argc, char **argv) {
  tl_init();
  tl_cli_on_signals(on_signal);
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
    usage(stdout);
    return 0;
  }
  if (!strcmp(argv[1], "--version")) {
#ifdef TL_WITH_MPI
    printf("topolearn %s (MPI)\n", TL_VERSION);
#else
    printf("topolearn %s\n", TL_VERSION);
#endif
    return 0;
  }
  for (int i = 0; i < n_commands; i++)
    if (!strcmp(argv[1], commands[i].name)) {
      tl_error err = {0};
      if (tl_cli_check_env(&err)) return tl_cli_fail(commands[i].name, &err);
      return run_command(&commands[i], argc, argv);
    }
  fprintf(stderr, "topolearn: unknown command '%s' (expected one of:", argv[1]);
  for (int i = 0; i < n_commands; i++) fprintf(stderr, " %s", commands[i].name);
  fprintf(stderr, ")\n");
  return 2;
}
