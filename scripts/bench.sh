#!/usr/bin/env bash
# gridmap's benchmarks in one command (see BENCHMARKS.md):
#
#   scripts/bench.sh [small|city]      # default: small (about 1/20 of the city, a few minutes)
#
# 1. installs what is missing (as root: wrk with apt-get; PostgreSQL + PostGIS through
#    scripts/pg-test-cluster.sh), builds gridmap in release;
# 2. engine benchmarks (criterion, `cargo bench --bench engine`) on the generated city;
# 3. a throwaway PostGIS cluster in a temporary folder, then the side-by-side runner (`cargo bench --bench
#    side_by_side`): the city loaded into PostGIS through gridmap's store, gridmap's index built from
#    it, the same questions asked of both, pgbench and wrk against PostGIS and a release
#    `gridmap serve` on 127.0.0.1 at the same concurrencies; prints the table and stops the cluster.
#
# Results: target/bench/ (engine-SCALE.txt, side_by_side-SCALE.md, machine.txt).
# Environment: GRIDMAP_BENCH_SECS (seconds per load run, default 10), GRIDMAP_BENCH_CONCURRENCY
# (default 1,8,32,64). All traffic stays on 127.0.0.1; every run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."

scale=${1:-small}
case $scale in
small | city) ;;
*)
    echo "usage: scripts/bench.sh [small|city]" >&2
    exit 2
    ;;
esac
out=target/bench
mkdir -p "$out"

step() { printf '\n== %s\n' "$*" >&2; }
die() {
    printf 'bench: %s\n' "$*" >&2
    exit 1
}

step "load generator"
if ! command -v wrk >/dev/null; then
    [[ $EUID -eq 0 ]] || die "wrk is missing and only root can install it (apt-get install wrk)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y --no-install-recommends wrk >&2
fi
wrk --version 2>&1 | head -n 1 >&2 || true

step "release build"
cargo build --release --locked
cargo bench --locked --no-run >&2

step "machine"
{
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "cores: $(nproc)"
    echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    echo "kernel: $(uname -sr)"
    echo "rustc: $(rustc --version)"
    echo "wrk: $(wrk --version 2>&1 | head -n 1)"
} | tee "$out/machine.txt" >&2

step "engine benchmarks (scale $scale)"
GRIDMAP_BENCH_SCALE=$scale timeout 1800 cargo bench --locked --bench engine -- --save-baseline "$scale" 2>&1 | tee "$out/engine-$scale.txt"

step "PostGIS cluster"
pg_dir=$(mktemp -d /tmp/gridmap-bench-pg.XXXXXX)
chmod 755 "$pg_dir"
cleanup() {
    bash scripts/pg-test-cluster.sh stop "$pg_dir" || true
    rm -rf "$pg_dir" 2>/dev/null || true
}
trap cleanup EXIT
# PostGIS gets the memory a production server would give it on this machine.
export PG_EXTRA_CONF="shared_buffers = 4GB
effective_cache_size = 12GB
work_mem = 64MB
maintenance_work_mem = 1GB
max_wal_size = 8GB
random_page_cost = 1.1"
admin=$(bash scripts/pg-test-cluster.sh start "$pg_dir")
psql "$admin" -v ON_ERROR_STOP=1 -q -c 'CREATE DATABASE gridmap_bench' >&2
database=${admin%/*}/gridmap_bench
bindir=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/pgbench | sort -V | tail -n 1)")
postgres_version=$("$bindir/postgres" --version)
echo "postgres: $postgres_version" | tee -a "$out/machine.txt" >&2

step "gridmap beside PostGIS (scale $scale)"
GRIDMAP_BENCH_DATABASE=$database GRIDMAP_BENCH_SCALE=$scale GRIDMAP_BENCH_BIN=target/release/gridmap \
    GRIDMAP_BENCH_OUT=$out PGBENCH=$bindir/pgbench WRK=$(command -v wrk) \
    timeout 5400 cargo bench --locked --bench side_by_side

step "done"
echo "results in $out/: engine-$scale.txt, side_by_side-$scale.md, machine.txt" >&2
