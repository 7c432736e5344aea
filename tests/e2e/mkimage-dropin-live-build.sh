# Drop-in: live-build's binary_iso (scripts/build/binary_iso; Debian's repository is on salsa,
# read in its GitHub fork kaisenlinux/live-build, commit 6fde12ef3a23, 2026-12-06), for
# LB_IMAGE_TYPE=iso-hybrid, LB_BOOTLOADER_BIOS=syslinux, LB_BOOTLOADER_EFI=grub-efi: the script
# collects XORRISO_OPTIONS and writes binary.sh, which it runs with sh:
#   xorriso -as mkisofs ${XORRISO_OPTIONS} -o ${IMAGE} binary
# XORRISO_OPTIONS below is what the script builds, in its order (-R -r -J -joliet-long -l
# -cache-inodes -iso-level 3, the isohybrid MBR with -partition_offset 16, -A -p -publisher -V
# quoted, --modification-date=, isolinux El Torito, -eltorito-alt-boot, El Torito EFI and
# -append_partition 2 0x01 of the same efi.img).
# Boots: BIOS disk and UEFI disk (the system area is live-build's own).  Its El Torito entries
# (isolinux; EFI from a FAT file in the tree) are Alpine's, booted from CD there.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootlib.sh"
. "$E2E_DIR/dropin.inc"
need fdisk

TOKEN='TOKEN-LIVEBUILD-31aa'
dropin_boot_fixtures $TOKEN
tree=$SCRATCH/tree
mkdir -p "$tree/binary/isolinux" "$tree/binary/boot/grub" "$tree/binary/live" "$tree/binary/.disk"
cp "$FIX"/isolinux/* "$tree/binary/isolinux/"
cp "$FIX/esp.img" "$tree/binary/boot/grub/efi.img"
head -c 80000 /dev/urandom >"$tree/binary/live/filesystem.squashfs"
head -c 30000 /dev/urandom >"$tree/binary/live/vmlinuz"
printf 'Debian GNU/Linux Live\n' >"$tree/binary/.disk/info"

LB_ISO_APPLICATION="Debian Live" LB_ISO_PREPARER="live-build 20250505; https://salsa.debian.org/live-team/live-build"
LB_ISO_PUBLISHER="Debian Live project; https://wiki.debian.org/DebianLive; debian-live@lists.debian.org"
LB_ISO_VOLUME="Debian bookworm 20231114-22:13"
IMAGE=live-image-amd64.hybrid.iso
XORRISO_OPTIONS="-R -r -J -joliet-long -l -cache-inodes -iso-level 3"
XORRISO_OPTIONS="${XORRISO_OPTIONS} -isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin -partition_offset 16"
XORRISO_OPTIONS="${XORRISO_OPTIONS} -A \"${LB_ISO_APPLICATION}\""
XORRISO_OPTIONS="${XORRISO_OPTIONS} -p \"${LB_ISO_PREPARER}\""
XORRISO_OPTIONS="${XORRISO_OPTIONS} -publisher \"${LB_ISO_PUBLISHER}\""
XORRISO_OPTIONS="${XORRISO_OPTIONS} -V \"${LB_ISO_VOLUME}\""
XORRISO_OPTIONS="${XORRISO_OPTIONS} --modification-date=$(date --utc -d@${DROPIN_EPOCH} +%Y%m%d%H%M%S00)"
XORRISO_OPTIONS="${XORRISO_OPTIONS} -b isolinux/isolinux.bin -c isolinux/boot.cat"
XORRISO_OPTIONS="${XORRISO_OPTIONS} -no-emul-boot -boot-load-size 4 -boot-info-table"
XORRISO_OPTIONS="${XORRISO_OPTIONS} -eltorito-alt-boot"
XORRISO_OPTIONS="${XORRISO_OPTIONS} -e boot/grub/efi.img -no-emul-boot"
XORRISO_OPTIONS="${XORRISO_OPTIONS} -append_partition 2 0x01 binary/boot/grub/efi.img"
cat > binary.sh << EOF2
#!/bin/sh
xorriso -as mkisofs ${XORRISO_OPTIONS} -o ${IMAGE} binary
EOF2

live_build() {
	cp -a "$tree/binary" .
	sh "$SCRATCH/binary.sh"
}
dropin_pair live_build
DROPIN_IMG=$IMAGE
dropin_compare --dates --boot-table isolinux/isolinux.bin --catalog isolinux/boot.cat
dropin_same_source files.ours "$tree/binary"
grep -q '^Volume id: Debian bookworm 20231114-22:13$' vd.ours || fail "volume id"
img=ours/$IMAGE
fdisk -l "$img" >fdisk.txt 2>&1 || true
grep -Eq "^$img"'2 .* 1 +FAT12' fdisk.txt || { cat fdisk.txt >&2; fail "no appended partition 2 of type 0x01"; }
boot_qemu bios-hd "$img" $TOKEN
boot_qemu uefi-hd "$img" $TOKEN
