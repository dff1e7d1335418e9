# Goop2: the two commands a person needs are `make run` and `make test` (see README.md).
# Everything else the project needs is installed by scripts/setup.
#
#   make check       the rules a machine enforces (format, include rules, co_await guard, layout)
#   make test        release build, every test (unit, interop, netns, e2e, browser)
#   make test-asan   clang + ASan + UBSan build, the unit and interop tests under the sanitizers
#   make fuzz        the libFuzzer targets (built by the asan preset), each FUZZ_SECONDS on its corpus
#   make bench       the benchmarks of the release build (bench/run_all.sh)

PRESET ?= release
BUILD  := build/$(PRESET)
PEER   ?= peers/mysite
FUZZ_SECONDS ?= 60
# The tests run under the sanitizers (ctest -L): everything that runs in-process. e2e, netns and
# browser tests drive goop2 processes and run in the release build only.
ASAN_LABELS ?= unit|interop
CMAKE_ARGS ?=
ifdef CI
CMAKE_ARGS += -DGOOP_WERROR=ON
endif
# UBSan findings abort (-fno-sanitize-recover) and print their stack; ASan (with LeakSanitizer)
# keeps its defaults.
SANITIZER_ENV := UBSAN_OPTIONS=print_stacktrace=1

.PHONY: run test test-asan build bench fuzz check format setup clean

run:
	@scripts/setup --build
	@$(MAKE) --no-print-directory build
	./$(BUILD)/goop2 peer $(PEER)

test:
	@scripts/setup
	@$(MAKE) --no-print-directory build
	cd $(BUILD) && ctest --output-on-failure -j2 --timeout 300

test-asan:
	@scripts/setup
	@$(MAKE) --no-print-directory build PRESET=asan
	cd build/asan && $(SANITIZER_ENV) ctest --output-on-failure -j2 --timeout 600 -L '$(ASAN_LABELS)'

build:
	cmake --preset $(PRESET) $(CMAKE_ARGS) >/dev/null
	cmake --build --preset $(PRESET)

bench:
	@scripts/setup
	cmake --preset release $(CMAKE_ARGS) >/dev/null
	cmake --build --preset release --target goop_benches
	bench/run_all.sh build/release

fuzz:
	@scripts/setup --build
	cmake --preset asan $(CMAKE_ARGS) >/dev/null
	cmake --build --preset asan --target goop_fuzzers
	fuzz/run_all.sh build/asan $(FUZZ_SECONDS)

check:
	@scripts/setup --check
	@tools/check.sh

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format-14 -i

setup:
	scripts/setup

clean:
	rm -rf build
