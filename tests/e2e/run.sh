#!/bin/bash
# Runs every end-to-end test (tests/e2e/<program>-<behaviour>.sh) against the programs in BINDIR.
# Usage: tests/e2e/run.sh BINDIR [NAME-GLOB]
# Each test runs in a fresh scratch directory, under a time limit, E2E_JOBS at a time (default:
# one per core); exit 77 means "skipped".
set -u
bindir=$1
pattern=${2:-${E2E:-*}}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
limit=${E2E_TIMEOUT:-900}
jobs=${E2E_JOBS:-$(nproc)}
results=$(mktemp -d "${TMPDIR:-/tmp}/e2e-results.XXXXXX")

run_one() {
	t=$1
	name=$(basename "$t" .sh)
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/e2e-$name.XXXXXX")
	start=$(date +%s)
	(cd "$scratch" && BIN="$bindir" TOP="$top" E2E_DIR="$here" SCRATCH="$scratch" \
		timeout -k 10 "$limit" bash "$t") >"$scratch.log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	if [ $rc -eq 0 ]; then
		echo "PASS $name (${secs}s)" >"$results/$name"
	elif [ $rc -eq 77 ]; then
		echo "SKIP $name: $(tail -n 1 "$scratch.log")" >"$results/$name"
	else
		{
			echo "FAIL $name (exit $rc, ${secs}s); last lines of its log:"
			tail -n 25 "$scratch.log" | sed 's/^/    /'
		} >"$results/$name"
	fi
	cat "$results/$name"
	rm -rf "$scratch" "$scratch.log"
}

running=0
for t in "$here"/*-*.sh; do
	name=$(basename "$t" .sh)
	case "$name" in $pattern) ;; *) continue ;; esac
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
	run_one "$t" &
	running=$((running + 1))
done
wait

pass=$(cat "$results"/* 2>/dev/null | grep -c '^PASS')
fail=$(cat "$results"/* 2>/dev/null | grep -c '^FAIL')
skip=$(cat "$results"/* 2>/dev/null | grep -c '^SKIP')
failed=$(grep -l '^FAIL' "$results"/* 2>/dev/null | xargs -r -n1 basename | tr '\n' ' ')
rm -rf "$results"
[ -n "$failed" ] && echo "failed: $failed"
echo "e2e: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
