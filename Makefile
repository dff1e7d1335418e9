# Goop2: the two commands a person needs are `make run` and `make test` (see README.md).
# Everything else the project needs is installed by scripts/setup.

PRESET ?= release
BUILD  := build/$(PRESET)
PEER   ?= peers/mysite
FUZZ_SECONDS ?= 60
CMAKE_ARGS ?=
ifdef CI
CMAKE_ARGS += -DGOOP_WERROR=ON
endif

.PHONY: run test build bench fuzz format setup clean

run:
	@scripts/setup --build
	@$(MAKE) --no-print-directory build
	./$(BUILD)/goop2 peer $(PEER)

test:
	@scripts/setup
	@$(MAKE) --no-print-directory build
	cd $(BUILD) && ctest --output-on-failure -j2 --timeout 300

build:
	cmake --preset $(PRESET) $(CMAKE_ARGS) >/dev/null
	cmake --build --preset $(PRESET)

bench:
	@scripts/setup
	@$(MAKE) --no-print-directory build PRESET=release
	bench/run_all.sh build/release

fuzz:
	@scripts/setup --build
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz
	fuzz/run_all.sh build/fuzz $(FUZZ_SECONDS)

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

setup:
	scripts/setup

clean:
	rm -rf build
