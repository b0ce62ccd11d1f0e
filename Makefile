# azawad-sim: the two commands of the README, and a few more.
#   make demo   installs what is missing, builds Release, runs the main job
#   make test   installs what is missing, builds, runs every test
SHELL := /bin/bash
JOBS ?= $(shell nproc)
PRESET ?= $(if $(CI),ci,release)
BUILD := build
AZSIM := $(BUILD)/bin/azsim

.PHONY: demo test deps build sanitize-test clean calibrate

# `make test` also installs Open MPI (for the tests of azsim under mpirun, label `mpi`);
# `make demo` needs no MPI. cmake builds the MPI feature whenever it finds MPI (AZSIM_MPI=AUTO).
DEPS_OPTIONS ?=
test: DEPS_OPTIONS += --with-mpi

deps:
	@scripts/install-deps $(DEPS_OPTIONS)

build: deps
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build --preset $(PRESET) -j $(JOBS)

OUT ?= out
RUNS ?= 200
SEED ?= 7
# The calibrated scenario when its posterior is there (make calibrate), else the historical one.
HISTORICAL := $(if $(wildcard scenarios/azawad-2012-2014.posterior.csv),scenarios/azawad-2012-2014.calibrated.yaml,scenarios/azawad-2012-2014.yaml)
CALIBRATION_SEED ?= 2012

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

# The committed calibration (docs/calibration.md): ABC-SMC of the 12 parameters marked
# calibrate: true, then its posterior becomes the calibrated scenario's.
calibrate: build
	@$(AZSIM) calibrate scenarios/azawad-2012-2014.yaml --particles 150 --generations 5 \
		--seed $(CALIBRATION_SEED) --threads $(JOBS) --out calibration/run-$(CALIBRATION_SEED) --force
	@cp calibration/run-$(CALIBRATION_SEED)/posterior.csv scenarios/azawad-2012-2014.posterior.csv
	@$(AZSIM) validate scenarios/azawad-2012-2014.calibrated.yaml

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
