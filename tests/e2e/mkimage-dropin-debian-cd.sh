# Drop-in: debian-cd, the x86 boot CD with jigdo.  Debian's repository is on salsa; read in its
# GitHub fork serhepopovych/debian-cd (tools/make_image at 07e283ef7f64, tools/boot/bookworm/
# boot-x86 at 14064e08a10d, read 2026-12-06).  make_image, ISO and jigdo wanted, runs
#   $MKISOFS $MKISOFS_OPTS -V '$volid' -o $OUT/$OUTFILE.iso -jigdo-jigdo $OUT/$OUTFILE.jigdo
#       -jigdo-template $OUT/$OUTFILE.template -jigdo-map Debian=$MIRROR/ -jigdo-exclude boot$n
#       -md5-list $DIR/md5-check $JIGDO_OPTS $opts $dirs CD$n
# with MKISOFS="xorriso -as mkisofs" (boot-x86: "debian-cd now depends on xorriso"),
# MKISOFS_OPTS="-r" (CONF.sh, "For normal users"), JIGDO_OPTS as CONF.sh builds them
# (-jigdo-min-file-size 0, -jigdo-exclude per pattern, -jigdo-force-md5 /pool/), $opts as
# boot-x86 collects them in $N.mkisofs_opts (BIOS + EFI: -J -joliet-long -cache-inodes
# -isohybrid-mbr ... -b isolinux/isolinux.bin -c isolinux/boot.cat -boot-load-size 4
# -boot-info-table -no-emul-boot -eltorito-alt-boot -e boot/grub/efi.img -no-emul-boot
# -isohybrid-gpt-basdat -isohybrid-apm-hfsplus) and $dirs = boot1.
# The jigdo pair must rebuild the ISO (jigit-mkimage) byte for byte, and list the same parts as
# xorriso's.  Boots: BIOS disk and UEFI disk (the APM + GPT + MBR system area is debian-cd's own;
# the El Torito entries are Alpine's, booted from CD there).
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootlib.sh"
. "$E2E_DIR/dropin.inc"
need jigit-mkimage fdisk

TOKEN='TOKEN-DEBIANCD-4d19'
dropin_boot_fixtures $TOKEN
MIRROR=$SCRATCH/mirror
mkdir -p "$MIRROR/pool/main/h/hello" "$MIRROR/pool/main/b/base-files"
head -c 30000 /dev/urandom >"$MIRROR/pool/main/h/hello/hello_2.10-3_amd64.deb"
head -c 50000 /dev/urandom >"$MIRROR/pool/main/b/base-files/base-files_12.4_amd64.deb"
TDIR=$SCRATCH/tmp
mkdir -p "$TDIR/CD1/.disk" "$TDIR/CD1/pool/main/h/hello" "$TDIR/CD1/pool/main/b/base-files" \
	"$TDIR/CD1/boot/grub" "$TDIR/CD1/install.amd" "$TDIR/CD1/dists/bookworm" "$TDIR/boot1/isolinux" \
	"$TDIR/syslinux/usr/lib/ISOLINUX"
cp -l "$MIRROR/pool/main/h/hello/hello_2.10-3_amd64.deb" "$TDIR/CD1/pool/main/h/hello/"
cp -l "$MIRROR/pool/main/b/base-files/base-files_12.4_amd64.deb" "$TDIR/CD1/pool/main/b/base-files/"
printf 'Debian GNU/Linux 12.4.0 "Bookworm" - Official amd64 NETINST\n' >"$TDIR/CD1/.disk/info"
printf 'README\n' >"$TDIR/CD1/README.txt"
printf 'Origin: Debian\n' >"$TDIR/CD1/dists/bookworm/Release"
head -c 30000 /dev/urandom >"$TDIR/CD1/install.amd/vmlinuz"
cp "$FIX/esp.img" "$TDIR/CD1/boot/grub/efi.img"
cp "$FIX"/isolinux/* "$TDIR/boot1/isolinux/"
cp "$ISOLINUX_DIR/isohdpfx.bin" "$TDIR/syslinux/usr/lib/ISOLINUX/"
# md5-check: the mirror's files with their MD5 and size, as debian-cd lists them for libjte.
for f in "$MIRROR"/pool/main/*/*/*.deb; do
	printf '%s  %12s  %s\n' "$(md5sum "$f" | cut -c1-32)" "$(stat -c %s "$f")" "$f"
done >"$TDIR/md5-check"
# boot-x86's add_mkisofs_opt calls, in order (BOOT_BIOS=1, BOOT_EFI=2, grub files present, so
# no -partition_offset 16).
opts="-J -joliet-long -cache-inodes -isohybrid-mbr syslinux/usr/lib/ISOLINUX/isohdpfx.bin -b isolinux/isolinux.bin -c isolinux/boot.cat -boot-load-size 4 -boot-info-table -no-emul-boot -eltorito-alt-boot -e boot/grub/efi.img -no-emul-boot -isohybrid-gpt-basdat -isohybrid-apm-hfsplus"
dirs="boot1"
JIGDO_OPTS="-jigdo-min-file-size 0"
for EXCL in "'README*'" /doc/ /md5sum.txt /.disk/ /pics/ "'Release*'" "'Packages*'" "'Sources*'"; do
	JIGDO_OPTS="$JIGDO_OPTS -jigdo-exclude $EXCL"
done
JIGDO_OPTS="$JIGDO_OPTS -jigdo-force-md5 /pool/"

make_image() {
	cp -a "$TDIR" "$OUT/tmp"
	DIR=$OUT/tmp n=1 volid="Debian 12.4.0 amd64 n" MKISOFS="xorriso -as mkisofs" MKISOFS_OPTS="-r"
	OUTFILE=debian-12.4.0-amd64-NETINST-1
	cd $DIR
	CMD="$MKISOFS $MKISOFS_OPTS -V '$volid' \
            -o $OUT/$OUTFILE.iso \
            -jigdo-jigdo $OUT/$OUTFILE.jigdo \
            -jigdo-template $OUT/$OUTFILE.template \
            -jigdo-map Debian=$MIRROR/ \
            -jigdo-exclude boot$n \
            -md5-list $DIR/md5-check \
            $JIGDO_OPTS $opts $dirs CD$n"
	echo $CMD
	eval "$CMD"
}
dropin_pair make_image
DROPIN_IMG=debian-12.4.0-amd64-NETINST-1.iso
dropin_compare --dates --boot-table isolinux/isolinux.bin --catalog isolinux/boot.cat
for side in real ours; do
	sed -n '/^\[Parts\]/,/^\[/p' $side/debian-12.4.0-amd64-NETINST-1.jigdo >parts.$side
done
grep -q '=Debian:pool/main/h/hello/hello_2.10-3_amd64.deb' parts.real || { cat parts.real >&2; fail "reference jigdo"; }
diff -u parts.real parts.ours >&2 || fail "the .jigdo files list different parts"
(cd ours && jigit-mkimage -j debian-12.4.0-amd64-NETINST-1.jigdo -t debian-12.4.0-amd64-NETINST-1.template \
	-m Debian="$MIRROR" -o rebuilt.iso) || fail "jigit-mkimage cannot rebuild mkimage's jigdo"
cmp ours/rebuilt.iso ours/$DROPIN_IMG || fail "the jigdo pair does not rebuild mkimage's ISO"
img=ours/$DROPIN_IMG
dropin_mbr_has_esp "$img"
boot_qemu bios-hd "$img" $TOKEN
boot_qemu uefi-hd "$img" $TOKEN
