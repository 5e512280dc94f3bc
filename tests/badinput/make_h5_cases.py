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

# Corrupt but finite values (issue 17: random bytes read as 1e300 made training diverge
# instead of refusing the file). One case per value rule of docs/FORMAT.md "Validation";
# each edit keeps every earlier rule satisfied, so the rule it targets is the one named.
with h5py.File(f"{d}/good.h5", "r") as f:
    W = f["W"][...]
    near = int(np.argmin(np.abs(W - np.round(W))))  # W far from the ambiguity threshold
    clean_v = int(np.argmax(hop[:, 0, 0] < 1.9))     # room to raise one v within [0, 2]
data_case("hop_bound", setv("hoppings", (2, 3, 0), 5.0))
data_case("hop_open_bond", setv("hoppings", (1, L - 1, 1), 0.5))  # w of the last cell: no bond
data_case("hop_range_attr", set_attr("hop_hi", np.array([-1.0, 2.0])))
data_case("disorder_attr", set_attr("disorder", np.array([-1.0, 0.0])))
data_case("energies_order", lambda f: f["energies"].__setitem__((0, slice(0, 2)),
                                                                f["energies"][0, :2][::-1]))
data_case("energies_pair", lambda f: f["energies"].__setitem__((0, 0), f["energies"][0, 0] - 1e-3))
data_case("energies_huge", lambda f: (f["energies"].__setitem__((0, 0), -1e300),
                                      f["energies"].__setitem__((0, 2 * L - 1), 1e300)))
data_case("eigvec_huge", setv("eigvecs", (3, 2, 5), 1e300))
data_case("eigvec_scaled", lambda f: f["eigvecs"].__setitem__((3, 2), f["eigvecs"][3, 2] * 1.001))
data_case("qab_row", setv("qab", (4, 1, 1), 1.5))
data_case("marker_huge", setv("local_marker", (0, 3), 1e300))
data_case("marker_off", lambda f: f["local_marker"].__setitem__((0, 0), f["local_marker"][0, 0] + 0.5))
data_case("W_marker", lambda f: f["W"].__setitem__(near, W[near] + 0.01))
data_case("kspace_range", setv("W_kspace", 0, 7.0))
data_case("kspace_fraction", setv("W_kspace", 0, 0.5))
data_case("kspace_disordered", lambda f: (
    f["hoppings"].__setitem__((clean_v, 3, 0), hop[clean_v, 3, 0] + 0.05),
    f["W_kspace"].__setitem__(clean_v, 0.0)))
data_case("candidate", setv("candidate", 5, 6))


def case_from(src, name, edit):
    p = f"{d}/{name}.h5"
    shutil.copy(f"{d}/{src}.h5", p)
    with h5py.File(p, "a") as f:
        edit(f)


# on-site disorder (good_onsite.h5, D_0 = 0.5): |eps| <= D_0/2, no k-space winding, rows
# of Q_AB at most unit
case_from("good_onsite", "onsite_bound", setv("onsite", (1, 2), 0.3))
case_from("good_onsite", "onsite_kspace", setv("W_kspace", 0, 1.0))
case_from("good_onsite", "onsite_qab_row", setv("qab", (2, 0, 0), 2.0))
# balanced (good_balanced.h5): candidates increase
case_from("good_balanced", "candidate_order",
          lambda f: f["candidate"].__setitem__(3, f["candidate"][2]))

# Claims the stored bytes cannot back (issue 17: info read 10^9 chains of fill values for
# 25 minutes before it refused). Every dataset claims n = 10^9 chains; the first 40 rows
# are good.h5's. claim_chunked: chunks of 40 chains, only the first one written;
# claim_contiguous: contiguous datasets never written (no storage allocated).
def claim_case(name, chunked):
    with h5py.File(f"{d}/good.h5", "r") as g, h5py.File(f"{d}/{name}.h5", "w") as f:
        for k, v in g.attrs.items():
            f.attrs[k] = v
        f.attrs["n"] = np.int64(10**9)
        for k in g.keys():
            src = g[k]
            shape = (10**9,) + src.shape[1:]
            ds = f.create_dataset(k, shape=shape, dtype=src.dtype,
                                  chunks=(40,) + src.shape[1:] if chunked else None)
            if chunked:
                ds[:40] = src[...]


claim_case("claim_chunked", True)
claim_case("claim_contiguous", False)
# values stored in another file (external storage): a hostile file could point anywhere
shutil.copy(f"{d}/good.h5", f"{d}/external.h5")
with h5py.File(f"{d}/external.h5", "a") as f:
    del f["W_kspace"]
    f.create_dataset("W_kspace", shape=(N,), dtype="f8", external=[(f"{d}/good.h5", 0, 8 * N)])

# models
model_case("w_nan", setv("params/dense1_w", (0, 0), np.nan))
model_case("w_shape", replace("params/dense1_w", np.zeros((64, 127), dtype=np.float32)))
model_case("no_param", lambda f: f.__delitem__("params/out_b"))
model_case("kind_dataset", set_attr("kind", "dataset"))
model_case("model_unknown", set_attr("model", "transformer"))
model_case("L_zero", set_attr("L", 0))
model_case("widths_bad", set_attr("widths", "64,-3"))
model_case("epochs_done_neg", set_attr("epochs_done", -1))
# attributes and optimiser state a resume would turn into a "diverged" run (issue 17)
model_case("optim_step_neg", set_attr("optim_step", np.int64(-1)))
model_case("v_negative", setv("optim/v/dense1_w", (0, 0), -1.0))
model_case("frozen_two", lambda f: f["params/dense1_w"].attrs.__setitem__("frozen", np.int64(2)))
model_case("init_sigma_nan", set_attr("init_sigma", np.nan))
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
