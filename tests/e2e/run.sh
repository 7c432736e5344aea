#!/bin/sh
# Runs every end-to-end test (tests/e2e/<program>-<behaviour>.sh) against the programs in BINDIR.
# Usage: tests/e2e/run.sh BINDIR [NAME-GLOB]
# Each test runs in a fresh scratch directory, under a time limit; exit 77 means "skipped".
set -u
bindir=$1
pattern=${2:-${E2E:-*}}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
limit=${E2E_TIMEOUT:-900}
pass=0 fail=0 skip=0 failed=""

for t in "$here"/*-*.sh; do
	name=$(basename "$t" .sh)
	case "$name" in $pattern) ;; *) continue ;; esac
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/e2e-$name.XXXXXX")
	start=$(date +%s)
	(cd "$scratch" && BIN="$bindir" TOP="$top" E2E_DIR="$here" SCRATCH="$scratch" \
		timeout -k 10 "$limit" bash "$t") >"$scratch.log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1)); echo "PASS $name (${secs}s)"
	elif [ $rc -eq 77 ]; then
		skip=$((skip + 1)); echo "SKIP $name: $(tail -n 1 "$scratch.log")"
	else
		fail=$((fail + 1)); failed="$failed $name"
		echo "FAIL $name (exit $rc, ${secs}s); last lines of its log:"
		tail -n 25 "$scratch.log" | sed 's/^/    /'
	fi
	rm -rf "$scratch" "$scratch.log"
done

[ -n "$failed" ] && echo "failed:$failed"
echo "e2e: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
