# Mac hybrids: -hfsplus with -apm-block-size, -hfsplus-file-creator-type, -hfs-bless-by,
# -hfs-bless and -hfsplus-serial-no, as grub-mkrescue passes them.  xorriso -as mkisofs with the
# same command line writes the same system area (APM) and reports the same boot setup; 7-Zip
# reads the HFS+ partition (files and contents); its volume header carries the same blessings
# and serial number as xorriso's (finderInfo, Apple TN1150), and the catalog the creator and
# type codes; -hide-hfsplus hides from HFS+ only.  Reproducible without a serial number;
# refused with --udf; bad values refused.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootcmp.inc"
need 7z od dd isoinfo
export SOURCE_DATE_EPOCH=1700000000

mkdir -p tree/System/Library/CoreServices tree/ppc tree/data
printf 'disk label\n' >tree/System/Library/CoreServices/.disk_label
head -c 5000 /dev/urandom >tree/System/Library/CoreServices/boot.efi
printf 'hello\n' >tree/data/a.txt
head -c 70000 /dev/urandom >tree/data/random.bin
printf 'ppc\n' >tree/ppc/bootinfo.txt

opts="-V MACHYBRID -r -J -hfsplus -apm-block-size 2048
      -hfsplus-file-creator-type chrp tbxj /System/Library/CoreServices/.disk_label
      -hfs-bless-by i /System/Library/CoreServices/boot.efi -hfs-bless tree/ppc
      -hfsplus-serial-no 0123456789abcdef tree"
# shellcheck disable=SC2086
same_boot_as_xorriso mac $opts
grep -q 'APM partition type :   2  Apple_HFS' mac.rep || { cat mac.rep; fail "no HFS+ partition in the APM"; }
grep -q '^-hfsplus$' mac.rep || fail "xorriso sees no HFS+"

# hfs_part IMAGE OUT: the HFS+ partition (APM entry 2, in 2048-byte blocks) into OUT.
hfs_part() {
	set -- "$1" "$2" $(boot_report "$1" | sed -n 's/^APM start and size :   2 *//p')
	[ $# -eq 4 ] || fail "$1: no HFS+ partition"
	dd if="$1" of="$2" bs=2048 skip="$3" count="$4" status=none
}
hfs_part mac.iso mac.hfs
hfs_part mac-ref.iso ref.hfs
7z l -tHFS mac.hfs >mac.7z || fail "7-Zip cannot read mkimage's HFS+"
7z l -tHFS ref.hfs >ref.7z || fail "7-Zip cannot read xorriso's HFS+"
listing() { grep -E '^[0-9]{4}-' "$1" | awk '{print $3, $4, $NF}'; }
diff <(listing ref.7z) <(listing mac.7z) || fail "HFS+ file list differs from xorriso's"
grep -q 'MACHYBRID/data/random.bin' mac.7z || fail "HFS+ lacks a file"
mkdir out
(cd out && 7z x -tHFS ../mac.hfs >/dev/null) || fail "7-Zip cannot extract mkimage's HFS+"
diff -r tree out/MACHYBRID || fail "HFS+ contents differ from the tree"
# finderInfo (volume header at 1024, +80): blessed directory and boot file ids, serial number.
finder() { od -A n -t x1 -j $((1024 + 80)) -N 32 "$1"; }
[ "$(finder mac.hfs)" = "$(finder ref.hfs)" ] || fail "HFS+ blessings or serial differ from xorriso's"
finder mac.hfs | grep -q '01 23 45 67 89 ab cd ef' || fail "-hfsplus-serial-no not in finderInfo"
[ "$(od -A n -t x1 -j $((1024 + 80)) -N 4 mac.hfs | tr -d ' ')" != 00000000 ] ||
	fail "no blessed directory (-hfs-bless)"
[ "$(od -A n -t x1 -j $((1024 + 84)) -N 4 mac.hfs | tr -d ' ')" != 00000000 ] ||
	fail "no blessed boot file (-hfs-bless-by i)"
# HFS+ FileInfo keeps fdType then fdCreator (Apple TN1150, "Finder Info").
[ "$(grep -c tbxjchrp mac.hfs)" = 1 ] || fail "creator/type codes not in the HFS+ catalog"

# -hide-hfsplus / -hide-hfsplus-list: gone from HFS+ only, as with xorriso.
printf 'random.bin\n' >hide.list
same_boot_as_xorriso hide -V MACHYBRID -r -J -hfsplus -apm-block-size 2048 -hide-hfsplus a.txt \
	-hide-hfsplus-list hide.list tree
hfs_part hide.iso hide.hfs
hfs_part hide-ref.iso hide-ref.hfs
7z l -tHFS hide.hfs >hide.7z
7z l -tHFS hide-ref.hfs >hide-ref.7z
diff <(listing hide-ref.7z) <(listing hide.7z) || fail "HFS+ hiding differs from xorriso's"
grep -q -e 'data/a.txt' -e 'random.bin' hide.7z && fail "-hide-hfsplus: file still in HFS+"
grep -q 'MACHYBRID/ppc/bootinfo.txt' hide.7z || fail "-hide-hfsplus hid too much"
isoinfo -R -f -i hide.iso | grep -q '^/data/a.txt$' || fail "-hide-hfsplus hid from ISO 9660 too"

# -appended_part_as_apm: an appended partition listed in the APM too.
head -c 100000 /dev/urandom >part.img
same_boot_as_xorriso apm -V MACHYBRID -r -J -hfsplus -appended_part_as_apm \
	-append_partition 2 0xef part.img tree
grep -q 'APM partition name :   3  Appended2' apm.rep || { cat apm.rep; fail "appended partition not in the APM"; }

# 512-byte APM and HFS+ blocks, as xorriso writes them.
# shellcheck disable=SC2086
same_boot_as_xorriso mac512 -V MACHYBRID -r -J -hfsplus -apm-block-size 512 -hfsplus-block-size 512 tree
grep -q 'APM block size     :      512' mac512.rep || fail "-apm-block-size 512 not used"

# -hfs-bless names the disk directory however the tree was given.
"$MKIMAGE" -o abs.iso -hfsplus -apm-block-size 2048 -hfsplus-serial-no 0123456789abcdef \
	-hfs-bless "$PWD/tree/ppc/" \
	-hfs-bless-by i /System/Library/CoreServices/boot.efi tree
hfs_part abs.iso abs.hfs
[ "$(finder abs.hfs)" = "$(finder ref.hfs)" ] || fail "-hfs-bless with an absolute path: other blessing"

# Without -hfsplus-serial-no, SOURCE_DATE_EPOCH still gives the same image twice.
"$MKIMAGE" -o r1.iso -hfsplus -hfs-bless-by i /System/Library/CoreServices/boot.efi tree
sleep 1
TZ=Asia/Tokyo "$MKIMAGE" -o r2.iso -hfsplus -hfs-bless-by i /System/Library/CoreServices/boot.efi tree
same_bytes r1.iso r2.iso

# --md5 over an image with HFS+: xorriso finds the session's MD5 right.
"$MKIMAGE" -o md5.iso --md5 -hfsplus tree
xorriso -md5 on -indev md5.iso -check_md5 FAILURE -- >md5.log 2>&1 ||
	{ cat md5.log; fail "MD5 mismatch with -hfsplus"; }
grep -q 'session data match recorded md5' md5.log || fail "no session MD5 checked"

# UDF and HFS+ both want the blocks after the volume descriptors: refused, saying why.
expect_fail 2 'UDF with -hfsplus' "$MKIMAGE" -o x.iso -hfsplus --udf tree
expect_fail 2 'creator and type must be exactly 4 characters' \
	"$MKIMAGE" -o x.iso -hfsplus -hfsplus-file-creator-type chr tbxj /data/a.txt tree
expect_fail 2 'hfs-bless-by z' "$MKIMAGE" -o x.iso -hfsplus -hfs-bless-by z /ppc tree
expect_fail 2 'hfs-bless-by /nothing: not in the image' \
	"$MKIMAGE" -o x.iso -hfsplus -hfs-bless-by p /nothing tree
expect_fail 2 'hfs-bless /tmp: no directory' "$MKIMAGE" -o x.iso -hfsplus -hfs-bless /tmp tree
expect_fail 2 'apm-block-size.*not 0, 512 or 2048' "$MKIMAGE" -o x.iso -apm-block-size 1024 tree
expect_fail 2 'hfsplus-serial-no.*16 hex digits' "$MKIMAGE" -o x.iso -hfsplus-serial-no 12 tree
expect_fail 2 'need -hfsplus' "$MKIMAGE" -o x.iso -hfs-bless-by p /ppc tree
expect_fail 2 'hfsplus-file-creator-type needs 3 arguments' \
	"$MKIMAGE" -o x.iso -hfsplus-file-creator-type a b
[ ! -e x.iso ] || fail "a refused command line left an image"
