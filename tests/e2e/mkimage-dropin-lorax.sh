# Drop-in: Fedora's lorax, boot.iso of share/templates.d/99-generic/x86.tmpl (weldr/lorax, commit
# ba5acecfb45c, 2026-08-17): GRUB 2 for BIOS (an i386-pc-eltorito core made by grub2-mkimage, the
# hybrid MBR boot_hybrid.img) and the EFI system partition appended as a GPT partition:
#   xorrisofs ${isoargs} -o ${outroot}/images/boot.iso -R -J -V '${isolabel}'
#       --grub2-mbr ${inroot}/usr/lib/grub/i386-pc/boot_hybrid.img -partition_offset 16
#       -appended_part_as_gpt
#       -append_partition 2 C12A7328-F81F-11D2-BA4B-00A0C93EC93B ${outroot}/images/efiboot.img
#       -iso_mbr_part_type EBD0A0A2-B9E5-4433-87C0-68B6B72699C7 -c boot.cat --boot-catalog-hide
#       -b images/eltorito.img -no-emul-boot -boot-load-size 4 -boot-info-table
#       --grub2-boot-info -eltorito-alt-boot -e '--interval:appended_partition_2:all::'
#       -no-emul-boot -graft-points .discinfo=... ${STAGE2IMG}=... ${KERNELDIR}=...
#       ${filegraft} ${GRUB2DIR}=... ${GRUB2DIR}/i386-pc=${inroot}/usr/lib/grub/i386-pc
#       images/eltorito.img=... EFI/BOOT=${outroot}/EFI/BOOT
# (Debian's grub-mkimage and /usr/lib/grub/i386-pc stand for Fedora's grub2-mkimage and inroot.)
# Boots: BIOS CD and disk (GRUB 2 El Torito with its boot info; the GRUB hybrid MBR), UEFI disk
# (the appended ESP in a valid GPT).  Its El Torito EFI entry (the appended partition) is
# archiso's, booted from CD there.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootlib.sh"
. "$E2E_DIR/dropin.inc"
need grub-mkimage sgdisk
need_file grub-pc-bin /usr/lib/grub/i386-pc/boot_hybrid.img

TOKEN='TOKEN-LORAX-a62c'
dropin_boot_fixtures $TOKEN
inroot=/
GRUB2DIR="boot/grub2" STAGE2IMG="images/install.img" KERNELDIR="images/pxeboot"
src=$SCRATCH/outroot
mkdir -p "$src/images/pxeboot" "$src/$GRUB2DIR" "$src/EFI/BOOT"
printf '1700000000.0\nFedora\nx86_64\n' >"$src/.discinfo"
head -c 200000 /dev/urandom >"$src/$STAGE2IMG"
head -c 40000 /dev/urandom >"$src/$KERNELDIR/vmlinuz"
head -c 60000 /dev/urandom >"$src/$KERNELDIR/initrd.img"
printf 'serial --unit=0 --speed=115200\nterminal_output serial console\necho %s\nhalt\n' $TOKEN \
	>"$src/$GRUB2DIR/grub.cfg"
cp "$FIX/grubx64.efi" "$src/EFI/BOOT/BOOTX64.EFI"
cp "$FIX/esp.img" "$src/images/efiboot.img"
grub-mkimage -O i386-pc-eltorito -d ${inroot}/usr/lib/grub/i386-pc \
	-o "$src/images/eltorito.img" \
	-p /${GRUB2DIR} \
	iso9660 biosdisk
printf 'GPL\n' >"$src/LICENSE"

lorax_iso() {
	outroot=$OUT/outroot isoargs="" isolabel=Fedora-E-dvd-x86_64-41 filegraft=" LICENSE=$OUT/outroot/LICENSE"
	cp -a "$src" "$outroot"
	xorrisofs ${isoargs} -o ${outroot}/images/boot.iso \
		-R -J -V "${isolabel}" \
		--grub2-mbr ${inroot}/usr/lib/grub/i386-pc/boot_hybrid.img \
		-partition_offset 16 \
		-appended_part_as_gpt \
		-append_partition 2 C12A7328-F81F-11D2-BA4B-00A0C93EC93B ${outroot}/images/efiboot.img \
		-iso_mbr_part_type EBD0A0A2-B9E5-4433-87C0-68B6B72699C7 \
		-c boot.cat --boot-catalog-hide \
		-b images/eltorito.img \
		-no-emul-boot -boot-load-size 4 -boot-info-table --grub2-boot-info \
		-eltorito-alt-boot \
		-e '--interval:appended_partition_2:all::' -no-emul-boot \
		-graft-points \
		.discinfo=${outroot}/.discinfo \
		${STAGE2IMG}=${outroot}/${STAGE2IMG} \
		${KERNELDIR}=${outroot}/${KERNELDIR} \
		${filegraft} \
		${GRUB2DIR}=${outroot}/${GRUB2DIR} \
		${GRUB2DIR}/i386-pc=${inroot}/usr/lib/grub/i386-pc \
		images/eltorito.img=${outroot}/images/eltorito.img \
		EFI/BOOT=${outroot}/EFI/BOOT
}
dropin_pair lorax_iso
DROPIN_IMG=outroot/images/boot.iso
dropin_compare --dates --boot-table images/eltorito.img --grub2-info images/eltorito.img
# --boot-catalog-hide: no boot.cat in any view.
grep -q 'boot.cat' tree-iso.ours tree-rr.ours tree-joliet.ours && fail "the hidden boot catalog is listed"
cmp files.ours/$GRUB2DIR/i386-pc/normal.mod /usr/lib/grub/i386-pc/normal.mod || fail "grafted i386-pc"
img=ours/$DROPIN_IMG
boot_qemu bios-cd "$img" $TOKEN
boot_qemu bios-hd "$img" $TOKEN
dropin_gpt_has_esp "$img"
boot_qemu uefi-hd "$img" $TOKEN
