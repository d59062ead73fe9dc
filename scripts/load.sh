#!/usr/bin/env bash
# The load test of record (BENCHMARKS.md, "Load"): a release `gridmap serve` on the demo data in a
# SQLite store, under CONNECTIONS keep-alive connections of mixed requests (locate, nearest, area
# and household tiles, household search) for SECONDS. Fails unless every answer is a 200 and no
# connection is refused or dropped.
#
#   bash scripts/load.sh [SECONDS=180] [CONNECTIONS=300] [DATABASE_URL]
#
# With a DATABASE_URL (e.g. a store loaded with `gridmap bench load --scale city`), that store is
# used instead of the demo.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-180}
connections=${2:-300}
database=${3:-}

# Each connection is a file descriptor on both sides.
ulimit -n 65536 2>/dev/null || true

cargo build --release --locked
if [[ -z "$database" ]]; then
    mkdir -p target/load
    database="sqlite://$PWD/target/load/demo.db"
    if [[ ! -f target/load/demo.db ]]; then
        target/release/gridmap --database "$database" demo load >/dev/null
    fi
fi
cargo bench --locked --bench load -- --database "$database" --connections "$connections" \
    --seconds "$seconds" --bin target/release/gridmap
