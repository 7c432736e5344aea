# Boot media with -udf: libisofs's session starts after the UDF metadata, so every boot pointer
# (El Torito catalog and image LBAs, the boot info table naming the PVD copy at X+16, the
# isohybrid MBR, GPT entries, an appended ESP) is proven again by booting BIOS CD, BIOS disk,
# UEFI CD and UEFI disk; the catalog matches the image without -udf (dumpet, load LBAs aside);
# udfinfo sees a closed volume with both anchors inside the image; 7-Zip reads the UDF view;
# reproducible with SOURCE_DATE_EPOCH.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootlib.sh"
need qemu-system-x86_64 dumpet xorriso grub-mkstandalone udfinfo 7z sgdisk mcopy fdisk isoinfo

mkdir tree
make_isolinux_tree tree TOKEN-UDF-BIOS-a7b8
make_grub_efi BOOTX64.EFI TOKEN-UDF-UEFI-a7b8
make_esp tree/efi.img BOOTX64.EFI
printf 'data\n' >tree/readme.txt

opts="-V UDFBOOT -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot
      -boot-load-size 4 -boot-info-table -isohybrid-mbr $ISOLINUX_DIR/isohdpfx.bin
      -eltorito-alt-boot -e efi.img -no-emul-boot -isohybrid-gpt-basdat"
for rev in 1.02 2.50; do
	# shellcheck disable=SC2086
	SOURCE_DATE_EPOCH=1700000000 "$MKIMAGE" -quiet --udf-rev $rev -o "hyb-$rev.iso" $opts tree
done
# shellcheck disable=SC2086
SOURCE_DATE_EPOCH=1700000000 TZ=Asia/Tokyo "$MKIMAGE" -quiet --udf-rev 2.50 -o again.iso $opts tree
same_bytes hyb-2.50.iso again.iso
# shellcheck disable=SC2086
"$MKIMAGE" -quiet -o plain.iso $opts tree

dumpet -i plain.iso | grep -v 'Load LBA' >plain.cat
dumpet -i hyb-1.02.iso | grep -v 'Load LBA' >udf.cat
diff -u plain.cat udf.cat || fail "boot catalog differs with -udf"
for rev in 1.02 2.50; do
	udfinfo "hyb-$rev.iso" >info.txt || fail "udfinfo rejects hyb-$rev.iso"
	grep -qx "udfrev=$rev" info.txt && grep -qx integrity=closed info.txt || fail "udfinfo $rev"
	# The closing anchor at N-257: 256 blocks before the last one, clear of the backup GPT.
	n=$(( $(stat -c %s "hyb-$rev.iso") / 2048 ))
	grep -qx "start=$((n - 257)), blocks=1, type=ANCHOR" info.txt || { cat info.txt; fail "no anchor at N-257"; }
	rm -rf out
	7z x -tudf -oout "hyb-$rev.iso" >7z.log 2>&1 || { cat 7z.log >&2; fail "7z x $rev"; }
	same_bytes out/readme.txt tree/readme.txt
	same_bytes out/efi.img tree/efi.img
done
# The GPT still describes the EFI image where it lies, and the disk layout is sound.
xorriso -indev hyb-1.02.iso -report_system_area plain 2>/dev/null >sa.txt
grep -Eq 'GPT partition path : +2 +/efi.img' sa.txt || { cat sa.txt; fail "EFI image not in the GPT"; }

boot_qemu bios-cd hyb-1.02.iso TOKEN-UDF-BIOS-a7b8
boot_qemu bios-hd hyb-1.02.iso TOKEN-UDF-BIOS-a7b8
boot_qemu uefi-cd hyb-1.02.iso TOKEN-UDF-UEFI-a7b8
boot_qemu uefi-hd hyb-2.50.iso TOKEN-UDF-UEFI-a7b8

# UEFI from an appended ESP shared by the El Torito entry: the partition follows the session.
make_esp esp.img BOOTX64.EFI
"$MKIMAGE" -quiet -udf -o app.iso -V APPEND -append_partition 2 0xef esp.img -appended_part_as_gpt \
	-e --interval:appended_partition_2:all:: -no-emul-boot tree
sgdisk -v app.iso >verify.txt 2>&1 && grep -q 'No problems found' verify.txt ||
	{ cat verify.txt; fail "sgdisk -v finds problems"; }
sgdisk -p app.iso >gpt.txt
start=$(awk '$1 == 2 { print $2 }' gpt.txt)
mcopy -n -i "app.iso@@$((start * 512))" ::/EFI/BOOT/BOOTX64.EFI back.efi
same_bytes back.efi BOOTX64.EFI
udfinfo app.iso | grep -qx integrity=closed || fail "udfinfo rejects app.iso"
boot_qemu uefi-hd app.iso TOKEN-UDF-UEFI-a7b8

# --boot-preset bios+uefi: the EFI image is also the GPT's ESP, stored once, found by OVMF.
"$MKIMAGE" -quiet -udf -o p.iso --boot-preset bios+uefi -b isolinux/isolinux.bin \
	-c isolinux/boot.cat -eltorito-alt-boot -e efi.img tree
sgdisk -p p.iso >gpt.txt 2>&1 || { cat gpt.txt; fail "sgdisk cannot read the GPT"; }
start=$(awk '/ EF00 / { print $2 }' gpt.txt)
dd if=p.iso bs=512 skip="$start" count=$(($(stat -c %s tree/efi.img) / 512)) status=none >efi.from-part
same_bytes efi.from-part tree/efi.img
boot_qemu uefi-hd p.iso TOKEN-UDF-UEFI-a7b8

# The same preset over many small files, UDF 2.50: the UDF head before libisofs's session (its
# metadata and mirror, ~2 blocks per file) outgrows the file data after the ESP.  libisofs's
# copy of the GPT at the session start, checked against the session's size, then failed
# ("GPT partitions 0 and 1 overlap"); zero tail blocks make room, and the reserve sequence
# before the closing anchor keeps 7-Zip content with them.
mkdir -p many/many
cp -r tree/isolinux tree/efi.img many/
for i in $(seq 1 3000); do printf '%s\n' "$i" >"many/many/f$i"; done
for rev in 2.50 1.02; do
	"$MKIMAGE" -quiet --udf-rev $rev -o "pm-$rev.iso" --boot-preset bios+uefi \
		-b isolinux/isolinux.bin -c isolinux/boot.cat -eltorito-alt-boot -e efi.img many
	xorriso -indev "pm-$rev.iso" -report_system_area plain 2>/dev/null >sa.txt
	grep -Eq 'GPT partition path : +[0-9]+ +/efi.img' sa.txt || { cat sa.txt; fail "$rev: EFI image not in the GPT"; }
	# Entries in order, none starting before the previous one ends (512-byte sectors).
	awk '/^GPT start and size :/ { print $(NF-1), $NF }' sa.txt | sort -n |
		awk 'NR > 1 && $1 < end { bad = 1 } { end = $1 + $2 } END { exit bad }' ||
		{ cat sa.txt; fail "$rev: GPT entries overlap"; }
	sgdisk -v "pm-$rev.iso" >verify.txt 2>&1 && grep -q 'No problems found' verify.txt ||
		{ cat verify.txt; fail "$rev: sgdisk -v finds problems"; }
	udfinfo "pm-$rev.iso" >info.txt || fail "udfinfo rejects pm-$rev.iso"
	grep -qx "udfrev=$rev" info.txt && grep -qx integrity=closed info.txt || { cat info.txt; fail "udfinfo pm-$rev"; }
	rm -rf out
	7z x -tudf -oout "pm-$rev.iso" >7z.log 2>&1 || { cat 7z.log >&2; fail "7z x pm-$rev"; }
	! grep -q 'Headers Error' 7z.log || { cat 7z.log; fail "7z: headers error in pm-$rev"; }
	same_bytes out/many/f2999 many/many/f2999
	same_bytes out/efi.img tree/efi.img
	start=$(sgdisk -p "pm-$rev.iso" | awk '/ EF00 / { print $2 }')
	dd if="pm-$rev.iso" bs=512 skip="$start" count=$(($(stat -c %s tree/efi.img) / 512)) \
		status=none >efi.from-part
	same_bytes efi.from-part tree/efi.img
done
boot_qemu uefi-hd pm-2.50.iso TOKEN-UDF-UEFI-a7b8
boot_qemu bios-cd pm-2.50.iso TOKEN-UDF-BIOS-a7b8

# BIOS only, no GPT: the closing anchor goes in the last block.
"$MKIMAGE" -quiet -udf -o b.iso -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot \
	-boot-load-size 4 -boot-info-table tree
n=$(( $(stat -c %s b.iso) / 2048 ))
udfinfo b.iso | grep -qx "start=$((n - 1)), blocks=1, type=ANCHOR" || fail "no anchor at N-1"
boot_qemu bios-cd b.iso TOKEN-UDF-BIOS-a7b8

# Remastering with -udf: the options xorriso reports for a distribution-like image (interval
# MBR source, cylinder alignment, the old catalog in the extracted tree) give the same catalog.
xorriso -as mkisofs -R -J -V DISTRO -b isolinux/isolinux.bin -c isolinux/boot.cat \
	-no-emul-boot -boot-load-size 4 -boot-info-table \
	-isohybrid-mbr "$ISOLINUX_DIR/isohdpfx.bin" -eltorito-alt-boot -e efi.img -no-emul-boot \
	-isohybrid-gpt-basdat -o distro.iso tree 2>/dev/null
xorriso -osirrox on -indev distro.iso -extract / extracted 2>/dev/null
chmod -R u+w extracted
xorriso -indev distro.iso -report_el_torito as_mkisofs 2>/dev/null >opts.txt
eval "set -- $(tr '\n' ' ' <opts.txt)"
"$MKIMAGE" -quiet -udf -o new.iso "$@" extracted 2>/dev/null
dumpet -i distro.iso | grep -v 'Load LBA' >old.cat
dumpet -i new.iso | grep -v 'Load LBA' >new.cat
diff -u old.cat new.cat || fail "catalog changed in the -udf remaster"
udfinfo new.iso | grep -qx integrity=closed || fail "udfinfo rejects the remaster"
boot_qemu bios-hd new.iso TOKEN-UDF-BIOS-a7b8
boot_qemu uefi-cd new.iso TOKEN-UDF-UEFI-a7b8

# -partition_offset 16: the MBR partition starts at block 16 and holds its own ISO9660
# descriptors at its block 16; the UDF VRS still follows the descriptors at 16.
"$MKIMAGE" -quiet -udf -partition_offset 16 -o po.iso -b isolinux/isolinux.bin \
	-c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
	-isohybrid-mbr "$ISOLINUX_DIR/isohdpfx.bin" tree
fdisk -l po.iso | grep -Eq '^po.iso1 +\* +64 ' || { fdisk -l po.iso; fail "partition not at 64"; }
dd if=po.iso of=part.iso bs=2048 skip=16 status=none
isoinfo -i part.iso -x '/README.TXT;1' | cmp - tree/readme.txt || fail "the partition's ISO9660 view"
udfinfo po.iso | grep -qx integrity=closed || fail "udfinfo rejects po.iso"
boot_qemu bios-hd po.iso TOKEN-UDF-BIOS-a7b8
