# Quick start:  make run   |   make test
# Everything installs what it needs first (scripts/install-deps.sh, Debian packages).
BUILD   ?= build
JOBS    ?= $(shell nproc)
CMAKE_FLAGS ?=
ifdef CI
CMAKE_FLAGS += -DTL_WERROR=ON
endif
BIN = $(BUILD)/topolearn

.PHONY: deps build run test bench sanitize clean

deps:
	@bash scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BIN) phase-diagram --out results/phase-diagram
	@echo "run: outputs are in results/phase-diagram"

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

sanitize: deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DTL_SANITIZE=ON -DTL_BENCH=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j $(JOBS)

bench: build
	bash bench/run_all.sh $(BUILD)

clean:
	rm -rf $(BUILD) build-asan
