/* The models in double (gradient checks); bodies in featurise.inc.h / forward.inc.h, shared
 * with the float training build. */
#include <string.h>

#include "models/layout.h"

#define tl_real double
#define TL_MODEL_FN(name) name##_f64
#define TL_NN_FN(name) name##_f64

#include "models/featurise.inc.h"
#include "models/forward.inc.h"
