/* The models in float (training); bodies in featurise.inc.h / forward.inc.h, shared
 * with the double build used by the gradient checks. */
#include <string.h>

#include "models/layout.h"

#define tl_real float
#define TL_MODEL_FN(name) name##_f32
#define TL_NN_FN(name) name##_f32

#include "models/featurise.inc.h"
#include "models/forward.inc.h"
