#!/usr/bin/env bash
# README command 1: install what is missing, build the simulator (not the tests: those are
# scripts/test.sh's), run the quickstart scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh ssifsim
mkdir -p out
exec build/ssifsim run scenarios/quickstart.json \
    --log out/quickstart.jsonl --report out/quickstart.report.json --vcd out/quickstart.vcd
