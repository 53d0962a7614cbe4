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

.PHONY: all deps configure check check-fast check-sanitize check-valgrind demo install bench fuzz clean

all: configure
	cmake --build $(BUILD) -j $(JOBS)

deps:
	@scripts/install-deps.sh build

configure:
	@test -f $(BUILD)/CMakeCache.txt || cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null

# make check: the whole suite on the release build, then again built with
# AddressSanitizer and UndefinedBehaviorSanitizer (any report fails), then
# the command-line cases under valgrind's memcheck (any error or definite
# leak fails the case: exit 97).
check: deps
	$(MAKE) check-fast
	$(MAKE) check-sanitize
	$(MAKE) check-valgrind

check-fast: all
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

check-sanitize:
	@test -f $(BUILD)-asan/CMakeCache.txt || cmake -S . -B $(BUILD)-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOBSURV_SANITIZE=ON >/dev/null
	cmake --build $(BUILD)-asan -j $(JOBS)
	@# Open MPI's plugins keep memory LeakSanitizer cannot name: leaks off, errors on.
	cd $(BUILD)-asan && ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ctest --output-on-failure -R '^mpi/'
	cd $(BUILD)-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS) -E '^mpi/'

VALGRIND = valgrind -q --error-exitcode=97 --leak-check=full --errors-for-leak-kinds=definite \
	--show-leak-kinds=definite --suppressions=$(CURDIR)/tests/valgrind.supp
check-valgrind: all
	cd $(BUILD) && OBSURV_WRAP="$(VALGRIND)" ctest --output-on-failure -j $(JOBS) -R '^cli/' -E '^cli/matched_files'

demo: deps
	$(MAKE) all
	@scripts/demo.sh $(BUILD) report/nelm

install: all
	cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	cmake --install $(BUILD)

bench: all
	@scripts/install-deps.sh bench
	bench/run.sh

fuzz:
	scripts/fuzz.sh

clean:
	rm -rf $(BUILD) $(BUILD)-asan
