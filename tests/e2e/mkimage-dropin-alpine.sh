# Drop-in: Alpine's mkimage.sh, create_image_iso() in alpinelinux/aports scripts/mkimg.base.sh
# (commit 21fe9494ba40, read 2026-12-06), x86_64, hybrid isolinux + EFI:
#   xorrisofs -quiet -output ${ISO} -full-iso9660-filenames -joliet -rational-rock -sysid LINUX
#       -volid "alpine-${profile_abbrev:-$PROFILE} $RELEASE $ARCH" $_isolinux $_efiboot
#       -follow-links ${iso_opts} ${DESTDIR}
# with $_isolinux and $_efiboot as the script sets them, and the EFI image made as there
# (mformat + mcopy of ${DESTDIR}/efi).  Alpine builds DESTDIR out of symlinks: -follow-links
# stores the files they point to.
# Boots: BIOS CD and disk, UEFI CD and disk.  NixOS's line makes the same layout
# (-isohybrid-mbr, El Torito EFI from a FAT file in the tree, -isohybrid-gpt-basdat): these
# boots cover it (mkimage-dropin-nixos.sh does not boot).
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootlib.sh"
. "$E2E_DIR/dropin.inc"
need mformat mcopy fdisk

TOKEN='TOKEN-ALPINE-77d2'
dropin_boot_fixtures $TOKEN
# The sections Alpine builds, then DESTDIR made of symlinks to them.
sec=$SCRATCH/sections
mkdir -p "$sec/syslinux" "$sec/kernel" "$sec/apks/x86_64" "$sec/efi/boot"
cp "$FIX"/isolinux/* "$sec/syslinux/"
cp "$ISOLINUX_DIR/isohdpfx.bin" "$sec/syslinux/"
head -c 60000 /dev/urandom >"$sec/kernel/vmlinuz-lts"
head -c 90000 /dev/urandom >"$sec/kernel/initramfs-lts"
head -c 7000 /dev/urandom >"$sec/apks/x86_64/busybox-1.37.0-r0.apk"
printf 'APKINDEX\n' >"$sec/apks/x86_64/APKINDEX.tar.gz"
cp "$FIX/grubx64.efi" "$sec/efi/boot/bootx64.efi"
DESTDIR=$SCRATCH/isotmp
mkdir -p "$DESTDIR/boot/syslinux" "$DESTDIR/boot/grub" "$DESTDIR/apks/x86_64" "$DESTDIR/efi/boot"
for f in "$sec"/syslinux/*; do ln -s "$f" "$DESTDIR/boot/syslinux/"; done
ln -s "$sec/kernel/vmlinuz-lts" "$sec/kernel/initramfs-lts" "$DESTDIR/boot/"
ln -s "$sec/apks/x86_64"/* "$DESTDIR/apks/x86_64/"
ln -s "$sec/efi/boot/bootx64.efi" "$DESTDIR/efi/boot/"
printf 'alpine-extended\n' >"$DESTDIR/.alpine-release"
printf 'set timeout=1\n' >"$DESTDIR/boot/grub/grub.cfg"
mformat -i ${DESTDIR}/boot/grub/efi.img -C -f 1440 ::
mcopy -i ${DESTDIR}/boot/grub/efi.img -s ${DESTDIR}/efi ::

alpine_iso() {
	local ISO="$OUT/alpine-extended-3.21.0-x86_64.iso"
	local _isolinux _efiboot
	profile_abbrev=extended RELEASE=3.21.0 ARCH=x86_64 iso_opts=
	if [ -e "${DESTDIR}/boot/syslinux/isolinux.bin" ]; then
		_isolinux="
			-isohybrid-mbr ${DESTDIR}/boot/syslinux/isohdpfx.bin
			-eltorito-boot boot/syslinux/isolinux.bin
			-eltorito-catalog boot/syslinux/boot.cat
			-no-emul-boot
			-boot-load-size 4
			-boot-info-table
			"
	fi
	_efiboot="
		-eltorito-alt-boot
		-e boot/grub/efi.img
		-no-emul-boot
		-isohybrid-gpt-basdat
		"
	xorrisofs \
		-quiet \
		-output ${ISO} \
		-full-iso9660-filenames \
		-joliet \
		-rational-rock \
		-sysid LINUX \
		-volid "alpine-${profile_abbrev:-$PROFILE} $RELEASE $ARCH" \
		$_isolinux \
		$_efiboot \
		-follow-links \
		${iso_opts} \
		${DESTDIR}
}
dropin_pair alpine_iso
DROPIN_IMG=alpine-extended-3.21.0-x86_64.iso
dropin_compare --dates --boot-table boot/syslinux/isolinux.bin --catalog boot/syslinux/boot.cat
# -follow-links: the files, not the links.
cp -rL "$DESTDIR" followed
dropin_same_source files.ours followed
img=ours/$DROPIN_IMG
boot_qemu bios-cd "$img" $TOKEN
boot_qemu bios-hd "$img" $TOKEN
boot_qemu uefi-cd "$img" $TOKEN
boot_qemu uefi-hd "$img" $TOKEN
