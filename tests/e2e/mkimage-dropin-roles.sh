# mkimage called as genisoimage, mkisofs, xorrisofs and xorriso (symlinks), and as
# `mkimage -as mkisofs|genisoimage`, makes the same file trees in every view (ISO 9660, Joliet,
# Rock Ridge, as isoinfo lists them) as the real genisoimage and xorriso from the same command
# lines, defaults included; -help lists what grub-mkrescue looks for.
. "$E2E_DIR/lib.sh"
need genisoimage xorriso isoinfo
need_file isolinux /usr/lib/ISOLINUX/isolinux.bin /usr/lib/ISOLINUX/isohdpfx.bin

mkdir -p t/sub/deeper cfg/openstack/latest
printf 'hello\n' >t/a.txt
printf 'x\n' >t/LongFileName.text
printf 'y\n' >t/sub/deeper/file.bin
printf '#!/bin/sh\n' >t/sub/run.sh
chmod 755 t/sub/run.sh
printf '#cloud-config\n' >user-data
printf 'instance-id: i-1\n' >meta-data
printf '{}\n' >cfg/openstack/latest/meta_data.json

# Two builds of one tree are byte-identical with it (for the same_bytes checks).
export SOURCE_DATE_EPOCH=1700000000
mkdir bin
for n in genisoimage mkisofs xorrisofs xorriso; do ln -s "$MKIMAGE" bin/$n; done

# listing VIEW IMG: isoinfo's listing of one view without dates and block addresses (the
# layouts differ) and without "." and ".." (isoinfo shows Rock Ridge names of those only for
# some writers), sorted.
listing() {
	case $1 in iso) opt= ;; joliet) opt=-J ;; rock) opt=-R ;; esac
	isoinfo $opt -l -i "$2" | awk '
		/^Directory listing of / { dir = $0; next }
		/^[d-]/ { name = $0; sub(/^[^]]*\] +/, "", name); sub(/ +$/, "", name)
			  if (name == "" || name == "." || name == "..") next
			  print dir "|" $1 "|" $3 "|" $4 "|" $5 "|" name }' | LC_ALL=C sort
}

# views A B: the same trees in the views the first image has.
views() {
	for v in iso joliet rock; do
		listing $v "$1" >a.$v
		listing $v "$2" >b.$v
		diff a.$v b.$v >/dev/null || { diff a.$v b.$v >&2; fail "$v view differs: $1 $2"; }
	done
}

# header IMG: what isoinfo -d says, less the fields that name the writer or the layout.  The
# publisher in upper case: libisofs writes a-characters only (xorriso's image says OPENSTACK
# NOVA too; genisoimage keeps the case).
header() {
	isoinfo -d -i "$1" | grep -E '^(Volume id|Volume set id|System id|Publisher id|Joliet|NO Joliet|Rock Ridge|NO Rock Ridge)' |
		sed 's/Joliet with UCS level.*/Joliet/; /^Publisher id/ s/.*/\U&/'
}

blocks() { echo $(($(stat -c %s "$1") / 2048)); }

# compare REAL-CMD -- OUR-CMD: each makes out.iso; trees and headers agree.
run_both() {
	real=$1 ours=$2
	shift 2
	rm -f real.iso ours.iso
	"$real" -o real.iso "$@" 2>real.err || { cat real.err >&2; fail "$real $*"; }
	"$ours" -o ours.iso "$@" || fail "$ours $*"
	views real.iso ours.iso
	header real.iso >real.h
	header ours.iso >ours.h
	diff real.h ours.h >&2 || fail "headers differ: $ours $*"
}

# Defaults: no options at all (genisoimage: no Rock Ridge or Joliet, level 1, CDROM, system
# id LINUX; xorriso -as mkisofs: Rock Ridge, ISOIMAGE).
run_both genisoimage bin/genisoimage t
run_both genisoimage bin/mkisofs t
grep -q 'NO Rock Ridge' ours.h && grep -q 'NO Joliet' ours.h || fail "genisoimage defaults"
run_both xorrisofs bin/xorrisofs t
grep -q 'Volume id: ISOIMAGE' ours.h && grep -q 'Rock Ridge' ours.h || fail "xorrisofs defaults"

# Padding: 150 blocks by default, none with -no-pad, in both roles as in both originals.
for tool in genisoimage xorrisofs; do
	$tool -quiet -o r1.iso t 2>/dev/null; $tool -quiet -no-pad -o r2.iso t 2>/dev/null
	bin/$tool -o o1.iso t; bin/$tool -no-pad -o o2.iso t
	[ $(($(blocks r1.iso) - $(blocks r2.iso))) -eq 150 ] || fail "$tool pads other than 150"
	[ $(($(blocks o1.iso) - $(blocks o2.iso))) -eq 150 ] || fail "bin/$tool pads other than 150"
	bin/$tool -pad -o o3.iso t
	same_bytes o1.iso o3.iso
done
# mkimage's own role keeps its defaults: no padding, Rock Ridge and Joliet, level 3.
"$MKIMAGE" -o own.iso t
"$MKIMAGE" -no-pad -o own2.iso t
same_bytes own.iso own2.iso
isoinfo -d -i own.iso | grep -q 'Joliet with' || fail "mkimage role lost Joliet"

# cloud-localds (cloud-utils, bin/cloud-localds): its literal genisoimage options.
run_both genisoimage bin/genisoimage -volid cidata -joliet -rock user-data meta-data
rm -f seed.img
bin/genisoimage -output seed.img -volid cidata -joliet -rock user-data meta-data
isoinfo -d -i seed.img | grep -q 'Volume id: cidata' || fail "cloud-localds: volume id"
isoinfo -J -i seed.img -x /user-data | grep -q cloud-config || fail "cloud-localds: user-data"

# OpenStack Nova's config drive (nova/virt/configdrive.py) less the name relaxations
# (-ldots -allow-lowercase -allow-multidot -l belong to another branch of issue 14).
run_both genisoimage bin/genisoimage -publisher 'OpenStack Nova' -quiet -J -r -V config-2 cfg
run_both xorrisofs bin/xorrisofs -publisher 'OpenStack Nova' -quiet -J -r -V config-2 cfg

# Leaving out and hiding (-x, -hide-list, -hide-joliet-list): the same views as genisoimage's.
printf 'b\n' >t/b.tmp
printf 'a.txt\n' >hide.lst
printf 'sub\n' >hidej.lst
run_both genisoimage bin/genisoimage -R -J -x '*.tmp' -hide-list hide.lst -hide-joliet-list hidej.lst t
! grep -q 'b.tmp' b.rock || fail "-x: b.tmp in the image"
! grep -q 'a.txt' b.rock || fail "-hide-list: a.txt in Rock Ridge"
grep -q 'a.txt' b.joliet || fail "-hide-list: a.txt not in Joliet"
rm t/b.tmp

# The same line through every way of calling: the same bytes.
bin/xorriso -as mkisofs -J -r -V X -o w1.iso t
bin/xorrisofs -J -r -V X -o w2.iso t
"$MKIMAGE" -as mkisofs -J -r -V X -o w3.iso t
bin/xorriso -no_rc -report_about SORRY -as genisoimage -J -r -V X -o w4.iso t
same_bytes w1.iso w2.iso; same_bytes w1.iso w3.iso; same_bytes w1.iso w4.iso
bin/genisoimage -J -r -V X -o g1.iso t
"$MKIMAGE" -as genisoimage -J -r -V X -o g2.iso t
same_bytes g1.iso g2.iso
# No -o: the image goes to stdout, in both roles.
bin/genisoimage -J -r -V X t >g3.iso
same_bytes g1.iso g3.iso
bin/xorriso -as mkisofs -J -r -V X t >w5.iso
same_bytes w1.iso w5.iso

# xorriso's native commands: -volume_date all_file_dates sets every file's dates, as xorriso.
unset SOURCE_DATE_EPOCH
xorriso -no_rc -volume_date all_file_dates =1600000000 -as mkisofs -o real.iso t 2>/dev/null
bin/xorriso -no_rc -volume_date all_file_dates =1600000000 -as mkisofs -o ours.iso t
isoinfo -R -l -i real.iso | grep -c 'Sep 13 2020' >real.n
isoinfo -R -l -i ours.iso | grep -c 'Sep 13 2020' >ours.n
[ "$(cat real.n)" -gt 4 ] || fail "xorriso set no file dates"
diff real.n ours.n || fail "-volume_date all_file_dates: not every file"
# -volume_date c, m, x, f, uuid: the primary volume descriptor's four dates (ECMA-119 8.4.26-29,
# bytes 813..880) as xorriso writes them; those not given are the clock's, so compared by field.
pvd_dates() {
	$PYTHON -c 'import sys; d = open(sys.argv[1], "rb").read()[16 * 2048:17 * 2048]
print(" ".join(d[o:o + 16].decode() for o in (813, 830, 847, 864)))' "$1"
}
for kind in c m x f uuid; do
	xorriso -volume_date $kind 2021010203040500 -as mkisofs -o real.iso t 2>/dev/null
	bin/xorriso -volume_date $kind 2021010203040500 -as mkisofs -o ours.iso t
	real=$(pvd_dates real.iso) ours=$(pvd_dates ours.iso)
	for i in 1 2 3 4; do
		r=$(echo $real | cut -d' ' -f$i) o=$(echo $ours | cut -d' ' -f$i)
		case $r in 2021010203040500|0000000000000000) [ "$r" = "$o" ] || fail "-volume_date $kind: date $i is $o, xorriso $r" ;;
		*) [ "$o" != 2021010203040500 ] || fail "-volume_date $kind: date $i set" ;; esac
	done
done
expect_fail 2 "mkimage: -volume_date q: want c, m, x, f, uuid or all_file_dates" \
	bin/xorriso -volume_date q 1 -as mkisofs t
expect_fail 2 "mkimage: -volume_date needs 2 arguments" bin/xorriso -as mkisofs t -volume_date c
# -boot_image any gpt_disk_guid=: the GPT of an appended EFI partition gets that disk GUID (and
# the partition GUIDs xorriso derives from it): xorriso's report of both system areas agrees.
head -c 1048576 /dev/zero >efi.img
guid=11111111-2222-3333-4444-555555555555
xorriso -boot_image any gpt_disk_guid=$guid -as mkisofs -o real.iso \
	-append_partition 2 0xef efi.img -appended_part_as_gpt t 2>/dev/null
bin/xorriso -boot_image any gpt_disk_guid=$guid -as mkisofs -o ours.iso \
	-append_partition 2 0xef efi.img -appended_part_as_gpt t
xorriso -indev real.iso -report_system_area plain 2>/dev/null | grep GUID >real.sa
xorriso -indev ours.iso -report_system_area plain 2>/dev/null | grep GUID >ours.sa
grep -q 'GPT disk GUID *: *11111111222233334444555555555555' ours.sa || { cat ours.sa >&2; fail "gpt_disk_guid"; }
diff real.sa ours.sa || fail "-boot_image any gpt_disk_guid: GUIDs differ from xorriso's"

# -boot_image isolinux dir= and system_area= (live-build's and debian-cd's style): the same
# El Torito catalog and system area as xorriso's, by xorriso's own report.
mkdir -p bt/isolinux
cp /usr/lib/ISOLINUX/isolinux.bin bt/isolinux/
printf 'DEFAULT x\n' >bt/isolinux/isolinux.cfg
for who in real ours; do
	case $who in real) x=xorriso ;; ours) x=bin/xorriso ;; esac
	$x -boot_image isolinux dir=/isolinux \
		-boot_image isolinux system_area=/usr/lib/ISOLINUX/isohdpfx.bin \
		-boot_image any load_size=2048 -as mkisofs -o $who.iso bt 2>/dev/null
	xorriso -indev $who.iso -report_el_torito as_mkisofs -report_system_area plain 2>/dev/null |
		sed "s/'$who.iso'/IMG/" | grep -v -- '--modification-date=' >$who.boot
done
grep -q -- '-boot-info-table' ours.boot && grep -q -- '-isohybrid-mbr' ours.boot || { cat ours.boot >&2; fail "-boot_image isolinux: no boot"; }
diff real.boot ours.boot || fail "-boot_image isolinux: boot equipment differs from xorriso's"

expect_fail 2 'mkimage: -load sbsector: not supported: mkimage loads by session number only' \
	bin/xorriso -load sbsector 16 -outdev x.iso -as mkisofs t
expect_fail 2 'mkimage: -chmod: native xorriso command not supported \(mkimage takes' \
	bin/xorriso -chmod 0644 /t -- -outdev x.iso -as mkisofs t
# With native image commands, xorriso's -as mkisofs turns to mkisofs's defaults at its first
# pathspec (ISO level 1, dots in directory names): the same trees in every view as xorriso's.
mkdir -p ps/dir.with.dot
printf 'p\n' >ps/dir.with.dot/Some_Long_Name_File.txt
for who in real ours; do
	case $who in real) x=xorriso ;; ours) x=bin/xorriso ;; esac
	rm -f $who-ps.iso
	$x -outdev $who-ps.iso -map t /t -as mkisofs ps >$who-ps.log 2>&1 ||
		{ cat $who-ps.log >&2; fail "native -map then -as mkisofs PATHSPEC ($who)"; }
done
views real-ps.iso ours-ps.iso
listing iso ours-ps.iso | grep -q '|SOME_LON.TXT;1$' || fail "-as mkisofs pathspec: not level 1"
# ... but the -map graft points are read with -graft-points: a pathspec with '=' is refused.
expect_fail 2 "mkimage: a=b: a pathspec with '=' or" bin/xorriso -outdev x.iso -map t /t -as mkisofs a=b
expect_fail 2 'mkimage: -boot_image any keep: not supported' bin/xorriso -boot_image any keep -as mkisofs t
[ ! -e x.iso ] || fail "a refused native command wrote x.iso"

# xorriso's image commands (no boot: the mkksiso test has that): a remaster of an image that
# has Joliet, with an addition, a replacement, removals (a list ended by "--"), an -update
# whose disk file is gone (xorriso deletes the image file) and relative image paths, made by
# both; the same trees in every view (no Joliet without -joliet on) and
# the same volume header.  A refused line leaves no output and the old image as it was.
xorriso -as mkisofs -R -J -V OLDVOL -o old.iso t 2>/dev/null
mkdir -p nat
printf 'new\n' >nat/new.txt
printf 'replaced\n' >nat/a.txt
old_sum=$(md5sum <old.iso)
for who in real ours; do
	case $who in real) x=xorriso ;; ours) x=bin/xorriso ;; esac
	rm -f $who-nat.iso
	$x -indev old.iso -outdev $who-nat.iso -map nat/new.txt sub/../added/new.txt \
		-map nat/a.txt /a.txt -rm_r /sub/deeper /sub -- \
		-update nat/gone.txt LongFileName.text -volid NEWVOL >$who-nat.log 2>&1 ||
		{ cat $who-nat.log >&2; fail "native remaster ($who)"; }
done
views real-nat.iso ours-nat.iso
[ "$(header real-nat.iso)" = "$(header ours-nat.iso)" ] ||
	{ header real-nat.iso; header ours-nat.iso; fail "native remaster: headers differ"; } >&2
listing rock ours-nat.iso >nat.rock
grep -q '|a.txt$' nat.rock && grep -q '/added/|.*|new.txt$' nat.rock &&
	! grep -q 'sub\|LongFileName' nat.rock ||
	{ cat nat.rock >&2; fail "native remaster: not the tree asked for"; }
isoinfo -R -x /a.txt -i ours-nat.iso | cmp - nat/a.txt || fail "native remaster: /a.txt not replaced"
expect_fail 2 'mkimage: -rm /a.txt/x: not supported after -map or -update of /a.txt' \
	bin/xorriso -indev old.iso -outdev x.iso -map nat/a.txt /a.txt -rm /a.txt/x
[ ! -e x.iso ] || fail "a refused native line wrote x.iso"
[ "$(md5sum <old.iso)" = "$old_sum" ] || fail "the old image changed"
# -find lists as xorriso does, below a start path given relative and with a trailing slash.
xorriso -indev old.iso -find sub/ >find.real 2>/dev/null
bin/xorriso -indev old.iso -find sub/ >find.ours
diff -u find.real find.ours || fail "-find sub/: not xorriso's listing"
grep -qx "'sub/deeper/file.bin'" find.ours || { cat find.ours >&2; fail "-find sub/: no file"; }
expect_fail 2 'mkimage: -find /nothere: not in the image' bin/xorriso -indev old.iso -find /nothere

# -help in each role lists the options as the original, one dash (grub-mkrescue greps for
# these two); mkimage's own --help is unchanged.
for cmd in "bin/xorriso -as mkisofs" "bin/xorrisofs" "bin/genisoimage" "$MKIMAGE -as mkisofs"; do
	$cmd -help >help.out
	grep -q -- '-graft-points' help.out && grep -q -- 'grub2-boot-info' help.out ||
		fail "$cmd -help: no graft-points or grub2-boot-info"
	grep -q '^Usage: ' help.out || fail "$cmd -help: no usage line"
done
"$MKIMAGE" --help | grep -q -- '--no-rock' || fail "mkimage --help changed"
