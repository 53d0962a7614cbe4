# obsurv — entry points.  The build itself is CMake in build/.
#   make          build build/obsurv and the library
#   make check    install what is missing, build, run every test (ctest)
#   make demo     install what is missing, build, run the main job
#   make install  binary, library, headers, pkg-config file, man page (PREFIX=/usr/local)
#   make bench    benchmarks against R (installs R when missing)
BUILD ?= build
PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DATA ?= ../shared/data

.PHONY: all deps configure check demo install bench clean

all: configure
	cmake --build $(BUILD) -j $(JOBS)

deps:
	@scripts/install-deps.sh build

configure:
	@test -f $(BUILD)/CMakeCache.txt || cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null

check: deps
	$(MAKE) all
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

demo: deps
	$(MAKE) all
	@echo "== Kaplan-Meier: overall survival in lung cancer by sex (lung.csv) =="
	$(BUILD)/obsurv km --data $(DATA)/lung.csv --formula "Surv(time, status) ~ sex" --times 180,365,730
	@echo
	@echo "== Log-rank test =="
	$(BUILD)/obsurv logrank --data $(DATA)/lung.csv --formula "Surv(time, status) ~ sex"

install: all
	cmake --install $(BUILD) --prefix $(PREFIX)

bench: all
	@scripts/install-deps.sh bench
	bench/run.sh

clean:
	rm -rf $(BUILD)
