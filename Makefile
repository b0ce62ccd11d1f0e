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
RUNS ?= 200
SEED ?= 7
HISTORICAL := scenarios/azawad-2012-2014.yaml

demo: build
	@echo "== validating every scenario =="
	@$(AZSIM) validate -q $(wildcard scenarios/*.yaml scenarios/counterfactuals/*.yaml) && echo "all valid"
	@echo "== the historical scenario: $(RUNS) runs (seed $(SEED)) =="
	@$(AZSIM) run $(HISTORICAL) --runs $(RUNS) --seed $(SEED) --threads $(JOBS) --trace 1 --out $(OUT)/historical --force
	@echo "== what if France had not intervened: $(RUNS) paired runs =="
	@$(AZSIM) whatif $(HISTORICAL) scenarios/counterfactuals/no-intervention.yaml --runs $(RUNS) --seed $(SEED) \
		--threads $(JOBS) --out $(OUT)/no-intervention --force
	@echo "== figures =="
	@$(AZSIM) plot $(OUT)/historical >/dev/null && $(AZSIM) plot $(OUT)/no-intervention >/dev/null
	@echo "figures of the historical ensemble:  $(OUT)/historical/figures/ (control, strength, map, targets, outcomes)"
	@echo "figures of the what-if:              $(OUT)/no-intervention/figures/ (forest, outcomes, control, strength, map)"
	@echo "tables: $(OUT)/historical/targets.csv, $(OUT)/no-intervention/whatif.csv; one traced run: $(OUT)/historical/runs/0/"

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
