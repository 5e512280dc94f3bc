/* Several processes under mpirun (SPEC 6 "Scale"): optional, compiled with MPI when
 * CMake finds it. MPI starts only when the launcher says there are several ranks, so a
 * plain `topolearn ...` never touches MPI (no singleton start-up, no daemon). */
#include <stdlib.h>

#include "cli/cli.h"

#ifdef TL_WITH_MPI
#include <mpi.h>
static int started = 0;
#endif

static int world_size_from_env(void) {
  const char *v = getenv("OMPI_COMM_WORLD_SIZE");
  if (!v) v = getenv("PMI_SIZE");
  return v ? atoi(v) : 1;
}

void tl_cli_mpi_init(int *argc, char ***argv) {
#ifdef TL_WITH_MPI
  if (world_size_from_env() > 1 && MPI_Init(argc, argv) == MPI_SUCCESS) started = 1;
#else
  (void)argc, (void)argv;
#endif
}

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

void tl_cli_mpi_finalize(void) {
#ifdef TL_WITH_MPI
  if (started) MPI_Finalize();
  started = 0;
#endif
}
