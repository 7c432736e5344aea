# imgburn --watch reports block devices changing (a loop device attached and detached here)
# until SIGINT, then exits 0.
. "$E2E_DIR/lib.sh"
need losetup truncate

truncate -s 4M disk.img
"$IMGBURN" --watch >watch.out 2>watch.err &
pid=$!
sleep 0.5
loop=$(losetup -f --show disk.img) ||
	{ kill $pid; cannot_test "no loop device (losetup -f failed; needs root and the loop driver)"; }
sleep 0.3
losetup -d "$loop"
sleep 0.5
kill -INT $pid
set +e
wait $pid
rc=$?
set -e
[ $rc -eq 0 ] || { cat watch.err; fail "--watch exited $rc after SIGINT"; }
grep -Eq "^(appeared|changed|vanished) $loop disk" watch.out ||
	{ cat watch.out watch.err; fail "no event for $loop"; }
