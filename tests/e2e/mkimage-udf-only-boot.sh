# Boot media with --udf-only (issue 17): the ISO 9660 tree lists only README.TXT, the boot
# images are reached through the El Torito catalog and the hybrid system area, and the UDF view
# lists them as files whose bytes are those libisofs wrote (patched boot info tables included).
# The proof is GRUB built here with grub-mkimage: `udf` in its module list and no other file
# system (no iso9660, no fat), an embedded config that finds /boot/grub/grub.cfg with
# `search --file` and runs it; that grub.cfg exists only in the UDF view and prints a token.
# It boots BIOS CD, BIOS disk (--grub2-mbr boot_hybrid.img + --grub2-boot-info), UEFI CD and
# UEFI disk (GPT with the EFI image as ESP; then an appended ESP, UDF 1.02).  UDF 2.01: GRUB
# 2.06's udf module reads 1.02-2.01 but no 2.50 metadata partition (mkudffs's 2.50 neither).
# Also checked with readers we did not write: dumpet, xorriso -report_el_torito, isoinfo,
# udfinfo, 7-Zip, grub-fstest (GRUB's udf code on the host, every revision it reads), sgdisk,
# fdisk (and imginfo --check); --md5, -print-size, -o -; reproducible; a fault in libisofs's
# layout fails cleanly.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootlib.sh"
need grub-mkimage grub-fstest dumpet xorriso isoinfo udfinfo 7z sgdisk fdisk
need_file grub-pc-bin /usr/lib/grub/i386-pc/boot_hybrid.img /usr/lib/grub/i386-pc/udf.mod
need_file grub-efi-amd64-bin /usr/lib/grub/x86_64-efi/udf.mod

token=TOKEN-UDFONLY-GRUB-5e2a
mods="udf part_msdos part_gpt search search_fs_file configfile normal echo serial terminal halt"
# What those modules pull in (moddep.lst): no file system but udf can read grub.cfg.
for arch in i386-pc x86_64-efi; do
	$PYTHON - "/usr/lib/grub/$arch/moddep.lst" biosdisk $mods >closure.txt <<'EOF'
import sys
dep = {}
for line in open(sys.argv[1]):
    k, _, v = line.partition(':')
    dep[k] = v.split()
seen, todo = set(), list(sys.argv[2:])
while todo:
    m = todo.pop()
    if m not in seen:
        seen.add(m)
        todo += dep.get(m, [])
print('\n'.join(sorted(seen)))
EOF
	grep -qx udf closure.txt || fail "$arch: no udf module"
	! grep -Eqx 'iso9660|fat|exfat|ntfs|hfsplus|memdisk|tar|cpio' closure.txt ||
		{ cat closure.txt; fail "$arch: another file system in GRUB's core"; }
done

mkdir -p tree/boot/grub/i386-pc
printf 'serial --unit=0 --speed=115200\nterminal_output serial console\nsearch --file --set=root /boot/grub/grub.cfg\nconfigfile /boot/grub/grub.cfg\n' >early.cfg
printf 'serial --unit=0 --speed=115200\nterminal_output serial console\necho %s\nhalt\n' "$token" \
	>tree/boot/grub/grub.cfg
grub-mkimage -O i386-pc-eltorito -p /boot/grub -c early.cfg \
	-o tree/boot/grub/i386-pc/eltorito.img biosdisk $mods
grub-mkimage -O x86_64-efi -p /boot/grub -c early.cfg -o BOOTX64.EFI $mods
make_esp tree/efi.img BOOTX64.EFI
printf 'data\n' >tree/data.txt

# As grub-mkrescue lays it out: BIOS El Torito + GRUB2 MBR, EFI El Torito that is the GPT's ESP.
opts="-V UDFGRUB --grub2-mbr /usr/lib/grub/i386-pc/boot_hybrid.img
      -b boot/grub/i386-pc/eltorito.img -no-emul-boot -boot-load-size 4 -boot-info-table
      --grub2-boot-info -c boot/grub/boot.cat -eltorito-alt-boot -e efi.img -no-emul-boot
      -efi-boot-part --efi-boot-image --protective-msdos-label"
# shellcheck disable=SC2086
SOURCE_DATE_EPOCH=1700000000 "$MKIMAGE" -quiet --udf-only --udf-rev 2.01 -o g.iso $opts tree
# shellcheck disable=SC2086
SOURCE_DATE_EPOCH=1700000000 TZ=Asia/Tokyo "$MKIMAGE" -quiet --udf-only --udf-rev 2.01 -o again.iso \
	$opts tree
same_bytes g.iso again.iso

# The ISO 9660 tree: the README only.
isoinfo -l -i g.iso >iso.txt
[ "$(grep -c ';1' iso.txt)" = 1 ] && grep -q ' README.TXT;1' iso.txt || { cat iso.txt; fail "ISO tree not just README.TXT"; }
# The catalog: two entries, where xorriso and dumpet find them.
xorriso -indev g.iso -report_el_torito plain 2>/dev/null >elt.txt
cat_lba=$(awk '/^El Torito catalog/ { print $5 }' elt.txt)
bios_lba=$(awk '/^El Torito boot img/ && $7 == "BIOS" { print $NF }' elt.txt)
efi_lba=$(awk '/^El Torito boot img/ && $7 == "UEFI" { print $NF }' elt.txt)
[ -n "$cat_lba" ] && [ -n "$bios_lba" ] && [ -n "$efi_lba" ] || { cat elt.txt; fail "xorriso: not two El Torito images"; }
dumpet -i g.iso >dumpet.txt || fail "dumpet rejects g.iso"
[ "$(grep -c 'Load LBA' dumpet.txt)" = 2 ] && grep -q "Load LBA: $bios_lba " dumpet.txt &&
	grep -q "Load LBA: $efi_lba " dumpet.txt || { cat dumpet.txt; fail "dumpet disagrees"; }
# The UDF view lists the boot files and the catalog; their bytes are those at the catalog's
# addresses: the BIOS image patched (boot info table at 8..63, GRUB2 boot info at 2548..2555).
udfinfo g.iso >info.txt || fail "udfinfo rejects g.iso"
grep -qx udfrev=2.01 info.txt && grep -qx integrity=closed info.txt || { cat info.txt; fail "udfinfo g.iso"; }
7z l -tudf g.iso >7z.txt 2>&1 || { cat 7z.txt; fail "7z l"; }
for f in boot/grub/i386-pc/eltorito.img boot/grub/grub.cfg boot/grub/boot.cat efi.img data.txt; do
	grep -q " $f\$" 7z.txt || { cat 7z.txt; fail "7-Zip does not list $f"; }
done
7z x -tudf -oout g.iso >7z.log 2>&1 || { cat 7z.log; fail "7z x"; }
same_bytes out/efi.img tree/efi.img
same_bytes out/boot/grub/grub.cfg tree/boot/grub/grub.cfg
size=$(stat -c %s tree/boot/grub/i386-pc/eltorito.img)
dd if=g.iso bs=2048 skip="$bios_lba" status=none | head -c "$size" >bios.at-lba
same_bytes out/boot/grub/i386-pc/eltorito.img bios.at-lba
cmp -l tree/boot/grub/i386-pc/eltorito.img bios.at-lba | awk '
	($1 < 9 || $1 > 64) && ($1 < 2549 || $1 > 2556) { bad = 1 } END { exit bad || NR == 0 }' ||
	fail "the BIOS image differs from the tree outside the patched tables, or is not patched"
dd if=g.iso bs=2048 skip="$cat_lba" count=1 status=none >cat.at-lba
same_bytes out/boot/grub/boot.cat cat.at-lba
dd if=g.iso bs=2048 skip="$efi_lba" status=none | head -c "$(stat -c %s tree/efi.img)" >efi.at-lba
same_bytes efi.at-lba tree/efi.img
# imginfo --check: the boot info table's checksum, the GPT's CRCs, the UDF descriptors.
"$IMGINFO" --check g.iso >check.txt 2>&1 || { cat check.txt; fail "imginfo --check g.iso"; }
grep -q 'boot info table: entry 1 .*checksum matches' check.txt || { cat check.txt; fail "imginfo: no boot info table"; }
# The GPT: sound, its ESP the El Torito EFI image.
sgdisk -v g.iso >verify.txt 2>&1 && grep -q 'No problems found' verify.txt || { cat verify.txt; fail "sgdisk -v g.iso"; }
sgdisk -p g.iso >gpt.txt
[ "$(awk '/ EF00 / { print $2 }' gpt.txt)" = $((efi_lba * 4)) ] || { cat gpt.txt; fail "ESP not at the EFI image"; }
fdisk -t dos -l g.iso | grep -Eq '^g.iso1 .* ee GPT' || { fdisk -t dos -l g.iso; fail "no protective MBR partition"; }
# --md5 (xorriso checks the session), -print-size and -o - with the same boot records.
# shellcheck disable=SC2086
SOURCE_DATE_EPOCH=1700000000 "$MKIMAGE" -quiet --udf-only --udf-rev 2.01 -o - $opts tree >stdout.iso
same_bytes stdout.iso g.iso
# shellcheck disable=SC2086
[ "$("$MKIMAGE" -quiet --udf-only --udf-rev 2.01 -print-size $opts tree)" = $(($(stat -c %s g.iso) / 2048)) ] ||
	fail "-print-size is not the image's size"
# shellcheck disable=SC2086
"$MKIMAGE" -quiet --udf-only --udf-rev 2.01 --md5 -o md5.iso $opts tree
xorriso -md5 on -indev md5.iso -check_md5 FAILURE -- >md5.log 2>&1 || { cat md5.log; fail "xorriso -check_md5"; }
udfinfo md5.iso | grep -qx integrity=closed || fail "udfinfo md5.iso"
# Every revision: the UDF view's boot files hold what lies at the catalog's addresses; GRUB's
# own udf code reads grub.cfg, on the host, for each revision it knows (up to 2.01).
for rev in 1.02 1.50 2.01 2.50 2.60; do
	# shellcheck disable=SC2086
	"$MKIMAGE" -quiet --udf-only --udf-rev $rev -o "r$rev.iso" $opts tree
	udfinfo "r$rev.iso" >info.txt || fail "udfinfo rejects r$rev.iso"
	grep -qx integrity=closed info.txt || { cat info.txt; fail "udfinfo r$rev.iso"; }
	rm -rf out
	7z x -tudf -oout "r$rev.iso" >7z.log 2>&1 || { cat 7z.log; fail "7z x r$rev.iso"; }
	lba=$(dumpet -i "r$rev.iso" | awk '/Load LBA/ { print $3; exit }')
	dd if="r$rev.iso" bs=2048 skip="$lba" status=none | head -c "$size" |
		cmp - out/boot/grub/i386-pc/eltorito.img || fail "r$rev.iso: BIOS image in the UDF view"
	same_bytes out/efi.img tree/efi.img
	case $rev in 2.50 | 2.60) continue ;; esac
	grub-fstest "r$rev.iso" cat /boot/grub/grub.cfg >cfg.out 2>&1 || { cat cfg.out; fail "grub-fstest $rev"; }
	same_bytes cfg.out tree/boot/grub/grub.cfg
done

boot_qemu bios-cd g.iso "$token"
boot_qemu bios-hd g.iso "$token"
boot_qemu uefi-cd g.iso "$token"
boot_qemu uefi-hd g.iso "$token"

# UDF 1.02, the ESP appended after the image in a GPT and booted through the catalog too.
make_esp esp.img BOOTX64.EFI
"$MKIMAGE" -quiet --udf-only --udf-rev 1.02 -o app.iso \
	--grub2-mbr /usr/lib/grub/i386-pc/boot_hybrid.img -b boot/grub/i386-pc/eltorito.img \
	-no-emul-boot -boot-load-size 4 -boot-info-table --grub2-boot-info \
	-append_partition 2 0xef esp.img -appended_part_as_gpt \
	-eltorito-alt-boot -e --interval:appended_partition_2:all:: -no-emul-boot tree
sgdisk -v app.iso >verify.txt 2>&1 && grep -q 'No problems found' verify.txt || { cat verify.txt; fail "sgdisk -v app.iso"; }
start=$(sgdisk -p app.iso | awk '$1 == 2 { print $2 }')
mcopy -n -i "app.iso@@$((start * 512))" ::/EFI/BOOT/BOOTX64.EFI back.efi
same_bytes back.efi BOOTX64.EFI
udfinfo app.iso | grep -qx udfrev=1.02 || fail "udfinfo app.iso"
boot_qemu uefi-hd app.iso "$token"

# ISOLINUX hybrids (isohybrid MBR with a GPT, a partition offset): the README alone in the
# ISO tree, isolinux.bin in the UDF view holding what lies at the catalog's address.
mkdir -p iso/isolinux
cp "$ISOLINUX_DIR/isolinux.bin" iso/isolinux/
cp tree/efi.img tree/data.txt iso/
for v in gpt offset; do
	case $v in
	gpt) extra="-eltorito-alt-boot -e efi.img -no-emul-boot -isohybrid-gpt-basdat" ;;
	offset) extra="-partition_offset 16" ;;
	esac
	# shellcheck disable=SC2086
	"$MKIMAGE" -quiet --fs joliet,udf -o "h-$v.iso" -b isolinux/isolinux.bin -c boot.catalog \
		-no-emul-boot -boot-load-size 4 -boot-info-table \
		-isohybrid-mbr "$ISOLINUX_DIR/isohdpfx.bin" $extra iso
	for j in "" -J; do
		[ "$(isoinfo $j -l -i "h-$v.iso" | grep -c 'README.TXT')" = 1 ] &&
		[ "$(isoinfo $j -l -i "h-$v.iso" | grep -Ec '^-')" = 1 ] || fail "h-$v.iso: ISO$j tree not just the README"
	done
	lba=$(dumpet -i "h-$v.iso" | awk '/Load LBA/ { print $3; exit }')
	rm -rf out
	7z x -tudf -oout "h-$v.iso" >7z.log 2>&1 || { cat 7z.log; fail "7z x h-$v.iso"; }
	[ -f out/boot.catalog ] || fail "h-$v.iso: no boot.catalog in the UDF view"
	dd if="h-$v.iso" bs=2048 skip="$lba" status=none |
		head -c "$(stat -c %s iso/isolinux/isolinux.bin)" | cmp - out/isolinux/isolinux.bin ||
		fail "h-$v.iso: isolinux.bin in the UDF view is not what the catalog points at"
	fdisk -l "h-$v.iso" | grep -q "^h-$v.iso1 *\*" || { fdisk -l "h-$v.iso"; fail "h-$v.iso: no active MBR partition"; }
done
# The isohybrid GPT and MBR mark the EFI image where the catalog has it (sgdisk -v finds an
# isohybrid layout's overlapping MBR partitions wrong, xorriso's own as well).
efi=$(dumpet -i h-gpt.iso | awk '/Load LBA/ { n++; if (n == 2) print $3 }')
xorriso -indev h-gpt.iso -report_system_area plain 2>/dev/null >sa.txt
grep -Eq "^GPT start and size : +2 +$((efi * 4)) +2880\$" sa.txt &&
	grep -Eq "^MBR partition +: +2 +0x00 +0xef +$((efi * 4)) +2880\$" sa.txt || { cat sa.txt; fail "h-gpt.iso: the EFI image's GPT/MBR entries"; }
fdisk -l h-offset.iso | grep -Eq '^h-offset.iso1 +\* +64 ' || { fdisk -l h-offset.iso; fail "partition not at 64"; }
# --boot-catalog-hide leaves the catalog out of the UDF view too.
"$MKIMAGE" -quiet --udf-only -o hid.iso -b isolinux/isolinux.bin -no-emul-boot --boot-catalog-hide iso
7z l -tudf hid.iso >7z.txt 2>&1
grep -q ' isolinux/isolinux.bin$' 7z.txt && ! grep -q 'boot.catalog' 7z.txt || { cat 7z.txt; fail "hid.iso: UDF view"; }

# A fault in libisofs's layout (the shim swaps two neighbours in its sorted content list: the
# catalog and the first file, or the patched boot image and a file) fails the image, no image
# left: the boot image's place is proven by the catalog, not by the order it was read in.
shim="$(dirname "$BIN")/tools/swap_qsort.so"
[ -f "$shim" ] || fail "no $shim (make all builds it)"
mkdir sw
head -c 5000 /dev/urandom >sw/a
head -c 9000 /dev/urandom >sw/boot.bin
head -c 3000 /dev/urandom >sw/c
asan="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}verify_asan_link_order=0"
# 3 files, the README and the catalog.
for at in 0 1 2; do
	case $at in
	0) want='boot record names the catalog at block [0-9]+, not at block' ;;
	*) want='boot image /boot.bin \(9000 bytes\) is at block [0-9]+ by the El Torito catalog' ;;
	esac
	rm -f swap.log
	expect_fail 1 "$want" env LD_PRELOAD="$shim" SWAP_QSORT_N=5 SWAP_QSORT_AT=$at \
		SWAP_QSORT_LOG=swap.log ASAN_OPTIONS="$asan" \
		"$MKIMAGE" --udf-only -o sw.iso -b boot.bin -no-emul-boot -boot-info-table sw
	grep -q swapped swap.log || fail "the shim did not swap ($at)"
	[ ! -e sw.iso ] || fail "a failed run left sw.iso"
done
"$MKIMAGE" -quiet --udf-only -o sw.iso -b boot.bin -no-emul-boot -boot-info-table sw
rm -rf out
7z x -tudf -oout sw.iso >7z.log 2>&1 || { cat 7z.log; fail "7z x sw.iso"; }
same_bytes out/a sw/a
same_bytes out/c sw/c
