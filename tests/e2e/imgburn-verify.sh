# imgburn --verify: passes on a good write, also for stdin; --verify-only on its own catches a
# changed byte.  A disc changed between the burn and the read-back is imgburn-mmc-burn's.
. "$E2E_DIR/lib.sh"
need dd cmp sha256sum

head -c 3000000 /dev/urandom >small.bin
"$IMGBURN" --dev "stdio:$PWD/good.out" --verify small.bin 2>err || { cat err; fail "good verify"; }
want=$(sha256sum <small.bin | cut -c1-64)
grep -q "verified 3000000 bytes, SHA-256 $want" err || { cat err; fail "verify line"; }
cat small.bin | "$IMGBURN" --dev "stdio:$PWD/good2.out" --verify - 2>err ||
	{ cat err; fail "good verify from stdin"; }
grep -q "SHA-256 $want" err || fail "stdin hash"

# --verify-only: a good copy passes, a copy with one byte changed fails
cp small.bin copy.out
"$IMGBURN" --dev "stdio:$PWD/copy.out" --verify-only small.bin 2>err || { cat err; fail "verify-only"; }
flip_byte copy.out 2999999
expect_fail 1 'verification failed' "$IMGBURN" --dev "stdio:$PWD/copy.out" --verify-only small.bin
expect_fail 1 'verification failed' sh -c "\"$IMGBURN\" --dev stdio:$PWD/copy.out --verify-only - <small.bin"
