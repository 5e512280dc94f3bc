/* The nn ops in float (see topolearn/nn.h; the bodies live in ops.inc.h / topo.inc.h so
 * the float and double builds are the same code). */
#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <string.h>

#include "topolearn/nn.h"

#define tl_real float
#define TL_NN_FN(name) name##_f32
#define TL_GEMM cblas_sgemm

#include "core/blas_serial.h"
#include "nn/ops.inc.h"
#include "nn/topo.inc.h"
