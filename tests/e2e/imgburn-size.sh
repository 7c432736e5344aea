# imgburn: a stdin stream longer or shorter than --size fails clearly; a track that does not fit
# is refused before anything is written.
. "$E2E_DIR/lib.sh"
need cmp mount umount

head -c 5000000 /dev/urandom >data.bin

# --size smaller than the stream
set +e
cat data.bin | "$IMGBURN" --dev "stdio:$PWD/short.out" --size 1000000 - >out 2>err
rc=$?
set -e
[ $rc -eq 1 ] || { cat err; fail "too-small --size exited $rc"; }
grep -q 'input is longer than its size of 1000000 bytes' err || { cat err; fail "message"; }

# --size larger than the stream
set +e
cat data.bin | "$IMGBURN" --dev "stdio:$PWD/long.out" --size 6000000 - >out 2>err
rc=$?
set -e
[ $rc -eq 1 ] || { cat err; fail "too-large --size exited $rc"; }
grep -q 'input ended after 5000000 bytes, its size was 6000000' err || { cat err; fail "message"; }

# exactly right
"$IMGBURN" --dev "stdio:$PWD/ok.out" --size 5000000 - <data.bin 2>/dev/null || fail "exact --size"
same_bytes data.bin ok.out

# --size only for stdin
expect_fail 2 'for a stdin SOURCE' "$IMGBURN" --dev "stdio:$PWD/x.out" --size 10 data.bin

# too big for the target: a stdio: file on a tiny filesystem.  tmpfs needs root and mount.
mkdir mnt
if mount -t tmpfs -o size=2m tmpfs mnt; then
	set +e
	"$IMGBURN" --dev "stdio:$PWD/mnt/big.out" data.bin >out 2>err
	rc=$?
	set -e
	written=$(stat -c %s mnt/big.out 2>/dev/null || echo 0)
	umount mnt
	[ $rc -eq 1 ] || { cat err; fail "oversized write exited $rc"; }
	grep -q 'do not fit' err || { cat err; fail "no 'do not fit' message"; }
	[ "$written" -eq 0 ] || fail "$written bytes were written before the size was refused"
else
	not_tested "a target too small for the track (cannot mount a tmpfs here)"
fi
