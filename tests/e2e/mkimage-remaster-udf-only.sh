# Remastering into a UDF-only image (mkimage --indev OLD --udf-only, --fs udf): old images made
# by xorriso and genisoimage (Rock Ridge + Joliet) get files added into the root and into an
# old directory; the ISO9660 and Joliet trees then list only the README (README_UDF.TXT: the
# old root has a README.TXT), the UDF view the whole merged tree.  pycdlib reads it (modes,
# owners, link counts, times, contents) as the expected tree; 7-Zip and imginfo extract it byte
# for byte; udfinfo counts its files.  The old files' data is proven in place as the new ones'
# is, by the order the writer takes them up (import.c's first read of each old extent counts
# like an open of a new file): a fault injected into libisofs's layout fails the image, no
# image left, the old image untouched.  Also --rm, UDF 2.50, reproducibility, -print-size and
# stdout, the old symlinks (-no-udf-symlinks), -hide and -hide-udf refused.
. "$E2E_DIR/lib.sh"
. "$TOP/tests/tools/udf-tree.sh"
need xorriso genisoimage udfinfo 7z isoinfo sha256sum
need_pycdlib
MANIFEST="$TOP/tests/tools/udf_manifest.py"
export SOURCE_DATE_EPOCH=1700000000

mkdir -p old/sub/deep add/sub
printf 'hello\n' >old/a.txt
head -c 300000 /dev/urandom >old/sub/r.bin
head -c 6145 /dev/urandom >old/sub/deep/c.bin
printf 'the old readme\n' >old/README.TXT
: >old/empty
printf 'u\n' >"old/sub/Ünïcödé.txt"
ln old/a.txt old/sub/hard
chmod 0640 old/sub/deep/c.bin
chown 1234:5678 old/sub/r.bin
head -c 5000 /dev/urandom >add/new.bin
printf 'added\n' >add/sub/added.txt
find old add -exec touch -h -d '2021-02-03 04:05:06 UTC' {} +
cp -a old expect
cp -a add/. expect/
find expect -type d -exec touch -d '2021-02-03 04:05:06 UTC' {} +
read -r files dirs <<EOF
$(udf_expected_counts expect)
EOF
$PYTHON "$MANIFEST" dir expect >want.txt

xorriso -as mkisofs -quiet -R -J -o x-old.iso old 2>/dev/null || fail "xorriso"
genisoimage -quiet -R -J -o g-old.iso old 2>/dev/null || fail "genisoimage"

# readme_only IMG [-J]: the ISO9660 (Rock Ridge) tree, and the Joliet one with -J, list
# README_UDF.TXT alone.
readme_only() {
	for t in -R ${2:-}; do
		isoinfo $t -f -i "$1" | sed "s/;1$//" >trees.txt
		[ "$(cat trees.txt)" = /README_UDF.TXT ] || { cat trees.txt >&2; fail "$1 $t: not the README alone"; }
	done
}

for old in x-old g-old; do
	note "$old"
	sum=$(sha256sum <$old.iso)
	"$MKIMAGE" -quiet --indev $old.iso --udf-only -o $old-new.iso add || fail "remaster $old"
	[ "$(sha256sum <$old.iso)" = "$sum" ] || fail "$old.iso changed"
	readme_only $old-new.iso -J
	udfinfo $old-new.iso >info.txt || fail "udfinfo $old"
	grep -qx 'udfrev=1.02' info.txt && grep -qx "numfiles=$files" info.txt &&
		grep -qx "numdirs=$dirs" info.txt || { cat info.txt >&2; fail "udfinfo $old: counts"; }
	$PYTHON "$MANIFEST" udf $old-new.iso >got.txt
	diff -u want.txt got.txt >&2 || fail "pycdlib sees another tree in $old's UDF-only remaster"
	rm -rf 7z-out ix-out
	LC_ALL=C.UTF-8 7z x -tudf -o7z-out $old-new.iso >7z.log 2>&1 || { cat 7z.log >&2; fail "7z x $old"; }
	same_tree expect 7z-out
	"$IMGINFO" --view udf -x / -C ix-out $old-new.iso || fail "imginfo -x $old"
	same_tree expect ix-out mode
done

# Reproducible; -print-size and stdout agree with the file.
"$MKIMAGE" -quiet --indev x-old.iso --udf-only -o again.iso add
same_bytes x-old-new.iso again.iso
blocks=$("$MKIMAGE" -quiet --indev x-old.iso --udf-only -print-size add)
[ "$blocks" = $(( $(stat -c %s again.iso) / 2048 )) ] || fail "-print-size $blocks"
"$MKIMAGE" -quiet --indev x-old.iso --udf-only -o - add >stdout.iso
same_bytes again.iso stdout.iso

# --fs udf, UDF 2.50, an old file removed.
"$MKIMAGE" -quiet --indev x-old.iso --fs udf --udf-rev 2.50 --rm /sub/r.bin -o rm.iso add
readme_only rm.iso
isoinfo -d -i rm.iso | grep -q 'Joliet with UCS' && fail "--fs udf wrote Joliet"
udfinfo rm.iso | grep -qx 'udfwriterev=2.50' || fail "--fs udf --udf-rev 2.50"
udfinfo rm.iso | grep -qx "numfiles=$((files - 1))" || fail "--rm: udfinfo count"
rm expect/sub/r.bin
rm -rf 7z-out
LC_ALL=C.UTF-8 7z x -tudf -o7z-out rm.iso >7z.log 2>&1 || { cat 7z.log >&2; fail "7z x rm.iso"; }
same_tree expect 7z-out

# The old image's symlinks are in the UDF view, or left out of it with -no-udf-symlinks
# (udfinfo counts them; pycdlib reads the link).
mkdir sym
printf 'x\n' >sym/t.txt
ln -s t.txt sym/link
xorriso -as mkisofs -quiet -R -o sym-old.iso sym 2>/dev/null || fail "xorriso sym"
"$MKIMAGE" -quiet --indev sym-old.iso --udf-only -o sym.iso add
"$MKIMAGE" -quiet --indev sym-old.iso --udf-only -no-udf-symlinks -o nosym.iso add
udfinfo sym.iso | grep -qx 'numfiles=4' || fail "udfinfo: the old symlink is not in the UDF view"
udfinfo nosym.iso | grep -qx 'numfiles=3' || fail "-no-udf-symlinks: udfinfo count"
$PYTHON "$MANIFEST" udf sym.iso | grep -q '^/link L .* -> t.txt$' || fail "pycdlib: no /link"

# A fault in libisofs's layout (tests/tools/preload/swap_qsort.c swaps the first two of its 9
# file sources: 5 old with data, the empty one, 2 added, the README): the first two old files'
# data trade places, which the order of the reads shows (the bridge counts 7 contents with
# data).  Nothing written, the old image untouched.
shim="$(dirname "$BIN")/tools/swap_qsort.so"
[ -f "$shim" ] || fail "no $shim (make all builds it)"
asan="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}verify_asan_link_order=0"
sum=$(sha256sum <x-old.iso)
expect_fail 1 'file [12] \(of 7, [0-9]+ bytes at block [0-9]+\) was read out of order' \
	env LD_PRELOAD="$shim" SWAP_QSORT_N=9 SWAP_QSORT_LOG=swap.log ASAN_OPTIONS="$asan" \
	"$MKIMAGE" --indev x-old.iso --udf-only -o sw.iso add
grep -q swapped swap.log || fail "the shim did not swap"
[ ! -e sw.iso ] || fail "a failed run left sw.iso"
[ "$(sha256sum <x-old.iso)" = "$sum" ] || fail "x-old.iso changed by a failed run"

# -hide cannot be told apart in the tree --udf-only hides whole: refused.
expect_fail 2 '-hide with --indev and --udf-only' "$MKIMAGE" --indev x-old.iso --udf-only \
	-hide new.bin -o h.iso add
expect_fail 2 '-hide-udf with --indev' "$MKIMAGE" --indev x-old.iso -udf -hide-udf new.bin -o h.iso add
[ ! -e h.iso ] || fail "a refused line left h.iso"

# A bootable old image (Debian's ipxe.iso: ISOLINUX for BIOS, an EFI image for UEFI): its El
# Torito entries are replayed into the UDF-only image (xorriso reads both entries, at the
# blocks where the UDF view puts the files), the UDF view holds every old file with its bytes
# (isolinux.bin patched by its boot info table, as on any remaster), the ISO tree only the README.
ipxe=/usr/lib/ipxe/ipxe.iso
[ -f "$ipxe" ] || cannot_test "no $ipxe (package ipxe)"
"$MKIMAGE" --indev "$ipxe" --udf-only -o ipxe-udf.iso add || fail "--indev ipxe.iso --udf-only"
"$IMGINFO" --check ipxe-udf.iso >ipxe-check.txt || { cat ipxe-check.txt >&2; fail "imginfo --check ipxe-udf.iso"; }
[ "$(isoinfo -f -i ipxe-udf.iso)" = "/README.TXT;1" ] || fail "ipxe-udf.iso: the ISO tree lists more than the README"
xorriso -indev ipxe-udf.iso -report_el_torito plain 2>/dev/null >ipxe-et.txt
grep -q '^El Torito boot img : *1 *BIOS' ipxe-et.txt && grep -q '^El Torito boot img : *2 *UEFI' ipxe-et.txt ||
	{ cat ipxe-et.txt >&2; fail "ipxe-udf.iso: the El Torito entries are not replayed"; }
mkdir ipxe-old ipxe-new
xorriso -osirrox on -indev "$ipxe" -extract / ipxe-old >/dev/null 2>&1 || fail "xorriso extracts ipxe.iso"
7z x -oipxe-new ipxe-udf.iso >/dev/null || fail "7-Zip extracts ipxe-udf.iso"
for f in $(cd ipxe-old && find . -type f ! -name isolinux.bin ! -name 'boot.cat'); do
	cmp "ipxe-old/$f" "ipxe-new/$f" || fail "ipxe-udf.iso: $f differs from the old image's"
done
cmp ipxe-new/new.bin add/new.bin || fail "ipxe-udf.iso: the added file"
# the UDF view's isolinux.bin is what the BIOS loads: the bytes at the catalog's first entry
lba=$(awk '/^El Torito boot img : *1 / {print $NF}' ipxe-et.txt)
size=$(stat -c %s ipxe-new/isolinux.bin)
dd if=ipxe-udf.iso bs=2048 skip="$lba" count=$(((size + 2047) / 2048)) 2>/dev/null | head -c "$size" |
	cmp - ipxe-new/isolinux.bin || fail "ipxe-udf.iso: the UDF view's isolinux.bin is not what El Torito loads"
