# ISO 9660 name relaxations and file attributes (issue 14): for every name option of
# genisoimage and xorriso -as mkisofs, and the combinations real build scripts pass, mkimage and
# the real `xorriso -as mkisofs` build the same tree and isoinfo (without -R or -J: the plain
# ISO 9660 tree) must list the same names; the file data read back equals the source.  Then the
# charsets (a Latin-1 name), -dir-mode/-file-mode/-uid/-gid against xorriso, -new-dir-mode
# against genisoimage, the -v notes against isoinfo, and the errors.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/mkimage.inc"
need xorriso isoinfo genisoimage

# Names ISO 9660 level 1 cannot hold: lower case, several dots, leading dots, long names, a
# name without a dot and one ending in a dot, non-d-characters (~ # - space & ! =), directory
# names with dots and over 31 characters, and directories 10 levels deep.
mkdir src
cd src
echo a >lower.txt
echo b >Multi.Dot.Name.tar.gz
echo c >.hidden
echo d >.leading.dots.cfg
echo e >a_very_long_file_name_that_exceeds_thirty_one_characters.txt
echo f >'tilde~name#hash-dash.txt'
echo g >noext
echo h >trailing.
echo i >'MiXeD CaSe&Sp!ce=.Dat'
echo j >name_with_exactly_37_chars_12345.abc
echo k >UPPER.TXT
echo l >ab.abcdefghijklmnopqrstuvwxyz0123456789
mkdir -p dir.with.dots/sub d1/d2/d3/d4/d5/d6/d7/d8/d9/d10 Lower_Dir_Long_Name_Over_31_Chars_xyz
echo m >dir.with.dots/sub/x
echo n >d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/deepfile.txt
echo o >Lower_Dir_Long_Name_Over_31_Chars_xyz/f.c
ln -s lower.txt link
cd ..

# iso_names IMG: the ISO 9660 tree's paths (names with versions), sorted.
iso_names() {
	isoinfo -f -i "$1" | LC_ALL=C sort
}

# Builds src with xorriso and with mkimage and compares the ISO 9660 names.  mkimage's
# defaults are level 3 and no dot in directory names; xorriso -as mkisofs's are level 1 and
# dots kept in directory names, so xorriso gets -disallow_dir_id_ext and, unless the options
# name a level, -iso-level 3.  mkimage takes the options as given (GNU spellings too);
# xorriso the single-dash form.
n=0
same_names() {
	n=$((n + 1))
	mk=$1
	x=$(printf '%s' "$mk" | sed 's/--/-/g')
	case " $x " in *" -iso-level "*) lvl= ;; *) lvl="-iso-level 3" ;; esac
	# shellcheck disable=SC2086
	xorriso -as mkisofs -disallow_dir_id_ext $lvl $x -o "x$n.iso" src >/dev/null 2>"x$n.err" ||
		{ cat "x$n.err" >&2; fail "xorriso failed: $x"; }
	# shellcheck disable=SC2086
	"$MKIMAGE" $mk -o "m$n.iso" src 2>"m$n.err" || { cat "m$n.err" >&2; fail "mkimage failed: $mk"; }
	iso_names "x$n.iso" >"x$n.names"
	iso_names "m$n.iso" >"m$n.names"
	diff -u "x$n.names" "m$n.names" >&2 || fail "ISO 9660 names differ from xorriso's: $mk"
	[ "$(wc -l <"m$n.names")" -ge 29 ] || fail "too few names listed: $mk"
	rm -rf "out$n"
	extract_xorriso "m$n.iso" "out$n"
	same_tree src "out$n"
	rm -rf "out$n"
	cp "m$n.names" last.names
}

same_names ""
grep -qx '/A_VERY_LONG_FILE_NAME_THAT_.TXT;1' last.names || fail "default level 3 names"
same_names "-iso-level 1"
grep -qx '/A_VERY_L.TXT;1' last.names || fail "level 1 names"
same_names "-iso-level 2"
same_names "-iso-level 1 -l"
grep -qx '/A_VERY_LONG_FILE_NAME_THAT_.TXT;1' last.names || fail "-l: 31 characters"
same_names "-l -iso-level 1"
same_names "-iso-level 1 --full-iso9660-filenames"
same_names "-max-iso9660-filenames"
grep -qx '/NAME_WITH_EXACTLY_37_CHARS_12345.ABC' last.names || fail "-max-iso9660-filenames"
same_names "-U"
grep -qx '/MiXeD CaSe&Sp!ce=.Dat' last.names || fail "-U keeps names"
same_names "--untranslated-filenames"
same_names "-untranslated_name_len 96"
grep -qx '/a_very_long_file_name_that_exceeds_thirty_one_characters.txt' last.names ||
	fail "-untranslated_name_len 96"
same_names "-D"
same_names "-N"
grep -q ';1$' last.names && fail "-N left versions"
same_names "--omit-version-number"
same_names "-d"
grep -qx '/NOEXT;1' last.names || fail "-d: no dot added"
same_names "-omit-period"
same_names "-allow-lowercase"
grep -qx '/lower.txt;1' last.names || fail "-allow-lowercase"
same_names "--allow-lowercase"
same_names "-relaxed-filenames"
grep -qx '/TILDE~NAME#HASH-DASH.TXT;1' last.names || fail "-relaxed-filenames"
same_names "-iso-level 1 -relaxed-filenames -allow-lowercase"
same_names "-L"
same_names "-allow-leading-dots"
same_names "-ldots"
same_names "-allow-multidot"
same_names "-no-iso-translate"
same_names "-iso-level 4"
same_names "-iso-level 2 -iso-level 4"
# OpenStack Nova's config drive (genisoimage spellings; nova/virt/configdrive.py); level 1 as
# genisoimage and xorrisofs default to it.
same_names "-iso-level 1 -ldots -allow-lowercase -allow-multidot -l"
grep -qx '/lower.txt;1' last.names || fail "Nova's line: lower case"
# Alpine (mkimg.base.sh, xorrisofs: level 1) and NixOS (make-iso9660-image.sh: -iso-level 3).
same_names "-iso-level 1 -full-iso9660-filenames"
same_names "-iso-level 3 -full-iso9660-filenames"
# Yocto wic (isoimage-isohybrid.py): -U with -iso-level 2.
same_names "-U -iso-level 2"
same_names "-iso-level 2 -N -d"
grep -qx '/NOEXT' last.names || fail "-N -d"

# -iso-level 4: an Enhanced Volume Descriptor (type 2, version 2) as xorriso writes.
vd_kinds() {
	$PYTHON - "$1" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
out = []
for i in range(16, 64):
    b = d[i * 2048:(i + 1) * 2048]
    if b[1:6] != b'CD001':
        break
    out.append('%d.%d' % (b[0], b[6]))
    if b[0] == 255:
        break
print(' '.join(out))
PY
}
xorriso -as mkisofs -iso-level 4 -o x4.iso src >/dev/null 2>&1
"$MKIMAGE" -iso-level 4 --no-joliet -o m4.iso src 2>/dev/null
[ "$(vd_kinds x4.iso)" = "1.1 2.2 255.1" ] || fail "xorriso's level 4: $(vd_kinds x4.iso)"
[ "$(vd_kinds m4.iso)" = "1.1 2.2 255.1" ] || fail "mkimage's level 4: $(vd_kinds m4.iso)"
# The ISO 9660:1999 tree (ISO 9660:1999 8.5: the Enhanced Volume Descriptor's root record at
# byte 156, directory records as ECMA-119 9.1), walked here, must hold the names xorriso's holds.
iso1999_names() {
	$PYTHON - "$1" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
evd = None
for i in range(16, 64):
    b = d[i * 2048:(i + 1) * 2048]
    if b[1:6] != b'CD001' or b[0] == 255:
        break
    if b[0] == 2 and b[6] == 2:
        evd = b
assert evd is not None, 'no Enhanced Volume Descriptor'
out = []
def walk(lba, size, path, depth):
    assert depth < 64 and (lba + 1) * 2048 <= len(d)
    data, pos = d[lba * 2048:lba * 2048 + size], 0
    while pos < len(data):
        n = data[pos]
        if n == 0:
            pos = (pos // 2048 + 1) * 2048
            continue
        r = data[pos:pos + n]
        pos += n
        name = r[33:33 + r[32]]
        if name in (b'\x00', b'\x01'):
            continue
        p = path + '/' + name.decode('latin-1')
        out.append(p)
        if r[25] & 2:
            walk(int.from_bytes(r[2:6], 'little'), int.from_bytes(r[10:14], 'little'), p,
                 depth + 1)
root = evd[156:190]
walk(int.from_bytes(root[2:6], 'little'), int.from_bytes(root[10:14], 'little'), '', 0)
print('\n'.join(sorted(out)))
PY
}
iso1999_names x4.iso >x4.names
iso1999_names m4.iso >m4.names
diff -u x4.names m4.names >&2 || fail "ISO 9660:1999 names differ from xorriso's"
grep -qx "/a_very_long_file_name_that_exceeds_thirty_one_characters.txt" m4.names ||
	fail "no whole long name in the ISO 9660:1999 tree"
grep -qx "/d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/deepfile.txt" m4.names ||
	fail "no deep file in the ISO 9660:1999 tree"

# A name longer than -untranslated_name_len fails the build, naming it, leaving no image.
expect_fail 1 'too long .*Lower_Dir_Long_Name_Over_31_Chars_xyz' \
	"$MKIMAGE" -untranslated_name_len 20 -o ut.iso src
[ ! -e ut.iso ] || fail "-untranslated_name_len 20 left an image"

# -ldots and the others like it say that names are xorriso's, unless -quiet.
"$MKIMAGE" -ldots -allow-multidot -o q.iso src 2>ldots.err
grep -q 'ldots: ISO 9660 names are written as xorriso' ldots.err || fail "no note for -ldots"
"$MKIMAGE" -quiet -ldots -o q.iso src 2>ldots-q.err
[ ! -s ldots-q.err ] || { cat ldots-q.err >&2; fail "-quiet -ldots printed"; }

# -v names each ISO 9660 name that is cut, as isoinfo then lists it (without the version):
# default rules (mkimage's port of libisofs's) and relaxed ones (libisofs's own conversion),
# ASCII and UTF-8 names.  Checked for the entries of the root, whose paths isoinfo shows whole.
cp -a src vt
printf 'u' >"vt/naïve-日本語-name-longer-than-thirty-one.txt"
printf 'v' >vt/é.tar.gz
mkdir "vt/ünïcode.dir.over.eight"
for set in "" "-iso-level 1" "-iso-level 2" "-allow-lowercase" "-iso-level 1 -N" \
	"-iso-level 2 -relaxed-filenames" "-U" "-iso-level 1 -d -max-iso9660-filenames"; do
	# shellcheck disable=SC2086
	"$MKIMAGE" -v $set -o v.iso vt 2>v.err
	iso_names v.iso | sed 's/;1$//' >v.names
	grep -E '^mkimage: ISO9660 name cut to [^/]*: /[^/]*$' v.err |
		sed -E 's/^mkimage: ISO9660 name cut to (.*): \/[^/]*$/\/\1/' >v.cut
	[ -s v.cut ] || [ "$set" = "-U" ] || { cat v.err >&2; fail "-v $set: no cut names"; }
	while IFS= read -r name; do
		grep -qxF -- "$name" v.names || { cat v.names >&2; fail "-v $set: note names $name"; }
	done <v.cut
done

# Charsets: a Latin-1 name.  ISO 9660, Rock Ridge (bytes) and Joliet names as xorriso's;
# Rock Ridge in the output charset (the input charset when none is given).
mkdir l1
printf 'x' >"l1/$(printf 'caf\351.txt')"
printf 'y' >l1/plain.txt
joliet_names() {
	$PYTHON - "$1" <<'PY'
import sys, pycdlib
i = pycdlib.PyCdlib()
i.open(sys.argv[1])
for c in i.list_children(joliet_path='/'):
    n = c.file_identifier()
    if n not in (b'\x00', b'\x01'):
        print(n.decode('utf-16-be').split(';')[0])
i.close()
PY
}
for set in "-input-charset ISO-8859-1" "-input-charset ISO-8859-1 -output-charset UTF-8" \
	"-input-charset default -output-charset ISO-8859-1" "-input-charset latin1"; do
	# shellcheck disable=SC2086
	xorriso -as mkisofs -R -J $set -o xc.iso l1 >/dev/null 2>&1 || fail "xorriso $set"
	# shellcheck disable=SC2086
	"$MKIMAGE" -R -J $set -o mc.iso l1 2>/dev/null || fail "mkimage $set"
	[ "$(iso_names xc.iso)" = "$(iso_names mc.iso)" ] || fail "$set: ISO 9660 names"
	isoinfo -R -f -i xc.iso | LC_ALL=C sort >xc.rr
	isoinfo -R -f -i mc.iso | LC_ALL=C sort >mc.rr
	cmp -s xc.rr mc.rr || { od -c xc.rr mc.rr >&2; fail "$set: Rock Ridge names"; }
	[ "$(joliet_names xc.iso)" = "$(joliet_names mc.iso)" ] || fail "$set: Joliet names"
	joliet_names mc.iso | grep -qx 'café.txt' || fail "$set: Joliet café.txt"
	case $set in
	*"-output-charset UTF-8") want='/caf\303\251.txt' ;;
	*) want='/caf\351.txt' ;;
	esac
	# shellcheck disable=SC2059
	grep -qxF -- "$(printf "$want")" mc.rr || { od -c mc.rr >&2; fail "$set: Rock Ridge bytes"; }
done
# The UDF view takes the names from the input charset too (OSTA CS0 of U+00E9, read by pycdlib).
"$MKIMAGE" -input-charset ISO-8859-1 -udf -o mu8.iso l1 2>/dev/null || fail "-input-charset -udf"
$PYTHON - mu8.iso <<'PY' || fail "UDF name from ISO-8859-1"
import sys, pycdlib
i = pycdlib.PyCdlib()
i.open(sys.argv[1])
names = sorted(c.file_identifier() for c in i.list_children(udf_path='/')
               if c is not None and not c.is_dot() and not c.is_dotdot())
# pycdlib hands back CS0's 8-bit form as bytes (one byte a character here) or 16-bit.
want = 'caf\u00e9.txt'
assert any(n in (want.encode('latin-1'), want.encode('utf-16-be')) for n in names), names
PY
# -jcharset (genisoimage): -input-charset and -J, as genisoimage takes it.
genisoimage -quiet -jcharset ISO-8859-1 -o gj.iso l1 2>/dev/null
"$MKIMAGE" --no-joliet -jcharset ISO-8859-1 -o mj.iso l1 2>/dev/null || fail "-jcharset"
[ "$(joliet_names gj.iso)" = "$(joliet_names mj.iso)" ] || fail "-jcharset: Joliet names"
expect_fail 2 'input-charset NOSUCH.*iconv' "$MKIMAGE" -input-charset NOSUCH -o cs.iso l1
expect_fail 2 'output-charset NOSUCH' "$MKIMAGE" -output-charset NOSUCH -o cs.iso l1
[ ! -e cs.iso ] || fail "a charset error left an image"

# Owners and modes, as xorriso -as mkisofs records them (with -R; after -r), read by xorriso.
lsdl() {
	xorriso -indev "$1" -find / -exec lsdl 2>/dev/null | awk '{print $1, $3, $4, $NF}' |
		LC_ALL=C sort
}
for set in "-uid 5 -gid 7" "-dir-mode 0700 -file-mode 0640" \
	"-r -uid 1000 -gid 100 -file-mode 0600" "-uid daemon -gid daemon" \
	"--dir-mode=0555 --file-mode=0444 -uid 0"; do
	x=$(printf '%s' "$set" | sed -e 's/--/-/g' -e 's/=/ /g')
	# shellcheck disable=SC2086
	xorriso -as mkisofs -R $x -o xa.iso src >/dev/null 2>&1 || fail "xorriso $x"
	# shellcheck disable=SC2086
	"$MKIMAGE" $set -o ma.iso src 2>/dev/null || fail "mkimage $set"
	lsdl xa.iso >xa.ls
	lsdl ma.iso >ma.ls
	diff -u xa.ls ma.ls >&2 || fail "owners or modes differ from xorriso's: $set"
done
# The last set, through isoinfo as well: files 0444, directories 0555, symlinks untouched.
isoinfo -R -l -i ma.iso >ma.isoinfo
grep -qE '^-r--r--r-- +1 +0 +[0-9]+ .* lower.txt *$' ma.isoinfo || fail "isoinfo: -file-mode"
grep -qE '^dr-xr-xr-x .* d1 *$' ma.isoinfo || fail "isoinfo: -dir-mode"
grep -qE '^lrwxrwxrwx .* link' ma.isoinfo || fail "isoinfo: symlink mode changed"
# -r's modes and owners, then -file-mode and -uid on top, in the UDF view too.
"$MKIMAGE" -r -file-mode 0600 -uid 1234 -udf -o mu.iso src 2>/dev/null
$PYTHON - mu.iso <<'PY' || fail "UDF view: modes and owners"
import sys, pycdlib
i = pycdlib.PyCdlib()
i.open(sys.argv[1])
rec = i.get_record(udf_path='/lower.txt')
assert rec.uid == 1234, rec.uid
perms = rec.perms
# ECMA-167 14.9.5: other/group/owner rwx in bits 0-2/5-7/10-12 (x w r ... as 1 2 4).
owner = (perms >> 10) & 7
group = (perms >> 5) & 7
other = perms & 7
assert (owner, group, other) == (6, 0, 0), (owner, group, other)
i.close()
PY

# -new-dir-mode: the directories a graft point makes up, as genisoimage makes them.
genisoimage -quiet -R -graft-points -new-dir-mode 0711 -o gn.iso a/b/c.txt=src/lower.txt \
	sub=src/dir.with.dots 2>/dev/null
"$MKIMAGE" -graft-points -new-dir-mode 0711 -o mn.iso a/b/c.txt=src/lower.txt \
	sub=src/dir.with.dots 2>/dev/null
dirmodes() {
	# Directories but "." and ".." (genisoimage names them, mkimage's have empty names).
	isoinfo -R -l -i "$1" | awk '/^Directory listing of/ {d = $4}
		/^d/ && $NF !~ /\]$/ && $NF != "." && $NF != ".." {print d, $1, $NF}' |
		LC_ALL=C sort
}
dirmodes gn.iso >gn.modes
dirmodes mn.iso >mn.modes
diff -u gn.modes mn.modes >&2 || fail "-new-dir-mode differs from genisoimage"
grep -qx '/ drwx--x--x a' mn.modes || { cat mn.modes >&2; fail "-new-dir-mode: /a"; }
grep -qx '/ drwxr-xr-x sub' mn.modes || { cat mn.modes >&2; fail "-new-dir-mode touched /sub"; }

# Bad values name the option, exit 2, write nothing.
expect_fail 2 'iso-level 5: want 1, 2, 3 or 4' "$MKIMAGE" -iso-level 5 -o bad.iso src
expect_fail 2 'iso-level 0' "$MKIMAGE" -iso-level 0 -o bad.iso src
expect_fail 2 'file-mode abc: want octal' "$MKIMAGE" -file-mode abc -o bad.iso src
expect_fail 2 'dir-mode 0758' "$MKIMAGE" -dir-mode 0758 -o bad.iso src
expect_fail 2 'new-dir-mode 17777' "$MKIMAGE" -new-dir-mode 17777 -o bad.iso src
expect_fail 2 'uid no-such-user-here' "$MKIMAGE" -uid no-such-user-here -o bad.iso src
expect_fail 2 'gid -1' "$MKIMAGE" -gid -1 -o bad.iso src
expect_fail 2 'untranslated_name_len 97' "$MKIMAGE" -untranslated_name_len 97 -o bad.iso src
expect_fail 2 'file-mode' "$MKIMAGE" -o bad.iso src -file-mode
[ ! -e bad.iso ] || fail "a usage error left an image"
