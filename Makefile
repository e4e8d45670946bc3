# The two commands of the README. Both install missing system libraries first (as root, with apt-get),
# and both use the release build: the Monte Carlo engine is slow unoptimised.
SWIFT ?= swift
NTM := .build/release/ntm
SCENARIO ?= Scenarios/province-plan-2024-2025.yaml
NAME := $(basename $(notdir $(SCENARIO)))

.PHONY: run test fuzz national bench deps build clean

deps:
	@bash scripts/ensure-deps.sh

build: deps
	$(SWIFT) build -c release --product ntm

# Builds, writes the baseline and runs the default scenario on the embedded Sóc Trăng data.
run: build
	@$(NTM) baseline --out notebooks-out/baseline >/dev/null
	@$(NTM) run $(SCENARIO) --format md,csv,html,xlsx,ipynb --out notebooks-out/$(NAME) >/dev/null
	@$(NTM) propose $(SCENARIO) --out notebooks-out/$(NAME)-proposal >/dev/null
	@echo "Baseline: notebooks-out/baseline/baseline.md"
	@echo "Report:   notebooks-out/$(NAME)/summary.md"
	@echo "Charts:   notebooks-out/$(NAME)/report.html"
	@echo "Workbook: notebooks-out/$(NAME)/report.xlsx"
	@echo "Proposal: notebooks-out/$(NAME)-proposal/ (proposal-<year>.md, funding-plan.md)"

# Tests use no @testable import, so they run on the release build too.
test: deps
	$(SWIFT) build -c release --build-tests
	$(SWIFT) test -c release --skip-build

# The national synthetic dataset (8,177 communes) and the national scenario on it.
national: build
	@$(NTM) data synth --out notebooks-out/national-synthetic >/dev/null
	@$(NTM) run Scenarios/national-2025.yaml --out notebooks-out/national-2025 >/dev/null
	@echo "Report:   notebooks-out/national-2025/summary.md"

# A longer fuzz run of the input loaders: FUZZ_CASES in all (45 % catalogues, 45 % scenarios, 10 % datasets).
FUZZ_CASES ?= 100000
fuzz: deps
	$(SWIFT) build -c release --build-tests
	NTM_FUZZ_CASES=$(FUZZ_CASES) $(SWIFT) test -c release --skip-build --filter FuzzTests

# The engine's benchmarks (ordo-one/benchmark): a package of its own in Benchmarks/, so `make test` and CI
# never build the benchmark harness. Extra arguments in BENCH_ARGS, e.g. BENCH_ARGS="--filter Projection.*".
BENCH_ARGS ?=
bench: deps
	cd Benchmarks && $(SWIFT) package --disable-sandbox benchmark $(BENCH_ARGS)

clean:
	rm -rf .build Benchmarks/.build
