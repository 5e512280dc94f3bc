# Quick start:  make run   |   make check (fast subset)   |   make test (full suite, as CI)
# Everything installs what it needs first (scripts/install-deps.sh, Debian packages).
BUILD   ?= build
JOBS    ?= $(shell nproc)
CMAKE_FLAGS ?=
ifdef CI
CMAKE_FLAGS += -DTL_WERROR=ON
endif
BIN = $(BUILD)/topolearn
# cmake --build runs make underneath ours: without this, every level prints its
# "Entering/Leaving directory" lines (82 of them for a no-op build).
MAKEFLAGS += --no-print-directory

.PHONY: deps configure build run check test test-nompi bench sanitize fuzz memcheck clean man

deps:
	@bash scripts/install-deps.sh

configure: deps
	@echo "build: configuring $(BUILD)/ (CMake, Release)"
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null

build: configure
	@echo "build: compiling the library, CLI, tests and benchmarks in $(BUILD)/ ($(JOBS) jobs)"
	@cmake --build $(BUILD) -j $(JOBS)

# The main job: every study of the paper at quick sizes, then the report. It builds only
# the library and the CLI.
run: configure
	@echo "build: compiling the library and CLI in $(BUILD)/ ($(JOBS) jobs)"
	@cmake --build $(BUILD) -j $(JOBS) --target topolearn
	$(BIN) reproduce --quick --out results/quick --force
	@echo "run: open results/quick/report.md (figures in results/quick/figures)"

# The fast subset a contributor runs all day: every test not labelled "slow" in
# tests/CMakeLists.txt, at least one per layer (README gives its duration).
check: build
	cd $(BUILD) && ctest -LE slow --output-on-failure -j $(JOBS)

# The full suite, as CI runs it (README gives its duration).
test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# MPI is optional: the build without it must keep compiling (warnings as errors) and
# passing every test (tests/cli/mpi.sh then skips).
test-nompi: deps
	@cmake -S . -B build-nompi -DCMAKE_BUILD_TYPE=Release -DTL_WITH_MPI=OFF -DTL_WERROR=ON \
	  -DTL_BENCH=OFF >/dev/null
	@cmake --build build-nompi -j $(JOBS)
	cd build-nompi && ctest --output-on-failure -j $(JOBS)

sanitize: deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DTL_SANITIZE=ON -DTL_BENCH=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 ctest --output-on-failure -j $(JOBS)

# libFuzzer harnesses (clang), each run for FUZZ_SECONDS on its seed corpus; a crash
# fails the target and leaves the reproducer in build-fuzz/.
FUZZ_SECONDS ?= 20
fuzz: deps
	@cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DTL_FUZZ=ON \
	  -DTL_TESTS=OFF -DTL_BENCH=OFF >/dev/null
	@cmake --build build-fuzz -j $(JOBS)
	@for f in build-fuzz/tests/fuzz/fuzz_*; do \
	  name=$$(basename $$f); corpus=tests/fuzz/corpus/$${name#fuzz_}; work=build-fuzz/corpus-$${name#fuzz_}; \
	  mkdir -p $$work; echo "fuzz: $$name for $(FUZZ_SECONDS) s"; \
	  ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 $$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	    -artifact_prefix=build-fuzz/ $$work $$corpus >build-fuzz/$$name.log 2>&1 \
	    || { tail -30 build-fuzz/$$name.log; exit 1; }; \
	  grep -E "^#[0-9]+.*DONE|Done [0-9]+ runs" build-fuzz/$$name.log | tail -1; \
	done

# valgrind memcheck on a small study run (every model kind trains, saves, reloads,
# evaluates): any invalid access or definite leak fails the target.
memcheck: build
	@rm -rf $(BUILD)/memcheck
	OMP_NUM_THREADS=1 valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9 -q \
	  $(BIN) study trainability --L 8 --n-train 64 --n-test 32 --epochs 2 --seeds 1 \
	  --models topo:random,mlp:eigvec,cnn:eigvec,sym:exact --out $(BUILD)/memcheck --quiet
	@echo "memcheck: clean"

# The man page and the bash completion, generated from the CLI's flag tables by every
# build (topolearn-docgen) and installed by `make install`.
man: build
	@echo "man: $(BUILD)/man/topolearn.1 (man -l $(BUILD)/man/topolearn.1); bash completion: $(BUILD)/completion/topolearn"

bench: build
	bash bench/run_all.sh $(BUILD)

clean:
	rm -rf $(BUILD) build-asan build-fuzz build-nompi

# Installs the library, headers, CLI (with its man page and bash completion), topolearn.pc
# and the CMake package (cmake/install.cmake) under PREFIX (DESTDIR=... stages them), and
# the Python package (plain
# copy: Debian's system Python refuses pip, PEP 668) into PYTHON_SITE with libpath.txt
# naming the installed library. In a venv, `pip install ./python` works offline too.
PREFIX ?= /usr/local
PYTHON ?= /usr/bin/python3
PYTHON_SITE ?= $(shell $(PYTHON) -c "import sysconfig; print(sysconfig.get_path('purelib'))")
.PHONY: install
install: build
	cmake --install $(BUILD) --prefix $(PREFIX)
	mkdir -p $(DESTDIR)$(PYTHON_SITE)/topolearn
	cp python/topolearn/*.py $(DESTDIR)$(PYTHON_SITE)/topolearn/
	echo "$(PREFIX)/lib/libtopolearn.so" >$(DESTDIR)$(PYTHON_SITE)/topolearn/libpath.txt
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then ldconfig; fi
	@echo "install: library in $(DESTDIR)$(PREFIX)/lib, Python package in $(DESTDIR)$(PYTHON_SITE)/topolearn"
