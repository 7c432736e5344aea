# Every bad input and every output failure: a one-line message naming the path, the
# documented exit code (2 bad input, 1 failed job), and nothing left behind.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/mkimage.inc"
need setpriv truncate script

mkdir -p src/d
printf 'a\n' >src/a
printf 'b\n' >src/d/b
chmod 755 "$SCRATCH"

# check CODE PATTERN CMD...: fails as expected, with a single line, and leaves nothing.
check() {
	expect_fail "$@"
	[ "$(grep -c . expect_fail.err)" -eq 1 ] || { cat expect_fail.err >&2; fail "not one line: $*"; }
	no_leftovers "$SCRATCH"
	no_leftovers "$SCRATCH/src"
}

check 2 'cannot add: nope: No such file or directory' "$MKIMAGE" -o out.iso nope
check 2 'cannot add: /missing/source: No such file or directory' \
	"$MKIMAGE" -graft-points -o out.iso src x=/missing/source
check 2 '/f: given twice \(src/a and src/d/b\)' "$MKIMAGE" -graft-points -o out.iso f=src/a f=src/d/b
ln -s .. src/d/up
check 2 'src/d/up: directory loop' "$MKIMAGE" -f -o out.iso src
rm src/d/up
ln -s self src/self
check 2 'src/self: Too many levels of symbolic links' "$MKIMAGE" -f -o out.iso src
rm src/self
# OUTPUT given as an input is refused; OUTPUT inside an input directory is left out.
cp src/a in.iso
expect_fail 2 'in.iso: is the output file; refusing to overwrite an input' \
	"$MKIMAGE" -o in.iso in.iso src
[ "$(cat in.iso)" = a ] || fail "input overwritten"
rm in.iso
"$MKIMAGE" -o src/own.iso src
"$MKIMAGE" -o src/own.iso src
bsdtar -tf src/own.iso >list
! grep -q own.iso list || fail "the image contains itself"
rm src/own.iso

# Unreadable directory and file (root reads everything, so run as nobody).  -print-size
# reads no content, so the unreadable file does not stop it.
mkdir src/secret; chmod 700 src/secret
check 2 'cannot add: cannot open directory src/secret: Permission denied' \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$MKIMAGE" -o out.iso src
rmdir src/secret
printf 's\n' >src/sfile; chmod 600 src/sfile
chmod 777 "$SCRATCH"
check 1 'image not written: src/sfile: cannot open: Permission denied' \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$MKIMAGE" -o out.iso src
size=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$MKIMAGE" -print-size src)
[ "$size" -gt 0 ] || fail "-print-size as nobody"
chmod 755 "$SCRATCH"
rm src/sfile

# A file whose size differs from what the walk saw: sysfs files claim 4096 bytes and hold
# fewer, a file that "shrinks" every time it is read.  Both are in every Linux sysfs.
f=
for c in /sys/devices/system/cpu/online /sys/kernel/uevent_seqnum; do
	if [ -r $c ] && [ "$(stat -c %s $c)" -gt "$(wc -c <$c)" ]; then f=$c; break; fi
done
if [ -n "$f" ]; then
	check 1 "image not written: $f: file shrank while it was read" \
		"$MKIMAGE" -graft-points -o out.iso src f=$f
else
	not_tested "a file that shrinks while read (no sysfs file claiming more bytes than it holds)"
fi

# Output errors: full device, file size limit (temporary file removed), broken pipe.
check 1 'image not written: writing /dev/full: No space left on device' \
	"$MKIMAGE" -o /dev/full src
check 1 'image not written: writing out.iso: File too large' \
	bash -c 'ulimit -f 16; exec "$0" -o out.iso src /usr/bin/xorriso' "$MKIMAGE"
set +e
# More than the pipe holds (mkimage grows it to 1 MiB), so that writes meet the closed end.
mkdir -p pipesrc && truncate -s 8M pipesrc/big
"$MKIMAGE" -o - src pipesrc 2>pipe.err | head -c 10 >/dev/null
rc=${PIPESTATUS[0]}
set -e
[ "$rc" -eq 1 ] || fail "broken pipe: exit $rc"
grep -q 'image not written: writing stdout: Broken pipe' pipe.err || { cat pipe.err >&2; fail "broken pipe message"; }

# Output problems of the user's making.
# (under script(1) stdout and stderr are a terminal: the message comes out on it)
set +e
script -qec "$MKIMAGE -o - src" /dev/null >tty.out 2>&1
rc=$?
set -e
[ $rc -eq 2 ] || { cat tty.out >&2; fail "terminal: exit $rc"; }
grep -q 'refusing to write an image to a terminal' tty.out || { cat tty.out >&2; fail "terminal message"; }
check 2 'no output: give -o FILE' "$MKIMAGE" src
mkdir outdir
check 2 'outdir: is a directory' "$MKIMAGE" -o outdir src
check 1 'cannot create a file beside nodir/out.iso: No such file or directory' \
	"$MKIMAGE" -o nodir/out.iso src

# SIGTERM while writing: "interrupted", exit 1, temporary file removed.
truncate -s 6G src/big
"$MKIMAGE" -o out.iso src 2>term.err &
pid=$!
for _ in $(seq 1 200); do
	tmp=$(find . -maxdepth 1 -name '.out.iso.*' -size +1M)
	[ -n "$tmp" ] && break
	sleep 0.05
done
[ -n "$tmp" ] || fail "no temporary file seen"
kill -TERM $pid
set +e; wait $pid; rc=$?; set -e
[ $rc -eq 1 ] || { cat term.err >&2; fail "SIGTERM: exit $rc"; }
grep -q 'image not written: interrupted' term.err || { cat term.err >&2; fail "SIGTERM message"; }
no_leftovers "$SCRATCH"
