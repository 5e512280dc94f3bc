/* src/cli/flags.h — declarative flag tables: one row per flag (name, type, bounds, help,
 * where the value goes), one parser and one usage printer for every command, and the
 * command registry that --help, `topolearn help CMD`, the man page and the bash
 * completion are generated from.
 *
 * A table is a group of rows whose destinations are offsets into one struct (the family
 * flags into tl_cli_family_t, the study flags into tl_study_config_t, ...); a command
 * lists its groups and where each group's struct sits in the command's own state. The
 * defaults shown by --help are read from a state that the command's `defaults` function
 * filled from the library (tl_train_opts_default, tl_study_config_default, ...), so they
 * are the values a run uses, never restated by hand. */
#ifndef TL_CLI_FLAGS_H
#define TL_CLI_FLAGS_H

#include <stddef.h>
#include <stdio.h>

#include "topolearn/error.h"

typedef enum {
  TL_FT_SWITCH,  /* no value: the int becomes 1                                      */
  TL_FT_INT,     /* int in imin..imax                                                 */
  TL_FT_LONG,    /* long in imin..imax                                                */
  TL_FT_U64,     /* uint64_t in imin..imax                                            */
  TL_FT_DOUBLE,  /* double in dmin..dmax                                              */
  TL_FT_RANGE,   /* "a:b" with dmin <= a <= b <= dmax -> double[2]                    */
  TL_FT_IRANGE,  /* "a:b" of integers, imin <= a <= b <= imax -> int[2]               */
  TL_FT_DLIST,   /* "x,y,...": 1..max_items doubles in dmin..dmax -> double[], int count */
  TL_FT_STRS,    /* a string, repeatable: appended to const char *[], int count       */
  TL_FT_CHOICE,  /* one of choices[].name -> int choices[].value                      */
  TL_FT_STRING,  /* const char * (a path, a prefix, a spec the library parses)         */
  TL_FT_CUSTOM   /* parse(row, text, group): a syntax of its own (--hop, --schedule)   */
} tl_flag_type;

typedef struct {
  const char *name;
  int value;
  int alias; /* accepted, not listed */
} tl_flag_choice_t;

typedef struct tl_flag tl_flag_t;
struct tl_flag {
  const char *name;    /* without the leading "--"; NULL ends a table                      */
  tl_flag_type type;
  const char *metavar; /* "N", "a:b", "FILE"; NULL for a switch                            */
  size_t off;          /* where the value goes: offset in the group's struct               */
  size_t count_off;    /* DLIST, STRS: offset of the int count                             */
  long long imin, imax;  /* integer bounds; DLIST, STRS: imax is the most items          */
  double dmin, dmax;     /* decimal bounds                                                */
  const tl_flag_choice_t *choices; /* CHOICE: ends with {NULL, 0}                          */
  tl_status (*parse)(const tl_flag_t *row, const char *text, void *group, tl_error *err);
  /* the default for --help when the plain value would not say it (CUSTOM, per-kind) */
  void (*show)(const tl_flag_t *row, const void *group, char *buf, size_t cap);
  /* the values a CUSTOM row takes from a registry (--model: the model kinds), joined by
   * sep: shown in place of metavar in --help and the man page, listed by the completion */
  void (*words)(char *buf, size_t cap, const char *sep);
  const char *unset;   /* the default's text when the value is 0, NULL or NaN ("all cores") */
  const char *field;   /* the library's name in messages, when not the flag's (--lr: "lr") */
  const char *help;
};

/* Rows of the shared kinds (one bound per flag in every command: the test
 * test_cli_flags reads every table and compares the rows that share a name). */
#define TL_FLAG_INT_ROW(nm, T, fld, lo, hi, mv, hp) \
  {.name = nm, .type = TL_FT_INT, .metavar = mv, .off = offsetof(T, fld), .imin = lo, .imax = hi, .help = hp}
#define TL_FLAG_DOUBLE_ROW(nm, T, fld, lo, hi, mv, hp) \
  {.name = nm, .type = TL_FT_DOUBLE, .metavar = mv, .off = offsetof(T, fld), .dmin = lo, .dmax = hi, .help = hp}
#define TL_FLAG_SWITCH_ROW(nm, T, fld, hp) \
  {.name = nm, .type = TL_FT_SWITCH, .off = offsetof(T, fld), .help = hp}
#define TL_FLAG_STRING_ROW(nm, T, fld, mv, hp) \
  {.name = nm, .type = TL_FT_STRING, .metavar = mv, .off = offsetof(T, fld), .help = hp}

#define TL_CLI_STR_(x) #x
#define TL_CLI_STR(x) TL_CLI_STR_(x)

/* Bounds of the flags that several commands share. */
#define TL_CLI_THREADS_MAX 1024
#define TL_CLI_EPOCHS_MAX 1000000
#define TL_CLI_BATCH_MAX 65536
#define TL_CLI_LR_MIN 1e-12
#define TL_CLI_LR_MAX 1000.0
#define TL_CLI_SEED_MAX 0x7fffffffffffffffLL
#define TL_CLI_EDGE_CELLS_MAX 100000
#define TL_CLI_HOP_MAX 1e6

#define TL_FLAG_THREADS_ROW(T, fld) {.name = "threads", .type = TL_FT_INT, .metavar = "T", \
  .off = offsetof(T, fld), .imin = 1, .imax = TL_CLI_THREADS_MAX, .unset = "all cores", \
  .help = "OpenMP threads (results do not depend on it); refused when the threads cannot be created"}
#define TL_FLAG_SEED_ROW(T, fld, hp) {.name = "seed", .type = TL_FT_U64, .metavar = "S", \
  .off = offsetof(T, fld), .imin = 0, .imax = TL_CLI_SEED_MAX, .help = hp}

typedef struct {
  const char *title;     /* section heading in --help; NULL continues the previous one */
  const tl_flag_t *rows; /* ends with a row whose name is NULL */
  size_t base;           /* offset of the group's struct in the command's state */
} tl_flag_group_t;

/* What a parse found besides the values: where each row was last given (argv index,
 * 0 when not given) and the positional arguments. */
#define TL_CLI_MAX_GROUPS 6
#define TL_CLI_MAX_ROWS 48
#define TL_CLI_MAX_POS 4
typedef struct {
  int seen[TL_CLI_MAX_GROUPS][TL_CLI_MAX_ROWS];
  const char *pos[TL_CLI_MAX_POS];
  int npos;
  int help; /* --help or -h was given: print the usage, exit 0 */
} tl_cli_parsed_t;

typedef struct tl_cli_cmd tl_cli_cmd_t;
struct tl_cli_cmd {
  const char *name, *summary;
  const char *synopsis;   /* after "usage: topolearn NAME " */
  const char *about;      /* paragraphs between the usage line and the flags */
  const char *positional; /* "NAME", "FILE": one required positional argument; NULL: none */
  const char *positional_help; /* what it is, for the message when it is missing */
  /* NAME's values from a library registry (study: the studies), when they are not fixed
   * text: "a, b or c" (replaces positional_help), and a paragraph for --help and the man
   * page saying what each one is. */
  const char *(*positional_values)(void);
  const char *(*positional_about)(void);
  const tl_flag_group_t *groups; /* ends with {NULL, NULL, 0} */
  size_t state_size;
  /* fills a state with the defaults; variant 1: the defaults under --VARIANT */
  void (*defaults)(void *state, int variant);
  const char *variant;    /* a switch that changes the defaults (study: "quick"), or NULL */
  const char *notes;      /* after the flags: resume, outputs (exit codes are added) */
  int (*run)(int argc, char **argv);
  int ranks;              /* splits its work over mpirun's ranks */
};

/* The commands, in the order of `topolearn --help`. */
extern const tl_cli_cmd_t *const tl_cli_commands[];
extern const int tl_cli_ncommands;
const tl_cli_cmd_t *tl_cli_command(const char *name);

/* Fills state with the command's defaults (under --VARIANT when argv has it before "--"),
 * then parses argv[1..argc) into it: "--flag value", "--flag=value", "--" ends the
 * options, positionals anywhere before or after. Returns -1 when the command goes on,
 * otherwise the exit code after printing: 0 for --help (usage on stdout), 2 for bad
 * input (one line on stderr). */
int tl_cli_parse(const tl_cli_cmd_t *cmd, int argc, char **argv, void *state,
                 tl_cli_parsed_t *parsed);
/* The same on a state already filled (no defaults applied, nothing printed): the status,
 * with err naming the flag and the value. */
tl_status tl_cli_parse_into(const tl_cli_cmd_t *cmd, int argc, char **argv, void *state,
                            tl_cli_parsed_t *parsed, tl_error *err);

/* What the positional argument is: positional_values() or positional_help. */
const char *tl_cli_positional_help(const tl_cli_cmd_t *cmd);

/* argv index where the flag was last given (0: not given). */
int tl_cli_seen(const tl_cli_cmd_t *cmd, const tl_cli_parsed_t *p, const char *name);

/* --help of a command: usage, about, every group's rows with the live defaults, notes. */
void tl_cli_usage(const tl_cli_cmd_t *cmd, FILE *out);
/* What a row's value looks like in --help and the man page: its words joined by '|', or
 * its metavar (NULL for a switch). */
const char *tl_cli_row_metavar(const tl_flag_t *row, char *buf, size_t cap);
/* The value a row holds in a group's struct, as --help shows it ("" when none). */
void tl_cli_flag_value(const tl_flag_t *row, const void *group, char *buf, size_t cap);

/* A row's --help text: its help, then its default (and the variant's, when it differs). */
void tl_cli_row_text(const tl_flag_t *row, const void *g0, const void *g1, const char *variant,
                     char *text, size_t cap);

/* A library message about a field ("lr = 0 is out of range ...") in the words of this
 * command's flags ("--lr: 0 is out of range ..."); other messages are left alone. */
void tl_cli_map_fields(const tl_cli_cmd_t *cmd, tl_error *err);

/* One value of a row parsed into the group's struct (the parser's step, for the fuzzer
 * and the custom rows that hold a standard value). */
tl_status tl_cli_flag_set(const tl_flag_t *row, const char *text, void *group, tl_error *err);

/* Generators of the man page (troff) and the bash completion, from the registry. */
void tl_cli_write_man(FILE *out);
void tl_cli_write_completion(FILE *out);

#endif
