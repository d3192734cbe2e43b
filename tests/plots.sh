#!/usr/bin/env bash
# The plots (tools/plot/ssifsim_plot.py) of the quickstart's and a generator scenario's
# reports are written, SVG and PNG, and none is empty; the same report and log give the same
# SVGs; a file that is not a report is refused (exit 2, naming it).
# usage: plots.sh SSIFSIM PYTHON SOURCE_DIR OUT_DIR
set -euo pipefail
ssifsim=$1 python=$2 source=$3 out=$4
rm -rf "$out" && mkdir -p "$out"
for name in quickstart host-generator; do
    "$ssifsim" run "$source/scenarios/$name.json" --quiet --report "$out/$name.report.json" \
        --log "$out/$name.jsonl"
    for format in svg png; do
        "$python" "$source/tools/plot/ssifsim_plot.py" "$out/$name.report.json" --format "$format" \
            --log "$out/$name.jsonl"
        for plot in response over-time timeline; do
            file="$out/$name.$plot.$format"
            [ -s "$file" ] || { echo "missing or empty: $file"; exit 1; }
        done
    done
    cp "$out/$name.response.svg" "$out/$name.response.first.svg"
    cp "$out/$name.timeline.svg" "$out/$name.timeline.first.svg"
    "$python" "$source/tools/plot/ssifsim_plot.py" "$out/$name.report.json" --log "$out/$name.jsonl" \
        > /dev/null
    cmp "$out/$name.response.svg" "$out/$name.response.first.svg"
    cmp "$out/$name.timeline.svg" "$out/$name.timeline.first.svg"
done
# A sweep's failing seeds (here two scenarios from the repo standing in for them): the fault
# kinds they held.
mkdir -p "$out/sweep"
cp "$source/scenarios/fault-nak-address.json" "$source/scenarios/fault-lost-stop.json" "$out/sweep/"
"$python" "$source/tools/plot/ssifsim_plot.py" --sweep "$out/sweep" > /dev/null
[ -s "$out/sweep/sweep.faults.svg" ] || { echo "missing or empty: $out/sweep/sweep.faults.svg"; exit 1; }
# A sweep also keeps each failing seed's shrunk scenario and may write its summary there:
# neither is a failing seed, so the plot stays the same.
cp "$out/sweep/sweep.faults.svg" "$out/sweep-before.svg"
cp "$source/scenarios/fault-lost-stop.json" "$out/sweep/fault-lost-stop.min.json"
echo '{"format": "ssifsim-sweep-summary"}' > "$out/sweep/summary-0-of-2.json"
"$python" "$source/tools/plot/ssifsim_plot.py" --sweep "$out/sweep" > /dev/null
cmp -s "$out/sweep/sweep.faults.svg" "$out/sweep-before.svg" ||
    { echo "the sweep plot counted a shrunk scenario or a summary"; exit 1; }
status=0
"$python" "$source/tools/plot/ssifsim_plot.py" "$out/quickstart.jsonl" 2> "$out/err" || status=$?
[ "$status" -eq 2 ] && grep -q "quickstart.jsonl" "$out/err" || { echo "bad input: exit $status"; exit 1; }
echo "plots: all written, none empty, SVG deterministic"
