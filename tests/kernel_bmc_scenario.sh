#!/usr/bin/env bash
# Kernel in the loop: a scenario with the real ssif_bmc.c as its BMC (tests/CMakeLists.txt).
# Usage: kernel_bmc_scenario.sh SSIFSIM PYTHON3 OUTDIR MODE SCENARIO [SIDE]
#   run:     the scenario with bmc.implementation "kernel" (its variant then the default,
#            "6.12") passes every check and expectation it has (exit 0)
#   same:    run --compare-kernel reports the model's and the kernel's logs identical (exit 0)
#   differs: run --compare-kernel reports a difference (exit 1, "different: ...")
# SIDE: the side same and differs compare (--kernel-side: bmc, the default, or host).
set -euo pipefail
ssifsim=$1 python3=$2 out=$3 mode=$4 scenario=$5 side=${6:-bmc}
mkdir -p "$out"
name=$(basename "$scenario" .json)
case "$mode" in
run)
    copy="$out/$name.kernel.json"
    "$python3" - "$scenario" "$copy" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc.setdefault("bmc", {})["implementation"] = "kernel"
doc["bmc"].pop("variant", None)
json.dump(doc, open(sys.argv[2], "w"), indent=2)
PY
    "$ssifsim" run "$copy" --log "$out/$name.kernel.jsonl"
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
