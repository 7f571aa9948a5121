# The two commands of the README. Both install missing system packages
# first (scripts/bootstrap), then configure and build with CMake.
#   make demo   build, then run plan on the embedded example
#   make check  build, run the whole test suite, then the unit and
#               integration tests again under ASan+UBSan
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=

.PHONY: demo check build build-asan bootstrap clean

bootstrap:
	@sh scripts/bootstrap

build: bootstrap
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPLAN_WERROR=ON $(CMAKE_ARGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

build-asan: bootstrap
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DPLAN_ASAN=ON -DPLAN_UBSAN=ON -DPLAN_WERROR=ON $(CMAKE_ARGS) >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)

demo: build
	@sh scripts/demo $(BUILD)

check: build build-asan
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) -L 'unit|integration|fuzz'

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
