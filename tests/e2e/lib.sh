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

# need TOOL...: skip the test (exit 77) when a reader is missing; deps.sh installs them all,
# so in `make check` this only fires on a machine set up by hand.
need() {
	for tool; do
		command -v "$tool" >/dev/null 2>&1 || { echo "missing $tool"; exit 77; }
	done
}

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

# tree_manifest DIR [mode]: one line per entry: path, type, (mode), size or link target, sha256.
# Sorted in C order, so two trees compare with a plain diff.
tree_manifest() {
	(cd "$1" && find . -mindepth 1 -print0 | sort -z | while IFS= read -r -d '' p; do
		if [ -L "$p" ]; then
			printf '%s L %s -> %s\n' "$p" "${2:+$(stat -c %a "$p")}" "$(readlink "$p")"
		elif [ -d "$p" ]; then
			printf '%s D %s\n' "$p" "${2:+$(stat -c %a "$p")}"
		else
			printf '%s F %s %s %s\n' "$p" "${2:+$(stat -c %a "$p")}" "$(stat -c %s "$p")" \
				"$(sha256sum < "$p" | cut -c1-64)"
		fi
	done)
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
