# Drop-in: NixOS's ISO builder, nixos/lib/make-iso9660-image.sh in NixOS/nixpkgs (the current
# form, read 2026-12-06 through the code index, file id 784316885; older stored commits such as
# f5d2ad946933 lack the native commands).  xorriso native commands first, then -as mkisofs:
#   xorriso -boot_image any gpt_disk_guid=$(uuid -v 5 daed2280-... $out | tr -d -)
#       -volume_date all_file_dates =$SOURCE_DATE_EPOCH -as mkisofs -iso-level 3
#       -volid ${volumeID} -appid nixos -publisher nixos -graft-points -full-iso9660-filenames
#       -joliet ${isoBootFlags} ${usbBootFlags} ${efiBootFlags} -r -path-list pathlist
#       --sort-weight 0 / -output $out/iso/$isoName
# isoBootFlags, usbBootFlags and efiBootFlags as the script sets them (BIOS isolinux, isohybrid
# MBR, El Torito EFI with -isohybrid-gpt-basdat), the files given by a -path-list of
# target=source graft points, as addPath writes it.
# No boot here: the layout is Alpine's (mkimage-dropin-alpine.sh boots it on BIOS/UEFI, CD/disk).
# What is NixOS's own is checked: the GPT disk GUID given, and every file dated SOURCE_DATE_EPOCH.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootlib.sh"
. "$E2E_DIR/dropin.inc"

TOKEN='TOKEN-NIXOS-0b3f'
dropin_boot_fixtures $TOKEN
store=$SCRATCH/nix/store
mkdir -p "$store/abc-nixos-system/sw/bin" "$store/def-linux/boot" "$SCRATCH/contents/isolinux" "$SCRATCH/contents/EFI/BOOT"
head -c 50000 /dev/urandom >"$store/def-linux/boot/bzImage"
printf '#!/bin/sh\n' >"$store/abc-nixos-system/sw/bin/init"
chmod 755 "$store/abc-nixos-system/sw/bin/init"
ln -s ../def-linux/boot/bzImage "$store/abc-nixos-system/kernel"
cp "$FIX"/isolinux/* "$SCRATCH/contents/isolinux/"
cp "$FIX/esp.img" "$SCRATCH/contents/efi.img"
cp "$FIX/grubx64.efi" "$SCRATCH/contents/EFI/BOOT/BOOTX64.EFI"
printf 'version\n' >"$SCRATCH/contents/version.txt"

nixos_iso() {
	out=$OUT SOURCE_DATE_EPOCH=1701234567
	volumeID=nixos-minimal-25.11-x86_64 isoName=nixos.iso
	bootImage=/isolinux/isolinux.bin isohybridMbrImage=$ISOLINUX_DIR/isohdpfx.bin efiBootImage=efi.img
	# The builder's helpers, as they are there.
	stripSlash() { res="$1"; if test "${res:0:1}" = /; then res=${res:1}; fi; }
	escapeEquals() { echo "$1" | sed -e 's/\\/\\\\/g' -e 's/=/\\=/g'; }
	addPath() { target="$1"; source="$2"; echo "$(escapeEquals "$target")=$(escapeEquals "$source")" >> pathlist; }
	stripSlash "$bootImage"; bootImage="$res"
	# -boot-info-table patches the boot image: the builder copies it first (boot.img).
	cp "$SCRATCH/contents/isolinux/isolinux.bin" boot.img
	isoBootFlags="-eltorito-boot ${bootImage}
                  -eltorito-catalog .boot.cat
                  -no-emul-boot -boot-load-size 4 -boot-info-table"
	usbBootFlags="-isohybrid-mbr ${isohybridMbrImage}"
	efiBootFlags="-eltorito-alt-boot
                  -e $efiBootImage
                  -no-emul-boot
                  -isohybrid-gpt-basdat"
	touch pathlist
	for f in isolinux/ldlinux.c32 isolinux/libcom32.c32 isolinux/libutil.c32 isolinux/menu.c32 \
		 isolinux/isolinux.cfg efi.img EFI/BOOT/BOOTX64.EFI version.txt; do
		addPath "$f" "$SCRATCH/contents/$f"
	done
	addPath isolinux/isolinux.bin boot.img
	for i in "$store/abc-nixos-system" "$store/def-linux"; do addPath "nix/store/${i##*/}" "$i"; done
	mkdir -p $out/iso
	xorriso="xorriso
 -boot_image any gpt_disk_guid=$(printf 'nixos-%s' "$out" | sha256sum | cut -c1-32)
 -volume_date all_file_dates =$SOURCE_DATE_EPOCH
 -as mkisofs
 -iso-level 3
 -volid ${volumeID}
 -appid nixos
 -publisher nixos
 -graft-points
 -full-iso9660-filenames
 -joliet
 ${isoBootFlags}
 ${usbBootFlags}
 ${efiBootFlags}
 -r
 -path-list pathlist
 --sort-weight 0 /
"
	$xorriso -output $out/iso/$isoName
}
# ($(uuid -v 5 NAMESPACE $out | tr -d -) needs the uuid program; a hash of $out gives the same
# kind of value: 32 hex digits, fixed per output path.)
dropin_pair nixos_iso
DROPIN_IMG=iso/nixos.iso
# The GUID is derived from $out, which differs between the two sides: compared below instead.
dropin_compare --dates --boot-table isolinux/isolinux.bin --catalog .boot.cat
for side in real ours; do
	want=$(printf 'nixos-%s' "$SCRATCH/$side" | sha256sum | cut -c1-32)
	grep -q "^GPT disk GUID *: *$want\$" "$SCRATCH/$side/iso/nixos.iso.report.raw" ||
		{ grep GUID "$SCRATCH/$side/iso/nixos.iso.report.raw" >&2; fail "$side: the GPT disk GUID is not gpt_disk_guid=$want"; }
done
# -volume_date all_file_dates: every file's Rock Ridge date is SOURCE_DATE_EPOCH (2023-11-29).
xorriso -indev ours/iso/nixos.iso -find / -exec lsdl -- 2>/dev/null | grep -v ' Nov 29  2023 ' |
	grep -E '^[-dl]' && fail "files not dated by -volume_date all_file_dates"
dropin_mbr_has_esp ours/iso/nixos.iso
