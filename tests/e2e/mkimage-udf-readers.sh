# mkimage -udf for UDF 1.02, 2.01 and 2.50: udfinfo sees the revision, label and counts; 7-Zip
# extracts the UDF view byte for byte; pycdlib walks udf_path with the same names, modes,
# owners, link counts, times, sizes and contents as the source (1.02: pycdlib reads only plain
# File Entries); xorriso, bsdtar and pycdlib (Joliet) still read the other views; every UDF
# file's extent is the ISO9660 file's extent.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/mkimage.inc"
. "$TOP/tests/tools/udf-tree.sh"
need udfinfo 7z xorriso bsdtar isoinfo
MANIFEST="$TOP/tests/tools/udf_manifest.py"

UDF_TREE_FOR_ISO=1 make_udf_tree tree
read -r files dirs <<EOF2
$(udf_expected_counts tree)
EOF2
# 7-Zip refuses a whole UDF volume when any File Entry is a symlink (see udf-readers.sh).
cp -a tree nolinks
# 7-Zip refuses a UDF volume that holds symlinks or special files: it reads a copy without them.
find nolinks \( -type l -o -type p -o -type s -o -type b -o -type c \) -delete

# same_extents IMG: one copy of the data (tests/tools/udf_same_extents.py, pycdlib: UDF 1.02).
same_extents() {
	$PYTHON "$TOP/tests/tools/udf_same_extents.py" "$1" 5001 || fail "UDF and ISO9660 extents differ in $1"
}

for rev in 1.02 2.01 2.50; do
	note "UDF $rev"
	"$MKIMAGE" -quiet -udf --udf-rev "$rev" -V "Test Vol $rev" -o "full-$rev.iso" tree 2>/dev/null
	udf_check_info "full-$rev.iso" "$rev" "Test Vol $rev" "$files" "$dirs"
	[ "$rev" != 1.02 ] || same_extents "full-$rev.iso"

	"$MKIMAGE" -quiet -udf --udf-rev "$rev" -o "nolinks-$rev.iso" nolinks 2>/dev/null
	rm -rf out
	LC_ALL=C.UTF-8 7z x -tudf -oout "nolinks-$rev.iso" >7z.log 2>&1 || { cat 7z.log >&2; fail "7z x $rev"; }
	diff -r nolinks out >&2 || fail "7z extracts another tree from the UDF $rev view"
	[ "$(find out -type f | wc -l)" -gt 5000 ] || fail "7z extracted too few files"
done

# Stored once: 40 MB of data make a UDF image less than 1 MB larger than the plain image,
# for each revision (the UDF metadata of a few entries, and the anchor's tail block).
mkdir once
head -c 40000000 /dev/urandom >once/big.bin
printf 'small\n' >once/small.txt
"$MKIMAGE" -quiet -o once.iso once
for rev in 1.02 2.01 2.50; do
	"$MKIMAGE" -quiet --udf-rev "$rev" -o "once-$rev.iso" once
	extra=$(( $(stat -c %s "once-$rev.iso") - $(stat -c %s once.iso) ))
	note "UDF $rev adds $extra bytes to a 40 MB image"
	[ "$extra" -lt 1000000 ] || fail "UDF $rev image is $extra bytes larger: data stored twice?"
	7z x -tudf -so "once-$rev.iso" big.bin 2>/dev/null | cmp - once/big.bin || fail "7z big.bin $rev"
done

# pycdlib: every attribute UDF keeps, against the source tree.
$PYTHON "$MANIFEST" dir tree >want.txt
$PYTHON "$MANIFEST" udf full-1.02.iso >got.txt
diff -u want.txt got.txt >&2 || fail "pycdlib sees another tree in the UDF 1.02 view"
[ "$(wc -l <got.txt)" -gt 5000 ] || fail "pycdlib manifest too short"

# The ISO9660 / Rock Ridge view is still whole: xorriso and bsdtar extract the source tree.
# (diff -r and find listings rather than same_tree: thousands of files.)
listing() { (cd "$1" && find . -printf '%p %y %m %l\n' | LC_ALL=C sort); }
rm -rf x b
extract_xorriso full-2.50.iso x
# Extraction does not make every special file (xorriso skips sockets and devices): compare
# without them, and check them in xorriso's Rock Ridge listing instead.
diff -r --no-dereference -x special tree x >&2 || fail "xorriso extracts another tree"
xorriso -indev full-2.50.iso -find /special -exec lsdl -- 2>/dev/null | cut -c1 | sort | tr -d '\n' >sp.txt
[ "$(cat sp.txt)" = bcdps ] || fail "special files in the Rock Ridge tree: $(cat sp.txt)"
listing tree | grep -v '^\./special' >l-tree.txt
listing x | grep -v '^\./special' >l-x.txt
diff -u l-tree.txt l-x.txt >&2 || fail "xorriso: other modes or links"
extract_bsdtar full-1.02.iso b
# libarchive 3.6.2 drops 4 bytes of a 1,008-byte Rock Ridge symlink target (xorriso's own
# images too); xorriso above and pycdlib read it whole.
diff -r --no-dereference -x special -x long-link tree b >&2 || fail "bsdtar extracts another tree"
# Joliet names, as pycdlib reads them, are those of the image without -udf.
"$MKIMAGE" -quiet -o plain.iso tree 2>/dev/null
joliet_names plain.iso | sort >j-plain.txt
joliet_names full-1.02.iso | sort >j-udf.txt
diff -u j-plain.txt j-udf.txt >&2 || fail "the Joliet tree changed with -udf"
[ "$(wc -l <j-udf.txt)" -gt 5000 ] || fail "Joliet list too short"
# isoinfo reads the primary descriptor of the bridge image (ISO9660 d-characters) and lists
# the Rock Ridge tree as it lists the plain image's.
isoinfo -d -i full-1.02.iso | grep -qx 'Volume id: TEST_VOL_1_02' || fail "isoinfo: volume id"
isoinfo -R -f -i plain.iso | sort >i-plain.txt
isoinfo -R -f -i full-1.02.iso | sort >i-udf.txt
diff -u i-plain.txt i-udf.txt >&2 || fail "isoinfo lists another Rock Ridge tree with -udf"
[ "$(wc -l <i-udf.txt)" -gt 5000 ] || fail "isoinfo list too short"

# 2.60 is accepted too.
"$MKIMAGE" -quiet --udf-rev 2.60 -V v260 -o full-2.60.iso tree 2>/dev/null
udf_check_info full-2.60.iso 2.60 v260 "$files" "$dirs"
