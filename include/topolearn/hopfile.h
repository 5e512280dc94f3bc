/* topolearn/hopfile.h — reading one chain's hoppings from a file.
 *
 * CSV (docs/physics.md, "Hoppings files"): '#' comment lines, then a header naming the
 * ranges as t_R columns (consecutive R ascending, e.g. "t_0,t_1" or "t_-1,t_0,t_1"),
 * optionally followed by eps_A,eps_B for on-site terms; then one row per cell n with
 * t_R(n) (the bond B_n -> A_{n+R}). Under OBC, values on bonds that leave the chain are
 * ignored. HDF5: a dataset "hoppings" of shape (L, R) or (N, L, R) (choose the chain
 * with index) with integer attribute r_min on the file's root, as written by
 * `topolearn generate`, and an optional "onsite" of shape (L*2) or (N, 2L). */
#ifndef TOPOLEARN_HOPFILE_H
#define TOPOLEARN_HOPFILE_H

#include "topolearn/chain.h"

tl_status tl_hopfile_read_csv(const char *path, tl_boundary bc, tl_chain_t **out,
                              tl_error *err);

/* Parses CSV text already in memory (len bytes; need not be NUL-terminated). name is
 * used in messages. The fuzzers drive this entry. */
tl_status tl_hopfile_parse_csv(const char *text, size_t len, const char *name,
                               tl_boundary bc, tl_chain_t **out, tl_error *err);

tl_status tl_hopfile_read_h5(const char *path, long index, tl_boundary bc, tl_chain_t **out,
                             tl_error *err);

/* By extension: .h5/.hdf5 -> HDF5, anything else -> CSV. */
tl_status tl_hopfile_read(const char *path, long index, tl_boundary bc, tl_chain_t **out,
                          tl_error *err);

#endif
