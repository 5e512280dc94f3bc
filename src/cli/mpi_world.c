/* Several processes under mpirun: optional, compiled with MPI when
 * CMake finds it. MPI starts only when the launcher says there are several ranks, so a
 * plain `topolearn ...` never touches MPI (no singleton start-up, no daemon). */
#include <signal.h>

#include "cli/cli.h"

#ifdef TL_WITH_MPI
#include <mpi.h>
static int started = 0;
#endif
static volatile sig_atomic_t secondary = 0; /* read by signal handlers */

int tl_cli_mpi_built(void) {
#ifdef TL_WITH_MPI
  return 1;
#else
  return 0;
#endif
}

void tl_cli_mpi_init(int *argc, char ***argv) {
#ifdef TL_WITH_MPI
  int size;
  tl_cli_launcher_rank(&size);
  if (size > 1 && MPI_Init(argc, argv) == MPI_SUCCESS) {
    started = 1;
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    secondary = rank > 0;
  }
#else
  (void)argc, (void)argv;
#endif
}

int tl_cli_mpi_secondary(void) { return secondary != 0; }

void tl_cli_mpi_world(int *rank, int *size) {
  *rank = 0;
  *size = 1;
#ifdef TL_WITH_MPI
  if (started) {
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, size);
  }
#endif
}

int tl_cli_mpi_all_ok(int ok) {
#ifdef TL_WITH_MPI
  if (started) {
    int all = 0;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
    return all;
  }
#endif
  return ok;
}

#ifdef TL_WITH_MPI
static int mpi_gather(void *ctx, const void *send, int bytes, void *recv, const int *counts,
                      const int *displs) {
  (void)ctx;
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  /* only the root's recv, counts and displs are read; send is in place there */
  return MPI_Gatherv(rank ? send : MPI_IN_PLACE, bytes, MPI_BYTE, recv, counts, displs, MPI_BYTE,
                     0, MPI_COMM_WORLD) != MPI_SUCCESS;
}

static int mpi_bcast(void *ctx, void *buf, int bytes) {
  (void)ctx;
  return MPI_Bcast(buf, bytes, MPI_BYTE, 0, MPI_COMM_WORLD) != MPI_SUCCESS;
}
#endif

const tl_ranks_t *tl_cli_mpi_ranks(void) {
#ifdef TL_WITH_MPI
  static tl_ranks_t g;
  if (started) {
    tl_cli_mpi_world(&g.rank, &g.size);
    g.gather = mpi_gather;
    g.bcast = mpi_bcast;
    return &g;
  }
#endif
  return NULL;
}

void tl_cli_mpi_finalize(void) {
#ifdef TL_WITH_MPI
  if (started) MPI_Finalize();
  started = 0;
#endif
}
