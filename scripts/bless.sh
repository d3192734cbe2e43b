#!/usr/bin/env bash
# Re-blesses the golden event logs in traces/ after an intended change in behaviour:
# runs every scenario in scenarios/ and writes its log to traces/NAME.jsonl.
# Review the result with 'git diff traces/' before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/ssifsim ] || bash scripts/setup.sh
for scenario in scenarios/*.json; do
    name=$(basename "$scenario" .json)
    status=0
    SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 build/ssifsim run "$scenario" --quiet \
        --log "traces/$name.jsonl" || status=$?
    [ "$status" -le 1 ] || exit "$status"
    echo "blessed traces/$name.jsonl"
    if [ "$status" -eq 1 ]; then
        echo "  warning: $scenario's expectations do not hold; its golden test fails until they do"
    fi
done
