#!/usr/bin/env bash
# Installs the pinned npm packages the interop tests use (into tests/interop/node_modules), once.
set -euo pipefail
dir=tests/interop
[ -f "$dir/package.json" ] || exit 0
if [ ! -f "$dir/node_modules/.qkms-installed" ] || [ "$dir/package.json" -nt "$dir/node_modules/.qkms-installed" ]; then
    echo "[qkms] installing interop npm packages" >&2
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
    touch "$dir/node_modules/.qkms-installed"
fi
