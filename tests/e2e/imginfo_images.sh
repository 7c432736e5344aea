# Images for the imginfo tests, made with xorriso and genisoimage (sourced after lib.sh).
# Not a test itself: run.sh only runs files named <program>-<behaviour>.sh.
need xorriso mkfs.vfat mmd mcopy
need_file isolinux /usr/lib/ISOLINUX/isolinux.bin /usr/lib/ISOLINUX/isohdpfx.bin

# make_tree DIR: a small tree with nested directories, modes, a symlink, a long name,
# an empty file and a file of several blocks.
make_tree() {
	mkdir -p "$1/dir/sub" "$1/isolinux" "$1/empty_dir"
	echo hello >"$1/dir/a.txt"
	ln -s a.txt "$1/dir/link"
	ln -s ../dir/sub "$1/isolinux/uplink"
	: >"$1/dir/empty"
	head -c 300000 /dev/urandom >"$1/dir/sub/big.bin"
	chmod 600 "$1/dir/sub/big.bin"
	chmod 750 "$1/dir/sub"
	echo "long name" >"$1/dir/a_rather_long_file_name_for_level_two.txt"
	printf '#!/bin/sh\necho hi\n' >"$1/dir/run.sh"
	chmod 755 "$1/dir/run.sh"
	cp /usr/lib/ISOLINUX/isolinux.bin "$1/isolinux/"
	touch -d '2024-02-03 04:05:06' "$1/dir/a.txt"
}

# make_efi FILE: a 1.44 MB FAT image with EFI/BOOT/BOOTX64.EFI.
make_efi() {
	mkfs.vfat -C "$1" 1440 >/dev/null
	mmd -i "$1" ::/EFI ::/EFI/BOOT
	echo "not really an EFI program" >"$SCRATCH/bootx64"
	mcopy -i "$1" "$SCRATCH/bootx64" ::/EFI/BOOT/BOOTX64.EFI
}

# make_hybrid IMG TREE: BIOS (isolinux, boot info table) + EFI El Torito, isohybrid MBR with
# GPT, Rock Ridge, Joliet and MD5 tags.  Made by xorriso, or by mkimage when BUILDER=mkimage
# (with --md5), so each test can check imginfo on both.
make_hybrid() {
	make_efi "$2/efi.img"
	if [ "${BUILDER:-xorriso}" = mkimage ]; then
		set -- "$1" "$2" "$MKIMAGE" --md5
	else
		set -- "$1" "$2" xorriso -as mkisofs --md5
	fi
	img=$1 tree=$2
	shift 2
	"$@" -R -J -V HYBRID_VOL -publisher "imginfo tests" \
		-isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin \
		-b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 \
		-boot-info-table -eltorito-alt-boot -e efi.img -no-emul-boot \
		-isohybrid-gpt-basdat -o "$img" "$tree" 2>"$SCRATCH/xorriso.log" ||
		{ cat "$SCRATCH/xorriso.log" >&2; fail "$1 could not make $img"; }
}

# jq_py FILE EXPR: evaluates a Python expression over the JSON document d in FILE.
jq_py() {
	$PYTHON -c 'import json,sys; d=json.load(open(sys.argv[1])); v=eval(sys.argv[2]); print(v if not isinstance(v,bool) else str(v).lower())' "$1" "$2"
}

# same_value WHAT OURS THEIRS
same_value() {
	[ "$2" = "$3" ] || fail "$1: imginfo says '$2', the reader says '$3'"
	note "$1: $2"
}
