#!/usr/bin/env bash
# README command 2: install what is missing, build, run the whole test suite through ctest;
# install the models into a temporary prefix and build and run the example testbench against
# them (scripts/install-check.sh); then the same suite built with AddressSanitizer and UBSan
# (build-asan/), and a minute of fuzzing the scenario loader (build-fuzz/). Each step's wall
# time is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="$(nproc)"
step() { echo "== $1: $(( SECONDS - step_start )) s"; step_start=$SECONDS; }
step_start=$SECONDS

# The real kernel code the conformance tests compile (Debian's linux-source-6.12, and
# linux-source-6.1's ipmi_ssif.c for the host's 6.1 rows).
bash scripts/kernel-source.sh build/kernel-source > /dev/null
bash scripts/setup.sh
(cd build && ctest --output-on-failure -j "$jobs")
step "build and test"

# The models as an installed package: its headers each compile on their own, and
# examples/ssif_testbench builds against it (find_package and pkg-config) and gets its response.
bash scripts/install-check.sh build
step "installed package and example testbench"

# The sanitizer build: -O1 keeps its build time down. A sanitizer report ends the process
# with exit code 86, which no test takes for an expected outcome; UBSan halts at its first.
# LeakSanitizer scans no thread stacks for roots (use_stacks=0, which can only report more
# leaks, not fewer): SystemC 2.3.4 tells ASan of its coroutine switches
# (__sanitizer_start_switch_fiber), and a test process may end with its main thread's stack
# range left on a coroutine stack SystemC has freed, where LeakSanitizer's tracer then faults
# ("Tracer caught signal 11", seen in 36 of 513 tests in one run and none in the next).
cmake -S . -B build-asan -DSSIFSIM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug \
    -DSSIFSIM_KERNEL_SOURCE="$PWD/build/kernel-source" \
    "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" > /dev/null
cmake --build build-asan -j "$jobs"
(cd build-asan &&
    ASAN_OPTIONS=exitcode=86:detect_leaks=1 \
    LSAN_OPTIONS=exitcode=86:use_stacks=0 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=86 \
    ctest --output-on-failure -j "$jobs")
step "sanitizer build and test"

# The scenario loader's fuzz target, a minute from the scenarios as seeds: it must find
# nothing (a crash, a sanitizer report, a leak or a printed configuration that does not load).
CXX=clang++ cmake -S . -B build-fuzz -DSSIFSIM_FUZZ=ON -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build-fuzz -j "$jobs"
mkdir -p build-fuzz/corpus
build-fuzz/fuzz_scenario -max_total_time=60 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix=build-fuzz/ build-fuzz/corpus scenarios/
step "fuzz"
