# Drop-in: archiso's mkarchiso, both of its xorriso lines.  From archlinux/archiso
# archiso/mkarchiso (commit 52bf735fc434, 2026-03-25): _build_iso_image() runs
#   xorriso "${xorriso_options[@]}" -as mkisofs -iso-level 3 -full-iso9660-filenames -joliet
#       -joliet-long -rational-rock -volid "${iso_label}" -appid "${iso_application}"
#       -publisher "${iso_publisher}" -preparer "prepared by ${app_name}"
#       "${xorrisofs_options[@]}" -output "${out_dir}/${image_name}" "${isofs_dir}/"
# with xorriso_options=(-no_rc [-report_about SORRY when quiet]) and xorrisofs_options filled by
# _add_xorrisofs_options_bios.syslinux and _add_common_xorrisofs_options_uefi, copied here as
# they are there:
#  A. bios.syslinux + uefi.grub (the releng profile): isolinux El Torito, -isohybrid-mbr,
#     --mbr-force-bootable, -partition_offset 16, the ESP appended as partition 2 with
#     -isohybrid-gpt-basdat, and El Torito EFI from the appended partition
#     (-e --interval:appended_partition_2:all::).  Boots: BIOS CD and disk, UEFI CD and disk.
#  B. uefi.grub only, quiet: -appended_part_as_gpt (a valid GPT) and the catalog in EFI/.
#     Boots: UEFI disk (its El Torito EFI entry is the same as A's, booted there).
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootlib.sh"
. "$E2E_DIR/dropin.inc"
need sgdisk fdisk

TOKEN='TOKEN-ARCHISO-5c1e'
dropin_boot_fixtures $TOKEN
work_dir=$SCRATCH/work
isofs_dir=$work_dir/iso
install_dir=arch arch=x86_64 app_name=mkarchiso
iso_label=ARCH_202612 iso_application="Arch Linux Live/Rescue DVD"
iso_publisher="Arch Linux <https://archlinux.org>"
mkdir -p "$isofs_dir/boot" "$isofs_dir/${install_dir}/${arch}" "$isofs_dir/${install_dir}/boot/${arch}"
cp -r "$FIX/isolinux" "$isofs_dir/boot/syslinux"
cp "$ISOLINUX_DIR/isohdpfx.bin" "$isofs_dir/boot/syslinux/"
head -c 300000 /dev/urandom >"$isofs_dir/${install_dir}/${arch}/airootfs.sfs"
(cd "$isofs_dir/${install_dir}/${arch}" && sha512sum airootfs.sfs >airootfs.sha512)
head -c 40000 /dev/urandom >"$isofs_dir/${install_dir}/boot/${arch}/vmlinuz-linux"
mkdir -p "$isofs_dir/loader/entries"
printf 'title Arch Linux install medium\n' >"$isofs_dir/loader/entries/01-archiso-x86_64-linux.conf"
# uefi.grub puts GRUB on the ISO 9660 too (_make_common_grubenv_and_loopbackcfg & co.).
mkdir -p "$isofs_dir/EFI/BOOT"
cp "$FIX/grubx64.efi" "$isofs_dir/EFI/BOOT/BOOTx64.EFI"
efibootimg="${work_dir}/efiboot.img"
cp "$FIX/esp.img" "$efibootimg"

archiso_line() {
	out_dir=$OUT image_name=archlinux-2026.12.01-x86_64.iso
	"$@"
	xorriso "${xorriso_options[@]}" -as mkisofs \
		-iso-level 3 \
		-full-iso9660-filenames \
		-joliet \
		-joliet-long \
		-rational-rock \
		-volid "${iso_label}" \
		-appid "${iso_application}" \
		-publisher "${iso_publisher}" \
		-preparer "prepared by ${app_name}" \
		"${xorrisofs_options[@]}" \
		-output "${out_dir}/${image_name}" \
		"${isofs_dir}/"
}
# mkarchiso's option builders, as they are there (bootmodes decide the branches).
_add_xorrisofs_options_bios.syslinux() {
	xorrisofs_options+=(
		'-eltorito-boot' 'boot/syslinux/isolinux.bin'
		'-eltorito-catalog' 'boot/syslinux/boot.cat'
		'-no-emul-boot' '-boot-load-size' '4' '-boot-info-table'
		'-isohybrid-mbr' "${isofs_dir}/boot/syslinux/isohdpfx.bin"
		'--mbr-force-bootable'
		'-partition_offset' '16'
	)
}
_add_common_xorrisofs_options_uefi() {
	[[ " ${xorrisofs_options[*]} " =~ ' -partition_offset ' ]] || xorrisofs_options+=('-partition_offset' '16')
	xorrisofs_options+=('-append_partition' '2' 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B' "${efibootimg}")
	if [[ ! " ${bootmodes[*]} " =~ ' bios.syslinux ' ]]; then
		xorrisofs_options+=('-appended_part_as_gpt')
	else
		xorrisofs_options+=('-isohybrid-gpt-basdat')
	fi
	xorrisofs_options+=(
		'-eltorito-alt-boot'
		'-e' '--interval:appended_partition_2:all::'
		'-no-emul-boot'
	)
	[[ " ${bootmodes[*]} " =~ ' bios.' ]] || xorrisofs_options+=('-eltorito-catalog' 'EFI/boot.cat')
}
releng() {
	xorriso_options=('-no_rc') xorrisofs_options=()
	bootmodes=('bios.syslinux' 'uefi.grub')
	_add_xorrisofs_options_bios.syslinux
	_add_common_xorrisofs_options_uefi
}
uefi_only_quiet() {
	xorriso_options=('-no_rc' '-report_about' 'SORRY') xorrisofs_options=()
	bootmodes=('uefi.grub')
	_add_common_xorrisofs_options_uefi
}

# A: BIOS + UEFI.
dropin_pair archiso_line releng
DROPIN_IMG=archlinux-2026.12.01-x86_64.iso
dropin_compare --dates --boot-table boot/syslinux/isolinux.bin --catalog boot/syslinux/boot.cat
dropin_same_source files.ours "$isofs_dir" mode
img=ours/$DROPIN_IMG
boot_qemu bios-cd "$img" $TOKEN
boot_qemu bios-hd "$img" $TOKEN
boot_qemu uefi-cd "$img" $TOKEN
dropin_mbr_has_esp "$img"
boot_qemu uefi-hd "$img" $TOKEN

# B: UEFI only, a valid GPT.
rm -rf real ours files.real files.ours
dropin_pair archiso_line uefi_only_quiet
dropin_compare --dates --boot-table boot/syslinux/isolinux.bin --catalog EFI/boot.cat
dropin_gpt_has_esp "$img"
boot_qemu uefi-hd "$img" $TOKEN
