#!/bin/sh
# Builds a bootable demo image from examples/demo-tree with mkimage (isolinux from Debian's
# isolinux package, BIOS El Torito entry, hybrid MBR so it also boots from a USB stick) and shows
# what is in it with imginfo.
# Usage: scripts/demo.sh BINDIR   (make demo calls it after building)
set -eu
bin=$1
top=$(cd "$(dirname "$0")/.." && pwd)
out=${DEMO_DIR:-$top/build/demo}
mkdir -p "$out"
img=$out/demo.iso
mods=/usr/lib/syslinux/modules/bios

# A fixed date: the demo image is the same bytes on every machine.
SOURCE_DATE_EPOCH=1700000000 "$bin/mkimage" --md5 -V DEMO -A "disc image toolkit demo" \
	-graft-points -o "$img" \
	/="$top/examples/demo-tree" \
	/isolinux/isolinux.cfg="$top/examples/boot/isolinux.cfg" \
	/isolinux/isolinux.bin=/usr/lib/ISOLINUX/isolinux.bin \
	/isolinux/ldlinux.c32="$mods/ldlinux.c32" /isolinux/libcom32.c32="$mods/libcom32.c32" \
	/isolinux/libutil.c32="$mods/libutil.c32" /isolinux/menu.c32="$mods/menu.c32" \
	-b isolinux/isolinux.bin -c isolinux/boot.cat --boot-preset bios \
	-isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin
echo "== built $img ($(wc -c <"$img") bytes)"
echo "== imginfo $img"
"$bin/imginfo" "$img"
echo "== imginfo -l $img"
"$bin/imginfo" -l "$img"
echo "== imginfo --check $img"
"$bin/imginfo" --check "$img"
echo
echo "Boot it: qemu-system-x86_64 -cdrom $img   (or write it to a USB stick with imgburn)"
