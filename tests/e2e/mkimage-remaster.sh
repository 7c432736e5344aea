# Remastering (mkimage --indev OLD): images made by xorriso and by genisoimage (Rock Ridge and
# Joliet, a crowded directory, non-ASCII and long names, symlinks, hard links) get files added,
# replaced and removed; bsdtar and xorriso extract exactly the expected tree, isoinfo lists the
# Rock Ridge and Joliet names, xorriso verifies --md5, two runs with SOURCE_DATE_EPOCH give the
# same bytes, -o - gives them too, and the old image is never touched (a failing run included).
. "$E2E_DIR/lib.sh"
need xorriso genisoimage bsdtar isoinfo sha256sum losetup
need_file isolinux /usr/lib/ISOLINUX/isohdpfx.bin /usr/lib/ISOLINUX/isolinux.bin

# The old tree.
mkdir -p old/crowd old/docs/deep/er old/gone/sub old/empty
for i in $(seq 1 300); do echo "file $i" >"old/crowd/f$(printf %04d "$i").txt"; done
echo "alpha" >old/a.txt
echo "keep" >old/docs/keep.txt
echo "deep" >old/docs/deep/er/bottom.txt
echo "bye" >old/gone/sub/x.txt
echo "caf" >"old/café-ünïcödé.txt"
echo "kanji" >"old/日本語のファイル.txt"
long=$(printf 'L%.0s' $(seq 1 150))
echo "long" >"old/$long.txt"
head -c 200000 /dev/urandom >old/docs/random.bin
ln -s a.txt old/link-a
ln -s docs/deep old/link-dir
ln -s /nonexistent/target old/dangling
ln old/docs/keep.txt old/hardlink.txt
chmod 0750 old/docs
# An xattr (AAIP in the image): kept through the remaster.
$PYTHON -c 'import os, sys; os.setxattr(sys.argv[1], "user.color", b"blue")' old/a.txt
$PYTHON -c 'import os, sys; os.setxattr(sys.argv[1], "user.color", b"green")' old/docs/keep.txt
chmod 0600 old/docs/random.bin

# What to do to it.
mkdir -p add/docs add/crowd add/newdir
echo "replaced alpha" >add/a.txt                 # replaces a file
echo "new in docs" >add/docs/new.txt             # merges into an old directory
echo "extra" >add/crowd/f9999.txt
echo "fresh" >add/newdir/fresh.txt
ln -s ../a.txt add/newdir/up-link
mkdir -p add/link-a && echo "dir now" >add/link-a/in.txt  # a directory replaces a symlink

# The expected result, made with cp and rm.
cp -a old expect
rm -f expect/link-a
cp -a add/. expect/
rm -f expect/dangling "expect/$long.txt"
rm -rf expect/gone

edit="--rm /dangling --rm /$long.txt --rm-r /gone"

check_image() { # IMAGE NAME: both extractions equal expect/ (modes too for xorriso's)
	mkdir -p "bx-$2" "xo-$2"
	bsdtar -xf "$1" -C "bx-$2"
	same_tree expect "bx-$2"
	xorriso -osirrox on -indev "$1" -extract / "xo-$2" >/dev/null 2>&1 || fail "xorriso -extract $2"
	chmod u+w "xo-$2"
	same_tree expect "xo-$2" mode
	# Hard links stay hard links (bsdtar links them from the PX inode numbers).
	[ "$(stat -c %i "bx-$2/hardlink.txt")" = "$(stat -c %i "bx-$2/docs/keep.txt")" ] ||
		fail "$2: hardlink.txt and docs/keep.txt are no longer one file"
	# Rock Ridge and Joliet names as isoinfo reads them.
	isoinfo -R -f -i "$1" >"rr-$2.txt"
	grep -qx "/café-ünïcödé.txt" "rr-$2.txt" || fail "$2: no Rock Ridge non-ASCII name"
	grep -qx "/crowd/f9999.txt" "rr-$2.txt" || fail "$2: no added file in Rock Ridge"
	[ "$(grep -c '^/crowd/f' "rr-$2.txt")" = 301 ] || fail "$2: crowd has not 301 files"
	! grep -q '^/gone' "rr-$2.txt" || fail "$2: /gone still there"
	# isoinfo converts Joliet's UTF-16 only to single-byte charsets: Latin-1 shows café.
	isoinfo -J -j iso8859-1 -f -i "$1" >"j-$2.txt" 2>/dev/null
	grep -q "^/docs/new.txt" "j-$2.txt" || fail "$2: no added file in Joliet"
	grep -q "^/caf$(printf '\351')-" "j-$2.txt" || fail "$2: no Joliet non-ASCII name"
	grep -q "^/a.txt" "j-$2.txt" || fail "$2: no a.txt in Joliet"
}

# ---- an old image by xorriso ----
xorriso -as mkisofs --xattr -R -J -joliet-long -V OLD_XORRISO -o x.iso old 2>/dev/null
sum=$(sha256sum x.iso)
# shellcheck disable=SC2086
"$MKIMAGE" -quiet --indev x.iso -o xn.iso $edit add
check_image xn.iso x
isoinfo -d -i xn.iso | grep -q '^Volume id: OLD_XORRISO$' || fail "old volume id not kept"
xorriso -xattr on -indev xn.iso -getfattr /docs/keep.txt -- 2>/dev/null >xattr.txt
grep -qx 'user.color="green"' xattr.txt || { cat xattr.txt; fail "the old file's xattr was lost"; }
# -V replaces it; stdio: names the same file.
# shellcheck disable=SC2086
"$MKIMAGE" -quiet --indev stdio:x.iso -V NEWVOL -o xv.iso $edit add
isoinfo -d -i xv.iso | grep -q '^Volume id: NEWVOL$' || fail "-V not applied"

# ---- an old image by genisoimage (RRIP 1.10, no PX inode numbers for directories) ----
genisoimage -quiet -input-charset utf-8 -R -J -joliet-long -V OLD_GENISO -o g.iso old
gsum=$(sha256sum g.iso)
# shellcheck disable=SC2086
"$MKIMAGE" -quiet --indev g.iso -o gn.iso $edit add
check_image gn.iso g
isoinfo -d -i gn.iso | grep -q '^Volume id: OLD_GENISO$' || fail "genisoimage's volume id"

# ---- a block device (read-only loop device over the xorriso image) gives the same bytes ----
loop=$(losetup -r -f --show x.iso) || cannot_test "no loop device (losetup -f failed; needs root and the loop driver)"
trap 'losetup -d "$loop" 2>/dev/null || true' EXIT
# shellcheck disable=SC2086
SOURCE_DATE_EPOCH=1700000000 "$MKIMAGE" -quiet --indev "$loop" -o xl.iso $edit add
# shellcheck disable=SC2086
SOURCE_DATE_EPOCH=1700000000 "$MKIMAGE" -quiet --indev x.iso -o xf.iso $edit add
same_bytes xf.iso xl.iso
losetup -d "$loop"
trap - EXIT

# ---- ISO 9660:1999 names (genisoimage -iso-level 4, no Rock Ridge, no Joliet) ----
mkdir -p l4/sub && echo one >"l4/Mixed Case Name With Spaces.txt" && echo two >l4/sub/a-long-name-for-1999.data
genisoimage -quiet -iso-level 4 -o l4.iso l4
"$MKIMAGE" -quiet --indev l4.iso -o l4n.iso add
isoinfo -R -f -i l4n.iso >l4n.txt
grep -qx "/Mixed Case Name With Spaces.txt" l4n.txt || { cat l4n.txt; fail "ISO 9660:1999 name lost"; }
grep -qx "/sub/a-long-name-for-1999.data" l4n.txt || { cat l4n.txt; fail "ISO 9660:1999 name lost"; }
grep -qx "/newdir/fresh.txt" l4n.txt || fail "added file missing on an ISO 9660:1999 image"

# ---- --md5, checked by xorriso ----
# shellcheck disable=SC2086
"$MKIMAGE" -quiet --md5 --indev x.iso -o xm.iso $edit add
xorriso -md5 on -indev xm.iso -check_md5 FAILURE -- >md5.log 2>&1 || { cat md5.log; fail "check_md5"; }
grep -q 'Ok, session data match recorded md5' md5.log || { cat md5.log; fail "no session MD5"; }
xorriso -md5 on -indev xm.iso -check_md5_r FAILURE / -- >md5r.log 2>&1 || { cat md5r.log; fail "check_md5_r"; }
# A remaster of an --md5 image: the old image's tags are checked on import, the new ones right.
"$MKIMAGE" -quiet --md5 --indev xm.iso -o xmm.iso add
xorriso -md5 on -indev xmm.iso -check_md5_r FAILURE / -- >md5rr.log 2>&1 || { cat md5rr.log; fail "check_md5_r of a remastered --md5 image"; }
# ... and without --md5 no stale checksum index is left (xorriso finds no MD5 to complain of).
"$MKIMAGE" -quiet --indev xm.iso -o xmn.iso add
! grep -qa 'libisofs_checksum_tag_v1' xmn.iso || fail "a checksum tag without --md5"

# A damaged tree under MD5 tags is refused (exit 2), naming the old image.
cp xm.iso xmd.iso
root=$(od -An -tu4 -j $((16 * 2048 + 158)) -N4 xmd.iso | tr -d ' ')
flip_byte xmd.iso $((root * 2048 + 2047))
expect_fail 2 'xmd.iso: cannot import: .*MD5 mismatch' "$MKIMAGE" --indev xmd.iso -o bad.iso add
[ ! -e bad.iso ] || fail "a refused import left bad.iso"

# ---- reproducible, and -o - gives the same bytes ----
# shellcheck disable=SC2086
SOURCE_DATE_EPOCH=1700000000 "$MKIMAGE" -quiet --indev g.iso -o r1.iso $edit add
# shellcheck disable=SC2086
SOURCE_DATE_EPOCH=1700000000 "$MKIMAGE" -quiet --indev g.iso -o r2.iso $edit add
same_bytes r1.iso r2.iso
# shellcheck disable=SC2086
SOURCE_DATE_EPOCH=1700000000 "$MKIMAGE" -quiet --indev g.iso -o - $edit add >r3.iso
same_bytes r1.iso r3.iso
# --reproducible without SOURCE_DATE_EPOCH and nothing added: the old image's modification
# date (ECMA-119 8.4.27, byte 830 of the PVD) is the new one's, not the clock's nor 1970.
"$MKIMAGE" -quiet --reproducible --indev g.iso -o rr.iso --rm-r /gone
[ "$(od -An -c -j $((16 * 2048 + 830)) -N 16 rr.iso)" = "$(od -An -c -j $((16 * 2048 + 830)) -N 16 g.iso)" ] ||
	fail "--reproducible: the volume modification date is not the old image's"
# -print-size says the size of what is written.
# shellcheck disable=SC2086
size=$("$MKIMAGE" -quiet --indev g.iso -print-size $edit add)
[ $((size * 2048)) = "$(stat -c %s r1.iso)" ] || fail "-print-size $size blocks, image $(stat -c %s r1.iso) bytes"

# ---- Joliet follows the old image unless told ----
xorriso -as mkisofs -R -o nj.iso old 2>/dev/null
"$MKIMAGE" -quiet --indev nj.iso -o njn.iso add
! isoinfo -d -i njn.iso | grep -q 'Joliet with UCS' || fail "Joliet written for an old image without it"
"$MKIMAGE" -quiet -J --indev nj.iso -o njj.iso add
isoinfo -d -i njj.iso | grep -q 'Joliet with UCS' || fail "-J did not add Joliet"
"$MKIMAGE" -quiet --no-joliet --indev x.iso -o xnj.iso add
! isoinfo -d -i xnj.iso | grep -q 'Joliet with UCS' || fail "--no-joliet kept Joliet"

# ---- failures: clear messages, no output, OLD untouched ----
expect_fail 2 'not in the old image' "$MKIMAGE" --indev x.iso -o bad.iso --rm /no/such add
[ ! -e bad.iso ] || fail "a failed run left bad.iso"
expect_fail 2 'not empty' "$MKIMAGE" --indev x.iso -o bad.iso --rm /docs add
expect_fail 2 'is the --indev image' "$MKIMAGE" --indev x.iso -o x.iso add
expect_fail 2 'not an ISO 9660 image' "$MKIMAGE" --indev old/a.txt -o bad.iso add
expect_fail 2 'x-missing.iso' "$MKIMAGE" --indev x-missing.iso -o bad.iso add
# A UDF view (--media dvd: UDF 1.02) holds the whole merged tree too (non-ASCII names, the
# crowded directory, symlinks): imginfo's UDF reader extracts expect/, modes included
# (mkimage-remaster-udf.sh checks it with other readers).
# shellcheck disable=SC2086
"$MKIMAGE" -quiet --media dvd --indev x.iso -o xu.iso $edit add
"$IMGINFO" -x / -C ux --view udf xu.iso || fail "imginfo -x --view udf xu.iso"
same_tree expect ux mode
expect_fail 2 'needs --indev' "$MKIMAGE" --rm /a.txt -o bad.iso add
expect_fail 2 'replay or keep-none' "$MKIMAGE" --indev x.iso --boot sometimes -o bad.iso add
# Old file data that cannot be read (the image cut short after its tree) fails the write, after
# it started, naming the old image and the byte: no output, the old image as it was.  The image
# has no Joliet tree: the walk of an old Joliet tree (which files it lists) finds a file past
# the end before anything is written, which the second case shows.
xorriso -as mkisofs -R -o xnj.iso old 2>/dev/null
lba=$(xorriso -indev xnj.iso -find /docs/random.bin -exec report_lba -- 2>/dev/null |
	awk '/File data lba:/ {print $6; exit}')
[ -n "$lba" ] || fail "no LBA for /docs/random.bin"
head -c $((lba * 2048 + 4096)) xnj.iso >cut.iso
csum=$(sha256sum cut.iso)
expect_fail 1 "cut.iso: cannot read the old image: .* at byte [0-9]+" \
	"$MKIMAGE" --indev cut.iso -o bad.iso add
[ "$(sha256sum cut.iso)" = "$csum" ] || fail "cut.iso changed"
[ ! -e bad.iso ] || fail "a failed run left bad.iso"
lba=$(xorriso -indev x.iso -find /docs/random.bin -exec report_lba -- 2>/dev/null |
	awk '/File data lba:/ {print $6; exit}')
head -c $((lba * 2048 + 4096)) x.iso >cutj.iso
expect_fail 2 "cutj.iso: Joliet tree: Joliet directory record at byte [0-9]+: .* past the end" \
	"$MKIMAGE" --indev cutj.iso -o bad.iso add
[ ! -e bad.iso ] || fail "a refused run left bad.iso"
[ "$(sha256sum x.iso)" = "$sum" ] || fail "x.iso changed"
[ "$(sha256sum g.iso)" = "$gsum" ] || fail "g.iso changed"

# ---- boot records: replayed by default (mkimage-remaster-boot.sh has the details), dropped
# with --boot keep-none ----
mkdir -p bootsrc/boot && head -c 2048 /dev/zero >bootsrc/boot/boot.img && echo hi >bootsrc/hi.txt
xorriso -as mkisofs -R -J -b boot/boot.img -no-emul-boot -c boot/boot.cat -o b.iso bootsrc 2>/dev/null
bsum=$(sha256sum b.iso)
"$MKIMAGE" -quiet --indev b.iso -o br.iso add
xorriso -indev br.iso -report_el_torito plain 2>&1 | grep -q 'El Torito boot img' ||
	fail "the boot replay lost the El Torito entry"
"$MKIMAGE" -quiet --indev b.iso --boot keep-none -o bn.iso add
xorriso -indev bn.iso -report_el_torito plain >eltorito.txt 2>&1
! grep -q 'El Torito boot img' eltorito.txt || { cat eltorito.txt; fail "keep-none kept El Torito"; }
isoinfo -R -f -i bn.iso >bn.txt
grep -qx /boot/boot.img bn.txt || fail "the boot image file went with the boot record"
! grep -qx /boot/boot.cat bn.txt || fail "the boot catalog stayed"
grep -qx /hi.txt bn.txt || fail "old file lost"
[ "$(sha256sum b.iso)" = "$bsum" ] || fail "b.iso changed"
# A new boot setup on top, from a file of the old image: its boot info table (bytes 8-15:
# the PVD's block, the file's block) is patched for the new addresses.
"$MKIMAGE" -quiet --indev b.iso --boot keep-none -b boot/boot.img -no-emul-boot \
	-boot-info-table -o nb.iso add
xorriso -indev nb.iso -report_el_torito as_mkisofs >nb-boot.txt 2>&1
grep -qx "\-b '/boot/boot.img'" nb-boot.txt || { cat nb-boot.txt; fail "new El Torito entry missing"; }
blba=$(xorriso -indev nb.iso -find /boot/boot.img -exec report_lba -- 2>/dev/null |
	awk '/File data lba:/ {print $6; exit}')
[ "$(od -An -tu4 -j $((blba * 2048 + 8)) -N8 nb.iso | tr -s ' ')" = " 16 $blba" ] ||
	fail "boot info table of an old file not patched for block $blba"
# An isohybrid image with an appended partition: keep-none leaves a zero system area, no El
# Torito, no partition table and nothing appended.
mkdir -p hyb/isolinux && cp /usr/lib/ISOLINUX/isolinux.bin hyb/isolinux/ && echo hi >hyb/hi.txt
head -c 1048576 /dev/zero >part.img
xorriso -as mkisofs -R -J -isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin \
	-b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 \
	-boot-info-table -append_partition 2 0xef part.img -o h.iso hyb 2>/dev/null
"$MKIMAGE" -quiet --indev h.iso -o hr.iso add
xorriso -indev hr.iso -report_system_area plain 2>&1 | grep -Eq '^MBR partition +: +2 +0x00 +0xef' ||
	fail "the boot replay lost the appended partition"
"$MKIMAGE" -quiet --indev h.iso --boot keep-none -o hn.iso add
[ "$(head -c 32768 hn.iso | tr -d '\000' | wc -c)" = 0 ] || fail "keep-none: system area not zero"
xorriso -indev hn.iso -report_system_area plain -report_el_torito plain >hn-boot.txt 2>&1
! grep -Eq 'MBR|GPT|El Torito boot img|partition' hn-boot.txt || { cat hn-boot.txt; fail "keep-none kept a boot record"; }
[ $(($(stat -c %s hn.iso) * 2)) -lt "$(stat -c %s part.img)" ] || fail "keep-none kept the appended partition"
isoinfo -R -f -i hn.iso | grep -qx /isolinux/isolinux.bin || fail "isolinux.bin went with the boot record"
# An image without boot records remasters with --boot replay too.
"$MKIMAGE" -quiet --indev x.iso --boot replay -o xr.iso add
