#!/usr/bin/env bash
# Builds the web app (frontend/dist) and serves the demo with it: the one command to try gridmap.
# Extra arguments go to `gridmap serve` (e.g. --bind 0.0.0.0:8080).
set -euo pipefail
cd "$(dirname "$0")/.."
# Map labels are drawn from Noto Sans CJK (Debian's fonts-noto-cjk, OFL), which gridmap turns into glyphs.
if [[ ! -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ]]; then
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
        apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends fonts-noto-cjk >&2
    else
        echo "note: install fonts-noto-cjk (sudo apt-get install fonts-noto-cjk) for Chinese labels on the map" >&2
    fi
fi
(cd frontend && npm ci --no-audit --no-fund && npm run build)
exec cargo run --release -- serve "$@"
