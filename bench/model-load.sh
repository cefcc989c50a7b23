#!/usr/bin/env sh
# Generates a catalog of N entities (default 10,000) in a temporary directory
# and prints how long archgate takes to load and validate it (best of 5 runs).
# Usage: bench/model-load.sh [N]
set -eu
cd "$(dirname "$0")/.."
cargo run --quiet --release -p archgate-model --example model_load -- "${1:-10000}"
