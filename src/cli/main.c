/* topolearn — command-line entry: dispatches to one file per subcommand (the registry in
 * src/cli/commands.c). */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

/* Before the shared libraries' constructors (libgomp's reads OMP_NUM_THREADS): glibc runs
 * an executable's .preinit_array first, with argc, argv and envp. See src/cli/env.c. */
static void preinit(int argc, char **argv, char **envp) {
  (void)argc, (void)argv;
  tl_cli_env_preinit(envp);
}
__attribute__((section(".preinit_array"), used)) static void (*const tl_preinit)(int, char **, char **) = preinit;

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

/* Under mpirun, a command that splits its work over the ranks starts MPI on every rank.
 * Any other command (or any command of a build without MPI) runs once, on rank 0, with a
 * note; the other ranks exit at once instead of each repeating the whole run and writing
 * the same outputs. */
static int run_command(const tl_cli_cmd_t *cmd, int argc, char **argv) {
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

/* The names of the commands, for the one-line refusals. */
static void command_list(char *buf, size_t cap) {
  size_t k = 0;
  for (int i = 0; i < tl_cli_ncommands && k < cap; i++)
    k += (size_t)snprintf(buf + k, cap - k, "%s%s", i ? ", " : "", tl_cli_commands[i]->name);
}

/* No command, or an unknown one: one line and a pointer to --help, exit 2 (the policy of
 * every refusal: nothing on stdout, so that a script capturing it gets nothing). */
static int refuse(const char *what, const char *name) {
  char names[256];
  command_list(names, sizeof names);
  if (name) tl_cli_say(stderr, "topolearn: %s '%s' (expected one of: %s; see topolearn --help)", what, name, names);
  else tl_cli_say(stderr, "topolearn: %s (expected one of: %s; see topolearn --help)", what, names);
  return 2;
}

int main(int argc, char **argv) {
  tl_init();
  tl_cli_on_signals(on_signal);
  if (argc < 2) return refuse("a command is required", NULL);
  const char *a = argv[1];
  if (!strcmp(a, "--help") || !strcmp(a, "-h") || (!strcmp(a, "help") && argc == 2)) {
    tl_cli_main_usage(stdout);
    return 0;
  }
  if (!strcmp(a, "--version")) {
#ifdef TL_WITH_MPI
    printf("topolearn %s (MPI)\n", TL_VERSION);
#else
    printf("topolearn %s\n", TL_VERSION);
#endif
    return 0;
  }
  if (!strcmp(a, "help")) { /* help CMD: CMD --help */
    const tl_cli_cmd_t *cmd = tl_cli_command(argv[2]);
    if (!cmd) return refuse("unknown command", argv[2]);
    tl_cli_usage(cmd, stdout);
    return 0;
  }
  const tl_cli_cmd_t *cmd = tl_cli_command(a);
  if (!cmd) return refuse("unknown command", a);
  tl_error err = {0};
  if (tl_cli_check_env(&err)) return tl_cli_fail(cmd->name, &err);
  return run_command(cmd, argc, argv);
}
