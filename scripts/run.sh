#!/usr/bin/env bash
# Builds the web app (frontend/dist) and serves the demo with it: the one command to try gridmap.
# Extra arguments go to `gridmap serve` (e.g. --bind 0.0.0.0:8080).
set -euo pipefail
cd "$(dirname "$0")/.."
(cd frontend && npm ci --no-audit --no-fund && npm run build)
exec cargo run --release -- serve "$@"
