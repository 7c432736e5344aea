# A real release tool with mkimage in xorriso's place: grub-mkrescue (--xorriso=) makes a GRUB
# rescue image through `-as mkisofs` with --grub2-mbr, --grub2-boot-info, --efi-boot,
# -efi-boot-part --efi-boot-image, --protective-msdos-label and --modification-date; the image
# boots from CD and disk in SeaBIOS and OVMF.  grub-mkrescue also asks for Mac HFS+ (-hfsplus,
# -apm-block-size, -hfsplus-file-creator-type, -hfs-bless-by) and xorriso's --sort-weight,
# which mkimage does not have: the stand-in leaves those out and says so.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootlib.sh"
need grub-mkrescue qemu-system-x86_64 mformat
need_file grub-pc-bin /usr/lib/grub/i386-pc/boot_hybrid.img

cat >xorriso-standin <<EOF2
#!/bin/bash
[ "\$1" = -as ] && [ "\$2" = mkisofs ] && shift 2
args=()
while [ \$# -gt 0 ]; do
	case "\$1" in
	-hfsplus) shift ;;
	-apm-block-size) shift 2 ;;
	-hfsplus-file-creator-type) shift 4 ;;
	-hfs-bless-by) shift 3 ;;
	--sort-weight) shift 3 ;;
	*) args+=("\$1"); shift ;;
	esac
done
echo "\${args[*]}" >"$SCRATCH/mkimage-args"
exec "$MKIMAGE" "\${args[@]}"
EOF2
chmod +x xorriso-standin

mkdir -p rescue/boot/grub
printf 'serial --unit=0 --speed=115200\nterminal_output serial console\necho TOKEN-RESCUE-9f8e\nhalt\n' \
	>rescue/boot/grub/grub.cfg
grub-mkrescue --xorriso="$PWD/xorriso-standin" -o rescue.iso rescue >mkrescue.log 2>&1 ||
	{ cat mkrescue.log; fail "grub-mkrescue with mkimage failed"; }
note "mkimage $(cat mkimage-args)"
for opt in --grub2-mbr --grub2-boot-info --efi-boot --efi-boot-image --protective-msdos-label \
	   --modification-date; do
	grep -q -- "$opt" mkimage-args || fail "grub-mkrescue did not pass $opt"
done

# What xorriso reads back: a BIOS and an EFI entry, a protective MBR and the EFI partition.
xorriso -indev rescue.iso -report_el_torito plain -report_system_area plain 2>/dev/null >report.txt
grep -Eq 'El Torito boot img : +1 +BIOS' report.txt || { cat report.txt; fail "no BIOS entry"; }
grep -Eq 'El Torito boot img : +2 +UEFI' report.txt || { cat report.txt; fail "no EFI entry"; }
grep -q 'GPT' report.txt || { cat report.txt; fail "no GPT for the EFI partition"; }

boot_qemu bios-cd rescue.iso TOKEN-RESCUE-9f8e
boot_qemu bios-hd rescue.iso TOKEN-RESCUE-9f8e
boot_qemu uefi-cd rescue.iso TOKEN-RESCUE-9f8e
boot_qemu uefi-hd rescue.iso TOKEN-RESCUE-9f8e
