#!/bin/sh
# ctest's entry point for the interop test (label interop). Without node the test is skipped
# (exit 77) when run by hand, and fails under scripts/test, which sets QKMS_INTEROP_REQUIRED=1
# after installing node and the SDK. interop.js applies the same rule to a missing SDK.
if ! command -v node >/dev/null 2>&1; then
    if [ "${QKMS_INTEROP_REQUIRED:-0}" = 1 ]; then
        echo "FAIL: node is not installed (scripts/packages.txt lists nodejs)" >&2
        exit 1
    fi
    echo "SKIP: node is not installed"
    exit 77
fi
exec node "$(dirname "$0")/interop.js"
