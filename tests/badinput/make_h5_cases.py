"""Build the HDF5 bad-input cases from a small valid data set and model made by
`topolearn generate` / `topolearn train` (run by tests/cli/badinput_corpus.sh).
usage: make_h5_cases.py DIR  (DIR holds good.h5 and model.h5; cases are written next to them)
Each case is NAME.h5 (data-set cases) or model_NAME.h5 (model cases)."""
import shutil
import sys

import h5py
import numpy as np

d = sys.argv[1]


def data_case(name, edit):
    p = f"{d}/{name}.h5"
    shutil.copy(f"{d}/good.h5", p)
    with h5py.File(p, "a") as f:
        edit(f)


def model_case(name, edit):
    p = f"{d}/model_{name}.h5"
    shutil.copy(f"{d}/model.h5", p)
    with h5py.File(p, "a") as f:
        edit(f)


def setv(field, index, value):
    def edit(f):
        a = f[field][...]
        a[index] = value
        f[field][...] = a
    return edit


def replace(field, array):
    def edit(f):
        del f[field]
        f[field] = array
    return edit


def set_attr(name, value):
    def edit(f):
        f.attrs[name] = value
    return edit


def del_attr(name):
    def edit(f):
        del f.attrs[name]
    return edit


with h5py.File(f"{d}/good.h5", "r") as f:
    N, L, R = f["hoppings"].shape
    hop = f["hoppings"][...]
    label = f["label"][...]

# non-finite values
data_case("hop_nan", setv("hoppings", (3, 2, 0), np.nan))
data_case("hop_inf", setv("hoppings", (0, 0, 1), np.inf))
data_case("eigvec_nan", setv("eigvecs", (5, 1, 1), np.nan))
data_case("W_inf", setv("W", 7, -np.inf))
data_case("qab_nan", setv("qab", (1, 1, 1), np.nan))
# wrong shapes
data_case("hop_shape", replace("hoppings", np.zeros((N, L + 1, R))))
data_case("hop_rank", replace("hoppings", np.zeros((N, L * R))))
data_case("label_shape", replace("label", np.zeros(N - 1, dtype=np.int32)))
data_case("eigvec_shape", replace("eigvecs", np.zeros((N, L, L))))
# wrong dtypes
data_case("hop_string", replace("hoppings", np.array([b"x"] * N)))
data_case("label_float", replace("label", label.astype(np.float64) + 0.5))
data_case("hop_int", replace("hoppings", hop.astype(np.int32)))
# missing pieces and wrong attributes
data_case("no_hoppings", lambda f: f.__delitem__("hoppings"))
data_case("no_label", lambda f: f.__delitem__("label"))
data_case("L_negative", set_attr("L", -5))
data_case("L_huge", set_attr("L", np.int64(2) ** 40))
data_case("format_future", set_attr("format_version", 99))
data_case("kind_model", set_attr("kind", "model"))
data_case("kind_int", set_attr("kind", 7))
# a string attribute stored as an array of strings (fixed and variable length): read into
# one slot, it overflowed the stack (issue 17)
data_case("kind_array", set_attr("kind", np.array([b"dataset"] * 200, dtype="S100")))
data_case("kind_vlen_array",
          lambda f: f.attrs.create("kind", ["dataset"] * 200, dtype=h5py.string_dtype()))
data_case("command_binary", set_attr("command", np.bytes_(b"topolearn \xff\x01")))
data_case("command_array", lambda f: f.attrs.create("command", ["x" * 5000] * 3,
                                                    dtype=h5py.string_dtype()))
data_case("no_rmin", del_attr("r_min"))
# labels of +-2e9 with a consistent W: class arithmetic overflowed (UBSan, issue 17)
data_case("W_huge", lambda f: (setv("W", 0, 2e9)(f), setv("label", 0, 2000000000)(f),
                               setv("W", 1, -2e9)(f), setv("label", 1, -2000000000)(f)))
# label outside r_min..r_max
data_case("label_range", setv("label", 0, 9))

# models
model_case("w_nan", setv("params/dense1_w", (0, 0), np.nan))
model_case("w_shape", replace("params/dense1_w", np.zeros((64, 127), dtype=np.float32)))
model_case("no_param", lambda f: f.__delitem__("params/out_b"))
model_case("kind_dataset", set_attr("kind", "dataset"))
model_case("model_unknown", set_attr("model", "transformer"))
model_case("L_zero", set_attr("L", 0))
model_case("widths_bad", set_attr("widths", "64,-3"))
model_case("epochs_done_neg", set_attr("epochs_done", -1))
# classes whose difference overflows an int (UBSan, issue 17)
model_case("classes_huge", lambda f: (f.attrs.__setitem__("cmin", np.int64(-2000000000)),
                                      f.attrs.__setitem__("cmax", np.int64(2000000000))))

# foreign and non-HDF5
with h5py.File(f"{d}/foreign.h5", "w") as f:
    f["hoppings"] = np.ones((L, 2))  # a bare hoppings array: no r_min
# one-chain hoppings file with non-finite onsite (winding --hoppings)
with h5py.File(f"{d}/onsite_nan.h5", "w") as f:
    f["hoppings"] = np.tile([0.5, 1.0], (L, 1))
    f["onsite"] = np.full(2 * L, np.nan)
    f.attrs["r_min"] = 0
with h5py.File(f"{d}/rmin_huge.h5", "w") as f:
    f["hoppings"] = np.tile([0.5, 1.0], (L, 1))
    f.attrs["r_min"] = 1 << 40
raw = open(f"{d}/good.h5", "rb").read()
open(f"{d}/truncated.h5", "wb").write(raw[: len(raw) // 2])
open(f"{d}/truncated_head.h5", "wb").write(raw[:600])
open(f"{d}/empty.h5", "wb").close()
rawm = open(f"{d}/model.h5", "rb").read()
open(f"{d}/model_truncated.h5", "wb").write(rawm[: len(rawm) // 2])
