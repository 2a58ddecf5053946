#!/usr/bin/env bash
# layering.sh - calls go one way: no circle between the object files of
# src/, no library calling one above it (tools/layering reads nm).
source "$(dirname "$0")/lib/common.bash"
expect_rc "tools/layering is clean" 0 python3 "$SKILLCERT_SRC/tools/layering" "$SKILLCERT_BUILD"
grep -q "layering: clean" "$T/out" && PASS=$((PASS+1)) || { FAIL=$((FAIL+1)); cat "$T/out"; }
finish
