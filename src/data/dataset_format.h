/* src/data/dataset_format.h — the data-set layout in one table (docs/FORMAT.md): shape
 * per chain, stored type and presence of every field, shared by writer and reader. */
#ifndef TL_DATA_DATASET_FORMAT_H
#define TL_DATA_DATASET_FORMAT_H

#include <hdf5.h>

#include "topolearn/dataset.h"

typedef enum { TL_KIND_F64 = 0, TL_KIND_F32, TL_KIND_I32, TL_KIND_U8, TL_KIND_I64 } tl_kind;

/* Rank and dims of field f for n chains (dims[0] = n); returns the rank. */
int tl_ds_field_dims(tl_field f, long n, int L, int R, hsize_t dims[3]);
/* Values per chain. */
long tl_ds_field_per_chain(tl_field f, int L, int R);
/* Stored element kind (eigvecs and qab follow float32). */
tl_kind tl_ds_field_kind(tl_field f, int float32);
size_t tl_ds_kind_size(tl_kind k);
/* File (little-endian) and native memory HDF5 types of a kind. */
hid_t tl_ds_kind_ftype(tl_kind k);
hid_t tl_ds_kind_mtype(tl_kind k);
const char *tl_ds_kind_name(tl_kind k);
/* Is the field stored, given the options? windowed: long-chain mode (no energies,
 * eigvecs, qab; W_error present). */
int tl_ds_field_present(tl_field f, int has_qab, int has_onsite, int windowed);
/* Large float fields follow the compression option; the small ones (hoppings, onsite,
 * label, ...) are always shuffled + deflated at level 1, which pays (clean chains have
 * constant hoppings, labels are few distinct values) and costs little. */
int tl_ds_field_is_large(tl_field f);
/* Fields allowed to hold NaN anywhere (W_kspace: undefined for disordered or gapless
 * chains). local_marker of a long-chain file is NaN outside the bulk window: the reader
 * checks that case itself. */
int tl_ds_field_nan_ok(tl_field f);

#define TL_DS_SMALL_LEVEL 1

#endif
