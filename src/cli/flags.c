/* The one flag parser: argv against a command's tables (src/cli/flags.h).
 *
 * Written by hand rather than on getopt_long: the rows are needed anyway for --help, the
 * man page and the completion, and getopt_long would need a `struct option` array built
 * from them plus a map back to the rows; it accepts abbreviations (`--thread 2` would set
 * --threads, and a new flag could make an old abbreviation ambiguous), prints its own
 * messages (ours name the flag, the text and the bounds in one line), and keeps its
 * state in globals (the fuzzer and the tests parse many command lines in one process).
 * What getopt_long gives that users expect is here too: `--flag value`, `--flag=value`,
 * `--` ends the options, positionals anywhere. */
#include <string.h>

#include "cli/cli.h"

static void *group_of(const tl_flag_group_t *g, void *state) { return (char *)state + g->base; }

/* The row named by the n bytes at name, with its group and row indices. */
static const tl_flag_t *find_row(const tl_cli_cmd_t *cmd, const char *name, size_t n, int *gi,
                                 int *ri) {
  for (int g = 0; cmd->groups[g].rows; g++)
    for (int r = 0; cmd->groups[g].rows[r].name; r++) {
      const char *rn = cmd->groups[g].rows[r].name;
      if (strlen(rn) == n && !memcmp(rn, name, n)) {
        *gi = g;
        *ri = r;
        return &cmd->groups[g].rows[r];
      }
    }
  return NULL;
}

int tl_cli_seen(const tl_cli_cmd_t *cmd, const tl_cli_parsed_t *p, const char *name) {
  int g, r;
  return find_row(cmd, name, strlen(name), &g, &r) ? p->seen[g][r] : 0;
}

/* One "--name[=value]" at argv[*i] (advancing *i past a separate value). */
static tl_status parse_option(const tl_cli_cmd_t *cmd, int argc, char **argv, int *i,
                              void *state, tl_cli_parsed_t *p, tl_error *err) {
  const int at = *i;
  const char *a = argv[at], *name = a + 2, *eq = strchr(name, '=');
  const size_t n = eq ? (size_t)(eq - name) : strlen(name);
  int g, r;
  const tl_flag_t *row = find_row(cmd, name, n, &g, &r);
  if (!row)
    return tl_error_set(err, TL_ERR_INPUT, "unknown option '%.*s' (see topolearn %s --help)",
                        (int)(n + 2), a, cmd->name);
  const char *value = eq ? eq + 1 : NULL;
  if (row->type == TL_FT_SWITCH) {
    if (value)
      return tl_error_set(err, TL_ERR_INPUT, "--%s takes no value (given '%s')", row->name, a);
    *(int *)((char *)group_of(&cmd->groups[g], state) + row->off) = 1;
  } else {
    if (!value && *i + 1 >= argc) return tl_error_set(err, TL_ERR_INPUT, "--%s needs a value", row->name);
    if (!value) value = argv[++*i];
    tl_status st = tl_cli_flag_set(row, value, group_of(&cmd->groups[g], state), err);
    if (st) return st;
  }
  p->seen[g][r] = at;
  return TL_OK;
}

tl_status tl_cli_parse_into(const tl_cli_cmd_t *cmd, int argc, char **argv, void *state,
                            tl_cli_parsed_t *p, tl_error *err) {
  memset(p, 0, sizeof *p);
  int options = 1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (options && !strcmp(a, "--")) {
      options = 0;
    } else if (options && (!strcmp(a, "--help") || !strcmp(a, "-h"))) {
      p->help = 1;
      return TL_OK;
    } else if (options && a[0] == '-' && a[1] == '-') {
      tl_status st = parse_option(cmd, argc, argv, &i, state, p, err);
      if (st) return st;
    } else if (options && a[0] == '-' && a[1]) {
      return tl_error_set(err, TL_ERR_INPUT, "unknown option '%s' (see topolearn %s --help)", a,
                          cmd->name);
    } else if (!cmd->positional || p->npos == 1) {
      return tl_error_set(err, TL_ERR_INPUT, "unexpected argument '%s' (see topolearn %s --help)",
                          a, cmd->name);
    } else {
      p->pos[p->npos++] = a;
    }
  }
  return TL_OK;
}

/* Under --VARIANT (before "--"), the variant's defaults. */
static int variant_given(const tl_cli_cmd_t *cmd, int argc, char **argv) {
  if (!cmd->variant) return 0;
  for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
    if (argv[i][0] == '-' && argv[i][1] == '-' && !strcmp(argv[i] + 2, cmd->variant)) return 1;
  return 0;
}

/* The thread count the run will use: --threads, or the OpenMP default. */
static int threads_of(const tl_cli_cmd_t *cmd, const tl_cli_parsed_t *p, void *state) {
  int g, r;
  const tl_flag_t *row = find_row(cmd, "threads", 7, &g, &r);
  if (row && p->seen[g][r]) return *(int *)((char *)group_of(&cmd->groups[g], state) + row->off);
  return 0;
}

const char *tl_cli_positional_help(const tl_cli_cmd_t *cmd) {
  return cmd->positional_values ? cmd->positional_values() : cmd->positional_help;
}

int tl_cli_parse(const tl_cli_cmd_t *cmd, int argc, char **argv, void *state,
                 tl_cli_parsed_t *parsed) {
  tl_error err = {0};
  memset(state, 0, cmd->state_size);
  if (cmd->defaults) cmd->defaults(state, variant_given(cmd, argc, argv));
  tl_status st = tl_cli_parse_into(cmd, argc, argv, state, parsed, &err);
  if (!st && parsed->help) {
    tl_cli_usage(cmd, stdout);
    return 0;
  }
  if (!st && cmd->positional && parsed->npos == 0)
    st = tl_error_set(&err, TL_ERR_INPUT, "%s is required (%s; see topolearn %s --help)",
                      cmd->positional, tl_cli_positional_help(cmd), cmd->name);
  if (!st) st = tl_cli_threads_check(threads_of(cmd, parsed, state), &err);
  return st ? tl_cli_fail(cmd->name, &err) : -1;
}
