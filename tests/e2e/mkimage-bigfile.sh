# A 4.5 GiB (sparse) file: ISO level 3 stores it in several extents, and bsdtar and 7z read
# back every byte; -print-size agrees.  The slowest test (mkimage reads all 4.5 GiB).
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/mkimage.inc"
need bsdtar 7z xorriso truncate

mkdir src
truncate -s 4608M src/big                      # 4.5 GiB
# Some data at the start, across the 4 GiB boundary and at the end, so that a misplaced
# extent shows up in the comparison.
printf 'start' | dd of=src/big conv=notrunc status=none
printf 'across-4GiB' | dd of=src/big bs=1 seek=$((4 * 1024 * 1024 * 1024 - 5)) conv=notrunc status=none
printf 'end' | dd of=src/big bs=1 seek=$((4608 * 1024 * 1024 - 3)) conv=notrunc status=none
printf 'small\n' >src/small

size=$("$MKIMAGE" -print-size src)
"$MKIMAGE" -quiet -o out.iso src
[ "$size" = $(( $(stat -c %s out.iso) / 2048 )) ] || fail "-print-size $size"
# More than one extent (ECMA-119 multi-extent, level 3).
extents=$(xorriso -indev out.iso -find /big -exec report_lba -- 2>/dev/null | grep -c '^File data lba:' || true)
[ "$extents" -ge 2 ] || fail "big file in $extents extent(s)"
7z l -slt out.iso >7z.txt
grep -qx 'Size = 4831838208' 7z.txt || fail "7z size of big"
[ "$(bsdtar -xOf out.iso big | sha256sum)" = "$(sha256sum <src/big)" ] || fail "big differs (bsdtar)"
[ "$(bsdtar -xOf out.iso small)" = small ] || fail "small differs"
