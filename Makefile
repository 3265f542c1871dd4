# Crypto-DT-Source — the two commands: `make run` and `make test` (plus `make bench`).
# Builds use a persistent scratch path outside the work tree so repeated builds are incremental.

SCRATCH ?= $(HOME)/.cache/cryptodt/build
SWIFT ?= swift
SWIFT_FLAGS := --scratch-path $(SCRATCH)
DEBUG_BIN := $(SCRATCH)/debug
RELEASE_BIN := $(SCRATCH)/release

.PHONY: all setup build build-release run test bench clean-data

all: build

## setup: install the Debian dev packages and Python tools this machine still lacks (idempotent)
setup:
	@bash scripts/setup.sh

build: setup
	$(SWIFT) build $(SWIFT_FLAGS) --build-tests

build-release: setup
	$(SWIFT) build $(SWIFT_FLAGS) -c release

## run: set up, build in release mode, and run all six services under supervisord in the foreground on $PORT (7860)
run: build-release
	CRYPTODT_BIN=$(RELEASE_BIN) exec bash deploy/run.sh

## test: set up, build, and run the whole test suite (unit + end-to-end with real processes)
test: build
	MODELS_DIR="$$(bash scripts/install-models.sh --print-models-dir)" && \
	MINILM_MODEL_DIR="$${MINILM_MODEL_DIR:-$$(bash scripts/install-models.sh --print-minilm-dir)}" \
	SENTIMENT_TEST_MODEL_DIR="$${SENTIMENT_TEST_MODEL_DIR:-$$MODELS_DIR/sentiment}" \
	CRYPTO_SENTIMENT_TEST_MODEL_DIR="$${CRYPTO_SENTIMENT_TEST_MODEL_DIR:-$$MODELS_DIR/crypto-sentiment}" \
	CRYPTODT_BIN_DIR=$(DEBUG_BIN) $(SWIFT) test $(SWIFT_FLAGS) --skip-build

## bench: release build, then the benchmarks with their in-run baselines (see docs/BENCHMARKS.md)
bench: build-release
	CRYPTODT_BIN=$(RELEASE_BIN) bash scripts/bench.sh
