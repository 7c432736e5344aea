# A real release tool with mkimage in xorriso's place, its command line unchanged:
# grub-mkrescue --xorriso= pointing at a link named xorriso to mkimage.  grub-mkrescue probes
# `-as mkisofs -help`, then passes --grub2-mbr, --grub2-boot-info, --efi-boot,
# -efi-boot-part --efi-boot-image, --protective-msdos-label, --modification-date, the Mac
# HFS+ options (-hfsplus, -apm-block-size, -hfsplus-file-creator-type, -hfs-bless-by) and
# --sort-weight.  The image has the boot layout of the one grub-mkrescue makes with the real
# xorriso (xorriso's reports agree but for block addresses, dates and GUIDs), its HFS+ view
# reads as that one's (7-Zip), and it boots from CD and disk in SeaBIOS and OVMF.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootlib.sh"
. "$E2E_DIR/bootcmp.inc"
need grub-mkrescue qemu-system-x86_64 mformat 7z
need_file grub-pc-bin /usr/lib/grub/i386-pc/boot_hybrid.img

mkdir bin
ln -s "$MKIMAGE" bin/xorriso
xorriso_path=$PWD/bin/xorriso

mkdir -p rescue/boot/grub
printf 'serial --unit=0 --speed=115200\nterminal_output serial console\necho TOKEN-RESCUE-9f8e\nhalt\n' \
	>rescue/boot/grub/grub.cfg
grub-mkrescue --xorriso="$xorriso_path" -o rescue.iso rescue >mkrescue.log 2>&1 ||
	{ cat mkrescue.log; fail "grub-mkrescue with mkimage failed"; }
grub-mkrescue -o ref.iso rescue >ref.log 2>&1 || { cat ref.log; fail "grub-mkrescue with xorriso failed"; }

# layout IMAGE: xorriso's report of the boot setup without what depends on the moment
# (--modification-date, hence the GPT GUIDs) or the volume id's default, block addresses as
# N, and without the gap-filling partitions (GPT/APM "Gap1" for the 300 KiB xorriso pads by
# default, which the mkimage role does not).
layout() {
	boot_report "$1" >"$1.full"
	gaps=$(sed -n 's/^\(GPT\|APM\) partition name : *\([0-9]*\) .*/\2/p;
		      s/^\(GPT partname local\|APM partition name\) *: *\([0-9]*\) *Gap[1-9].*/G\2/p' \
		   "$1.full" | sed -n 's/^G//p' | sort -u | tr '\n' ' ')
	awk -v gaps=" $gaps" '
		/^(-V |--modification-date|GPT disk GUID|GPT partition GUID|APM gap fillers)/ { next }
		/^(GPT|APM) / && match($0, /: +[0-9]+ /) {
			n = substr($0, RSTART, RLENGTH); gsub(/[: ]/, "", n)
			if (index(gaps, " " n " ")) next
		}
		{ print }' "$1.full" |
		sed -E -e 's/[0-9]+([sd])-[0-9]+([sd])/N\1-N\2/g' \
		       -e 's/^(MBR partition +: +[0-9]+ +0x[0-9a-f]+ +0x[0-9a-f]+) +[0-9]+ +[0-9]+/\1 N N/' \
		       -e 's/^((GPT|APM) start and size : +[0-9]+) +[0-9]+ +[0-9]+/\1 N N/' \
		       -e 's/^(GPT lba range +:|ISO image size\/512 :) .*/\1 N/'
}
layout rescue.iso >ours.layout
layout ref.iso >ref.layout
diff -u ref.layout ours.layout || fail "boot layout differs from grub-mkrescue + xorriso's"
for want in '^--grub2-mbr' '^--protective-msdos-label' '^-hfsplus$' '^-apm-block-size 2048' \
	    '^--grub2-boot-info' '^-e ' 'APM partition type : +2 +Apple_HFS' \
	    'GPT partname local : +[0-9]+ +EFI boot partition'; do
	grep -Eq -- "$want" ours.layout || { cat ours.layout; fail "no '$want' in the boot setup"; }
done

# The HFS+ view holds the tree, with the files grub-mkrescue asks to be blessed and coded.
hfs_list() {
	n=$(sed -n 's/^GPT partname local : *\([0-9]*\) *HFSPLUS$/\1/p' "$1.full")
	[ -n "$n" ] || fail "$1: no HFS+ partition in the GPT"
	set -- "$1" $(sed -n "s/^GPT start and size : *$n *//p" "$1.full")
	dd if="$1" of="$1.hfs" bs=512 skip="$2" count="$3" status=none
	# Size (or "dir") and path without the volume name, which is the volume id.
	7z l -tHFS "$1.hfs" | grep -E '^[0-9]{4}-' | grep -v ' files, ' |
		awk '{ p = $NF; sub(/^[^\/]*/, "", p); print ($3 ~ /^D/ ? "dir" : $4), p }'
}
hfs_list rescue.iso >ours.hfs
hfs_list ref.iso >ref.hfs
diff ref.hfs ours.hfs >/dev/null || { diff ref.hfs ours.hfs | head; fail "HFS+ view differs from xorriso's"; }
[ "$(wc -l <ours.hfs)" -gt 100 ] || fail "HFS+ view nearly empty"
grep -q ' /System/Library/CoreServices/boot.efi$' ours.hfs || fail "no boot.efi in the HFS+ view"
[ "$(grep -c tbxjchrp rescue.iso.hfs)" = 1 ] || fail "no creator/type codes in the HFS+ catalog"

boot_qemu bios-cd rescue.iso TOKEN-RESCUE-9f8e
boot_qemu bios-hd rescue.iso TOKEN-RESCUE-9f8e
boot_qemu uefi-cd rescue.iso TOKEN-RESCUE-9f8e
boot_qemu uefi-hd rescue.iso TOKEN-RESCUE-9f8e
