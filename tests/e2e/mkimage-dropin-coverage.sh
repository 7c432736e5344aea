# Every option of `genisoimage --help` and `xorriso -as mkisofs -help` (read from the real
# programs at test time) is recognised by mkimage: implemented, or refused by name.  Each is
# fed in a wrong form (its argument missing, or an argument glued to an option that takes
# none): mkimage must exit 2 with a message naming the option as typed, never "unknown
# option", and write nothing.  This is the guard against reading an unknown -word as a
# cluster of short options with its argument taken as a path (issue 14).
. "$E2E_DIR/lib.sh"
need genisoimage xorriso

mkdir t
printf 'x\n' >t/f

genisoimage --help >g.help 2>&1 || true
xorriso -as mkisofs -help >x.help 2>&1 || true
# "  -A ID, -appid ID      Set ..." -> "-A 1" and "-appid 1": each spelling with the number of
# argument words the help gives it (the left column ends at two spaces).
options() {
	$PYTHON - "$1" <<'PY'
import re, sys
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"^  (-\S.*)$", line.rstrip("\n"))
    if not m:
        continue
    left = re.split(r"\s{2,}", m.group(1))[0]
    # an option too long for the left column is followed by one space and the description,
    # whose first word is capitalised ("-l, -full-iso9660-filenames Allow full ...")
    left = re.split(r" (?=[A-Z][a-z])", left)[0]
    for piece in left.split(", "):
        words = piece.split()
        if not words or not words[0].startswith("-"):
            continue
        name, _, glued = words[0].partition("=")
        name = name.split("|")[0]
        print(name, (1 if glued else 0) + len(words) - 1)
PY
}
options g.help >g.list
options x.help >x.list
[ "$(wc -l <g.list)" -gt 150 ] || fail "genisoimage --help gave only $(wc -l <g.list) options"
[ "$(wc -l <x.list)" -gt 150 ] || fail "xorriso -as mkisofs -help gave only $(wc -l <x.list) options"

mkdir bin
ln -s "$MKIMAGE" bin/genisoimage
ln -s "$MKIMAGE" bin/xorrisofs

# wrong_form PROGRAM NAME NARGS: NAME with its argument missing, or (help says none) with one
# glued on; the help of xorriso lists -iso_mbr_part_type without its argument, so a glued
# one that is taken falls back to the missing form.
wrong_form() {
	prog=$1 name=$2 nargs=$3
	if [ "$nargs" = 0 ]; then
		set +e
		"$prog" -o out.iso "$name=x" >probe.out 2>probe.err
		rc=$?
		set -e
		[ ! -e out.iso ] || fail "$prog -o out.iso $name=x: wrote out.iso"
		[ $rc -lt 128 ] || fail "$prog -o out.iso $name=x: crashed ($rc)"
		if [ $rc -eq 2 ] && grep -qF -- "$name=x" probe.err; then
			! grep -q 'unknown option' probe.err || { cat probe.err >&2; fail "$prog: $name unknown"; }
			return 0
		fi
	fi
	set +e
	"$prog" -o out.iso "$name" >probe.out 2>probe.err
	rc=$?
	set -e
	[ ! -e out.iso ] || fail "$prog -o out.iso $name: wrote out.iso"
	[ $rc -eq 2 ] || { cat probe.err >&2; fail "$prog -o out.iso $name: exit $rc, wanted 2"; }
	grep -qF -- "$name" probe.err || { cat probe.err >&2; fail "$prog -o out.iso $name: message does not name it"; }
	! grep -q 'unknown option' probe.err || { cat probe.err >&2; fail "$prog: $name unknown"; }
}

# Each name once (the command line is read the same way in the genisoimage and xorriso roles):
# genisoimage's in its role, xorriso's other ones in the xorrisofs role; in mkimage's own role
# only the one-letter names read differently (-h is its help there).
keep() { awk '!seen[$1]++' "$@"; }
keep g.list >g.todo
keep g.list x.list | awk 'NR == FNR { g[$1] = 1; next } !($1 in g)' g.todo - >x.todo
keep g.list x.list | awk 'length($1) == 2 && $1 != "-h"' >m.todo
checked=0
for pair in "bin/genisoimage g.todo" "bin/xorrisofs x.todo" "$MKIMAGE m.todo"; do
	set -- $pair
	while read -r name nargs; do
		wrong_form "$1" "$name" "$nargs"
		checked=$((checked + 1))
	done <"$2"
done
[ "$checked" -gt 190 ] || fail "only $checked option spellings checked"
note "$checked option spellings checked"

# The refusal format, and its exit code.
expect_fail 2 '^mkimage: -hfs: not supported: classic HFS' bin/genisoimage -o out.iso -hfs t
expect_fail 2 '^mkimage: -dev: not supported: multisession' bin/xorrisofs -o out.iso -dev x.iso t
# genisoimage's -h is -hfs; mkimage's own -h stays --help.
expect_fail 2 '^mkimage: -h: not supported: classic HFS' bin/genisoimage -o out.iso -h t
"$MKIMAGE" -h | grep -q -- '--output' || fail "mkimage -h is not the help"
# The words issue 14 names: never a cluster, never a path.
expect_fail 2 'mkimage: -Vfoo: unknown option' bin/genisoimage -Vfoo -o out.iso t
expect_fail 2 'mkimage: --V: unknown option' bin/genisoimage --V foo -o out.iso t
[ ! -e out.iso ] || fail "a refused command line wrote out.iso"
# -checksum_algorithm_iso is taken whole with its argument (not -c with a catalog path, and md5
# not a PATH, which does not exist): without -jigdo-jigdo it changes nothing.
"$MKIMAGE" -quiet -checksum_algorithm_iso md5 -o out.iso t || fail "-checksum_algorithm_iso md5"
rm -f out.iso
# Clusters of short options without arguments are taken, as both originals take them.
bin/genisoimage -JR -o out.iso t
isoinfo -d -i out.iso | grep -q 'Joliet with' || fail "-JR: no Joliet"
isoinfo -d -i out.iso | grep -q 'Rock Ridge' || fail "-JR: no Rock Ridge"
