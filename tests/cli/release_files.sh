# The files a user of the library looks for agree with each other: one version in
# CMakeLists.txt, the Python package, CITATION.cff and CHANGELOG.md; one license in
# LICENSE, CITATION.cff and pyproject.toml; CITATION.cff names the software and the
# paper it reproduces (arXiv:2509.26261).
. "$(dirname "$0")/lib/assert.sh"
: "${TL_SRC:?TL_SRC must point to the source tree}"
cd "$TL_SRC" || exit 1
v=$(sed -n 's/^project(topolearn VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
checks=$((checks + 1))
[ -n "$v" ] || fail "no project(topolearn VERSION ...) in CMakeLists.txt"
same() {  # same WHAT GOT
  checks=$((checks + 1))
  [ "$2" = "$v" ] || fail "$1 says version '$2', CMakeLists.txt $v"
}
same python/pyproject.toml "$(sed -n 's/^version = "\(.*\)"/\1/p' python/pyproject.toml)"
same python/topolearn/__init__.py "$(sed -n 's/^__version__ = "\(.*\)"/\1/p' python/topolearn/__init__.py)"
same CITATION.cff "$(sed -n 's/^version: \(.*\)/\1/p' CITATION.cff)"
checks=$((checks + 1))
grep -qE "^## (Unreleased|\[?$v\]?)" CHANGELOG.md || fail "CHANGELOG.md has no section for $v or Unreleased"

checks=$((checks + 1))
[ "$(head -1 LICENSE)" = "BSD 3-Clause License" ] || fail "LICENSE: $(head -1 LICENSE)"
checks=$((checks + 1))
grep -q '^license: BSD-3-Clause$' CITATION.cff && grep -q '^license = {text = "BSD-3-Clause"}$' python/pyproject.toml \
  || fail "CITATION.cff and pyproject.toml must name BSD-3-Clause"

if /usr/bin/python3 -c "import yaml" 2>/dev/null; then
  checks=$((checks + 1))
  /usr/bin/python3 - <<'PY' || fail "CITATION.cff"
import yaml
c = yaml.safe_load(open("CITATION.cff"))
assert c["cff-version"] == "1.2.0" and c["type"] == "software", c
assert c["title"] and c["message"] and c["authors"], "title, message and authors are required"
paper = c["references"][0]
assert paper["title"] == "Why is topology hard to learn?", paper["title"]
assert [a["family-names"] for a in paper["authors"]] == ["Oriekhov", "Bergkamp", "Jin", "Torres Luna",
    "Zouggari", "Meer", "El Yazidi", "Greplova"], paper["authors"]
assert {"type": "other", "value": "arXiv:2509.26261", "description": "arXiv identifier"} in paper["identifiers"]
PY
else
  echo "release_files: PyYAML not installed: CITATION.cff checked only for its version and license"
fi
finish
