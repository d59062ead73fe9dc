#!/usr/bin/env bash
# Runs every gridmap test: formatting, lints, unit tests, and the API and store suites against both
# SQLite and a throwaway PostGIS cluster (installed with apt-get when missing, run as the `postgres`
# user when we are root). The cluster is stopped again however the tests end.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*" >&2; }

if command -v rustup >/dev/null; then
    rustup component add rustfmt clippy >/dev/null 2>&1 || true
fi

step "formatting"
cargo fmt --check

step "lints"
cargo clippy --all-targets --locked -- -D warnings

step "PostGIS test cluster"
# Under /tmp, not the checkout: the postgres user must be able to reach it even when the checkout
# sits in a private home folder.
pg_dir=$(mktemp -d /tmp/gridmap-pg.XXXXXX)
chmod 755 "$pg_dir"
cleanup() {
    bash scripts/pg-test-cluster.sh stop "$pg_dir" || true
    rm -rf "$pg_dir" 2>/dev/null || true
}
trap cleanup EXIT
GRIDMAP_TEST_POSTGRES_URL=$(bash scripts/pg-test-cluster.sh start "$pg_dir")
export GRIDMAP_TEST_POSTGRES_URL
unset GRIDMAP_TEST_BACKENDS

step "tests (SQLite and PostGIS)"
cargo test --locked
