# xorriso's and genisoimage's other spellings and the options Fedora lorax and Alpine pass:
# -eltorito-boot / -eltorito-catalog (as -b / -c), --boot-catalog-hide, --gpt_disk_guid (as
# --gpt-disk-guid), -iso_mbr_part_type with a GPT type GUID; -part_like_isohybrid,
# -generic-boot (as -G).  xorriso -as mkisofs with the same
# command line writes the same system area and reports the same boot setup; the hidden catalog
# is in no directory tree (isoinfo, xorriso), the GUIDs are where they were asked.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootcmp.inc"
need isoinfo mkfs.vfat
export SOURCE_DATE_EPOCH=1700000000

mkdir -p tree/isolinux tree/images
cp /usr/lib/ISOLINUX/isolinux.bin tree/isolinux/ ||
	cannot_test "no /usr/lib/ISOLINUX/isolinux.bin (package isolinux)"
head -c 300000 /dev/urandom >tree/images/install.img
mkfs.vfat -C efiboot.img 1440 >/dev/null
cp /usr/lib/grub/i386-pc/boot_hybrid.img . ||
	cannot_test "no /usr/lib/grub/i386-pc/boot_hybrid.img (package grub-pc-bin)"
esp=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
linux=0FC63DAF-8483-4772-8E79-3D69D8477DE4

# Fedora lorax's x86 template (share/templates.d/99-generic/x86.tmpl), with a Linux type GUID
# for the ISO partition so that the default type cannot pass for it.  The boot image's address
# is in the MBR: --sort-weight puts it first in both images (xorriso orders equal weights by
# inode number).
# shellcheck disable=SC2086
same_boot_as_xorriso lorax -V LORAX -r -J --grub2-mbr boot_hybrid.img -partition_offset 16 \
	-appended_part_as_gpt -append_partition 2 $esp efiboot.img -iso_mbr_part_type $linux \
	-c boot.cat --boot-catalog-hide -b isolinux/isolinux.bin -no-emul-boot -boot-load-size 4 \
	-boot-info-table --grub2-boot-info -eltorito-alt-boot \
	-e --interval:appended_partition_2:all:: -no-emul-boot --sort-weight 1 /isolinux tree
grep -q 'GPT type GUID      :   1  af3dc60f838472478e793d69d8477de4' lorax.rep ||
	{ cat lorax.rep; fail "-iso_mbr_part_type GUID not the ISO partition's type"; }
grep -q '^--boot-catalog-hide' lorax.rep || fail "catalog not hidden"
# The EFI system partition's GUID given there also gives MBR type 0xef, as with xorriso.
# shellcheck disable=SC2086
same_boot_as_xorriso esptype -V LORAX -r -J -partition_offset 16 -iso_mbr_part_type $esp \
	-b isolinux/isolinux.bin -no-emul-boot -boot-load-size 4 \
	-isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin \
	--sort-weight 1 /isolinux tree
grep -Eq 'MBR partition +: +1 +0x80 +0xef' esptype.rep || { cat esptype.rep; fail "not MBR type 0xef"; }

# Alpine's spellings (scripts/mkimg.base.sh) and xorriso's --gpt_disk_guid.
guid=0123456789abcdef0123456789abcdef
# shellcheck disable=SC2086
same_boot_as_xorriso alpine -V ALPINE -r -J -isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin \
	-eltorito-boot isolinux/isolinux.bin -eltorito-catalog isolinux/boot.cat -no-emul-boot \
	-boot-load-size 4 -boot-info-table -eltorito-alt-boot -e efiboot.img -no-emul-boot \
	-isohybrid-gpt-basdat --gpt_disk_guid $guid --sort-weight 1 /isolinux --sort-weight 2 /efiboot.img \
	-graft-points /=tree \
	efiboot.img=efiboot.img
grep -q "GPT disk GUID      :      $guid" alpine.rep || fail "--gpt_disk_guid not the disk GUID"
grep -q "^-c '/isolinux/boot.cat'" alpine.rep || fail "-eltorito-catalog not the catalog"
grep -q "^-b '/isolinux/isolinux.bin'" alpine.rep || fail "-eltorito-boot not the boot image"

# -part_like_isohybrid: the EFI image in the GPT and APM without an isohybrid MBR; -generic-boot
# as -G.
cp efiboot.img tree/
same_boot_as_xorriso plike -V PLIKE -r -J -part_like_isohybrid -e efiboot.img -no-emul-boot \
	-isohybrid-gpt-basdat -isohybrid-apm-hfsplus tree
grep -Eq 'GPT partition path : +[0-9]+ +/efiboot.img' plike.rep || { cat plike.rep; fail "-part_like_isohybrid: EFI image not in the GPT"; }
grep -q 'APM partition name' plike.rep || fail "-part_like_isohybrid: no APM"
same_boot_as_xorriso generic -V GENERIC -r -J -generic-boot boot_hybrid.img tree
cmp -n 440 generic.iso boot_hybrid.img || fail "-generic-boot: system area not the file"

# --boot-catalog-hide: no view lists the catalog; without it, it is there.
isoinfo -R -f -i lorax.iso | grep -q boot.cat && fail "hidden catalog in the Rock Ridge tree"
isoinfo -J -f -i lorax.iso | grep -q boot.cat && fail "hidden catalog in the Joliet tree"
xorriso -indev lorax.iso -find / 2>/dev/null | grep -q boot.cat && fail "xorriso finds the hidden catalog"
isoinfo -R -f -i alpine.iso | grep -q '^/isolinux/boot.cat$' || fail "catalog missing without --boot-catalog-hide"

expect_fail 2 "iso_mbr_part_type: 'nonsense' is not 0..255, a GPT type GUID or default" \
	"$MKIMAGE" -o x.iso -iso_mbr_part_type nonsense tree
expect_fail 2 "gpt-disk-guid: '12' is not a GUID" "$MKIMAGE" -o x.iso --gpt_disk_guid 12 tree
[ ! -e x.iso ] || fail "a refused command line left an image"
