#!/usr/bin/env bash
# A campaign run as two shards in parallel by GNU parallel and merged with sweep-merge gives
# the summary of the same campaign run in one process (wall times and the shard layout
# aside), the same failing scenarios byte for byte, and JUnit files that junit_check.py
# accepts. Usage: sweep_shards.sh SSIFSIM PYTHON3 PARALLEL SOURCE_DIR WORK_DIR
set -euo pipefail
ssifsim=$1 python=$2 parallel=$3 src=$4 work=$5
rm -rf "$work"
mkdir -p "$work"
# The npcm-2024-slave-disable controller keeps its slave address disabled until the daemon
# writes a response, so a daemon fault (silent, late past the 500 ms timer, malformed) leaves
# the BMC deaf to the clean request: some seeds fail (the comparison covers failures).
template=$src/scenarios/bmc-controller-npcm-2024-slave-disable.json
campaign=(--count 40 --seed 1)
# sweep exits 1 when a seed fails: a job fails only on 2 (bad input) or 3 (an output).
"$parallel" --halt now,fail=1 -j2 \
    "$ssifsim sweep $template ${campaign[*]} --out $work/sharded --shard {}/2 > $work/shard-{}.txt; [ \$? -le 1 ]" \
    ::: 0 1
"$ssifsim" sweep-merge "$work/sharded" --summary "$work/sharded/summary.json" \
    --junit "$work/sharded/junit.xml" > "$work/merge.txt" || [ $? -le 1 ]
"$ssifsim" sweep "$template" "${campaign[@]}" --out "$work/single" \
    --summary "$work/single/summary.json" --junit "$work/single/junit.xml" > "$work/single.txt" ||
    [ $? -le 1 ]
"$python" - "$work" <<'PY'
import filecmp, json, os, sys
work = sys.argv[1]
def campaign(path):
    s = json.load(open(path))
    del s['run']                      # how it ran: shards and wall seconds
    for f in s['failures']:
        del f['wall_seconds']
    return s
merged = campaign(os.path.join(work, 'sharded', 'summary.json'))
single = campaign(os.path.join(work, 'single', 'summary.json'))
if merged != single:
    sys.exit('merged summary differs from the single run\'s:\n%s\n%s' %
             (json.dumps(merged, indent=1), json.dumps(single, indent=1)))
if merged['seeds_run'] != 40 or merged['failure_count'] == 0:
    sys.exit('expected 40 seeds run and some failures: %d, %d' %
             (merged['seeds_run'], merged['failure_count']))
for f in merged['failures']:           # a seed's scenario is the same whatever the sharding
    for key in ('file', 'shrunk'):
        a, b = (os.path.join(work, d, f[key]) for d in ('sharded', 'single'))
        if not filecmp.cmp(a, b, shallow=False):
            sys.exit('%s and %s differ' % (a, b))
print('merged == single: %d seeds, %d failures' % (merged['seeds_run'], merged['failure_count']))
PY
failures=$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["failure_count"])' \
    "$work/single/summary.json")
# One failed test case per failing seed and one passing case for the rest.
for junit in "$work/sharded/junit.xml" "$work/single/junit.xml"; do
    got=$("$python" "$src/tests/junit_check.py" "$junit")
    [ "$got" = "tests=$((failures + 1)) failures=$failures" ] || {
        echo "$junit: $got, expected tests=$((failures + 1)) failures=$failures"
        exit 1
    }
done
echo "JUnit ok: tests=$((failures + 1)) failures=$failures"
