# Drop-in: Yocto's wic plugin isoimage-isohybrid (openembedded/openembedded-core
# scripts/lib/wic/plugins/source/isoimage-isohybrid.py, commit dba099d77dcc, read 2026-12-06),
# do_prepare_partition: the mkisofs_cmd it builds, with its fixed names
# (iso_bootimg=isolinux/isolinux.bin, iso_bootcat=isolinux/boot.cat, efi_img=efi.img):
#   mkisofs -V LABEL -o ISO_IMG -U -J -joliet-long -r -iso-level 2 -b isolinux/isolinux.bin
#           -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table
#           -eltorito-alt-boot -eltorito-platform 0xEF -eltorito-boot efi.img -no-emul-boot ISODIR
# Yocto's mkisofs is cdrtools' (native sysroot); Debian has none, and its mkisofs (genisoimage)
# refuses -eltorito-platform, so the reference is xorrisofs, which takes it.  Yocto makes the disk
# form with isohybrid afterwards (another program): the line itself makes CD boot records.
# Boots: BIOS CD and UEFI CD (the EFI entry set with -eltorito-platform 0xEF -eltorito-boot).
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootlib.sh"
. "$E2E_DIR/dropin.inc"
dropin_real_is mkisofs xorrisofs

TOKEN='TOKEN-YOCTO-e410'
dropin_boot_fixtures $TOKEN
isodir=$SCRATCH/isodir
mkdir -p "$isodir/isolinux" "$isodir/EFI/BOOT"
cp "$FIX"/isolinux/* "$isodir/isolinux/"
cp "$ISOLINUX_DIR/isohdpfx.bin" "$isodir/isolinux/"
cp "$FIX/grubx64.efi" "$isodir/EFI/BOOT/bootx64.efi"
cp "$FIX/esp.img" "$isodir/efi.img"
head -c 40000 /dev/urandom >"$isodir/vmlinuz"
head -c 70000 /dev/urandom >"$isodir/initrd"
# -U allows names ISO 9660 forbids: one with lower case, several dots and a leading dot.
printf 'x\n' >"$isodir/.Mixed.Case.name.txt"

wic_iso() {
	part_label=boot iso_img=$OUT/tempiso_img.iso
	iso_bootimg="isolinux/isolinux.bin" iso_bootcat="isolinux/boot.cat" efi_img="efi.img"
	mkisofs_cmd="mkisofs -V $part_label "
	mkisofs_cmd+="-o $iso_img -U "
	mkisofs_cmd+="-J -joliet-long -r -iso-level 2 -b $iso_bootimg "
	mkisofs_cmd+="-c $iso_bootcat -no-emul-boot -boot-load-size 4 "
	mkisofs_cmd+="-boot-info-table -eltorito-alt-boot "
	mkisofs_cmd+="-eltorito-platform 0xEF -eltorito-boot $efi_img "
	mkisofs_cmd+="-no-emul-boot $isodir "
	$mkisofs_cmd
}
dropin_pair wic_iso
# Documented difference: mkimage called as mkisofs stands for Debian's mkisofs, genisoimage, and
# writes its system id LINUX; the harness's reference for mkisofs lines is xorrisofs, which
# writes none.
dropin_allow '^System id: ' "mkisofs is genisoimage on Debian (system id LINUX); xorrisofs writes none"
DROPIN_IMG=tempiso_img.iso
dropin_compare --dates --boot-table isolinux/isolinux.bin --catalog isolinux/boot.cat
dropin_same_source files.ours "$isodir" mode
grep -q '^-e ./efi.img.$' ours/tempiso_img.iso.report.raw ||
	{ cat ours/tempiso_img.iso.report.raw >&2; fail "no EFI El Torito entry for efi.img"; }
img=ours/$DROPIN_IMG
boot_qemu bios-cd "$img" $TOKEN
boot_qemu uefi-cd "$img" $TOKEN
