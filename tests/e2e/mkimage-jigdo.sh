# Jigdo output through libjte, as debian-cd makes it: the .jigdo and .template rebuild the very
# image mkimage wrote, with jigit-mkimage and with jigdo-file (readers we did not write), also
# when only the jigdo files are wanted (-o /dev/null); the .jigdo lists the same mirror files as
# xorriso's for the same line; misuse is refused by name.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/mkimage.inc"
need xorriso jigit-mkimage jigdo-file md5sum sha256sum cmp mkfs.vfat
need_file isolinux /usr/lib/ISOLINUX/isolinux.bin /usr/lib/ISOLINUX/isohdpfx.bin

# A mirror and a disc tree as debian-cd's make_disc_trees.pl leaves them: the pool's files are
# hard links of the mirror's; the disc's own files (README, doc/, .disk/) are not in the mirror.
mkdir -p mirror/pool/main/a mirror/pool/main/b mirror/pool/main/c CD1/pool/main/a \
	CD1/pool/main/b CD1/pool/main/c CD1/doc CD1/.disk CD1/dists/bookworm
head -c 300000 /dev/urandom >mirror/pool/main/a/alpha_1.0_all.deb
head -c 70001 /dev/urandom >mirror/pool/main/b/beta_2.0_amd64.deb
head -c 5000 /dev/urandom >mirror/pool/main/c/gamma_3.0_all.deb
for f in a/alpha_1.0_all.deb b/beta_2.0_amd64.deb c/gamma_3.0_all.deb; do
	ln "mirror/pool/main/$f" "CD1/pool/main/$f"
done
echo "Debian GNU/Linux" >CD1/README.txt
head -c 9000 /dev/urandom >CD1/doc/FAQ.bin
echo 'Debian GNU/Linux 12 "Bookworm" - Official amd64 DVD Binary-1' >CD1/.disk/info
head -c 4000 /dev/urandom >CD1/dists/bookworm/Release
MIRROR=$PWD/mirror
DIR=$PWD

# debian-cd's md5-check (tools/grab_md5): MD5, the size in 12 columns, the mirror path.
for f in mirror/pool/main/*/*.deb; do
	printf '%s  %12d  %s\n' "$(md5sum <"$f" | cut -c1-32)" "$(stat -c %s "$f")" "$DIR/$f"
done >md5-check

# debian-cd: Makefile (MKISOFS_OPTS for amd64: "-as mkisofs -r -checksum_algorithm_iso
# md5,sha1"), CONF.sh (JIGDO_OPTS: -jigdo-min-file-size 0, one -jigdo-exclude per
# JIGDO_EXCLUDE entry, -jigdo-force-md5 /pool/), tools/make_image (the line below, ISO and
# jigdo wanted; "-o /dev/null" when only jigdo is).  mkimage's -as mkisofs role is the
# front-end's; mkimage takes the same options itself.
MKISOFS_OPTS="-r -checksum_algorithm_iso md5,sha1"
JIGDO_OPTS="-jigdo-min-file-size 0"
for EXCL in 'README*' /doc/ /md5sum.txt /.disk/ /pics/ 'Release*' 'Packages*' 'Sources*'; do
	JIGDO_OPTS="$JIGDO_OPTS -jigdo-exclude $EXCL"
done
JIGDO_OPTS="$JIGDO_OPTS -jigdo-force-md5 /pool/"
export SOURCE_DATE_EPOCH=1700000000
volid="Debian 12.0.0 amd64 1"
n=1
OUT=$PWD/out
OUTFILE=debian-12.0.0-amd64-DVD-1
mkdir -p out
# shellcheck disable=SC2086 # the options are word lists, as make_image passes them
make_image() { # MKISOFS OUTPUT JIGDO-BASE [OPTION]
	$1 $MKISOFS_OPTS -V "$volid" -o "$2" \
		-jigdo-jigdo "$3.jigdo" -jigdo-template "$3.template" \
		-jigdo-map Debian="$MIRROR/" -jigdo-exclude "boot$n" -md5-list "$DIR/md5-check" \
		$JIGDO_OPTS ${4:-} CD$n
}
make_image "$MKIMAGE" "$OUT/$OUTFILE.iso" "$OUT/$OUTFILE"
grep -q '^Filename=debian-12.0.0-amd64-DVD-1.iso$' "$OUT/$OUTFILE.jigdo" ||
	{ cat "$OUT/$OUTFILE.jigdo"; fail "jigdo file names another image"; }

# The three mirror files are referred to by MD5 under the mapped name; README, doc/ and .disk/
# stay in the template.
sed -n '/^\[Parts\]/,/^\[/p' "$OUT/$OUTFILE.jigdo" | grep '=' | sort >parts.txt
[ "$(wc -l <parts.txt)" -eq 3 ] || { cat parts.txt; fail "want 3 parts in the jigdo file"; }
for f in pool/main/a/alpha_1.0_all.deb pool/main/b/beta_2.0_amd64.deb pool/main/c/gamma_3.0_all.deb; do
	grep -q "=Debian:$f\$" parts.txt || { cat parts.txt; fail "$f not in the jigdo file"; }
done

# The image's checksums in the .jigdo are the image's.
grep -q "^# Image Hex MD5Sum $(md5sum <"$OUT/$OUTFILE.iso" | cut -c1-32)\$" "$OUT/$OUTFILE.jigdo" ||
	fail "the jigdo file's image MD5 is not the image's"
grep -q "^# Image Hex SHA1Sum " "$OUT/$OUTFILE.jigdo" || fail "no SHA1 (-checksum_algorithm_iso)"

# Rebuilt from .jigdo + .template + mirror by two independent tools: the same bytes.
jigit-mkimage -j "$OUT/$OUTFILE.jigdo" -t "$OUT/$OUTFILE.template" -m Debian="$MIRROR" \
	-o jigit.iso >jigit.log 2>&1 || { cat jigit.log; fail "jigit-mkimage"; }
same_bytes jigit.iso "$OUT/$OUTFILE.iso"
jigdo-file make-image --no-cache --image=jigdo.iso --jigdo="$OUT/$OUTFILE.jigdo" \
	--template="$OUT/$OUTFILE.template" "$MIRROR" >jigdo.log 2>&1 || { cat jigdo.log; fail "jigdo-file"; }
same_bytes jigdo.iso "$OUT/$OUTFILE.iso"

# Jigdo only (make_image when no ISO is wanted): /dev/null is written in place, the template is
# the same and the .jigdo differs in the image's name alone; it rebuilds the same image.
ls -l /dev/null | grep -q '^c' || fail "/dev/null is not a character device here"
make_image "$MKIMAGE" /dev/null "$OUT/only"
[ -c /dev/null ] || fail "/dev/null was replaced"
same_bytes "$OUT/only.template" "$OUT/$OUTFILE.template"
grep -v '^Filename=\|^Template=' "$OUT/only.jigdo" >only.txt
grep -v '^Filename=\|^Template=' "$OUT/$OUTFILE.jigdo" >full.txt
diff full.txt only.txt || fail "jigdo-only run wrote another .jigdo"
jigit-mkimage -j "$OUT/only.jigdo" -t "$OUT/only.template" -m Debian="$MIRROR" -o only.iso \
	>jigit2.log 2>&1 || { cat jigit2.log; fail "jigit-mkimage (jigdo only)"; }
same_bytes only.iso "$OUT/$OUTFILE.iso"

# xorriso -as mkisofs on the same line refers to the same mirror files.
make_image "xorriso -as mkisofs" "$PWD/xorriso.iso" "$PWD/xorriso" >xorriso.log 2>&1 ||
	{ cat xorriso.log; fail "xorriso -as mkisofs"; }
sed -n '/^\[Parts\]/,/^\[/p' xorriso.jigdo | grep '=' | sort >xparts.txt
diff xparts.txt parts.txt || fail "mkimage's jigdo parts differ from xorriso's"

# SHA-256 jigdo (jigdo 2.0, -jigdo-checksum-algorithm sha256 with a sha256 -checksum-list) and a
# bzip2 template: rebuilt by both tools.
for f in mirror/pool/main/*/*.deb; do
	printf '%s  %12d  %s\n' "$(sha256sum <"$f" | cut -c1-64)" "$(stat -c %s "$f")" "$DIR/$f"
done >sha256-check
"$MKIMAGE" -r -o sha.iso -jigdo-jigdo sha.jigdo -jigdo-template sha.template \
	-jigdo-map Debian="$MIRROR/" -checksum-list sha256-check -jigdo-checksum-algorithm sha256 \
	-jigdo-template-compress bzip2 -jigdo-min-file-size 1024 -jigdo-force-checksum /pool/ CD1
grep -q '^Version=2.0' sha.jigdo || fail "sha256 jigdo is not version 2.0"
[ "$(sed -n '/^\[Parts\]/,/^\[/p' sha.jigdo | grep -c '=Debian:')" -eq 3 ] || fail "sha256 parts"
jigit-mkimage -j sha.jigdo -t sha.template -m Debian="$MIRROR" -o sha-jigit.iso >j3.log 2>&1 ||
	{ cat j3.log; fail "jigit-mkimage (sha256)"; }
same_bytes sha-jigit.iso sha.iso
jigdo-file make-image --no-cache --image=sha-jigdo.iso --jigdo=sha.jigdo --template=sha.template \
	"$MIRROR" >j4.log 2>&1 || { cat j4.log; fail "jigdo-file (sha256)"; }
same_bytes sha-jigdo.iso sha.iso

# Boot media as debian-cd's boot-x86 sets them up (isohybrid MBR, BIOS entry with a boot info
# table, EFI entry, GPT, an appended ESP, -partition_offset) and --md5: every byte libisofs
# patches is in what libjte saw, so the template still rebuilds the image.
mkdir -p boot/isolinux
cp -r CD1/. boot/
cp /usr/lib/ISOLINUX/isolinux.bin boot/isolinux/
dd if=/dev/zero of=esp.img bs=1k count=1440 status=none
mkfs.vfat esp.img >/dev/null
cp esp.img boot/efi.img
"$MKIMAGE" --md5 -r -J -joliet-long -o boot.iso -isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin \
	-b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 \
	-boot-info-table -eltorito-alt-boot -e efi.img -no-emul-boot -isohybrid-gpt-basdat \
	-append_partition 2 0xef esp.img -jigdo-jigdo boot.jigdo -jigdo-template boot.template \
	-jigdo-map Debian="$MIRROR/" -md5-list md5-check -jigdo-min-file-size 0 boot
[ "$(sed -n '/^\[Parts\]/,/^\[/p' boot.jigdo | grep -c '=Debian:')" -eq 3 ] || fail "boot parts"
jigit-mkimage -j boot.jigdo -t boot.template -m Debian="$MIRROR" -o boot-jigit.iso >j5.log 2>&1 ||
	{ cat j5.log; fail "jigit-mkimage (boot media)"; }
same_bytes boot-jigit.iso boot.iso
"$MKIMAGE" -r -o off.iso -b isolinux/isolinux.bin -no-emul-boot -boot-load-size 4 \
	-boot-info-table -isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin -partition_offset 16 \
	-jigdo-jigdo off.jigdo -jigdo-template off.template -jigdo-map Debian="$MIRROR/" \
	-md5-list md5-check boot
jigit-mkimage -j off.jigdo -t off.template -m Debian="$MIRROR" -o off-jigit.iso >j6.log 2>&1 ||
	{ cat j6.log; fail "jigit-mkimage (-partition_offset)"; }
same_bytes off-jigit.iso off.iso

# A tree libisofs 1.5.4 miscounts (mkimage-crowded-names.sh): mkimage realigns such an image,
# which libjte's template (made from libisofs's stream) would not rebuild: refused, nothing left.
mkdir crowded
gen crowded 1 5000 . 0.07 >/dev/null
"$MKIMAGE" -v -o crowded.iso crowded 2>crowded.err
grep -q 'more Rock Ridge continuation area' crowded.err ||
	fail "the crowded tree no longer needs the realignment: this case tests nothing"
expect_fail 1 'jigdo template libjte made from libisofs.s stream would not rebuild it' \
	"$MKIMAGE" -o crowded-j.iso -jigdo-jigdo crowded.jigdo -jigdo-template crowded.template \
	-md5-list md5-check crowded
[ ! -e crowded-j.iso ] && [ ! -e crowded.jigdo ] && [ ! -e crowded.template ] ||
	fail "files left after the refused crowded jigdo run"

# -jigdo-min-file-size: gamma (5,000 bytes) stays in the template below 6000.
"$MKIMAGE" -r -o min.iso -jigdo-jigdo min.jigdo -jigdo-template min.template \
	-jigdo-map Debian="$MIRROR/" -md5-list md5-check -jigdo-min-file-size 6000 CD1
! grep -q gamma min.jigdo || fail "-jigdo-min-file-size 6000 kept gamma in the jigdo file"
grep -q alpha min.jigdo || fail "alpha missing from the jigdo file"

# Misuse: refused by name, nothing written.
expect_fail 1 'doc/FAQ.bin.*should have matched' "$MKIMAGE" -r -o bad.iso -jigdo-jigdo bad.jigdo \
	-jigdo-template bad.template -md5-list md5-check -jigdo-force-md5 /doc/ CD1
[ ! -e bad.iso ] || fail "an image was left after a failed jigdo run"
[ ! -e bad.jigdo ] && [ ! -e bad.template ] || fail "jigdo files were left after a failed run"
expect_fail 1 "nodir/x.jigdo" "$MKIMAGE" -o bad.iso -jigdo-jigdo nodir/x.jigdo \
	-jigdo-template x.template -md5-list md5-check CD1
expect_fail 1 "no-such-list" "$MKIMAGE" -o bad.iso -jigdo-jigdo x.jigdo \
	-jigdo-template x.template -md5-list no-such-list CD1
[ ! -e bad.iso ] || fail "an image was left after a failed jigdo run"
expect_fail 2 '^mkimage: -jigdo-jigdo needs -jigdo-template' "$MKIMAGE" -o bad.iso \
	-jigdo-jigdo x.jigdo -md5-list md5-check CD1
expect_fail 2 '^mkimage: -jigdo-jigdo: not with -udf' "$MKIMAGE" -udf -o bad.iso \
	-jigdo-jigdo x.jigdo -jigdo-template x.template -md5-list md5-check CD1
expect_fail 2 'jigdo-checksum-algorithm sha1: want md5 or sha256' "$MKIMAGE" -o bad.iso \
	-jigdo-jigdo x.jigdo -jigdo-template x.template -md5-list md5-check \
	-jigdo-checksum-algorithm sha1 CD1
expect_fail 2 'checksum_algorithm_iso crc32: want' "$MKIMAGE" -o bad.iso \
	-checksum_algorithm_iso md5,crc32 CD1
expect_fail 2 'jigdo-map Debian: want TO=FROM' "$MKIMAGE" -o bad.iso -jigdo-jigdo x.jigdo \
	-jigdo-template x.template -md5-list md5-check -jigdo-map Debian CD1
[ ! -e bad.iso ] && [ ! -e x.jigdo ] || fail "a refused line wrote something"

# Without -jigdo-jigdo the jigdo settings make nothing and change nothing, as in xorriso:
# debian-cd's MKISOFS_OPTS always has -checksum_algorithm_iso, and its Makefile hands
# JIGDO_OPTS to make_disc_trees.pl along with them.
"$MKIMAGE" -r -o plain.iso CD1
# shellcheck disable=SC2086
"$MKIMAGE" $MKISOFS_OPTS $JIGDO_OPTS -jigdo-map Debian="$MIRROR/" -md5-list md5-check \
	-o sums.iso CD1
same_bytes plain.iso sums.iso
# -print-size with a jigdo line prints the image's size and writes no jigdo files.
[ "$(make_image "$MKIMAGE" /dev/null "$PWD/ps" -print-size)" -eq $(($(stat -c %s "$OUT/$OUTFILE.iso") / 2048)) ] ||
	fail "-print-size of the jigdo line"
[ ! -e ps.jigdo ] && [ ! -e ps.template ] || fail "-print-size wrote jigdo files"
[ "$("$MKIMAGE" -r -print-size CD1)" = "$("$MKIMAGE" $MKISOFS_OPTS $JIGDO_OPTS -print-size CD1)" ] ||
	fail "-print-size changed by jigdo settings"
