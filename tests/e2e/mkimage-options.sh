# Options: --help, --version, misuse, every long option in the man page, the genisoimage
# single-dash spellings, ids, graft points, path lists, excludes, hiding, sort, -f, -r.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/mkimage.inc"
need isoinfo bsdtar xorriso

man="$TOP/mkimage/mkimage.1"
"$MKIMAGE" --help >help.out 2>help.err || fail "--help exit"
[ ! -s help.err ] || fail "--help wrote to stderr"
grep -q '^Usage: mkimage' help.out || fail "--help text"
[ "$("$MKIMAGE" --version)" = "mkimage 0.1.0" ] || fail "--version"
expect_fail 2 '^mkimage: --bogus: unknown option \(try --help\)$' "$MKIMAGE" --bogus
expect_fail 2 'iso-level 5: want 1, 2, 3 or 4 \(try --help\)' "$MKIMAGE" -iso-level 5 -o x.iso .
expect_fail 2 'progress=loud' "$MKIMAGE" --progress=loud -o x.iso .
expect_fail 2 'no PATH' "$MKIMAGE" -o x.iso
SOURCE_DATE_EPOCH=soon expect_fail 2 'SOURCE_DATE_EPOCH=soon' "$MKIMAGE" -o x.iso .

# Every long option of the popt table (as --help lists them) is in the man page.
sed 's/\\-/-/g' "$man" >man.txt
grep -oE '^ +(-., )?--?[a-z][a-z0-9-]*' help.out | sed -E 's/^ *(-., )?//' | sort -u >longopts
[ "$(wc -l <longopts)" -ge 28 ] || { cat longopts >&2; fail "too few options parsed from --help"; }
while read -r opt; do
	grep -qE -- "(^|[^a-z-])-?$opt([^a-z-]|$)" man.txt || fail "man page lacks $opt"
done <longopts
for code in 0 1 2; do grep -q "^\.B $code\$" "$man" || fail "man page lacks exit code $code"; done

# Ids, single-dash and GNU spellings alike.
sample_tree src
"$MKIMAGE" -V VOL -volset VS -publisher PUB -p PREP -A APP -sysid SYS -o ids.iso src 2>/dev/null
"$MKIMAGE" --volid=VOL --volset=VS --publisher=PUB --preparer=PREP --appid=APP --sysid=SYS \
	-o ids2.iso src 2>/dev/null
for iso in ids.iso ids2.iso; do
	isoinfo -d -i $iso >pvd
	for kv in "Volume id: VOL" "Volume set id: VS" "Publisher id: PUB" "Data preparer id: PREP" \
		  "Application id: APP" "System id: SYS"; do
		grep -qxF "$kv" pvd || { cat pvd >&2; fail "$iso: no '$kv'"; }
	done
done

# --no-rock / --no-joliet / -R -J / -iso-level.
"$MKIMAGE" --no-rock --no-joliet -o plain.iso src 2>/dev/null
isoinfo -d -i plain.iso >pvd
grep -q '^NO Rock Ridge present' pvd || fail "--no-rock"
grep -q '^NO Joliet present' pvd || fail "--no-joliet"
"$MKIMAGE" -R -J -iso-level 2 -o rj.iso src 2>/dev/null
isoinfo -d -i rj.iso | grep -q '^Rock Ridge signatures' || fail "-R"
# Level 1: 8.3 names in the ISO9660 tree.
"$MKIMAGE" -iso-level 1 --no-rock --no-joliet -o l1.iso src 2>/dev/null
isoinfo -f -i l1.iso >l1.txt
! grep -qE '/[^/;]{9,}\.' l1.txt || { cat l1.txt >&2; fail "level 1 name longer than 8.3"; }

# Graft points (with an escaped =), path lists, excludes.
mkdir g
printf 'x\n' >g/file
printf 'y\n' >'g/a=b'
printf '%s\n' "docs/=g/file" "top/renamed=g/a\\=b" >paths
"$MKIMAGE" -graft-points -path-list paths -o graft.iso "data=src/sub" 2>/dev/null
extract_bsdtar graft.iso gx
[ "$(cat gx/docs/file)" = x ] || fail "graft into a directory"
[ "$(cat gx/top/renamed)" = y ] || fail "graft with \\= and a new name"
[ -f gx/data/run.sh ] || fail "graft of a directory"
printf '*.bin\n' >excl
"$MKIMAGE" -m 'link-*' --exclude='*/modes' -exclude-list excl -o ex.iso src 2>/dev/null
bsdtar -tf ex.iso >ex.txt
! grep -qE 'link-to-a|modes|random.bin' ex.txt || { cat ex.txt >&2; fail "excludes"; }
grep -q 'sub/run.sh' ex.txt || fail "exclude took too much"

# -hide / -hide-joliet: gone from one view, present in the other.
"$MKIMAGE" -hide a.txt -hide-joliet '*/run.sh' -o hide.iso src 2>/dev/null
isoinfo -R -f -i hide.iso >rr.txt
joliet_names hide.iso >jo.txt
! grep -q '^/a.txt$' rr.txt || fail "-hide: still in Rock Ridge"
grep -q '^/a.txt$' jo.txt || fail "-hide: missing from Joliet"
grep -q '^/sub/run.sh$' rr.txt || fail "-hide-joliet: missing from Rock Ridge"
! grep -q '^/sub/run.sh$' jo.txt || fail "-hide-joliet: still in Joliet"

# -sort: heavier files first in the data area (extent LBAs from xorriso).
printf 'src/sub/run.sh 10\nsrc/modes/* 5\n' >sortf
"$MKIMAGE" -sort sortf -o sort.iso src 2>/dev/null
lba() { xorriso -indev sort.iso -find "$1" -exec report_lba -- 2>/dev/null |
	awk '/^File data lba:/ {print $6; exit}'; }
run=$(lba /sub/run.sh); m6=$(lba /modes/m600); a=$(lba /a.txt)
[ -n "$run" ] && [ -n "$m6" ] && [ -n "$a" ] || fail "no LBAs ($run $m6 $a)"
[ "$run" -lt "$m6" ] && [ "$m6" -lt "$a" ] || fail "-sort order: run.sh $run m600 $m6 a.txt $a"

# -f: the symlink's target is stored; -r: owners 0, modes rationalized.
"$MKIMAGE" -f -r -o fr.iso src 2>/dev/null
mkdir fx && bsdtar -C fx --numeric-owner -xpf fr.iso
[ -f fx/sub/link-to-a ] && [ ! -L fx/sub/link-to-a ] || fail "-f did not follow"
[ -L fx/dangling ] || fail "-f: dangling link should stay a link"
[ "$(stat -c %a fx/modes/m600)" = 444 ] || fail "-r file mode"
[ "$(stat -c %a fx/sub/run.sh)" = 555 ] || fail "-r exec mode"
[ "$(stat -c %u fx/a.txt)" = 0 ] || fail "-r owner"

# ISO9660 names that clash once cut to 8.3: -v names them, and isoinfo shows that libisofs
# gave them distinct names (Rock Ridge, read by bsdtar, keeps the full ones).
mkdir clash
for i in 1 2 3; do printf '%s\n' $i >"clash/long-name-number-$i.txt"; done
"$MKIMAGE" -v -iso-level 1 -o clash.iso clash 2>v.err
[ "$(grep -c 'ISO9660 name LONG_NAM.TXT is shared by other entries' v.err)" -eq 3 ] \
	|| { cat v.err >&2; fail "-v does not list clashing ISO9660 names"; }
[ "$(isoinfo -f -i clash.iso | sort -u | wc -l)" -eq 3 ] || fail "ISO9660 names not unique"
extract_bsdtar clash.iso cx
same_tree clash cx
"$MKIMAGE" --no-rock -iso-level 1 -o clash2.iso clash 2>w.err
grep -q 'warning: 3 ISO9660 names cut to fit level 1, 3 made unique' w.err || { cat w.err >&2; fail "--no-rock warning"; }
