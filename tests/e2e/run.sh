#!/bin/bash
# Runs every end-to-end test (tests/e2e/<program>-<behaviour>.sh) against the programs in BINDIR.
# Usage: tests/e2e/run.sh BINDIR [NAME-GLOB...]   (a test runs if its name matches any glob)
# Each test runs in a fresh scratch directory, under a time limit, E2E_JOBS at a time (default:
# one per core: 2 on the 2-core machines of make check).
# A test may not skip: a missing tool or facility fails it (lib.sh: cannot_test, not_tested), and
# the run fails if any test skipped anyway (exit 77).  Only by hand, E2E_ALLOW_SKIP=1 lets tests
# skip (exit 77) or leave parts out; the summary then lists each skip and each part not tested.
set -u
shopt -s extglob   # NAME-GLOB may be an extended pattern: '@(mkimage-basic|udf-*)'
bindir=$1
shift
patterns=("$@")
[ ${#patterns[@]} -eq 0 ] && patterns=("${E2E:-*}")
# matches NAME: whether any of the globs given matches the test's name
matches() {
	local p
	for p in "${patterns[@]}"; do
		# shellcheck disable=SC2254 # the glob is meant to match
		case "$1" in $p) return 0 ;; esac
	done
	return 1
}
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
		E2E_NOT_TESTED="$results/$name.not-tested" \
		timeout -k 10 "$limit" bash "$t") >"$scratch.log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	if [ $rc -eq 0 ]; then
		echo "PASS $name (${secs}s)" >"$results/$name"
		if [ -s "$results/$name.not-tested" ]; then
			sed "s/^/  not tested: /" "$results/$name.not-tested" >>"$results/$name"
		fi
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

# Tests listed in pending.txt (acceptance tests of a capability an open issue still has to
# build; the file says which) run only when asked for by name or pattern, not in a whole run
# (make check), and the summary lists them.
pending=""
if [ $# -eq 0 ] && [ -z "${E2E:-}" ] && [ -f "$here/pending.txt" ]; then
	pending=$(grep -v '^#' "$here/pending.txt" | tr '\n' ' ')
fi

running=0
for t in "$here"/*-*.sh; do
	name=$(basename "$t" .sh)
	matches "$name" || continue
	case " $pending " in *" $name "*) echo "PENDING $name (tests/e2e/pending.txt)"; continue ;; esac
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
	run_one "$t" &
	running=$((running + 1))
done
wait

if [ -z "$(ls -A "$results")" ]; then
	rmdir "$results"
	echo "e2e: no test matches '${patterns[*]}'"
	exit 1
fi
rm -f "$results"/*.not-tested
pass=$(cat "$results"/* 2>/dev/null | grep -c '^PASS')
fail=$(cat "$results"/* 2>/dev/null | grep -c '^FAIL')
skip=$(cat "$results"/* 2>/dev/null | grep -c '^SKIP')
failed=$(grep -l '^FAIL' "$results"/* 2>/dev/null | xargs -r -n1 basename | tr '\n' ' ')
[ "$skip" -gt 0 ] && grep -h '^SKIP' "$results"/*
awk 'FNR == 1 { name = $2 } sub(/^  not tested: /, "") { print "not tested in " name ": " $0 }' \
	"$results"/* >"$results.untested"
untested=$(wc -l <"$results.untested")
cat "$results.untested"
rm -rf "$results" "$results.untested"
[ -n "$failed" ] && echo "failed: $failed"
summary="e2e: $pass passed, $fail failed, $skip skipped"
[ "$untested" -eq 0 ] || summary="$summary, $untested parts not tested"
echo "$summary"
[ "$fail" -eq 0 ] || exit 1
if [ "$skip" -gt 0 ] && [ "${E2E_ALLOW_SKIP:-}" != 1 ]; then
	echo "e2e: $skip tests skipped: every test must run (E2E_ALLOW_SKIP=1 allows skips, by hand only)"
	exit 1
fi
exit 0
