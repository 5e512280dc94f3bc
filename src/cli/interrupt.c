/* Interruption of long runs: first signal sets a flag, the second exits at once. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static volatile sig_atomic_t interrupted = 0;

static void on_signal(int sig) {
  (void)sig;
  if (interrupted) {
    tl_outfile_cleanup_all();
    _exit(130);
  }
  interrupted = 1;
}

void tl_cli_catch_interrupts(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

int tl_cli_interrupted(void) { return interrupted != 0; }
