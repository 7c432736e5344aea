# BIOS + UEFI on one hybrid image (isolinux + GRUB EFI, isohybrid MBR, EFI image in the tree
# mentioned in the GPT): boots four ways; reproducible with SOURCE_DATE_EPOCH (MBR signature, GPT
# GUIDs, dates); system area as xorriso -as mkisofs writes it for the same options.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootlib.sh"
need qemu-system-x86_64 dumpet xorriso grub-mkstandalone

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

# The GPT of an isohybrid image sits beside a non-protective MBR, which sgdisk and fdisk refuse
# (they refuse xorriso's too): read it with xorriso and compare with xorriso's own image.
report() {
	xorriso -indev "$1" -report_system_area plain 2>/dev/null |
		grep -v -e 'GUID' -e 'ISO image size' -e 'lba range' -e 'start and size :   1' \
			-e 'MBR partition      :   1'
}
report a.iso >ours.sa
report ref.iso >ref.sa
diff -u ref.sa ours.sa || fail "system area differs from xorriso's"
grep -Eq 'GPT partition path : +2 +/efi.img' ours.sa || fail "EFI image not in the GPT"
xorriso -indev a.iso -report_system_area plain 2>/dev/null |
	grep -Eq 'GPT type GUID +: +2 +a2a0d0ebe5b9334487c068b6b72699c7' ||
	fail "EFI image not a Basic Data partition"
# Reproducible GUIDs: the GPT disk GUID comes from SOURCE_DATE_EPOCH, not chance.
SOURCE_DATE_EPOCH=1700000001 "$MKIMAGE" -o c.iso $opts tree
guid() { xorriso -indev "$1" -report_system_area plain 2>/dev/null | sed -n 's/^GPT disk GUID *: *//p'; }
[ "$(guid a.iso)" != "$(guid c.iso)" ] || fail "GPT disk GUID does not follow SOURCE_DATE_EPOCH"
# Without SOURCE_DATE_EPOCH the GUID is random, as libisofs makes it.
"$MKIMAGE" -o d.iso $opts tree
"$MKIMAGE" -o e.iso $opts tree
[ "$(guid d.iso)" != "$(guid e.iso)" ] || fail "GPT disk GUID not random without SOURCE_DATE_EPOCH"

boot_qemu bios-cd a.iso TOKEN-HYB-BIOS-e5f6
boot_qemu bios-hd a.iso TOKEN-HYB-BIOS-e5f6
boot_qemu uefi-cd a.iso TOKEN-HYB-UEFI-e5f6
boot_qemu uefi-hd a.iso TOKEN-HYB-UEFI-e5f6

# -isohybrid-apm-hfsplus: the EFI image also in an Apple Partition Map, as xorriso writes it.
# shellcheck disable=SC2086
"$MKIMAGE" -o apm.iso $opts -isohybrid-apm-hfsplus tree
# shellcheck disable=SC2086
xorriso -as mkisofs -R -J -o apmref.iso $opts -isohybrid-apm-hfsplus tree 2>/dev/null
report apm.iso >apm.sa
report apmref.iso >apmref.sa
diff -u apmref.sa apm.sa || fail "system area with APM differs from xorriso's"
grep -Eq 'APM partition type : +1 +Apple_HFS' apm.sa || { cat apm.sa; fail "no APM entry"; }
