#!/bin/sh
# ctest's entry point for the endpoint interop test (label interop): the official AWS SDK for
# JavaScript against `qkms serve`. Skips (77) without node, as run-interop.sh does.
if ! command -v node >/dev/null 2>&1; then
    if [ "${QKMS_INTEROP_REQUIRED:-0}" = 1 ]; then
        echo "FAIL: node is not installed (scripts/packages.txt lists nodejs)" >&2
        exit 1
    fi
    echo "SKIP: node is not installed"
    exit 77
fi
exec node "$(dirname "$0")/endpoint.js"
