/* Interruption of long runs: first signal sets a flag, the second exits at once. */
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

/* Signals received so far. An atomic counter, not a flag: a process-directed signal goes
 * to any thread, so SIGTERM and SIGINT sent back to back can run the handler on two
 * OpenMP threads at once, and both would see a flag still clear. (A lock-free atomic is
 * async-signal-safe.) */
static atomic_int signals_seen = 0;
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the signal counter must be lock-free");

static void on_signal(int sig) {
  (void)sig;
  if (atomic_fetch_add(&signals_seen, 1) > 0) {
    tl_outfile_cleanup_all();
    _exit(130);
  }
}

void tl_cli_on_signals(void (*handler)(int)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  /* A hangup (the terminal or ssh session gone) ends a run like SIGTERM, keeping its
   * checkpoint; but a run started under nohup keeps ignoring it. */
  struct sigaction old;
  if (sigaction(SIGHUP, NULL, &old) == 0 && old.sa_handler != SIG_IGN) sigaction(SIGHUP, &sa, NULL);
}

void tl_cli_catch_interrupts(void) { tl_cli_on_signals(on_signal); }

int tl_cli_interrupted(void) { return atomic_load(&signals_seen) != 0; }
