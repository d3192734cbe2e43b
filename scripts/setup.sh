#!/usr/bin/env bash
# Installs what the build and the tests need from Debian's packages (only what is missing),
# then configures and builds into ./build. Safe to run again: it does only what is left.
# Arguments name the targets to build (scripts/quickstart.sh: just `ssifsim`); none: all,
# the tests included.
set -euo pipefail
cd "$(dirname "$0")/.."

# clang and libclang-rt-14-dev: the scenario loader's libFuzzer target (scripts/test.sh).
# python3: the sigrok decoder's test (tests/sigrok_ssif.py); python3-matplotlib: the plots
# (tools/plot/ssifsim_plot.py); openipmi: ipmi_sim, the BMC daemon's ipmi_sim backend.
# parallel: GNU parallel runs a sweep's shards in the shard test (tests/sweep_shards.sh), as
# README shows it across hosts.
packages=(g++ make cmake pkg-config libsystemc-dev libboost-program-options-dev
          nlohmann-json3-dev catch2 sigrok-cli clang-format clang libclang-rt-14-dev
          python3 python3-matplotlib parallel openipmi)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Kernel in the loop (scripts/kernel-source.sh) when its extract is there.
kernel=()
[ -d build/kernel-source ] && kernel=(-DSSIFSIM_KERNEL_SOURCE="$PWD/build/kernel-source")
cmake -S . -B build -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" "${kernel[@]}" > /dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build build -j "$(nproc)" "${targets[@]}"
