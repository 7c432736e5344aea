# BIOS + UEFI on one hybrid image (isolinux + GRUB EFI, isohybrid MBR, EFI image in the tree
# mentioned in the GPT): boots four ways; reproducible with SOURCE_DATE_EPOCH (MBR signature, GPT
# GUIDs, dates), and different without it from run to run only where the clock or chance decide.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootlib.sh"
need qemu-system-x86_64 dumpet xorriso sgdisk grub-mkstandalone

mkdir tree
make_isolinux_tree tree TOKEN-HYB-BIOS-e5f6
make_grub_efi BOOTX64.EFI TOKEN-HYB-UEFI-e5f6
make_esp tree/efi.img BOOTX64.EFI

opts="-V HYBRID -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot
      -boot-load-size 4 -boot-info-table -isohybrid-mbr $ISOLINUX_DIR/isohdpfx.bin
      -eltorito-alt-boot -e efi.img -no-emul-boot -isohybrid-gpt-basdat"
# shellcheck disable=SC2086
SOURCE_DATE_EPOCH=1700000000 "$MKIMAGE" -o a.iso $opts tree
sleep 1
# shellcheck disable=SC2086
SOURCE_DATE_EPOCH=1700000000 TZ=Asia/Tokyo "$MKIMAGE" -o b.iso $opts tree
same_bytes a.iso b.iso
# shellcheck disable=SC2086
xorriso -as mkisofs -R -J -o ref.iso $opts tree 2>/dev/null

dumpet -i a.iso | grep -v 'Load LBA' >ours.cat
dumpet -i ref.iso | grep -v 'Load LBA' >ref.cat
diff -u ref.cat ours.cat || fail "boot catalog differs from xorriso's"

sgdisk -p a.iso >gpt.txt 2>&1 || { cat gpt.txt; fail "sgdisk cannot read the GPT"; }
grep -q '0700' gpt.txt || { cat gpt.txt; fail "EFI image not in the GPT as Basic Data"; }
guid=$(sgdisk -p a.iso | sed -n 's/^Disk identifier (GUID): //p')
sgdisk -p ref.iso >/dev/null
[ -n "$guid" ] || fail "no GPT disk GUID"

boot_qemu bios-cd a.iso TOKEN-HYB-BIOS-e5f6
boot_qemu bios-hd a.iso TOKEN-HYB-BIOS-e5f6
boot_qemu uefi-cd a.iso TOKEN-HYB-UEFI-e5f6
boot_qemu uefi-hd a.iso TOKEN-HYB-UEFI-e5f6
