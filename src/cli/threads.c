/* The thread count a run will use can be created, checked before any output exists.
 *
 * libgomp does not report a failed pthread_create to its caller: it prints "libgomp:
 * Thread creation failed" and exits, after our temporary outputs exist (under `ulimit -v`
 * --threads 1024 left a temporary behind; 10^6 threads segfaulted in GOMP_parallel).
 * So the threads are created here first, held until all exist (libgomp keeps its team
 * alive the same way), and released; a failure is one line and exit 2. The probe uses
 * the default thread attributes, as libgomp does when OMP_STACKSIZE is not set. */
#include <errno.h>
#include <omp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

typedef struct {
  pthread_mutex_t lock;
  pthread_cond_t go;
  int released;
} probe_t;

static void *hold(void *arg) {
  probe_t *p = arg;
  pthread_mutex_lock(&p->lock);
  while (!p->released) pthread_cond_wait(&p->go, &p->lock);
  pthread_mutex_unlock(&p->lock);
  return NULL;
}

/* Starts n threads that wait until all exist; returns how many could be started and, on
 * a failure, its errno in *why. */
static int probe(int n, int *why) {
  pthread_t *t = malloc((size_t)(n > 0 ? n : 1) * sizeof *t);
  if (!t) return *why = ENOMEM, 0;
  probe_t p = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
  int made = 0;
  *why = 0;
  while (made < n && !(*why = pthread_create(&t[made], NULL, hold, &p))) made++;
  pthread_mutex_lock(&p.lock);
  p.released = 1;
  pthread_cond_broadcast(&p.go);
  pthread_mutex_unlock(&p.lock);
  for (int i = 0; i < made; i++) pthread_join(t[i], NULL);
  free(t);
  return made;
}

tl_status tl_cli_threads_check(int requested, tl_error *err) {
  const int threads = requested > 0 ? requested : omp_get_max_threads();
  int why;
  const int made = probe(threads - 1, &why); /* the calling thread is the team's first */
  if (made == threads - 1) return TL_OK;
  const char *env = getenv("OMP_NUM_THREADS");
  if (requested > 0)
    return tl_error_set(err, TL_ERR_INPUT, "--threads: %d threads cannot be created here (thread "
                        "%d failed: %s; expected at most %d)", threads, made + 2, strerror(why), made + 1);
  return tl_error_set(err, TL_ERR_INPUT, "%s%s%s: %d threads cannot be created here (thread %d "
                      "failed: %s; expected --threads %d or fewer)", env ? "OMP_NUM_THREADS='" : "the default thread count",
                      env ? env : "", env ? "'" : "", threads, made + 2, strerror(why), made + 1);
}
