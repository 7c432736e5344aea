# Shared helpers for the end-to-end tests (bash); each test starts with: . "$E2E_DIR/lib.sh"
# The run is pinned: C locale, UTC, umask 022, SOURCE_DATE_EPOCH unset.
set -eu
export LC_ALL=C TZ=UTC
unset SOURCE_DATE_EPOCH LANG LANGUAGE
umask 022

MKIMAGE="$BIN/mkimage"
IMGINFO="$BIN/imginfo"
IMGBURN="$BIN/imgburn"
# Debian's pycdlib lives in the system interpreter, not in a pyenv one that may come first.
PYTHON=/usr/bin/python3

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

note() {
	echo "-- $*" >&2
}

# A test that cannot run here FAILS: `make check` installs every tool the tests use
# (scripts/deps.sh test), so a missing one is a broken setup, not a reason to pass.  Only someone
# running the tests by hand may turn that into a skip, with E2E_ALLOW_SKIP=1 (run.sh then lists
# the skip, and every part left out, in its summary).

# cannot_test WHAT: the whole test cannot run here (exit 77 only under E2E_ALLOW_SKIP=1).
cannot_test() {
	if [ "${E2E_ALLOW_SKIP:-}" = 1 ]; then
		echo "skipped: $*"
		exit 77
	fi
	fail "cannot test: $* (scripts/deps.sh test installs what the tests need; E2E_ALLOW_SKIP=1 makes this a skip)"
}

# not_tested WHAT: a part of this test cannot run here.  Fails, unless E2E_ALLOW_SKIP=1: then
# the test goes on and run.sh's summary says "not tested in NAME: WHAT".
not_tested() {
	if [ "${E2E_ALLOW_SKIP:-}" = 1 ]; then
		note "not tested: $*"
		echo "$*" >>"${E2E_NOT_TESTED:-/dev/null}"
		return 0
	fi
	fail "cannot test: $* (E2E_ALLOW_SKIP=1 lets the test go on without this part)"
}

# package_of TOOL: the Debian package that scripts/deps.sh installs for TOOL.
package_of() {
	case $1 in
	7z) echo p7zip-full ;;
	bsdtar) echo libarchive-tools ;;
	isoinfo | genisoimage | mkzftree) echo genisoimage ;;
	jigit-mkimage) echo jigit ;;
	jigdo-file) echo jigdo-file ;;
	udfinfo | mkudffs) echo udftools ;;
	udfclient) echo udfclient ;;
	xorriso) echo xorriso ;;
	dumpet) echo dumpet ;;
	sgdisk) echo gdisk ;;
	fdisk | sfdisk) echo fdisk ;;
	mcopy | mmd | mformat | mdir) echo mtools ;;
	mkfs.vfat) echo dosfstools ;;
	mke2fs) echo e2fsprogs ;;
	qemu-system-x86_64) echo qemu-system-x86 ;;
	grub-mkstandalone | grub-mkrescue) echo grub-common ;;
	busybox) echo busybox-static ;;
	dbus-daemon) echo dbus-daemon ;;
	systemd-inhibit | /lib/systemd/systemd-logind) echo systemd ;;
	losetup | mount | umount) echo mount ;;
	setpriv | unshare | taskset) echo util-linux ;;
	script) echo bsdutils ;;
	strings) echo binutils ;;
	ldd) echo libc-bin ;;
	/usr/bin/python3) echo "python3, with python3-pycdlib" ;;
	cmp | diff) echo diffutils ;;
	timeout | truncate | md5sum | sha256sum | od | dd | stat) echo coreutils ;;
	tgtd | tgtadm) echo tgt ;;
	chromium) echo chromium ;;
	file) echo file ;;
	gzip) echo gzip ;;
	cloud-localds) echo cloud-image-utils ;;
	jigit-mkimage) echo jigit ;;
	mkzftree) echo genisoimage ;;
	grub-mkimage | grub-fstest) echo grub-common ;;
	*) echo "unknown to lib.sh's package_of: add it there and to scripts/deps.sh" ;;
	esac
}

# need TOOL...: the test uses these programs (a path for one that is not on PATH).
need() {
	for tool; do
		command -v "$tool" >/dev/null 2>&1 ||
			cannot_test "missing $tool (package $(package_of "$tool"))"
	done
}

# need_file PACKAGE FILE...: the test reads these files, which PACKAGE installs.
need_file() {
	pkg=$1
	shift
	for file; do
		[ -e "$file" ] || cannot_test "missing $file (package $pkg)"
	done
}

# need_pycdlib: the test reads images with pycdlib, through Debian's python3.
need_pycdlib() {
	$PYTHON -c 'import pycdlib' 2>/dev/null || cannot_test "missing pycdlib for $PYTHON (package python3-pycdlib)"
}

# Every test runs Python (jq_py and the pycdlib checks) through Debian's interpreter.
need "$PYTHON"

# expect_fail CODE STDERR-PATTERN CMD...: CMD must exit with CODE (or any failure when CODE is
# "any") without crashing, and its stderr must match the extended regex STDERR-PATTERN.
expect_fail() {
	want=$1 pattern=$2
	shift 2
	set +e
	"$@" >expect_fail.out 2>expect_fail.err
	rc=$?
	set -e
	[ $rc -ne 0 ] || fail "expected failure, got success: $*"
	[ $rc -lt 128 ] || { cat expect_fail.err >&2; fail "crashed (exit $rc): $*"; }
	[ "$want" = any ] || [ $rc -eq "$want" ] || { cat expect_fail.err >&2; fail "exit $rc, wanted $want: $*"; }
	grep -Eq -- "$pattern" expect_fail.err || { cat expect_fail.err >&2; fail "stderr does not match '$pattern': $*"; }
}

# same_bytes A B: files are byte-identical.
same_bytes() {
	cmp -s "$1" "$2" || fail "files differ: $1 $2"
}

# tree_manifest DIR [mode]: one line per entry: path, type, (mode), size or link target, sha256
# (device numbers for devices).  Sorted in C order, so two trees compare with a plain diff.  One
# Python process: a few per file cost minutes on a loaded machine (imginfo-udf-revisions
# compares a dozen trees of 145 entries; it timed out under ASan at load 12).
tree_manifest() {
	$PYTHON - "$1" "${2:-}" <<'PY'
import hashlib, os, stat, sys
top, with_mode = sys.argv[1].encode(), sys.argv[2] == "mode"
entries = []
for root, dirs, files in os.walk(top):
    for n in dirs + files:
        entries.append(os.path.join(root, n))
out = sys.stdout.buffer
for p in sorted(entries):
    st = os.lstat(p)
    rel = b"." + p[len(top):]
    mode = ("%o" % stat.S_IMODE(st.st_mode)).encode() if with_mode else b""
    if stat.S_ISLNK(st.st_mode):
        line = b"%s L %s -> %s" % (rel, mode, os.readlink(p))
    elif stat.S_ISDIR(st.st_mode):
        line = b"%s D %s" % (rel, mode)
    elif stat.S_ISREG(st.st_mode):
        h = hashlib.sha256()
        with open(p, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        line = b"%s F %s %d %s" % (rel, mode, st.st_size, h.hexdigest().encode())
    elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        line = b"%s %s %s %d,%d" % (rel, b"C" if stat.S_ISCHR(st.st_mode) else b"B", mode,
                                    os.major(st.st_rdev), os.minor(st.st_rdev))
    else:
        line = b"%s %s %s" % (rel, b"P" if stat.S_ISFIFO(st.st_mode) else b"S", mode)
    out.write(line + b"\n")
PY
}

# same_tree A B [mode]: same names, types, contents and link targets (and modes with "mode").
same_tree() {
	tree_manifest "$1" ${3:-} >"$SCRATCH/manifest.a"
	tree_manifest "$2" ${3:-} >"$SCRATCH/manifest.b"
	diff -u "$SCRATCH/manifest.a" "$SCRATCH/manifest.b" >&2 || fail "trees differ: $1 $2"
}

# flip_byte FILE OFFSET: inverts the byte at OFFSET (XOR 0xff), so the file surely changes
# (writing a fixed byte into random data leaves it as it was one time in 256).
flip_byte() {
	old=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	[ -n "$old" ] || fail "flip_byte: $1 has no byte at $2"
	# shellcheck disable=SC2059
	printf "\\$(printf %03o $((old ^ 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# damage_is_noticed IMG PATH: flips one byte of PATH's data in IMG (an image with --md5);
# xorriso -check_md5_r and imginfo --check must both report the file's MD5 mismatch.
damage_is_noticed() {
	dn_lba=$(xorriso -indev "$1" -find "$2" -exec report_lba -- 2>/dev/null |
		awk '/File data lba:/ {print $6; exit}')
	[ -n "$dn_lba" ] || fail "no LBA for $2 in $1"
	flip_byte "$1" $((dn_lba * 2048 + 1000))
	if xorriso -md5 on -indev "$1" -check_md5_r FAILURE / -- >bad.log 2>&1; then
		cat bad.log; fail "xorriso did not notice the damaged file"
	fi
	grep -q 'MD5 MISMATCH' bad.log || { cat bad.log; fail "no mismatch reported"; }
	set +e
	"$IMGINFO" --check "$1" >bad-check.txt 2>&1
	dn_rc=$?
	set -e
	[ $dn_rc -eq 1 ] || { cat bad-check.txt; fail "imginfo --check exit $dn_rc on a damaged file"; }
	grep -q "PROBLEM: file MD5: $2" bad-check.txt || { cat bad-check.txt; fail "imginfo"; }
}
