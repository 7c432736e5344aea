# The El Torito boot catalog in the UDF view: libisofs adds the catalog node to its own tree
# only, so the UDF bridge lists it itself, as a regular file at the same path, with the extent
# the boot record names.  Proven per case (catalog in a subdirectory, at the root by default,
# hidden with -hide, replacing a file of the tree at its path; UDF 1.02 and 2.50; with and
# without -partition_offset 16) by: 7-Zip's UDF reader extracting the same bytes as xorriso's
# ISO9660 view, its date the image's (SOURCE_DATE_EPOCH) as Rock Ridge shows it, udfinfo,
# pycdlib's UDF walk (1.02), and imginfo --check: no problem, and the same extents in the ISO and
# UDF views (for 2.50 read through the metadata partition, whose mirror must match).
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootlib.sh"
need xorriso 7z udfinfo
need_pycdlib

mkdir -p tree/isolinux tree/d
cp "$ISOLINUX_DIR/isolinux.bin" tree/isolinux/
printf 'hello\n' >tree/a.txt
printf 'data\n' >tree/d/b.txt
export SOURCE_DATE_EPOCH=1700000000

# check IMG REV CATALOG-PATH present|absent
check() {
	img=$1 rev=$2 cat=$3 want=$4
	"$IMGINFO" --check "$img" >check.txt 2>&1 || { cat check.txt; fail "$img: imginfo --check"; }
	grep -q '^ok: views agree: iso and udf' check.txt || { cat check.txt; fail "$img: no UDF cross-check"; }
	if [ "$rev" = 2.50 ]; then
		grep -q '^ok: UDF metadata mirror' check.txt || { cat check.txt; fail "$img: no metadata mirror check"; }
	fi
	udfinfo "$img" >info.txt || fail "udfinfo rejects $img"
	grep -qx "udfrev=$rev" info.txt && grep -qx integrity=closed info.txt || { cat info.txt; fail "udfinfo $img"; }
	rm -rf out iso.cat
	7z x -tudf -oout "$img" >7z.log 2>&1 || { cat 7z.log; fail "7z x $img"; }
	! grep -Eq 'Headers Error|ERROR' 7z.log || { cat 7z.log; fail "7z: errors in $img"; }
	same_bytes out/a.txt tree/a.txt
	same_bytes out/d/b.txt tree/d/b.txt
	if [ "$want" = absent ]; then
		[ ! -e "out$cat" ] || fail "$img: hidden catalog $cat in the UDF view"
		if xorriso -osirrox on -indev "$img" -extract "$cat" iso.cat >x.log 2>&1; then
			fail "$img: hidden catalog $cat in the ISO view"
		fi
		grep -q "Cannot determine attributes of (ISO) source file '$cat'" x.log ||
			{ cat x.log; fail "$img: xorriso failed otherwise than 'not found'"; }
		return 0
	fi
	xorriso -osirrox on -indev "$img" -extract "$cat" iso.cat >x.log 2>&1 ||
		{ cat x.log; fail "$img: xorriso cannot extract $cat"; }
	[ -f iso.cat ] || { cat x.log; fail "$img: xorriso finds no $cat"; }
	[ "$(stat -c %s iso.cat)" -eq 2048 ] || fail "$img: catalog of $(stat -c %s iso.cat) bytes"
	# The validation entry (El Torito 2.1): header id 1, key bytes 55 AA at 30.
	[ "$(od -An -tx1 -j0 -N1 iso.cat | tr -d ' ')" = 01 ] &&
		[ "$(od -An -tx1 -j30 -N2 iso.cat | tr -d ' ')" = 55aa ] || fail "$img: $cat is no catalog"
	[ -f "out$cat" ] || { ls -R out; fail "$img: $cat missing from the UDF view"; }
	same_bytes "out$cat" iso.cat
	# Its date: the image's, as in the ISO view (2023-11-14 22:13:20 UTC).
	7z l -slt -tudf "$img" >list.txt
	awk -v p="${cat#/}" '$0 == "Path = " p { f = 1 } f && /^Modified = / { print; exit }' list.txt >mod.txt
	grep -q '^Modified = 2023-11-14 22:13:20' mod.txt || { cat mod.txt list.txt; fail "$img: UDF date of $cat"; }
	xorriso -indev "$img" -lsdl "$cat" 2>/dev/null | grep -q 'Nov 14  2023' || fail "$img: ISO date of $cat"
	if [ "$rev" = 1.02 ]; then
		# pycdlib ties UDF entries to data through its ISO9660 inodes, and the catalog is
		# none there ("Cannot write out an entry without data"): compare its extent instead.
		/usr/bin/python3 - "$img" "$cat" <<'EOF' || fail "$img: pycdlib"
import sys, pycdlib
p = pycdlib.PyCdlib()
p.open(sys.argv[1])
u = p.get_record(udf_path=sys.argv[2])
assert u.get_data_length() == 2048, u.get_data_length()
ad = u.alloc_descs[0]
iso = p.get_record(rr_path=sys.argv[2]).extent_location()
start = p.udf_main_descs.partitions[0].part_start_location
assert len(u.alloc_descs) == 1 and ad.extent_length == 2048, 'allocation'
assert start + ad.log_block_num == iso, (start, ad.log_block_num, iso)
p.close()
EOF
	fi
}

boot="-b isolinux/isolinux.bin -no-emul-boot -boot-load-size 4 -boot-info-table"
for rev in 1.02 2.50; do
	for po in "" "-partition_offset 16"; do
		tag=$rev${po:+-po}
		# shellcheck disable=SC2086
		"$MKIMAGE" -quiet --udf-rev $rev $po -o "sub-$tag.iso" $boot -c isolinux/boot.cat tree
		check "sub-$tag.iso" $rev /isolinux/boot.cat present
		# shellcheck disable=SC2086
		"$MKIMAGE" -quiet --udf-rev $rev $po -o "root-$tag.iso" $boot tree
		check "root-$tag.iso" $rev /boot.catalog present
		# shellcheck disable=SC2086
		"$MKIMAGE" -quiet --udf-rev $rev $po -o "hid-$tag.iso" $boot -c isolinux/boot.cat \
			-hide boot.cat tree
		check "hid-$tag.iso" $rev /isolinux/boot.cat absent
	done
	# A tree copied out of a boot image holds its old catalog: the new one takes its place
	# in every view (the old bytes are nowhere).
	rm -rf old && cp -r tree old
	head -c 2048 /dev/urandom >old/isolinux/boot.cat
	# shellcheck disable=SC2086
	"$MKIMAGE" -quiet --udf-rev $rev -o "rep-$rev.iso" $boot -c isolinux/boot.cat old 2>rep.err
	grep -q 'replaced by the new boot catalog' rep.err || { cat rep.err; fail "no note of the replacement"; }
	check "rep-$rev.iso" $rev /isolinux/boot.cat present
	! cmp -s out/isolinux/boot.cat old/isolinux/boot.cat || fail "old catalog in the UDF view"
done

# Reproducible with the catalog in the UDF view.
# shellcheck disable=SC2086
TZ=Asia/Tokyo "$MKIMAGE" -quiet --udf-rev 2.50 -o again.iso $boot -c isolinux/boot.cat tree
same_bytes sub-2.50.iso again.iso
