#!/usr/bin/env bash
# The installed package (README: "Embedding the models"), as a platform uses it: installs the
# build into a temporary prefix; compiles every installed header on its own against that
# prefix alone (a header that includes one not installed fails); builds
# examples/ssif_testbench against it with find_package(ssifsim), and again with pkg-config;
# runs the testbench and checks the response it prints, at SystemC's default time resolution
# and at 1 ns (the same figures). Prints each step's wall time.
# Usage: bash scripts/install-check.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
step() { echo "install-check: $1 ($(( SECONDS - step_start )) s)"; step_start=$SECONDS; }
step_start=$SECONDS

cmake --install "$build" --prefix "$prefix" > /dev/null
include="$prefix/include/ssifsim"
step "installed into a temporary prefix"

# Each header as a user includes it, from an empty directory, with only the installed tree
# and SystemC on the include path.
mkdir "$tmp/headers"
(cd "$include" && find models -name '*.h' | sort) > "$tmp/headers.txt"
systemc_cflags="$(pkg-config --cflags systemc)"
check_header() {
    printf '#include <%s>\n' "$1" |
        (cd "$tmp/headers" && ${CXX:-c++} -std=c++17 -fsyntax-only -Wall -Wextra -Wpedantic \
            -Werror -I"$include" $systemc_cflags -x c++ - 2>&1) ||
        { echo "install-check: the installed $1 does not compile on its own"; return 1; }
}
export -f check_header
export tmp include systemc_cflags
xargs -P "$(nproc)" -I{} bash -c 'check_header {}' < "$tmp/headers.txt"
step "$(wc -l < "$tmp/headers.txt") installed headers compile on their own"

cmake -S examples/ssif_testbench -B "$tmp/example" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$tmp/example" > /dev/null
step "examples/ssif_testbench built with find_package(ssifsim)"

expected="response 1c 01 00 20 01 01 00 02 bf 19 a0 00 01 00"
"$tmp/example/ssif_testbench" > "$tmp/default.txt"
"$tmp/example/ssif_testbench" 1ns > "$tmp/1ns.txt"
cat "$tmp/default.txt"
grep -qx "$expected" "$tmp/default.txt" ||
    { echo "install-check: the testbench did not print '$expected'"; exit 1; }
# The first line names the resolution; the rest must be the same.
diff <(tail -n +2 "$tmp/default.txt") <(tail -n +2 "$tmp/1ns.txt") ||
    { echo "install-check: the testbench prints other figures at 1 ns resolution"; exit 1; }
step "the testbench got the Get Device ID response, the same at 1 ps and 1 ns resolution"

pc="$(find "$prefix" -name ssifsim.pc)"
mkdir "$tmp/pkg-config"
PKG_CONFIG_PATH="$(dirname "$pc")" make -s -C "$tmp/pkg-config" \
    -f "$PWD/examples/ssif_testbench/Makefile" > /dev/null
"$tmp/pkg-config/ssif_testbench" | grep -qx "$expected" ||
    { echo "install-check: the testbench built with pkg-config did not print '$expected'"; exit 1; }
step "the testbench built with pkg-config --cflags --libs ssifsim runs"
