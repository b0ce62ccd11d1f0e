# azawad-sim: the two commands of the README, and a few more.
#   make demo   installs what is missing, builds Release, runs the main job
#   make test   installs what is missing, builds, runs every test
SHELL := /bin/bash
JOBS ?= $(shell nproc)
PRESET ?= $(if $(CI),ci,release)
BUILD := build
AZSIM := $(BUILD)/bin/azsim

.PHONY: demo test deps build sanitize-test clean

deps:
	@scripts/install-deps

build: deps
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build --preset $(PRESET) -j $(JOBS)

OUT ?= out

demo: build
	@echo "== validating every scenario =="
	@$(AZSIM) validate $(wildcard scenarios/*.yaml scenarios/counterfactuals/*.yaml)
	@echo "== one run of the historical scenario (seed 7) =="
	@$(AZSIM) run scenarios/azawad-2012-2014.yaml --seed 7 --threads $(JOBS) --out $(OUT)/historical-seed7 --force

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The loader tests under AddressSanitizer + UndefinedBehaviorSanitizer (part of .ci/run).
sanitize-test: deps
	@cmake --preset sanitize >/dev/null
	@cmake --build --preset sanitize -j $(JOBS) --target azsim test_core test_azawad_schema test_app
	@cd build-sanitize && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure -j $(JOBS) -L sanitize

clean:
	rm -rf build build-debug build-sanitize
