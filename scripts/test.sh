#!/usr/bin/env bash
# Runs every gridmap test: formatting, lints, unit tests, and the API and store suites against both
# SQLite and a throwaway PostGIS cluster (installed with apt-get when missing, run as the `postgres`
# user when we are root), the CJK font the map's labels need (apt-get, when missing), GDAL's client
# for the OGC API test (Debian's gdal-bin, apt-get when missing), and the web
# app's end-to-end tests in headless Chromium (Debian's chromium, apt-get when missing). The cluster
# is stopped again however the tests end.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*" >&2; }

# A test run builds everything once; the incremental cache would only double what target/ holds.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
space() { df -h . | awk 'NR == 2 { print "disk: " $4 " free of " $2 }' >&2; }
space

if command -v rustup >/dev/null; then
    rustup component add rustfmt clippy >/dev/null 2>&1 || true
fi

step "formatting"
cargo fmt --check

step "lints"
cargo clippy --all-targets --locked -- -D warnings

step "fonts for map labels"
# The glyph test renders Chinese from Noto Sans CJK (Debian's fonts-noto-cjk, OFL). Without it the
# server answers glyph requests with a 404 and the test checks that instead.
if [[ ! -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ]]; then
    if [[ $EUID -eq 0 ]]; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update >&2
        apt-get install -y --no-install-recommends fonts-noto-cjk >&2
    else
        echo "fonts-noto-cjk is not installed and only root can install it; glyph rendering is not tested" >&2
    fi
fi

step "browser for the web app tests"
if ! command -v chromium >/dev/null; then
    if [[ $EUID -eq 0 ]]; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update >&2
        apt-get install -y --no-install-recommends chromium >&2
    else
        echo "chromium is not installed and only root can install it" >&2
        exit 1
    fi
fi

step "GDAL for the OGC API – Features test"
# tests/ogc_gdal.rs reads a running server with GDAL's OAPIF client (ogrinfo, ogr2ogr) and fails
# when it is missing.
if ! command -v ogrinfo >/dev/null; then
    if [[ $EUID -eq 0 ]]; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update >&2
        apt-get install -y --no-install-recommends gdal-bin >&2
    else
        echo "gdal-bin is not installed and only root can install it" >&2
        exit 1
    fi
fi

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

step "web app: build and end-to-end tests (headless Chromium against target/debug/gridmap)"
(cd frontend && npm ci --no-audit --no-fund && npm run build && npm test)

space
du -sh target >&2
