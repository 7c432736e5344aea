# imginfo's command line: help, version, misuse, and every long option in the man page.
. "$E2E_DIR/lib.sh"

"$IMGINFO" --help >help.out 2>help.err || fail "--help failed"
grep -q -- '--extract' help.out || fail "--help does not go to stdout"
[ ! -s help.err ] || fail "--help wrote to stderr"
[ "$("$IMGINFO" --version)" = "imginfo 0.1.0" ] || fail "--version"
expect_fail 2 'unknown option \(try --help\)' "$IMGINFO" --no-such-option x.iso
expect_fail 2 'no IMAGE given \(try --help\)' "$IMGINFO"
expect_fail 2 'only one IMAGE' "$IMGINFO" a.iso b.iso
expect_fail 2 'exclude each other' "$IMGINFO" -l --check a.iso
expect_fail 2 'unknown view' "$IMGINFO" -l --view hfs a.iso
expect_fail 2 'needs --extract' "$IMGINFO" -C out a.iso
expect_fail 2 'cannot open image: missing.iso' "$IMGINFO" missing.iso
expect_fail 2 'is a directory' "$IMGINFO" .

# Every long option of the popt table (as --help prints them) is documented.
man="$TOP/imginfo/imginfo.1"
grep -oE -- '--[a-z][a-z-]*' help.out | sort -u >opts
[ "$(wc -l <opts)" -ge 10 ] || fail "too few options found in --help"
while read -r opt; do
	esc=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
	grep -q -- "$esc" "$man" || fail "option $opt is not in imginfo.1"
done <opts
