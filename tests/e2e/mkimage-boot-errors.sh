# Bad boot input gets a clear message naming the file, exit 1 or 2, and no output left behind.
. "$E2E_DIR/lib.sh"
need mkfs.vfat

mkdir tree
head -c 2048 /dev/zero >tree/boot.bin
head -c 40 /dev/zero >tree/tiny.bin
head -c 100000 /dev/zero >tree/odd.img
head -c 1474560 /dev/zero >tree/floppy.img
head -c 1474560 /dev/zero >tree/notfat.img
mkfs.vfat -C tree/fat.img 1440 >/dev/null
head -c 300 /dev/zero >short.mbr
head -c 600 /dev/zero >long.mbr

check() {
	pattern=$1
	shift
	expect_fail any "$pattern" "$MKIMAGE" -o out.iso "$@"
	[ ! -e out.iso ] || fail "output left behind: $*"
	[ -z "$(ls -A . | grep -v -e '^tree$' -e '\.mbr$' -e '^expect_fail')" ] ||
		{ ls -A; fail "temporary file left behind: $*"; }
}

check 'missing.bin.*not in the image' -b missing.bin -no-emul-boot tree
check 'odd.img.*floppy' -b odd.img tree
check 'tiny.bin.*boot-info-table' -b tiny.bin -no-emul-boot -boot-info-table tree
check 'notfat.img.*not a FAT' -e notfat.img -no-emul-boot tree
check 'short.mbr.*300 bytes' -b boot.bin -no-emul-boot -isohybrid-mbr short.mbr tree
check 'long.mbr.*600 bytes' -b boot.bin -no-emul-boot -isohybrid-mbr long.mbr tree
check 'nonexistent.mbr' -b boot.bin -no-emul-boot -isohybrid-mbr nonexistent.mbr tree
check 'hard-disk-boot.*master boot record' -b boot.bin -hard-disk-boot tree
check 'partition number' -append_partition 7 0xef tree/fat.img tree
check 'boot-load-size' -b boot.bin -no-emul-boot -boot-load-size 0 tree
# The good cases next to them do work, so the failures above are about the input.
"$MKIMAGE" -o ok1.iso -b floppy.img tree
"$MKIMAGE" -o ok2.iso -e fat.img -no-emul-boot tree
"$MKIMAGE" -o ok3.iso -b boot.bin -no-emul-boot -boot-info-table tree
