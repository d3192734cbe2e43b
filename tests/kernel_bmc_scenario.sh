#!/usr/bin/env bash
# Kernel in the loop: a scenario with the real ssif_bmc.c as its BMC, or with the real
# ssif_bmc.c and ipmi_ssif.c as BMC and host (tests/CMakeLists.txt).
# Usage: kernel_bmc_scenario.sh SSIFSIM PYTHON3 OUTDIR MODE SCENARIO [SIDE | EXPECTED...]
#   run:     the scenario with bmc.implementation "kernel" (its variant then the default,
#            "6.12") passes every check and expectation it has (exit 0)
#   same:    run --compare-kernel reports the model's and the kernel's logs identical (exit 0)
#   differs: run --compare-kernel reports a difference (exit 1, "different: ...")
#   both:    the scenario with host.implementation and bmc.implementation "kernel" (the BMC's
#            variant the default) passes every check and expectation it has (exit 0), and
#            its summary says both sides ran the real code
#   both_differs: the same copy fails exactly the checks EXPECTED names (exit 1; each name as
#            the summary's FAIL line gives it, e.g. "request 4 error", "count daemon.read")
#   both_refused: the same copy is refused as bad input naming the JSON path EXPECTED (exit 2)
# SIDE: the side same and differs compare (--kernel-side: bmc, the default, or host).
set -euo pipefail
ssifsim=$1 python3=$2 out=$3 mode=$4 scenario=$5
shift 5
side=${1:-bmc}
mkdir -p "$out"
name=$(basename "$scenario" .json)
# kernel_copy SIDES COPY: the scenario with the real code on SIDES (bmc, or host,bmc).
kernel_copy() {
    "$python3" - "$scenario" "$2" "$1" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for side in sys.argv[3].split(","):
    doc.setdefault(side, {})["implementation"] = "kernel"
doc["bmc"].pop("variant", None)
json.dump(doc, open(sys.argv[2], "w"), indent=2)
PY
}
case "$mode" in
run)
    copy="$out/$name.kernel.json"
    kernel_copy bmc "$copy"
    "$ssifsim" run "$copy" --log "$out/$name.kernel.jsonl"
    ;;
both)
    copy="$out/$name.both.json"
    kernel_copy host,bmc "$copy"
    output=$("$ssifsim" run "$copy" --log "$out/$name.both.jsonl")
    echo "$output"
    # The summary says which side ran the real code.
    head -n 2 <<<"$output" | grep -q 'ipmi_ssif [^ ]* (the real ipmi_ssif.c) .*ssif_bmc 6.12 (the real ssif_bmc.c)' ||
        { echo "the summary does not say both sides ran the real code"; exit 1; }
    ;;
both_differs | both_refused)
    copy="$out/$name.both.json"
    kernel_copy host,bmc "$copy"
    status=0
    output=$("$ssifsim" run "$copy" --log "$out/$name.both.jsonl" 2>&1) || status=$?
    echo "$output"
    if [ "$mode" = both_refused ]; then
        [ "$status" = 2 ] || { echo "expected exit 2 (refused), got $status"; exit 1; }
        grep -qF "$copy: $1:" <<<"$output" || { echo "expected the refusal to name $1"; exit 1; }
        exit 0
    fi
    [ "$status" = 1 ] || { echo "expected exit 1, got $status"; exit 1; }
    # The summary's check lines: "    FAIL  NAME: description".
    failed=$(sed -n 's/^ *FAIL  \([^:]*\):.*/\1/p' <<<"$output" | sort)
    expected=$(printf '%s\n' "$@" | sort)
    [ "$failed" = "$expected" ] ||
        { printf 'expected to fail exactly:\n%s\nfailed:\n%s\n' "$expected" "$failed"; exit 1; }
    ;;
same)
    output=$("$ssifsim" run --compare-kernel --kernel-side "$side" "$scenario")
    echo "$output"
    grep -q '^identical (' <<<"$output"
    ;;
differs)
    status=0
    output=$("$ssifsim" run --compare-kernel --kernel-side "$side" "$scenario") || status=$?
    echo "$output"
    [ "$status" = 1 ] || { echo "expected exit 1, got $status"; exit 1; }
    grep -q "^different: " <<<"$output"
    ;;
*)
    echo "unknown mode $mode"
    exit 2
    ;;
esac
