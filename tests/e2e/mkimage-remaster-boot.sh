# Remastering Debian's real boot images with mkimage --indev (boot replay, the default): iPXE's
# ipxe.iso (ISOLINUX isohybrid MBR, BIOS + EFI El Torito entries), grub-rescue-pc's
# grub-rescue-cdrom.iso (GRUB2 MBR, protective label, boot info table + GRUB2 boot info) and
# memtest86+'s ISO (GRUB2 MBR, floppy emulation, EFI image in appended partition 2).  Each gets
# a file added (and a boot menu changed where it has one that reaches the serial console); the
# boot setup xorriso reads of old and new must agree except for addresses, and each new image
# boots wherever the original boots.  An image whose boot setup cannot be replayed fails with a
# message and writes nothing.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootlib.sh"
need xorriso sfdisk cmp
IPXE=/usr/lib/ipxe/ipxe.iso
GRUB=/usr/lib/grub-rescue/grub-rescue-cdrom.iso
MEMTEST=/usr/lib/memtest86+/memtest86+x64.iso
need_file ipxe "$IPXE"
need_file grub-rescue-pc "$GRUB"
need_file memtest86+ "$MEMTEST"
need_file grub-pc-bin /usr/lib/grub/i386-pc/boot.img

sum_of() { md5sum <"$1"; }

# vga_boot MODE IMAGE TOKEN: a BIOS boot (bios-cd, bios-hd) that succeeds when TOKEN shows in the
# VGA text screen (memory at 0xb8000, read through QEMU's monitor): memtest86+ draws its screen
# there and writes nothing to the serial port.  TCG only: a KVM failure would hang the guest.
vga_boot() {
	mode=$1 image=$2 token=$3
	case $mode in
	bios-cd) drive="file=$image,format=raw,media=cdrom,readonly=on" ;;
	bios-hd) drive="file=$image,format=raw,if=ide,snapshot=on" ;;
	*) fail "vga_boot: unknown mode $mode" ;;
	esac
	rm -f "$PWD/vga.mon" "$PWD/vga.mem"
	timeout -k 5 "${BOOT_TIMEOUT:-300}" qemu-system-x86_64 -accel tcg -m 256 -display none \
		-no-reboot -nic none -serial none -monitor "unix:$PWD/vga.mon,server=on,wait=off" \
		-drive "$drive" >vga.log 2>&1 &
	qpid=$!
	set +e
	"$PYTHON" - "$PWD/vga.mon" "$PWD/vga.mem" "$token" "${BOOT_TIMEOUT:-300}" <<'PY'
import os, socket, sys, time
mon, mem, token, limit = sys.argv[1], sys.argv[2], sys.argv[3].encode(), float(sys.argv[4])
end = time.time() + limit
while not os.path.exists(mon) and time.time() < end:
    time.sleep(0.2)
s = socket.socket(socket.AF_UNIX)
s.connect(mon)
s.settimeout(5)
def cmd(c):
    s.sendall(c.encode() + b"\n")
    time.sleep(0.3)
    try:
        s.recv(65536)
    except socket.timeout:
        pass
cmd("")
text = b""
while time.time() < end:
    # the file name is a string argument: unquoted, the monitor parses it as an expression
    cmd('pmemsave 0xb8000 4000 "%s"' % mem)
    try:
        text = open(mem, "rb").read()[0::2]
    except OSError:
        text = b""
    if token in text:
        cmd("quit")
        sys.exit(0)
    time.sleep(1)
sys.stderr.write("screen: " + text.decode("latin1") + "\n")
sys.exit(1)
PY
	rc=$?
	set -e
	kill "$qpid" 2>/dev/null || true
	wait "$qpid" 2>/dev/null || true
	[ $rc -eq 0 ] || fail "no boot: '$token' not seen on the screen ($mode, $image)"
	note "booted $mode: saw $token on the screen"
}

echo "added by the remaster" >added.txt

# iPXE: the ISOLINUX menu's SAY line becomes a token (ISOLINUX 6.04 of this image writes SAY
# text to the serial port; iPXE itself announces "iPXE initialising devices").  The original
# was seen to boot in all four modes (bios-cd, bios-hd through the isohybrid MBR, uefi-cd and
# uefi-hd through the El Torito EFI entry), so the remaster must too.
xorriso -osirrox on -indev "$IPXE" -extract /isolinux.cfg isolinux.cfg >/dev/null 2>&1
chmod u+w isolinux.cfg
sed -i 's/^SAY .*/SAY TOKEN-REPLAY-IPXE/' isolinux.cfg
grep -q TOKEN-REPLAY-IPXE isolinux.cfg || fail "ipxe's isolinux.cfg has no SAY line to change"
old_sum=$(sum_of "$IPXE")
"$MKIMAGE" --indev "$IPXE" -o ipxe-new.iso -graft-points /isolinux.cfg=isolinux.cfg \
	/added.txt=added.txt
[ "$(sum_of "$IPXE")" = "$old_sum" ] || fail "the old image changed"
same_boot_setup "$IPXE" ipxe-new.iso
xorriso -osirrox on -indev ipxe-new.iso -extract /added.txt got.txt >/dev/null 2>&1
cmp added.txt got.txt || fail "ipxe-new.iso: added file wrong"
for mode in bios-cd bios-hd; do
	boot_qemu $mode ipxe-new.iso "iPXE initialising"
	saw_token TOKEN-REPLAY-IPXE || fail "ipxe-new.iso ($mode): the changed isolinux.cfg was not read"
done
boot_qemu uefi-cd ipxe-new.iso "iPXE initialising"
boot_qemu uefi-hd ipxe-new.iso "iPXE initialising"

# GRUB rescue: a grub.cfg that writes a token to the serial console and halts.  The image is
# for PC BIOS only (i386-pc, no EFI entry): bios-cd through El Torito, bios-hd through the
# GRUB2 MBR, which a remaster must point at eltorito.img's new address.  (The original's own
# grub.cfg draws its menu, which was seen on the serial console in both modes.)
printf 'serial --unit=0 --speed=115200\nterminal_output serial console\necho TOKEN-REPLAY-GRUB\nsleep 2\nhalt\n' >grub.cfg
"$MKIMAGE" --indev "$GRUB" -o grub-new.iso -graft-points /boot/grub/grub.cfg=grub.cfg \
	/added.txt=added.txt
same_boot_setup "$GRUB" grub-new.iso
boot_qemu bios-cd grub-new.iso TOKEN-REPLAY-GRUB
boot_qemu bios-hd grub-new.iso TOKEN-REPLAY-GRUB

# memtest86+: a floppy-emulation BIOS entry and an EFI image that is no file but appended
# partition 2 (xorriso 1.5.4 replays it as -e --interval:appended_partition_2...).  The original
# was seen to boot in all four modes: in BIOS ones memtest draws its screen (CLK/Temp, ~30 s
# under TCG) and writes nothing to the serial port; in UEFI ones OVMF starts the El Torito EFI
# entry (and memtest then owns a graphics screen), so those are proven by OVMF's "starting"
# with no "failed to start" following it, and the partition's bytes are compared with the old
# image's.
"$MKIMAGE" --indev "$MEMTEST" -o memtest-new.iso -graft-points /added.txt=added.txt
same_boot_setup "$MEMTEST" memtest-new.iso
part2() { sfdisk -d "$1" | sed -n 's/.*\(-new.iso\|iso\)2 : start= *\([0-9]*\), size= *\([0-9]*\), type=\([0-9a-f]*\).*/\2 \3 \4/p'; }
read -r ostart osize otype <<<"$(part2 "$MEMTEST")"
read -r nstart nsize ntype <<<"$(part2 memtest-new.iso)"
[ -n "$osize" ] && [ "$osize" = "$nsize" ] && [ "$otype" = ef ] && [ "$ntype" = ef ] ||
	fail "memtest-new.iso: partition 2 is '$nstart $nsize $ntype', the old one '$ostart $osize $otype'"
cmp <(dd if="$MEMTEST" bs=512 skip="$ostart" count="$osize" status=none) \
	<(dd if=memtest-new.iso bs=512 skip="$nstart" count="$nsize" status=none) ||
	fail "memtest-new.iso: appended partition 2 differs from the old one"
vga_boot bios-cd memtest-new.iso CLK/Temp
vga_boot bios-hd memtest-new.iso CLK/Temp
for mode in uefi-cd uefi-hd; do
	boot_qemu $mode memtest-new.iso "BdsDxe: starting Boot"
	sleep 3
	! saw_token "failed to start" || fail "memtest-new.iso ($mode): OVMF could not start it"
done

# The usual boot lines of xorriso -as mkisofs, each image remastered and its boot setup read
# back by xorriso: ISOLINUX BIOS + EFI with an isohybrid GPT (and APM), an appended ESP (in the
# MBR, and in a GPT), floppy and hard-disk emulation, boot info table + GRUB2 boot info with a
# GRUB2 MBR, GRUB's protective label, the EFI image as the GPT's ESP, a partition offset, a
# hidden catalog, Fedora lorax's line (GRUB2 MBR, partition offset, ESP appended in a GPT, the
# ISO's GPT type, hidden catalog), a hidden boot image (copied from the old image's bytes, hidden again), id
# strings and selection criteria.
mkdir -p t/isolinux
cp "$ISOLINUX_DIR/isolinux.bin" t/isolinux/
mkfs.vfat -C t/efi.img 1440 >/dev/null
mkfs.vfat -C esp.img 2880 >/dev/null
head -c 1474560 /dev/zero >t/floppy.img
printf '\125\252' | dd of=t/floppy.img bs=1 seek=510 conv=notrunc status=none
head -c 5000 /dev/urandom >t/grub.img
echo data >t/a.txt
isolinux="-b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table"
hybrid="$isolinux -isohybrid-mbr $ISOLINUX_DIR/isohdpfx.bin -eltorito-alt-boot -e efi.img -no-emul-boot"
esp="-append_partition 2 0xef esp.img -eltorito-alt-boot -e --interval:appended_partition_2:all:: -no-emul-boot"
n=0
while read -r line; do
	n=$((n + 1))
	# shellcheck disable=SC2086
	xorriso -as mkisofs -R -J -o line$n.iso $line t 2>line$n.log ||
		{ cat line$n.log >&2; fail "xorriso -as mkisofs $line failed"; }
	"$MKIMAGE" --indev line$n.iso -o line$n-new.iso ||
		fail "no remaster of the image made with: $line"
	same_boot_setup line$n.iso line$n-new.iso
done <<EOL
$hybrid -isohybrid-gpt-basdat
$hybrid -isohybrid-gpt-basdat -isohybrid-apm-hfsplus
$isolinux $esp
$isolinux -append_partition 2 C12A7328-F81F-11D2-BA4B-00A0C93EC93B esp.img -appended_part_as_gpt -eltorito-alt-boot -e --interval:appended_partition_2:all:: -no-emul-boot
-b floppy.img -c boot.cat
-hard-disk-boot -b floppy.img -c boot.cat -eltorito-alt-boot -b grub.img -no-emul-boot -boot-load-size 7
-b grub.img -no-emul-boot -boot-load-size 4 -boot-info-table --grub2-boot-info --protective-msdos-label --grub2-mbr /usr/lib/grub/i386-pc/boot.img
-b grub.img -no-emul-boot --protective-msdos-label -append_partition 3 0x83 esp.img
-b isolinux/isolinux.bin -no-emul-boot -eltorito-alt-boot -e efi.img -no-emul-boot -efi-boot-part --efi-boot-image
$isolinux -isohybrid-mbr $ISOLINUX_DIR/isohdpfx.bin -partition_offset 16
$isolinux --boot-catalog-hide
--grub2-mbr /usr/lib/grub/i386-pc/boot.img -partition_offset 16 -appended_part_as_gpt -append_partition 2 C12A7328-F81F-11D2-BA4B-00A0C93EC93B esp.img -iso_mbr_part_type EBD0A0A2-B9E5-4433-87C0-68B6B72699C7 -c boot.cat --boot-catalog-hide -b grub.img -no-emul-boot -boot-load-size 4 -boot-info-table --grub2-boot-info -eltorito-alt-boot -e --interval:appended_partition_2:all:: -no-emul-boot
-hide grub.img -b grub.img -no-emul-boot -boot-info-table
-b grub.img -no-emul-boot -eltorito-id ABCDEF -eltorito-alt-boot -b isolinux/isolinux.bin -no-emul-boot -eltorito-selcrit 0102030405 -eltorito-id sectwo
EOL

# --boot keep-none drops the boot setup.
"$MKIMAGE" --indev "$IPXE" --boot keep-none -o ipxe-plain.iso
[ -z "$(xorriso -indev ipxe-plain.iso -report_el_torito as_mkisofs 2>/dev/null | grep -- '^-b \|^-e \|^-isohybrid-mbr')" ] ||
	fail "--boot keep-none kept boot records"

# Replay failure: a hidden hard-disk emulation image (no file to point at, and no length the old
# image tells, so nothing to copy it from).
mkdir hidden
cp t/floppy.img hidden/disk.img
echo data >hidden/data.txt
xorriso -as mkisofs -R -hide disk.img -hard-disk-boot -b disk.img -o hidden.iso hidden 2>/dev/null
old_sum=$(sum_of hidden.iso)
expect_fail 1 "El Torito entry 1 \\(BIOS\\) boots block [0-9]+.*hidden.*hard-disk emulation" \
	"$MKIMAGE" --indev hidden.iso -o hidden-new.iso
[ ! -e hidden-new.iso ] || fail "a failed replay left hidden-new.iso"
ls -a | grep -q 'hidden-new' && fail "a failed replay left a temporary file: $(ls -a)"
[ "$(sum_of hidden.iso)" = "$old_sum" ] || fail "a failed replay changed the old image"
