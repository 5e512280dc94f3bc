#!/usr/bin/env bash
# Every figure of reproduce is drawn with every series its CSV holds. gnuplot is
# replaced by a recorder (TL_GNUPLOT) that keeps each script and writes a stub PNG; the
# series each script plots (the rows it selects by their first column) are compared with
# the series of the CSV it reads, and every figure report.md shows has been drawn.
. "$(dirname "$0")/lib/assert.sh"
mkdir -p "$TMP/scripts"
cat >"$TMP/gnuplot" <<'SH'
#!/bin/bash
script=$(cat)
out=$(printf '%s\n' "$script" | sed -n "s/^set output '\(.*\)'$/\1/p")
name=$(basename "${out%.tmp-*}")
printf '%s\n' "$script" >"$FIG_SCRIPTS/$name.gp"
printf '\x89PNG\r\n\x1a\n' >"$out"
SH
chmod +x "$TMP/gnuplot"
export TL_GNUPLOT="$TMP/gnuplot" FIG_SCRIPTS="$TMP/scripts"

expect_ok "$TL_BIN" reproduce --quick --L 8 --n-train 96 --n-test 64 --epochs 2 --sweep 0,2 \
  --edge-cells 1 --out "$TMP/r" --quiet
checks=$((checks + 1))
/usr/bin/python3 - "$TMP/r" "$TMP/scripts" <<'PY' || fail "figures and their CSVs (above)"
import csv, os, re, sys
d, scripts = sys.argv[1], sys.argv[2]
def rows(name):
    return list(csv.DictReader(open(os.path.join(d, "data", name))))
def script(png):
    path = os.path.join(scripts, png + ".gp")
    assert os.path.exists(path), "%s was not drawn" % png
    return open(path).read()
def matched(png):  # the series a line figure selects, by their first column
    return set(re.findall(r'strcol\(1\) eq "([^"]*)"', script(png)))
def same(png, want):
    got = matched(png)
    assert got == set(want), "%s plots %s, its CSV has %s" % (png, sorted(got), sorted(set(want)))

curves = rows("trainability_curves.csv")
for png in ("loss_curves.png", "accuracy_curves.png"):
    same(png, [r["model"] for r in curves])
same("topo_distance.png", [r["model"] for r in curves if r["cos_K_median"]])
dis = rows("disorder.csv")
for kind in ("bond", "onsite"):
    same("accuracy_vs_%s_disorder.png" % kind,
         [r["series"] for r in dis if r["disorder_kind"] == kind and float(r["train_D"]) == 0])
same("pruning_curves.png", [r["model"] for r in rows("prune_curves_mean.csv")])
same("singular_spectra.png", [r["series"] for r in rows("prune_spectra.csv") if r["seed"] == "0"])
same("singular_vectors_cells.png", [r["series"] for r in rows("prune_vector_cells.csv")])
# the bars: every model row of trainability.csv (the control's row has no fractions)
models = [r["model"] for r in rows("trainability.csv") if r["model"] != "control:random-labels"]
bars = script("success_fractions.png")
assert "every ::1::%d " % len(models) in bars, "success_fractions.png does not plot the %d model rows" % len(models)
assert bars.count("with boxes") == 2, "success_fractions.png: two bars per model expected"
# heat maps: each reads its own CSV
for png, name in (("phase_diagram.png", "phase_diagram.csv"),
                  ("heatmap_mlp_eigvec_v1.png", "prune_heatmap_mlp_eigvec_v1.csv"),
                  ("heatmap_mlp_eigvec_gauge_v1.png", "prune_heatmap_mlp_eigvec_gauge_v1.csv")):
    assert "/data/%s'" % name in script(png), "%s does not plot %s" % (png, name)
    assert "set cblabel" in script(png), "%s has no colour-bar label" % png
# every figure the report shows was drawn, and every drawn figure is shown
shown = set(re.findall(r"!\[figures/([^\]]+)\]", open(os.path.join(d, "report.md")).read()))
drawn = {f[:-3] for f in os.listdir(scripts)}
assert shown == drawn, "report shows %s, drawn %s" % (sorted(shown), sorted(drawn))
PY
finish
