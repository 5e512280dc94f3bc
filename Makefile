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

# Installs the library, headers and CLI under PREFIX, and the Python package (plain
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
