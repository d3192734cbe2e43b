#!/usr/bin/env bash
# Re-blesses the golden event logs in traces/ after an intended change in behaviour:
# runs every scenario in scenarios/ and writes its log to traces/NAME.jsonl.
# Review the result with 'git diff traces/' before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/ssifsim ] || bash scripts/setup.sh
for scenario in scenarios/*.json; do
    name=$(basename "$scenario" .json)
    SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 build/ssifsim run "$scenario" --quiet \
        --log "traces/$name.jsonl" || [ $? -eq 1 ]
    echo "blessed traces/$name.jsonl"
done
