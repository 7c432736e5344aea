# imgburn: --help, --version, misuse, and every long option of the popt table in the man page.
. "$E2E_DIR/lib.sh"

"$IMGBURN" --help >help.out 2>help.err || fail "--help exited $?"
grep -q -- '--dev' help.out || fail "--help does not go to stdout"
[ ! -s help.err ] || fail "--help wrote to stderr"
[ "$("$IMGBURN" --version)" = "imgburn 0.1.0" ] || fail "--version"

expect_fail 2 'bogus.*\(try --help\)' "$IMGBURN" --bogus
expect_fail 2 '\(try --help\)' "$IMGBURN" --mode xyz --dev stdio:x img
expect_fail 2 '\(try --help\)' "$IMGBURN" --size 12q --dev stdio:x -
expect_fail 2 'no drive' "$IMGBURN" somefile
expect_fail 2 'one SOURCE' "$IMGBURN" --dev stdio:x a b
expect_fail 2 'info needs --dev' "$IMGBURN" --info
[ "$(wc -l <expect_fail.err)" -eq 1 ] || fail "usage error is not one line"

# Every long option name of the popt table must appear in the man page (as \-\-name or,
# for the cdrecord spellings, \-name).
man=$TOP/imgburn/imgburn.1
names=$(sed -n 's/^[[:space:]]*{"\([a-z][a-z-]*\)",.*/\1/p' "$TOP/imgburn/options.c")
[ -n "$names" ] || fail "no option names found in options.c"
for n in $names; do
	esc=$(printf '%s' "$n" | sed 's/-/\\\\-/g')
	grep -q -- "\\\\-$esc" "$man" || fail "option $n is missing from imgburn.1"
done
# and the exit codes are documented
grep -q '^\.SH EXIT STATUS' "$man" || fail "no EXIT STATUS section"
