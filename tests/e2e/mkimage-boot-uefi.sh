# UEFI boot media: a GRUB EFI binary in a FAT ESP appended as partition 2 and shared by the El
# Torito EFI entry (stored once); boots in OVMF from CD and from a disk; GPT and MBR checked with
# sgdisk, fdisk and mtools; same catalog as xorriso -as mkisofs with the same options.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootlib.sh"
need qemu-system-x86_64 dumpet xorriso sgdisk fdisk mcopy grub-mkstandalone

mkdir tree
echo hello >tree/readme.txt
make_grub_efi BOOTX64.EFI TOKEN-UEFI-c3d4
make_esp esp.img BOOTX64.EFI

opts="-V UEFITEST -append_partition 2 0xef esp.img -appended_part_as_gpt
      -e --interval:appended_partition_2:all:: -no-emul-boot"
# shellcheck disable=SC2086
"$MKIMAGE" -o uefi.iso $opts tree
# shellcheck disable=SC2086
xorriso -as mkisofs -R -J -o ref.iso $opts tree 2>/dev/null

dumpet -i uefi.iso | grep -v 'Load LBA' >ours.cat
dumpet -i ref.iso | grep -v 'Load LBA' >ref.cat
diff -u ref.cat ours.cat || fail "boot catalog differs from xorriso's"
grep -q 'PlatformId: 0xef (EFI)' ours.cat || fail "no EFI platform entry"

sgdisk -p uefi.iso >gpt.txt 2>&1 || { cat gpt.txt; fail "sgdisk cannot read the GPT"; }
grep -Eq '^ +2 .* EF00 ' gpt.txt || { cat gpt.txt; fail "no EFI system partition 2 in the GPT"; }
sgdisk -v uefi.iso >verify.txt 2>&1 || { cat verify.txt; fail "sgdisk -v finds problems"; }
grep -q 'No problems found' verify.txt || { cat verify.txt; fail "sgdisk -v"; }

# The ESP partition holds exactly esp.img: read it back through mtools at the partition offset.
start=$(awk '$1 == 2 { print $2 }' gpt.txt)
mcopy -n -i "uefi.iso@@$((start * 512))" ::/EFI/BOOT/BOOTX64.EFI back.efi
same_bytes back.efi BOOTX64.EFI
# Stored once: the image is the ISO part plus the ESP, not the ESP twice.
size=$(stat -c %s uefi.iso)
esp=$(stat -c %s esp.img)
[ "$size" -lt $((2 * esp + 1024 * 1024)) ] || fail "image of $size bytes holds the ESP twice?"

boot_qemu uefi-cd uefi.iso TOKEN-UEFI-c3d4
boot_qemu uefi-hd uefi.iso TOKEN-UEFI-c3d4
