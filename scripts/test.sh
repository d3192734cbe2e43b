#!/usr/bin/env bash
# README command 2: install what is missing, build, run the whole test suite through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cd build
exec ctest --output-on-failure -j "$(nproc)"
