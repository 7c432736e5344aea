# imgburn on stdio: targets that cannot be written: the message names the target and the
# system's reason, once, before anything is written; a failed write leaves no file that
# imgburn created (a short stdin used to leave an empty one), and a file that was there stays.
. "$E2E_DIR/lib.sh"
need setpriv

head -c 100000 /dev/urandom >a.bin
mkdir dir
expect_fail 1 "write failed: stdio:$PWD/dir: Is a directory\$" "$IMGBURN" --dev "stdio:$PWD/dir" a.bin
[ "$(grep -c 'Is a directory' expect_fail.err)" -eq 1 ] || { cat expect_fail.err; fail "said twice"; }

# not as root, who may write anywhere (the scratch directory is private: open it to nobody)
chmod 755 .
chmod 644 a.bin
mkdir ro
touch ro/ro.iso
chmod 444 ro/ro.iso
chmod 555 ro
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
expect_fail 1 "stdio:$PWD/ro/ro.iso: cannot write to it: Permission denied\$" nobody "$IMGBURN" --dev "stdio:$PWD/ro/ro.iso" a.bin
[ ! -s ro/ro.iso ] || fail "the read-only file changed"
expect_fail 1 "stdio:$PWD/ro/new.iso: cannot create it: Permission denied\$" nobody "$IMGBURN" --dev "stdio:$PWD/ro/new.iso" a.bin
[ ! -e ro/new.iso ] || fail "a file appeared in the read-only directory"

# a stream shorter than its --size: the file imgburn created is gone again
expect_fail 1 'input ended after 1000 bytes, its size was 100000' \
	sh -c "head -c 1000 a.bin | \"$IMGBURN\" --dev stdio:$PWD/short.iso --size 100000 -"
[ ! -e short.iso ] || fail "a failed write left short.iso behind"
# ... and one that was there before is not removed (its old bytes are overwritten: the write began)
cp a.bin there.iso
expect_fail 1 'input ended after 1000 bytes' \
	sh -c "head -c 1000 a.bin | \"$IMGBURN\" --dev stdio:$PWD/there.iso --size 100000 -"
[ -e there.iso ] || fail "a failed write removed a file it did not create"
