/* src/core/h5.h — private HDF5 helpers: open with HDF5's own error printing silenced,
 * and turn every failure into one tl_error line naming the file and object. */
#ifndef TL_CORE_H5_H
#define TL_CORE_H5_H

#include <hdf5.h>

#include "topolearn/error.h"

/* Silences HDF5's automatic error stack printing for this process (idempotent). */
void tl_h5_quiet(void);

/* Walks every object, attribute and chunk index of the file in a forked child the way a
 * reader would (src/core/h5_probe.c): TL_ERR_INPUT in one line if libhdf5 crashed or
 * hung there, TL_OK otherwise (errors HDF5 reports cleanly are left to the reader). */
tl_status tl_h5_probe(const char *path, tl_error *err);

/* Opens an existing file read-only; distinguishes missing, unreadable, and not HDF5.
 * Probes the file first (tl_h5_probe), so a corrupt file is refused, never crashes. */
tl_status tl_h5_open_read(const char *path, hid_t *file, tl_error *err);

/* Creates an HDF5 file at tmp_path, the empty temporary of a tl_outfile, without
 * truncating it: on ext4 a file truncated and rewritten is flushed to disk when closed
 * (auto_da_alloc), 0.12 s per 500 MB here, for a file that is renamed anyway.
 * Returns the file id or H5I_INVALID_HID. */
hid_t tl_h5_create_temporary(const char *tmp_path);

/* Dataset name under loc: its rank and dims (up to 8); fails naming path:name. */
tl_status tl_h5_dims(hid_t loc, const char *path, const char *name, int *rank, hsize_t dims[8],
                     tl_error *err);

/* Integer / double / string attribute of object obj (e.g. "/"). */
tl_status tl_h5_attr_int(hid_t file, const char *path, const char *obj, const char *name,
                         long *out, tl_error *err);
tl_status tl_h5_attr_double(hid_t file, const char *path, const char *obj, const char *name,
                            double *out, tl_error *err);
tl_status tl_h5_attr_string(hid_t file, const char *path, const char *obj, const char *name,
                            char *out, size_t cap, tl_error *err);
int tl_h5_has_attr(hid_t file, const char *obj, const char *name);
/* The root's 'kind' attribute that every topolearn file carries; a file without it is
 * refused as "not a topolearn file". */
tl_status tl_h5_kind(hid_t file, const char *path, char *kind, size_t cap, tl_error *err);
/* The same, refusing any kind but want: "is a topolearn 'K' file, not a WHAT". */
tl_status tl_h5_expect_kind(hid_t file, const char *path, const char *want, const char *what,
                            tl_error *err);
int tl_h5_has_dataset(hid_t file, const char *name);

/* Reads a hyperslab [start, start+count) of a float64 dataset into out. */
tl_status tl_h5_read_doubles(hid_t file, const char *path, const char *name, int rank,
                             const hsize_t *start, const hsize_t *count, double *out,
                             tl_error *err);

/* ---- writing ---- */

/* Attribute name of object obj (e.g. "/" or "params/K") under loc, created or
 * replaced; fails naming path and the attribute. */
tl_status tl_h5_write_attr_int(hid_t loc, const char *path, const char *obj, const char *name,
                               long long value, tl_error *err);
tl_status tl_h5_write_attr_double(hid_t loc, const char *path, const char *obj,
                                  const char *name, double value, tl_error *err);
tl_status tl_h5_write_attr_string(hid_t loc, const char *path, const char *obj,
                                  const char *name, const char *value, tl_error *err);
tl_status tl_h5_write_attr_doubles(hid_t loc, const char *path, const char *obj,
                                   const char *name, const double *v, size_t n, tl_error *err);

/* Group name under loc (intermediate groups created); fails naming path:name. */
tl_status tl_h5_make_group(hid_t loc, const char *path, const char *name, tl_error *err);

/* float32 dataset of the given rank and dims (contiguous, little-endian IEEE). */
tl_status tl_h5_write_floats(hid_t loc, const char *path, const char *name, int rank,
                             const hsize_t *dims, const float *data, tl_error *err);

/* Reads a whole floating-point dataset into out as float after checking that its rank
 * and dims are exactly the expected ones (one line naming the dataset and both
 * shapes otherwise). */
tl_status tl_h5_read_floats(hid_t loc, const char *path, const char *name, int rank,
                            const hsize_t *dims, float *out, tl_error *err);

/* 1-D dataset of n values, stored as ftype, from memory of type mt (contiguous). */
tl_status tl_h5_write_vector(hid_t loc, const char *path, const char *name, hid_t ftype,
                             hid_t mt, hsize_t n, const void *data, tl_error *err);
/* Reads a 1-D dataset of exactly n values whose stored type has mt's class, size and
 * sign (only the byte order may differ), so nothing is rounded or clipped on the way:
 * one line naming the dataset and both shapes or types otherwise. */
tl_status tl_h5_read_vector(hid_t loc, const char *path, const char *name, hid_t mt, hsize_t n,
                            void *out, tl_error *err);

/* ---- data-set writer and reader ---- */

/* Reads an attribute holding exactly n doubles. */
tl_status tl_h5_attr_doubles(hid_t file, const char *path, const char *obj, const char *name,
                             double *out, size_t n, tl_error *err);

/* Creates a chunked dataset of the given file type and dims (dims[0] chains, chunked by
 * chunk0 chains along it), with shuffle + deflate when level > 0, and no fill writes. */
tl_status tl_h5_create_chunked(hid_t loc, const char *path, const char *name, hid_t ftype,
                               int rank, const hsize_t *dims, hsize_t chunk0, int level,
                               hid_t *out, tl_error *err);

/* Writes rows [first, first + count) along dim 0 of dataset d from buf of memory type mt. */
tl_status tl_h5_write_rows(hid_t d, const char *path, const char *name, hid_t mt,
                           hsize_t first, hsize_t count, const void *buf, tl_error *err);

/* Reads rows [first, first + count) along dim 0 into buf of memory type mt. */
tl_status tl_h5_read_rows(hid_t d, const char *path, const char *name, hid_t mt,
                          hsize_t first, hsize_t count, void *buf, tl_error *err);

#endif
