# azawad-sim: the two commands of the README, and a few more.
#   make demo   installs what is missing, builds Release, runs the main job
#   make test   installs what is missing, builds, runs every test
SHELL := /bin/bash
JOBS ?= $(shell nproc)
PRESET ?= $(if $(CI),ci,release)
BUILD := build
AZSIM := $(BUILD)/bin/azsim

.PHONY: demo test deps build sanitize-test tsan-test fuzz clean calibrate

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
	@$(AZSIM) calibrate scenarios/azawad-2012-2014.yaml --particles 150 --generations 5 --replicates 3 \
		--miss-cap 3 --budget 13500 --seed $(CALIBRATION_SEED) --threads $(JOBS) --out calibration/run-$(CALIBRATION_SEED) --force
	@cp calibration/run-$(CALIBRATION_SEED)/posterior.csv scenarios/azawad-2012-2014.posterior.csv
	@$(AZSIM) validate scenarios/azawad-2012-2014.calibrated.yaml

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# A short, threaded workload of the historical scenario for the sanitizers: one run on two
# threads (the phases' parallel loops), then an ensemble on two threads (runs in parallel).
SAN_SCENARIO := scenarios/azawad-2012-2014.yaml
define san_workload
	@rm -rf $(1)/san-run $(1)/san-ensemble
	@$(1)/bin/azsim run $(SAN_SCENARIO) --seed 3 --threads 2 -q --out $(1)/san-run
	@$(1)/bin/azsim run $(SAN_SCENARIO) --runs $(2) --seed 3 --threads 2 -q --out $(1)/san-ensemble
	@rm -rf $(1)/san-run $(1)/san-ensemble
endef

# The core, loader and command tests, then a short ensemble, under AddressSanitizer +
# UndefinedBehaviorSanitizer (part of .ci/run).
# Three command tests that run whole historical ensembles (1-6 minutes each under ASan, against
# 20-60 s in make test) are left to make test: the short ensemble below covers that path.
SAN_SKIP := whatif prints a paired table|Ctrl-C stops an ensemble|SIGKILL at random moments
sanitize-test: export ASAN_OPTIONS = detect_leaks=1
sanitize-test: export UBSAN_OPTIONS = print_stacktrace=1:halt_on_error=1
sanitize-test: deps
	@cmake --preset sanitize >/dev/null
	@cmake --build --preset sanitize -j $(JOBS) --target azsim test_core test_azawad_schema test_app test_civil_violence_schema
	@cd build-sanitize && ctest --output-on-failure -j $(JOBS) -L sanitize -E "$(SAN_SKIP)"
	@echo "== a short ensemble under ASan + UBSan =="
	$(call san_workload,build-sanitize,6)

# A short threaded run and ensemble under ThreadSanitizer (part of .ci/run). The build's
# executor runs on plain std::thread workers: Debian's libtbb is not instrumented, and TSan
# reports false races inside it (docs/reliability.md).
tsan-test: export TSAN_OPTIONS = halt_on_error=1:second_deadlock_stack=1
tsan-test: deps
	@cmake --preset tsan >/dev/null
	@cmake --build --preset tsan -j $(JOBS) --target azsim
	@echo "== a short threaded run and ensemble under TSan (std::thread executor) =="
	$(call san_workload,build-tsan,4)

# libFuzzer over the scenario loader, --set and eval's design CSV, FUZZ_SECONDS in total
# (split evenly; one target at a time). Needs clang-14: scripts/install-deps --with-fuzz.
FUZZ_SECONDS ?= 60
fuzz:
	@scripts/install-deps --with-fuzz
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS) --target fuzz_scenario fuzz_override fuzz_design
	@scripts/run-fuzz $(FUZZ_SECONDS)

clean:
	rm -rf build build-debug build-sanitize build-tsan build-fuzz
