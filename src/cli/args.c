/* Error lines of the commands and the command line as provenance. */
#include <string.h>

#include "cli/cli.h"

int tl_cli_fail(const char *cmd, const tl_error *err) {
  tl_cli_say(stderr, "topolearn %s: %s", cmd, err->msg[0] ? err->msg : tl_status_name(err->status));
  return tl_status_exit_code(err->status);
}

int tl_cli_fail_cmd(const tl_cli_cmd_t *cmd, tl_error *err) {
  tl_cli_map_fields(cmd, err);
  return tl_cli_fail(cmd->name, err);
}

void tl_cli_join_command(int argc, char **argv, char *out, size_t cap) {
  size_t k = (size_t)snprintf(out, cap, "topolearn");
  for (int i = 0; i < argc && k < cap; i++) {
    const char *q = strpbrk(argv[i], " \t'\"") ? "'" : "";
    k += (size_t)snprintf(out + k, cap - k, " %s%s%s", q, argv[i], q);
  }
}
