# --boot-preset: given only the boot images, bios+uefi makes a BIOS no-emulation entry with load
# size 4 and an info table, and an EFI entry whose image is also the GPT's EFI system partition
# (stored once); with -isohybrid-mbr the same image also boots from a USB disk in SeaBIOS.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootlib.sh"
need qemu-system-x86_64 dumpet xorriso sgdisk mcopy grub-mkstandalone

mkdir tree
make_isolinux_tree tree TOKEN-PRESET-BIOS
make_grub_efi BOOTX64.EFI TOKEN-PRESET-UEFI
make_esp tree/efi.img BOOTX64.EFI

"$MKIMAGE" -o p.iso --boot-preset bios+uefi -b isolinux/isolinux.bin -c isolinux/boot.cat \
	-eltorito-alt-boot -e efi.img tree
dumpet -i p.iso >cat.txt
grep -q 'Boot Media emulation type: no emulation' cat.txt || fail "BIOS entry emulates"
grep -q 'Load Sectors: 4 ' cat.txt || fail "BIOS load size is not 4"
grep -q 'PlatformId: 0xef (EFI)' cat.txt || fail "no EFI entry"
xorriso -indev p.iso -report_el_torito plain 2>/dev/null | grep -Eq 'El Torito boot img : +1 +BIOS +y +none' ||
	fail "xorriso does not see the BIOS entry"

sgdisk -p p.iso >gpt.txt 2>&1 || { cat gpt.txt; fail "sgdisk cannot read the GPT"; }
grep -Eq ' EF00 ' gpt.txt || { cat gpt.txt; fail "no EFI system partition"; }
start=$(awk '/ EF00 / { print $2 }' gpt.txt)
mcopy -n -i "p.iso@@$((start * 512))" ::/EFI/BOOT/BOOTX64.EFI back.efi
same_bytes back.efi BOOTX64.EFI
# Stored once: the ESP partition is the efi.img file of the ISO tree.
bsdtar -xOf p.iso efi.img >efi.from-iso
dd if=p.iso bs=512 skip="$start" count=$(($(stat -c %s tree/efi.img) / 512)) status=none >efi.from-part
same_bytes efi.from-iso efi.from-part
size=$(stat -c %s p.iso)
[ "$size" -lt $(( $(stat -c %s tree/efi.img) * 2 )) ] || fail "EFI image stored twice ($size bytes)"

boot_qemu bios-cd p.iso TOKEN-PRESET-BIOS
boot_qemu uefi-cd p.iso TOKEN-PRESET-UEFI
boot_qemu uefi-hd p.iso TOKEN-PRESET-UEFI

# With isolinux's hybrid MBR the preset lists the EFI image in the isohybrid GPT instead.
"$MKIMAGE" -o h.iso --boot-preset bios+uefi -b isolinux/isolinux.bin -c isolinux/boot.cat \
	-isohybrid-mbr "$ISOLINUX_DIR/isohdpfx.bin" -eltorito-alt-boot -e efi.img tree
xorriso -indev h.iso -report_system_area plain 2>/dev/null | grep -Eq 'GPT partition path : +2 +/efi.img' ||
	fail "EFI image not in the isohybrid GPT"
boot_qemu bios-hd h.iso TOKEN-PRESET-BIOS
boot_qemu uefi-hd h.iso TOKEN-PRESET-UEFI

# A preset without the image it needs is a usage error.
expect_fail 2 'boot-preset uefi needs an EFI boot image' "$MKIMAGE" -o x.iso --boot-preset uefi \
	-b isolinux/isolinux.bin tree
expect_fail 2 'boot-preset: .bogus' "$MKIMAGE" -o x.iso --boot-preset bogus tree
