# Drop-in: Fedora's mkksiso (weldr/lorax src/pylorax/cmdline/mkksiso.py) on an installer ISO laid
# out as lorax makes them today (share/templates.d/99-generic/x86.tmpl): GRUB2's hybrid MBR,
# -partition_offset 16, the EFI boot image only in appended partition 2 (in a GPT), El Torito's
# EFI entry pointing there (-e --interval:appended_partition_2:all::).  mkksiso replays the boot
# setup and replaces partition 2 with the efiboot.img it rebuilt.  Compared with Debian's xorriso
# 1.5.4 running the same line; the new EFI partition boots (its GRUB prints a token of its own),
# and the isolinux El Torito entry of the BIOS side (GRUB's hybrid MBR needs a GRUB core image,
# which this fixture has not: no disk boot for BIOS).
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootlib.sh"
. "$E2E_DIR/dropin.inc"
need_file grub-pc-bin /usr/lib/grub/i386-pc/boot_hybrid.img

TOKEN='TOKEN-LORAX-5c1e'
NEWTOKEN='TOKEN-LORAX-NEW-77d2'
dropin_boot_fixtures $TOKEN
make_grub_efi "$SCRATCH/new.efi" $NEWTOKEN >grub-new.log 2>&1 || { cat grub-new.log >&2; fail "grub-mkstandalone"; }
make_esp "$SCRATCH/efiboot-new.img" "$SCRATCH/new.efi"
src=$SCRATCH/src
mkdir -p "$src/isolinux" "$src/EFI/BOOT" "$src/images/pxeboot"
cp "$FIX"/isolinux/* "$src/isolinux/"
cp "$FIX/grubx64.efi" "$src/EFI/BOOT/BOOTX64.EFI"
printf 'menuentry Fedora { linux /images/pxeboot/vmlinuz inst.stage2=hd:LABEL=Fedora-41 }\n' >"$src/EFI/BOOT/grub.cfg"
head -c 100000 /dev/urandom >"$src/images/install.img"
xorriso -as mkisofs -R -J -V Fedora-41 --grub2-mbr /usr/lib/grub/i386-pc/boot_hybrid.img \
	-partition_offset 16 -appended_part_as_gpt \
	-append_partition 2 C12A7328-F81F-11D2-BA4B-00A0C93EC93B "$FIX/esp.img" \
	-iso_mbr_part_type EBD0A0A2-B9E5-4433-87C0-68B6B72699C7 \
	-c isolinux/boot.cat --boot-catalog-hide -b isolinux/isolinux.bin -no-emul-boot \
	-boot-load-size 4 -boot-info-table -eltorito-alt-boot \
	-e --interval:appended_partition_2:all:: -no-emul-boot \
	-o input.iso "$src" >input.log 2>&1 || { cat input.log >&2; fail "input ISO"; }
printf 'text\nreboot\n' >"$SCRATCH/ks.cfg"
mkdir -p "$SCRATCH/edited/EFI/BOOT"
sed 's/inst.stage2=hd:LABEL=Fedora-41/& inst.ks=hd:LABEL=Fedora-41:\/ks.cfg/' "$src/EFI/BOOT/grub.cfg" \
	>"$SCRATCH/edited/EFI/BOOT/grub.cfg"

mkksiso() {
	input_iso=$SCRATCH/input.iso output_iso=$OUT/ks.iso tmpdir=$SCRATCH/edited
	cmd=(xorriso -indev "$input_iso" -outdev "$output_iso" -boot_image any replay -volid Fedora-41-ks)
	# RebuildEFIBoot's new efiboot.img, appended as partition 2.
	cmd+=(-append_partition 2 C12A7328-F81F-11D2-BA4B-00A0C93EC93B "$SCRATCH/efiboot-new.img")
	cmd+=(-update "$tmpdir/EFI/BOOT/grub.cfg" "/EFI/BOOT/grub.cfg")
	cmd+=(-map "$SCRATCH/ks.cfg" ks.cfg)
	cmd+=(-alter_date_r b "=1700000000" / --)
	"${cmd[@]}"
}
input_sum=$(md5sum <input.iso)
dropin_pair mkksiso
[ "$(md5sum <input.iso)" = "$input_sum" ] || fail "the input ISO changed"
DROPIN_IMG=ks.iso
dropin_compare --dates --no-joliet --boot-table isolinux/isolinux.bin
grep -q -- "appended_partition_2" boot.ours || { cat boot.ours >&2; fail "no EFI entry in partition 2"; }
cmp files.ours/ks.cfg ks.cfg || fail "ks.cfg"
cmp files.ours/EFI/BOOT/grub.cfg edited/EFI/BOOT/grub.cfg || fail "the updated grub.cfg"
img=ours/$DROPIN_IMG
dropin_gpt_has_esp "$img"
# Padding as native xorriso's (libburn's): 300 KiB of zeros after the volume (which ends with
# the appended partition and the backup GPT), the file then a multiple of 32 blocks.
for side in real ours; do
	blocks=$(($(stat -c %s $side/$DROPIN_IMG) / 2048))
	vol=$(isoinfo -d -i $side/$DROPIN_IMG | awk '/^Volume size is:/ {print $4}')
	pad=$((blocks - vol))
	[ $((blocks % 32)) = 0 ] && [ $pad -ge 150 ] && [ $pad -lt 182 ] ||
		fail "$side: $blocks blocks, volume $vol: not padded as libburn pads"
	[ -z "$(tail -c $((pad * 2048)) $side/$DROPIN_IMG | tr -d '\0' | head -c 1)" ] ||
		fail "$side: the padding is not zeros"
done
boot_qemu uefi-hd "$img" $NEWTOKEN
boot_qemu uefi-cd "$img" $NEWTOKEN
boot_qemu bios-cd "$img" $TOKEN
