/* The command registry: `topolearn --help`, the dispatch in main.c, the man page and the
 * bash completion iterate it. */
#include <string.h>

#include "cli/cli.h"

extern const tl_cli_cmd_t tl_cli_cmd_winding, tl_cli_cmd_phase_diagram, tl_cli_cmd_study,
    tl_cli_cmd_reproduce, tl_cli_cmd_generate, tl_cli_cmd_info, tl_cli_cmd_train, tl_cli_cmd_eval,
    tl_cli_cmd_prune;

const tl_cli_cmd_t *const tl_cli_commands[] = {
    &tl_cli_cmd_winding, &tl_cli_cmd_phase_diagram, &tl_cli_cmd_generate, &tl_cli_cmd_info,
    &tl_cli_cmd_train,   &tl_cli_cmd_eval,          &tl_cli_cmd_prune,    &tl_cli_cmd_study,
    &tl_cli_cmd_reproduce};
const int tl_cli_ncommands = (int)(sizeof tl_cli_commands / sizeof tl_cli_commands[0]);

const tl_cli_cmd_t *tl_cli_command(const char *name) {
  for (int i = 0; i < tl_cli_ncommands; i++)
    if (!strcmp(name, tl_cli_commands[i]->name)) return tl_cli_commands[i];
  return NULL;
}

void tl_cli_main_usage(FILE *out) {
  fprintf(out,
          "topolearn %s — how well do machine-learning models learn a topological invariant?\n\n"
          "usage: topolearn COMMAND [options]\n"
          "       topolearn help COMMAND    (the same as topolearn COMMAND --help)\n\n"
          "commands:\n",
          TL_VERSION);
  for (int i = 0; i < tl_cli_ncommands; i++)
    fprintf(out, "  %-15s %s\n", tl_cli_commands[i]->name, tl_cli_commands[i]->summary);
  fprintf(out, "\noptions:\n"
               "  --help          this help\n"
               "  --version       the version (and whether this build has MPI)\n\n"
               "Flags take their value as --flag value or --flag=value; -- ends the options.\n");
  tl_cli_print_wrapped(out, tl_cli_exit_note);
}
