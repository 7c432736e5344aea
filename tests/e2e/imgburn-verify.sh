# imgburn --verify: passes on a good write, fails when the target is corrupted between write and
# read-back (imgburn pauses there for the test), also for stdin; --verify-only on its own.
. "$E2E_DIR/lib.sh"
need dd cmp sha256sum

head -c 3000000 /dev/urandom >small.bin
"$IMGBURN" --dev "stdio:$PWD/good.out" --verify small.bin 2>err || { cat err; fail "good verify"; }
want=$(sha256sum <small.bin | cut -c1-64)
grep -q "verified 3000000 bytes, SHA-256 $want" err || { cat err; fail "verify line"; }
cat small.bin | "$IMGBURN" --dev "stdio:$PWD/good2.out" --verify - 2>err ||
	{ cat err; fail "good verify from stdin"; }
grep -q "SHA-256 $want" err || fail "stdin hash"

# Corrupt the target between the write and the read-back: imgburn stops itself there when the
# test asks (IMGBURN_TEST_STOP_BEFORE_VERIFY), the test changes one byte, then lets it go on.
head -c 64000000 /dev/urandom >big.bin
IMGBURN_TEST_STOP_BEFORE_VERIFY=1 "$IMGBURN" --dev "stdio:$PWD/bad.out" --verify - <big.bin \
	>out 2>err &
pid=$!
for _ in $(seq 1 600); do
	case $(ps -o stat= -p $pid) in T*) break ;; esac
	kill -0 $pid 2>/dev/null || { cat err; fail "imgburn ended before the read-back"; }
	sleep 0.1
done
case $(ps -o stat= -p $pid) in T*) ;; *) kill $pid; fail "imgburn never reached the read-back" ;; esac
cmp -s big.bin bad.out || fail "the write itself was wrong"
flip_byte bad.out 4096
kill -CONT $pid
set +e
wait $pid
rc=$?
set -e
[ $rc -eq 1 ] || { cat err; fail "corrupted verify exited $rc"; }
grep -q 'verification failed: SHA-256 of the 64000000 bytes read back is' err ||
	{ cat err; fail "no mismatch message"; }
# the corruption the test made is really there (so the failure is the right one)
! cmp -s big.bin bad.out || fail "the target was not changed"

# --verify-only: a good copy passes, a copy with one byte changed fails
cp small.bin copy.out
"$IMGBURN" --dev "stdio:$PWD/copy.out" --verify-only small.bin 2>err || { cat err; fail "verify-only"; }
flip_byte copy.out 2999999
expect_fail 1 'verification failed' "$IMGBURN" --dev "stdio:$PWD/copy.out" --verify-only small.bin
expect_fail 1 'verification failed' sh -c "\"$IMGBURN\" --dev stdio:$PWD/copy.out --verify-only - <small.bin"
