# The two commands of the README. Both install missing system libraries first (as root, with apt-get).
SWIFT ?= swift
NTM := .build/release/ntm
SCENARIO ?= Scenarios/province-plan-2024-2025.yaml

.PHONY: run test deps build clean

deps:
	@bash scripts/ensure-deps.sh

build: deps
	$(SWIFT) build -c release --product ntm

run: build
	$(NTM) baseline --out notebooks-out/baseline

# Tests run on the release build (the engine's Monte Carlo is slow unoptimised); they use no @testable.
test: deps
	$(SWIFT) build -c release --build-tests
	$(SWIFT) test -c release --skip-build

clean:
	rm -rf .build
