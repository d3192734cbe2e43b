#!/usr/bin/env bash
# The plots (tools/plot/ssifsim_plot.py) of the quickstart's and a generator scenario's
# reports are written, SVG and PNG, and none is empty; the same report gives the same SVG.
# usage: plots.sh SSIFSIM PYTHON SOURCE_DIR OUT_DIR
set -euo pipefail
ssifsim=$1 python=$2 source=$3 out=$4
rm -rf "$out" && mkdir -p "$out"
for name in quickstart host-generator; do
    "$ssifsim" run "$source/scenarios/$name.json" --quiet --report "$out/$name.report.json"
    for format in svg png; do
        "$python" "$source/tools/plot/ssifsim_plot.py" "$out/$name.report.json" --format "$format"
        for plot in response over-time timeline; do
            file="$out/$name.$plot.$format"
            [ -s "$file" ] || { echo "missing or empty: $file"; exit 1; }
        done
    done
    cp "$out/$name.response.svg" "$out/$name.response.first.svg"
    "$python" "$source/tools/plot/ssifsim_plot.py" "$out/$name.report.json" > /dev/null
    cmp "$out/$name.response.svg" "$out/$name.response.first.svg"
done
echo "plots: all written, none empty, SVG deterministic"
