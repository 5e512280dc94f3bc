/* topolearn.h — the whole public API of libtopolearn, one header per layer. */
#ifndef TOPOLEARN_H
#define TOPOLEARN_H

#include "topolearn/error.h"
#include "topolearn/parse.h"
#include "topolearn/ranks.h"
#include "topolearn/rng.h"
#include "topolearn/chain.h"
#include "topolearn/invariant.h"
#include "topolearn/nn.h"
#include "topolearn/model.h"
#include "topolearn/samples.h"
#include "topolearn/train.h"
#include "topolearn/hopfile.h"
#include "topolearn/outfile.h"
#include "topolearn/phase.h"
#include "topolearn/window.h"
#include "topolearn/baseline.h"
#include "topolearn/json.h"
#include "topolearn/dataset.h"
#include "topolearn/arrays.h"

#endif
