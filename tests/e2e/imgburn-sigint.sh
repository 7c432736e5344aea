# imgburn: SIGINT during a write of a large stdin stream cancels through libburn, says so,
# exits 1 and releases the drive (the same target can be written again at once).
. "$E2E_DIR/lib.sh"
need cmp

# An endless stream on stdin: only the signal can end this write.
"$IMGBURN" --dev "stdio:$PWD/t.out" - < <(while :; do cat /dev/zero; done 2>/dev/null) \
	>out 2>err &
pid=$!
# the write must be under way: wait until the target grows
for _ in $(seq 1 100); do
	[ -s t.out ] && [ "$(stat -c %s t.out)" -gt 1000000 ] && break
	sleep 0.1
done
[ -s t.out ] || { kill -9 $pid; fail "write never started"; }
kill -INT $pid
for _ in $(seq 1 100); do
	kill -0 $pid 2>/dev/null || break
	sleep 0.1
done
kill -0 $pid 2>/dev/null && { kill -9 $pid; fail "imgburn still running 10 s after SIGINT"; }
set +e
wait $pid
rc=$?
set -e
[ $rc -eq 1 ] || { cat err; fail "exit $rc after SIGINT, wanted 1"; }
grep -Eq 'interrupted by SIGINT: write cancelled after [0-9]+ bytes of input; drive stdio:.* released' err ||
	{ cat err; fail "no clear cancel message"; }
[ "$(wc -l <err | tr -d ' ')" -le 3 ] || { cat err; fail "more than a clear message"; }

# SIGTERM too
"$IMGBURN" --dev "stdio:$PWD/t2.out" - < <(while :; do cat /dev/zero; done 2>/dev/null) \
	>out 2>err2 &
pid=$!
for _ in $(seq 1 100); do
	[ -s t2.out ] && break
	sleep 0.1
done
kill -TERM $pid
set +e
wait $pid
rc=$?
set -e
[ $rc -eq 1 ] || { cat err2; fail "exit $rc after SIGTERM"; }
grep -q 'interrupted by SIGTERM' err2 || { cat err2; fail "no SIGTERM message"; }

# released: the same target is usable straight away
head -c 100000 /dev/urandom >d.bin
"$IMGBURN" --dev "stdio:$PWD/t.out" d.bin 2>/dev/null || fail "target not usable after cancel"
same_bytes d.bin t.out
