# Boot records in new sessions (mkimage --grow, -M/-C): a grown bootable image keeps booting.
# By default the new session carries the boot setup of the session it continues (El Torito
# entries, boot info tables, GRUB2 boot info, catalog, MBR / isohybrid system area in the new
# 64 KiB head), as `xorriso -dev X -boot_image any replay` does; --boot keep-none drops it;
# boot options on the command line make new records.  The real images: Debian's
# grub-rescue-cdrom.iso (GRUB2 MBR, protective label, boot info table + GRUB2 boot info) and
# ipxe.iso (ISOLINUX isohybrid MBR, BIOS + EFI entries).  Readers: xorriso's reports, TOC and MD5s,
# boots in QEMU (SeaBIOS / OVMF and the boot loaders themselves), imginfo --session.
# What cannot be carried fails, names it, and leaves the image byte for byte as it was; so does
# a source that fails while the bootable session is written.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootlib.sh"
need xorriso sha256sum cmp losetup truncate
IPXE=/usr/lib/ipxe/ipxe.iso
GRUB=/usr/lib/grub-rescue/grub-rescue-cdrom.iso
MEMTEST=/usr/lib/memtest86+/memtest86+x64.iso
need_file ipxe "$IPXE"
need_file grub-rescue-pc "$GRUB"
need_file memtest86+ "$MEMTEST"

sum_of() { sha256sum <"$1"; }

# sessions IMAGE: xorriso's TOC emulation, "START SIZE" per session.
sessions() {
	xorriso -indev "$1" -toc 2>/dev/null |
		sed -nE 's/^ISO session +: +[0-9]+ , +([0-9]+) , +([0-9]+)s .*/\1 \2/p'
}

grub_cfg() {
	printf 'serial --unit=0 --speed=115200\nterminal_output serial console\necho %s\nsleep 2\nhalt\n' "$1"
}
echo "added by a new session" >added.txt

# 1. A USB stick written with grub-rescue-cdrom.iso (one session at block 0), grown in place
# through a loop block device: a file added, grub.cfg replaced.  The disk boot goes through the
# GRUB2 MBR of the new head, which must point at eltorito.img's copy in the new session (its
# boot info table names it).
cp "$GRUB" stick.img
truncate -s 16M stick.img
loop=$(losetup -f --show stick.img) || cannot_test "no loop device (losetup -f failed)"
trap 'losetup -d "$loop" 2>/dev/null || true' EXIT
grub_cfg TOKEN-GROW-STICK >grub.cfg
"$MKIMAGE" --grow "$loop" -graft-points /boot/grub/grub.cfg=grub.cfg /added.txt=added.txt \
	2>grow.err || { cat grow.err >&2; fail "--grow of a GRUB rescue image on $loop failed"; }
losetup -d "$loop"
same_boot_setup "$GRUB" stick.img
xorriso -osirrox on -indev stick.img -extract /added.txt got.txt >/dev/null 2>&1
cmp added.txt got.txt || fail "stick.img: the added file is wrong"
boot_qemu bios-hd stick.img TOKEN-GROW-STICK

# 2. libisoburn's layout (first session at block 32, as xorriso writes to a blank file or a
# DVD+RW): three sessions, the last two by mkimage --grow.  xorriso's TOC lists all three, the
# oldest is still readable by session number, and the newest boots as a CD with its own grub.cfg.
xorriso -md5 on -indev "$GRUB" -outdev stdio:"$PWD/chain.img" -boot_image any replay \
	-map added.txt /first.txt -commit >/dev/null 2>&1 || fail "xorriso could not write chain.img"
[ "$(sessions chain.img)" = "32 $(sessions chain.img | cut -d' ' -f2)" ] ||
	fail "xorriso did not put its session at block 32: $(sessions chain.img)"
cp chain.img chain-1.img
"$MKIMAGE" --md5 --grow chain.img -graft-points /added.txt=added.txt
grub_cfg TOKEN-GROW-CHAIN >grub.cfg
"$MKIMAGE" --md5 --grow chain.img -graft-points /boot/grub/grub.cfg=grub.cfg
# MD5 tags of the session, of every file (the patched eltorito.img too) and of the head
xorriso -md5 on -indev chain.img -check_md5 FAILURE -- -check_md5_r FAILURE / -- >md5.log 2>&1 ||
	{ cat md5.log >&2; fail "xorriso -check_md5_r on chain.img"; }
[ "$(sessions chain.img | wc -l)" = 3 ] || fail "xorriso -toc lists '$(sessions chain.img)', not 3 sessions"
[ "$(sessions chain.img | head -n 1)" = "$(sessions chain-1.img)" ] || fail "session 1 moved"
"$IMGINFO" --sessions chain.img | grep -Eq '^sessions: 3$' || fail "imginfo --sessions does not see 3"
xorriso -osirrox on -indev chain-1.img -extract /boot/grub/grub.cfg want.cfg >/dev/null 2>&1
xorriso -osirrox on -load sbsector 32 -indev chain.img -extract /boot/grub/grub.cfg s1.cfg \
	>/dev/null 2>&1 || fail "xorriso cannot read session 1 of chain.img"
cmp want.cfg s1.cfg || fail "session 1's grub.cfg (xorriso -load sbsector 32) changed"
mkdir ex1 && "$IMGINFO" --session 1 -x / -C ex1 chain.img >/dev/null || fail "imginfo --session 1 -x"
cmp want.cfg ex1/boot/grub/grub.cfg || fail "session 1's grub.cfg (imginfo --session 1) changed"
[ ! -e ex1/added.txt ] && [ -e ex1/first.txt ] || fail "imginfo --session 1 shows another session"
same_boot_setup chain-1.img chain.img
boot_qemu bios-cd chain.img TOKEN-GROW-CHAIN

# 3. iPXE: the isohybrid MBR of the new head (disk boot) and the EFI entry, whose image stays in
# the old session (it is not patched, so it is not copied), booted by OVMF from a CD.
cp "$IPXE" ipxe.img
"$MKIMAGE" --grow ipxe.img -graft-points /added.txt=added.txt 2>grow.err ||
	{ cat grow.err >&2; fail "--grow of ipxe.iso failed"; }
same_boot_setup "$IPXE" ipxe.img
boot_qemu bios-hd ipxe.img "iPXE initialising"
boot_qemu uefi-cd ipxe.img "iPXE initialising"

# 4. --boot keep-none drops the boot setup; boot options on the command line make new records
# instead of the replayed ones (here a plain El Torito entry: no GRUB2 MBR, no GRUB2 boot info).
cp "$IPXE" plain.img
"$MKIMAGE" --grow plain.img --boot keep-none -graft-points /added.txt=added.txt 2>/dev/null
[ -z "$(xorriso -indev plain.img -report_el_torito as_mkisofs 2>/dev/null | grep -E -- '^-b |^-e |^-isohybrid-mbr|^--grub2')" ] ||
	fail "--grow --boot keep-none kept boot records"
cp "$GRUB" own.img
"$MKIMAGE" --grow own.img -b boot/grub/i386-pc/eltorito.img -no-emul-boot -boot-load-size 4 \
	-boot-info-table -graft-points /added.txt=added.txt 2>/dev/null
xorriso -indev own.img -report_el_torito as_mkisofs -report_system_area plain 2>/dev/null >own.rep
grep -q "^-b '/boot/grub/i386-pc/eltorito.img'" own.rep || fail "own.img: no -b entry: $(cat own.rep)"
! grep -Eq -- '^--grub2|grub2-mbr' own.rep || fail "own.img: the replayed GRUB2 setup came along"

# 5. -M PREV -C LAST,NEXT with boot options: a data-only first session, then a session whose
# descriptors carry a new El Torito record and isohybrid MBR (ISOLINUX), put at NEXT by
# imgburn --multi; then a
# third session without boot options, made from the second one's bytes (-C LAST,NEXT with LAST
# that session's start), which replays its record.  SeaBIOS looks at block 17 of the disc, i.e.
# the head, which names the newest session.
mkdir -p data
echo one >data/one.txt
"$MKIMAGE" --grow multi.img data 2>/dev/null
make_isolinux_tree iso TOKEN-M-ISOLINUX
"$MKIMAGE" -M stdio:multi.img -C "$("$IMGBURN" --msinfo --dev stdio:multi.img)" \
	-b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 \
	-boot-info-table -isohybrid-mbr "$ISOLINUX_DIR/isohdpfx.bin" -o - iso 2>/dev/null |
	"$IMGBURN" --multi --dev stdio:multi.img - >/dev/null 2>&1 ||
	fail "-M -C with -b and imgburn --multi failed"
[ "$(sessions multi.img | wc -l)" = 2 ] || fail "multi.img: '$(sessions multi.img)', not 2 sessions"
xorriso -indev multi.img -report_el_torito plain 2>/dev/null | grep -q 'El Torito img path : *1 */isolinux/isolinux.bin' ||
	fail "multi.img: no El Torito entry for isolinux.bin in the newest session"
cp multi.img multi-2.img
last=$(sessions multi.img | tail -n 1 | cut -d' ' -f1)
next=$("$IMGBURN" --msinfo --dev stdio:multi.img | cut -d, -f2)
"$MKIMAGE" -M multi.img -C "$last,$next" -o s3.iso -graft-points /added.txt=added.txt 2>/dev/null
"$IMGBURN" --multi --dev stdio:multi.img s3.iso >/dev/null 2>&1 || fail "imgburn --multi s3.iso failed"
[ "$(sessions multi.img | wc -l)" = 3 ] || fail "multi.img: '$(sessions multi.img)', not 3 sessions"
# (Both heads hold a session's own system area, its MBR extended to the grown image, whose
# size makes xorriso infer another cylinder alignment and geometry.)
MASK_GEOMETRY=1 same_boot_setup multi-2.img multi.img
# The session's own isohybrid MBR (libisofs: as for an image of the session alone) in the
# head covers the whole grown image.
xorriso -indev multi.img -report_system_area plain 2>/dev/null >sa.rep
size=$(sed -n 's/^ISO image size\/512 *: *//p' sa.rep)
grep -Eq "^MBR partition +: +1 +0x80 +0x17 +0 +$size\$" sa.rep ||
	{ cat sa.rep >&2; fail "multi.img: MBR partition 1 does not cover the $size sectors"; }
boot_qemu bios-cd multi.img TOKEN-M-ISOLINUX

# The same with a UEFI entry (a GRUB EFI binary in a FAT image) added by -M to a data-only
# session: OVMF finds El Torito through the head's block 17 on a disk too.
mkdir efit
make_grub_efi bootx64.efi TOKEN-M-EFI
make_esp efit/efi.img bootx64.efi
"$MKIMAGE" --grow uefi.img data 2>/dev/null
"$MKIMAGE" -M stdio:uefi.img -C "$("$IMGBURN" --msinfo --dev stdio:uefi.img)" \
	-e efi.img -no-emul-boot -o - efit 2>/dev/null |
	"$IMGBURN" --multi --dev stdio:uefi.img - >/dev/null 2>&1 || fail "-M -C with -e failed"
boot_qemu uefi-hd uefi.img TOKEN-M-EFI

# 6. What cannot be carried fails, naming it, and the image is byte for byte as before:
# memtest86+'s EFI image is appended partition 2, which starts where the ISO ends, where the new
# session would go (xorriso: "Multi-session would overwrite imported_iso interval").
cp "$MEMTEST" memtest.img
old_sum=$(sum_of memtest.img)
expect_fail 1 "appended partition 2 .*lies where the new session goes .*cannot be carried.*--boot keep-none" \
	"$MKIMAGE" --grow memtest.img -graft-points /added.txt=added.txt
[ "$(sum_of memtest.img)" = "$old_sum" ] || fail "a refused --grow changed memtest.img"
# A hidden hard-disk emulation image: nothing to point at, no length to copy.
mkdir hidden
head -c 1474560 /dev/zero >hidden/disk.img
printf '\125\252' | dd of=hidden/disk.img bs=1 seek=510 conv=notrunc status=none
echo data >hidden/data.txt
xorriso -as mkisofs -R -hide disk.img -hard-disk-boot -b disk.img -o hidden.img hidden 2>/dev/null
old_sum=$(sum_of hidden.img)
expect_fail 1 "El Torito entry 1 \\(BIOS\\) boots block [0-9]+.*hidden.*hard-disk emulation" \
	"$MKIMAGE" --grow hidden.img -graft-points /added.txt=added.txt
[ "$(sum_of hidden.img)" = "$old_sum" ] || fail "a refused --grow changed hidden.img"
expect_fail 1 "El Torito entry 1 \\(BIOS\\) boots block [0-9]+.*hidden.*hard-disk emulation" \
	"$MKIMAGE" -M hidden.img -C 0,"$(( $(stat -c %s hidden.img) / 2048 ))" -o m.iso added.txt
[ ! -e m.iso ] || fail "a refused -M left m.iso"
[ "$(sum_of hidden.img)" = "$old_sum" ] || fail "a refused -M changed hidden.img"
# A partition that runs past the end of the image (memtest86+'s ISO cut short): no bytes to copy.
head -c 5000000 "$MEMTEST" >short.img
old_sum=$(sum_of short.img)
expect_fail 1 "partition 2 \\(512-byte blocks 3304\\+8192\\) running past the end of the image" \
	"$MKIMAGE" --grow short.img -graft-points /added.txt=added.txt
[ "$(sum_of short.img)" = "$old_sum" ] || fail "a refused --grow changed short.img"
# A source that fails while the bootable session is written (a sysfs file that shrinks when
# read, after the replayed boot image and 400 KB of other data): ipxe.iso comes back byte for
# byte, though the replay pads and aligns it to whole cylinders.
f=
for c in /sys/devices/system/cpu/online /sys/kernel/uevent_seqnum; do
	if [ -r $c ] && [ "$(stat -c %s $c)" -gt "$(wc -c <$c)" ]; then f=$c; break; fi
done
[ -n "$f" ] || cannot_test "no sysfs file that claims more bytes than it holds"
head -c 400000 /dev/urandom >first.bin
cp "$IPXE" failing.img
expect_fail 1 "session not written: $f: file shrank while it was read" \
	"$MKIMAGE" --grow failing.img -graft-points /a/first.bin=first.bin /z/shrinks=$f
cmp failing.img "$IPXE" || fail "a failed --grow left the bootable image changed"
