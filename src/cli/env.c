/* The environment the CLI depends on: OMP_NUM_THREADS and the launcher's rank variables.
 *
 * libgomp parses OMP_NUM_THREADS in its constructor, before main, and on a malformed
 * value prints its own "libgomp: Invalid value" line and then uses every core. The
 * executable therefore checks the variable first, from an ELF .preinit_array entry
 * (src/cli/main.c), which glibc runs before any shared library's constructor: a value we
 * refuse is taken out of the environment there (so libgomp stays silent) and reported by
 * tl_cli_check_env as one line.
 *
 * The same hook sets how long an idle OpenMP thread spins before it sleeps: 1000 spins, the
 * value libgomp itself falls back to when it sees more threads than cores. libgomp's
 * default (300 000 spins, about a millisecond) is made for a machine of one's own: beside
 * other multi-threaded jobs our threads burn the cores those jobs wait for at each of the
 * many short parallel regions of a training, and a 3-epoch training beside two others
 * took 0.26 of its fair share of the machine (issue 17; bench/contention.sh). A user's
 * own OMP_WAIT_POLICY or GOMP_SPINCOUNT wins; waiting never changes a result. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static char refused[256]; /* a refused OMP_NUM_THREADS, kept for the message */
static int have_refused = 0;

/* The OpenMP syntax (blanks allowed around each entry, as libgomp allows): one positive
 * integer per nesting level, comma-separated, each within --threads' bound. */
static int omp_threads_valid(const char *v) {
  tl_fields_t f = tl_fields(v, ',');
  while (tl_fields_next(&f)) {
    const char *b = f.at, *e = f.at + f.len;
    while (b < e && (*b == ' ' || *b == '\t')) b++;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t')) e--;
    long long n;
    if (tl_parse_int_n(b, (size_t)(e - b), 1, TL_CLI_THREADS_MAX, &n)) return 0;
  }
  return 1;
}

/* Spins before an idle thread sleeps when the user chose no policy: measured with
 * bench/contention.sh (BENCHMARKS.md "Shared machines"). */
#define TL_CLI_SPIN_COUNT "1000"

void tl_cli_env_preinit(char **envp) {
  static const char key[] = "OMP_NUM_THREADS=";
  int policy_given = 0;
  for (char **e = envp; e && *e; e++) {
    if (!strncmp(*e, "OMP_WAIT_POLICY=", 16) || !strncmp(*e, "GOMP_SPINCOUNT=", 15)) policy_given = 1;
    if (strncmp(*e, key, sizeof key - 1) || omp_threads_valid(*e + sizeof key - 1)) continue;
    snprintf(refused, sizeof refused, "%s", *e + sizeof key - 1);
    have_refused = 1;
    for (char **m = e; *m; m++) m[0] = m[1]; /* out of the environment, before libgomp */
    e--;
  }
  if (!policy_given) setenv("GOMP_SPINCOUNT", TL_CLI_SPIN_COUNT, 0);
}

/* A launcher variable: absent (fallback), or an integer in lo..hi; -1 when malformed. */
static long long launcher_var(const char *ompi, const char *pmi, long long lo, long long hi,
                              long long fallback, const char **name) {
  const char *v = getenv(ompi);
  *name = ompi;
  if (!v) v = getenv(pmi), *name = pmi;
  long long x;
  if (!v) return fallback;
  return tl_parse_int(v, lo, hi, &x) ? -1 : x;
}

int tl_cli_launcher_rank(int *size) {
  const char *name;
  long long s = launcher_var("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", 1, 1 << 24, 1, &name);
  long long r = launcher_var("OMPI_COMM_WORLD_RANK", "PMI_RANK", 0, (1 << 24) - 1, 0, &name);
  *size = s < 1 ? 1 : (int)s;
  return r < 0 || r >= *size ? 0 : (int)r;
}

tl_status tl_cli_check_env(tl_error *err) {
  const char *v = getenv("OMP_NUM_THREADS");
  if (have_refused || (v && !omp_threads_valid(v)))
    return tl_error_set(err, TL_ERR_INPUT, "OMP_NUM_THREADS='%s' is not a thread count (expected "
                        "a positive integer up to %d such as 2, or unset it to use every core)",
                        have_refused ? refused : v, TL_CLI_THREADS_MAX);
  const char *name;
  long long size = launcher_var("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", 1, 1 << 24, 1, &name);
  if (size < 0)
    return tl_error_set(err, TL_ERR_INPUT, "%s='%s' is not a number of ranks (expected 1..%d, as "
                        "mpirun sets it)", name, getenv(name), 1 << 24);
  long long rank = launcher_var("OMPI_COMM_WORLD_RANK", "PMI_RANK", 0, size - 1, 0, &name);
  if (rank < 0)
    return tl_error_set(err, TL_ERR_INPUT, "%s='%s' is not a rank of %lld (expected 0..%lld, as "
                        "mpirun sets it)", name, getenv(name), size, size - 1);
  return TL_OK;
}
