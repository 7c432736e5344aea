# MD5 checksums (--md5): the image carries libisofs's tag chain (superblock, tree and session tags)
# whose session MD5 equals md5sum of the blocks it covers and imginfo --check verifies; xorriso
# finds and verifies the session and every file, and xorriso and imginfo notice a damaged file.
. "$E2E_DIR/lib.sh"
need xorriso md5sum strings
need_pycdlib

mkdir -p tree/d
head -c 300000 /dev/urandom >tree/d/data.bin
echo small >tree/small.txt
: >tree/empty

# The session tag, found by following the chain from the block after the terminator.
"$MKIMAGE" --md5 -o plain.iso tree
tag=$(strings -n 20 plain.iso | grep '^libisofs_checksum_tag_v1 ' | head -1)
[ -n "$tag" ] || fail "no session checksum tag"
start=$(echo "$tag" | sed -n 's/.* range_start=\([0-9]*\) .*/\1/p')
size=$(echo "$tag" | sed -n 's/.* range_size=\([0-9]*\) .*/\1/p')
want=$(echo "$tag" | sed -n 's/.* md5=\([0-9a-f]*\) .*/\1/p')
have=$(dd if=plain.iso bs=2048 skip="$start" count="$size" status=none | md5sum | cut -c1-32)
[ "$want" = "$have" ] || fail "session tag md5 $want, blocks $start+$size have $have"
"$IMGINFO" --check plain.iso >check.txt || { cat check.txt; fail "imginfo --check"; }
# imginfo names a block range and an MD5: md5sum of that range must agree.
line=$(grep 'ok: session MD5: blocks ' check.txt) || { cat check.txt; fail "imginfo found no session MD5"; }
first=$(echo "$line" | sed -n 's/.*blocks \([0-9]*\)-\([0-9]*\):.*/\1/p')
last=$(echo "$line" | sed -n 's/.*blocks \([0-9]*\)-\([0-9]*\):.*/\2/p')
rec=$(echo "$line" | sed -n 's/.*recorded \([0-9a-f]*\),.*/\1/p')
have=$(dd if=plain.iso bs=2048 skip="$first" count=$((last - first + 1)) status=none | md5sum | cut -c1-32)
[ "$rec" = "$have" ] || fail "imginfo's session MD5 $rec, md5sum of blocks $first-$last $have"
# pycdlib still reads it (AAIP is written without an ER record of its own).
/usr/bin/python3 -c "import pycdlib,sys; p=pycdlib.PyCdlib(); p.open(sys.argv[1]); p.close()" plain.iso

# xorriso verifies session and files through the (unannounced) AAIP attributes.
"$MKIMAGE" --md5 -o md5.iso tree
xorriso -md5 on -indev md5.iso -check_md5 FAILURE -- >session.log 2>&1 ||
	{ cat session.log; fail "session MD5 not verified by xorriso"; }
grep -q 'Ok, session data match recorded md5' session.log || { cat session.log; fail "no session MD5"; }
xorriso -md5 on -indev md5.iso -check_md5_r FAILURE / -- >files.log 2>&1 ||
	{ cat files.log; fail "file MD5s not verified by xorriso"; }
grep -q 'File contents and their MD5 checksums match' files.log || { cat files.log; fail "no file MD5s"; }

# Damage one byte of data.bin's content: xorriso and imginfo must both notice.
damage_is_noticed md5.iso /d/data.bin

# By default (and with --no-md5, or --md5 then --no-md5) no checksum tags at all, and the image
# is otherwise the same tree.
# One epoch for both: the volume dates would otherwise come from the clock, and two runs may
# fall in different seconds (seen under ASan, where a run takes longer).
SOURCE_DATE_EPOCH=1700000000 "$MKIMAGE" -o default.iso tree
SOURCE_DATE_EPOCH=1700000000 "$MKIMAGE" --md5 --no-md5 -o nomd5.iso tree
same_bytes default.iso nomd5.iso
! grep -qa 'libisofs_checksum_tag_v1' nomd5.iso || fail "--no-md5 image has a checksum tag"
! grep -qa 'libisofs_checksum_tag_v1' nomd5.iso || fail "--no-md5 image has a checksum tag"
"$IMGINFO" --json nomd5.iso | $PYTHON -c 'import json,sys; m=json.load(sys.stdin)["md5"]; sys.exit(0 if m["session"] is None and m["files_with_md5"] == 0 else 1)' ||
	fail "imginfo finds MD5s in a --no-md5 image"
bsdtar -xf nomd5.iso -C "$(mkdir -p nx && echo nx)"
same_tree tree nx

# --md5 with a UDF view keeps its tags (xorriso verifies them): mkimage-udf-md5.sh has the rest.
"$MKIMAGE" --md5 -udf -o udf.iso tree
xorriso -md5 on -indev udf.iso -check_md5 FAILURE -- >udf.log 2>&1 ||
	{ cat udf.log; fail "session MD5 of a -udf image not verified by xorriso"; }
grep -q 'Ok, session data match recorded md5' udf.log || { cat udf.log; fail "no session MD5 with -udf"; }

# Without Rock Ridge there are no AAIP records to find the checksums by (xorriso would report
# a mismatch): refused, with no output left.
expect_fail 2 '--md5 needs Rock Ridge' "$MKIMAGE" --md5 --no-rock -o nr.iso tree
[ ! -e nr.iso ] || fail "output left behind"
