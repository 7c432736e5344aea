# --md5 with a UDF bridge: libisofs's checksum tags stay valid although the superblock tag had
# to move behind the UDF Volume Recognition Sequence, and the UDF view is as good as without
# MD5s.  For UDF 1.02, 2.01 and 2.50, and for boot media (El Torito, isohybrid MBR and GPT):
# xorriso loads the image with its MD5 checks on (they verify the moved tag over blocks 0..,
# then the session's superblock and tree tags) and finds the session and every file matching;
# imginfo --check agrees; md5sum of the range each tag names equals its md5 and the tags chain;
# blocks 16.. are CD001 descriptors, the terminator, then BEA01, NSR0x, TEA01, scanned as
# Linux's udf_check_vsd does; udfinfo, 7-Zip (without a warning) and pycdlib read the image;
# a damaged data byte and a damaged VRS byte are noticed; two builds are byte-identical.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootlib.sh"
need xorriso md5sum udfinfo 7z mkfs.vfat mmd mcopy
need_pycdlib

mkdir -p tree/d
head -c 300000 /dev/urandom >tree/d/data.bin
echo small >tree/small.txt
: >tree/empty

# check_tags IMG: every libisofs tag's md5 equals md5sum of the blocks it names; the moved
# superblock tag follows TEA01 and names the session, whose superblock tag names the tree tag,
# which names the session tag.
check_tags() {
	$PYTHON - "$1" >tags.txt <<'EOF'
import re, sys
d = open(sys.argv[1], 'rb').read()
for i in range(len(d) // 2048):
    b = d[i * 2048:(i + 1) * 2048]
    if b.startswith(b'libisofs_'):
        print(i, b.split(b'\n')[0].decode())
EOF
	[ -s tags.txt ] || fail "$1: no checksum tags"
	while read -r blk tag; do
		pos=$(echo "$tag" | sed -n 's/.* pos=\([0-9]*\) .*/\1/p')
		start=$(echo "$tag" | sed -n 's/.* range_start=\([0-9]*\) .*/\1/p')
		size=$(echo "$tag" | sed -n 's/.* range_size=\([0-9]*\) .*/\1/p')
		want=$(echo "$tag" | sed -n 's/.* md5=\([0-9a-f]*\) .*/\1/p')
		[ "$pos" = "$blk" ] || fail "$1: tag at block $blk says pos=$pos"
		have=$(dd if="$1" bs=2048 skip="$start" count="$size" status=none | md5sum | cut -c1-32)
		[ "$want" = "$have" ] || fail "$1: ${tag%% *} md5 $want, blocks $start+$size have $have"
	done <tags.txt
	[ "$(wc -l <tags.txt)" -eq 4 ] || { cat tags.txt; fail "$1: want 4 tags"; }
	field() { sed -n "$1s/.* $2=\([0-9]*\).*/\1/p" tags.txt; }
	grep -q '^[0-9]* libisofs_rlsb32_checksum_tag_v1 ' tags.txt || fail "$1: no superblock tag"
	rlsb=$(sed -n 1p tags.txt | cut -d' ' -f1)
	[ "$(dd if="$1" bs=2048 skip=$((rlsb - 1)) count=1 status=none | cut -c2-6)" = TEA01 ] ||
		fail "$1: the superblock tag at $rlsb does not follow TEA01"
	[ "$(field 1 session_start)" = "$(field 2 range_start)" ] || fail "$1: session_start"
	[ "$(field 2 next)" = "$(field 3 pos)" ] && [ "$(field 3 next)" = "$(field 4 pos)" ] ||
		{ cat tags.txt; fail "$1: tag chain broken"; }
}

# vrs_scan IMG NSR: as Linux's udf_check_vsd, from block 16 on: CD001 descriptors, the last
# a terminator, then BEA01, NSR (NSR02 or NSR03), TEA01 in consecutive blocks.
vrs_scan() {
	$PYTHON - "$1" "$2" <<'EOF' || fail "$1: volume recognition sequence"
import sys
d = open(sys.argv[1], 'rb').read()
blk = 16
ids = []
while True:
    b = d[blk * 2048:(blk + 1) * 2048]
    if b[1:6] != b'CD001':
        break
    ids.append(b[0])
    blk += 1
if not ids or ids[-1] != 255 or 255 in ids[:-1]:
    sys.exit('ISO descriptors %r' % ids)
got = [d[(blk + k) * 2048 + 1:(blk + k) * 2048 + 6].decode('latin-1') for k in range(3)]
if got != ['BEA01', sys.argv[2], 'TEA01']:
    sys.exit('after the terminator at %d: %r' % (blk - 1, got))
EOF
}

# readers IMG REV [boot [PROBLEM-REGEX]]: xorriso (loading with MD5 checks, session, files),
# imginfo, udfinfo, 7-Zip.  imginfo --check may report only problems matching PROBLEM-REGEX,
# ones it reports the same without --md5.
readers() {
	xorriso -md5 on -indev "$1" -check_md5 FAILURE -- >session.log 2>&1 ||
		{ cat session.log; fail "$1: session MD5 not verified by xorriso"; }
	grep -q 'Ok, session data match recorded md5' session.log || { cat session.log; fail "$1: no session MD5"; }
	xorriso -md5 on -indev "$1" -check_md5_r FAILURE / -- >files.log 2>&1 ||
		{ cat files.log; fail "$1: file MD5s not verified by xorriso"; }
	grep -q 'File contents and their MD5 checksums match' files.log || { cat files.log; fail "$1: no file MD5s"; }
	set +e
	"$IMGINFO" --check "$1" >check.txt 2>&1
	rc=$?
	set -e
	grep -q '^ok: session MD5: blocks ' check.txt && grep -q '^ok: file MD5s: ' check.txt ||
		{ cat check.txt; fail "$1: imginfo --check MD5s"; }
	allowed=${4:-}
	if [ -n "$allowed" ]; then
		[ $rc -le 1 ] && ! grep '^PROBLEM' check.txt | grep -Eqv "$allowed" ||
			{ cat check.txt; fail "$1: imginfo --check"; }
	else
		[ $rc -eq 0 ] || { cat check.txt; fail "$1: imginfo --check exit $rc"; }
	fi
	udfinfo "$1" >info.txt || fail "udfinfo rejects $1"
	grep -qx "udfrev=$2" info.txt && grep -qx integrity=closed info.txt || { cat info.txt; fail "udfinfo $1"; }
	# 7-Zip: no "Headers Error" nor "data after the end" (libisofs's checksum array and
	# session tag lie between the last file and the reserve sequence), same contents.  Boot
	# media end with the backup GPT after the closing anchor: that tail is all 7-Zip may
	# mention, and isolinux.bin carries its boot info table, so only the data is compared.
	rm -rf out
	7z x -tudf -oout "$1" >7z.log 2>&1 || { cat 7z.log; fail "7z x $1"; }
	! grep -q 'Headers Error' 7z.log || { cat 7z.log; fail "7z: headers error in $1"; }
	same_bytes out/d/data.bin tree/d/data.bin
	if [ -z "${3:-}" ]; then
		! grep -Eq 'WARNING|ERROR|Warnings|Errors' 7z.log || { cat 7z.log; fail "7z warns about $1"; }
		same_tree tree out
	fi
}

for rev in 1.02 2.01 2.50; do
	nsr=NSR03
	[ $rev = 1.02 ] && nsr=NSR02
	SOURCE_DATE_EPOCH=1700000000 "$MKIMAGE" -quiet --md5 --udf-rev $rev -o "u-$rev.iso" tree
	check_tags "u-$rev.iso"
	vrs_scan "u-$rev.iso" $nsr
	readers "u-$rev.iso" $rev
	# Reproducible: the tag moved and rewritten the same way each time.
	SOURCE_DATE_EPOCH=1700000000 TZ=Asia/Tokyo "$MKIMAGE" -quiet --md5 --udf-rev $rev \
		-o again.iso tree
	same_bytes "u-$rev.iso" again.iso
done
# One pass to stdout gives the same bytes, and -print-size the size.
SOURCE_DATE_EPOCH=1700000000 "$MKIMAGE" -quiet --md5 --udf-rev 2.50 -o - tree >stdout.iso
same_bytes u-2.50.iso stdout.iso
size=$(SOURCE_DATE_EPOCH=1700000000 "$MKIMAGE" -quiet --md5 --udf-rev 2.50 -print-size tree)
[ "$size" -eq $(($(stat -c %s u-2.50.iso) / 2048)) ] || fail "-print-size says $size"
# Without Rock Ridge there is no AAIP, so no isofs.ca attribute to find the session MD5 by:
# refused, as without -udf.
expect_fail 2 '--md5 needs Rock Ridge' "$MKIMAGE" -quiet --no-rock --md5 -udf -o norock.iso tree
# pycdlib reads only plain File Entries (UDF 1.02) and no metadata partition.
$PYTHON - u-1.02.iso <<'EOF' || fail "pycdlib"
import io, sys, pycdlib
p = pycdlib.PyCdlib()
p.open(sys.argv[1])
out = io.BytesIO()
p.get_file_from_iso_fp(out, udf_path='/d/data.bin')
assert out.getvalue() == open('tree/d/data.bin', 'rb').read()
p.close()
EOF

# Boot media: El Torito BIOS and EFI entries, isohybrid MBR and GPT (the closing anchor 256
# blocks before the end, clear of the backup GPT).
# (Not booted here: mkimage-udf-boot.sh boots the same options; MD5s change no pointer.)
mkdir -p tree/isolinux
cp "$ISOLINUX_DIR/isolinux.bin" tree/isolinux/
head -c 65536 /dev/urandom >BOOTX64.EFI
make_esp tree/efi.img BOOTX64.EFI
SOURCE_DATE_EPOCH=1700000000 "$MKIMAGE" -quiet --md5 --udf-rev 2.50 -o boot.iso -V BOOTMD5 \
	-b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 \
	-boot-info-table -isohybrid-mbr "$ISOLINUX_DIR/isohdpfx.bin" -eltorito-alt-boot \
	-e efi.img -no-emul-boot -isohybrid-gpt-basdat tree
check_tags boot.iso
vrs_scan boot.iso NSR03
readers boot.iso 2.50 boot 'BOOT.CAT .* is missing from the udf view'
n=$(( $(stat -c %s boot.iso) / 2048 ))
grep -qx "start=$((n - 257)), blocks=1, type=ANCHOR" info.txt || { cat info.txt; fail "no anchor at N-257"; }
grep -qx "start=$((n - 273)), blocks=16, type=RVDS" info.txt || { cat info.txt; fail "no reserve VDS before it"; }
xorriso -indev boot.iso -report_system_area plain 2>/dev/null >sa.txt
grep -Eq 'GPT partition path : +2 +/efi.img' sa.txt || { cat sa.txt; fail "EFI image not in the GPT"; }
# The backup GPT header is still the last sector (the reserve sequence and anchor took zero
# blocks only).
[ "$(tail -c 512 boot.iso | head -c 8)" = "EFI PART" ] || fail "no backup GPT header at the end"

# -partition_offset 16: the partition's own descriptors at 32.. carry no tag; the VRS and the
# moved tag still follow the descriptors at 16.
"$MKIMAGE" -quiet --md5 -udf -partition_offset 16 -o po.iso -b isolinux/isolinux.bin \
	-c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
	-isohybrid-mbr "$ISOLINUX_DIR/isohdpfx.bin" tree
check_tags po.iso
vrs_scan po.iso NSR02
readers po.iso 1.02 boot

# Damage: one byte of data.bin's content, then one byte of the NSR descriptor.  xorriso and
# imginfo notice the first; libisofs (xorriso -md5 on) refuses to load the second, which
# proves that the moved superblock tag is found and covers the VRS.
cp u-1.02.iso bad.iso
damage_is_noticed bad.iso /d/data.bin

cp u-1.02.iso badvrs.iso
term=$($PYTHON -c '
import sys
d = open(sys.argv[1], "rb").read()
print(next(i for i in range(16, 32) if d[i * 2048] == 255 and d[i * 2048 + 1:i * 2048 + 6] == b"CD001"))' badvrs.iso)
flip_byte badvrs.iso $(((term + 2) * 2048 + 1000))
if xorriso -md5 on -indev badvrs.iso >vrs.log 2>&1; then
	cat vrs.log; fail "xorriso loaded an image whose VRS changed after its checksum tag"
fi
grep -q 'Checksum mismatch in System Area, Volume Descriptors' vrs.log || { cat vrs.log; fail "xorriso"; }
