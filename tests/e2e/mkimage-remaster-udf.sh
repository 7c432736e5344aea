# Remastering with a UDF view (mkimage --indev OLD --udf): old images made by xorriso (Rock
# Ridge + Joliet), by mkimage --udf and by genisoimage -udf (RR + Joliet + UDF) get files added, replaced and
# removed.  The new UDF view holds the whole merged tree: pycdlib reads it (symlinks, hard
# links, modes, owners, times, contents) as the expected tree; 7-Zip and imginfo extract it;
# udfinfo sees a closed volume of the asked revision with the new counts; every UDF file lies
# on its ISO9660 extent (one copy of the data); two runs with SOURCE_DATE_EPOCH give the same
# bytes; an old UDF view never survives (without --udf the new image has none).
. "$E2E_DIR/lib.sh"
. "$TOP/tests/tools/udf-tree.sh"
need xorriso genisoimage udfinfo 7z cmp
need_pycdlib
MANIFEST="$TOP/tests/tools/udf_manifest.py"
export SOURCE_DATE_EPOCH=1700000000

# The old tree: modes, owners, a hard link, a symlink, an empty file, a multi-block file.
mkdir -p src/d/sub src/gone/deep src/emptydir
echo hello >src/a.txt
ln src/a.txt src/hard-a.txt
echo keep >src/d/keep.txt
ln src/d/keep.txt src/keep-link
echo "to be removed" >src/d/sub/rm.txt
echo other >src/d/sub/stay.txt
echo bye >src/gone/deep/x.txt
head -c 3000000 /dev/urandom >src/d/big.bin
: >src/empty
ln -s ../a.txt src/d/link
chmod 0640 src/d/keep.txt
chmod 0700 src/d/sub
chmod 0755 src/d/big.bin
chown 1234:5678 src/d/keep.txt src/d/big.bin
# What goes on top: a new file, a replacement of one name of the hard link pair, a file
# merged into an old directory.
mkdir -p add/d add/newdir
echo "replaced" >add/a.txt
echo "new in d" >add/d/new.txt
echo fresh >add/newdir/fresh.txt
chmod 0600 add/newdir/fresh.txt
chown 42:43 add/d/new.txt
find src add -exec touch -h -d '2023-01-02 03:04:05' {} +
touch -d '2022-06-07 08:09:10' src/d/keep.txt add/newdir/fresh.txt

# The expected tree after the remaster below.
cp -a src want
rm want/a.txt want/d/sub/rm.txt
rm -r want/gone
cp -a add/. want/
touch -d '2023-01-02 03:04:05' want want/d want/newdir want/d/sub
OPS="--rm /d/sub/rm.txt --rm-r /gone"

xorriso -as mkisofs -quiet -R -J -V XORRO -o x-old.iso src 2>/dev/null || fail "xorriso"
cp x-old.iso x-old.copy

# udf_manifest's tree, without the root's own line (not listed) and with the root's time.
$PYTHON "$MANIFEST" dir want >want.txt

# --- from xorriso's image, UDF 1.02 (pycdlib reads plain File Entries) ---
"$MKIMAGE" -quiet --indev x-old.iso --udf -o x1.iso $OPS add || fail "remaster --udf"
cmp -s x-old.iso x-old.copy || fail "the old image changed"
udf_check_info x1.iso 1.02 XORRO 9 5
$PYTHON "$MANIFEST" udf x1.iso >got.txt
diff -u want.txt got.txt >&2 || fail "pycdlib sees another tree in the remastered UDF view"
grep -q '^/hard-a.txt F .* 1 2023' got.txt || fail "hard-a.txt: one link left after a.txt went"
grep -q '^/keep-link F .* 2 2022' got.txt || fail "keep-link: a hard link of d/keep.txt"
grep -q '^/d/link L .* -> ../a.txt' got.txt || fail "symlink target"

# One copy of the data: every UDF file starts on its ISO9660 (Rock Ridge) extent and covers it
# contiguously; the image is not much bigger than the one without UDF.
$PYTHON "$TOP/tests/tools/udf_same_extents.py" x1.iso 8 8 || fail "UDF and ISO9660 extents differ"
"$MKIMAGE" -quiet --indev x-old.iso -o x0.iso $OPS add || fail "remaster without UDF"
extra=$(( $(stat -c %s x1.iso) - $(stat -c %s x0.iso) ))
[ "$extra" -lt 1000000 ] || fail "UDF adds $extra bytes: data stored twice?"

# imginfo's own UDF reader extracts the same tree (symlink included).
"$IMGINFO" -x / -C ix --view udf x1.iso || fail "imginfo -x --view udf"
diff -r --no-dereference want ix >&2 || fail "imginfo extracts another UDF tree"

# Reproducible: the same bytes again.
"$MKIMAGE" -quiet --indev x-old.iso --udf -o x1b.iso $OPS add || fail "second run"
cmp x1.iso x1b.iso >&2 || fail "two remasters with SOURCE_DATE_EPOCH differ"

# 7-Zip refuses UDF volumes with symlinks: the same remaster without the symlink, UDF 2.01.
"$MKIMAGE" -quiet --indev x-old.iso --udf-rev 2.01 -o x2.iso $OPS --rm /d/link add ||
	fail "remaster --udf-rev 2.01"
udf_check_info x2.iso 2.01 XORRO 8 5
cp -a want want-nolink
rm want-nolink/d/link
LC_ALL=C.UTF-8 7z x -tudf -ox2 x2.iso >7z.log 2>&1 || { cat 7z.log >&2; fail "7z x x2.iso"; }
diff -r want-nolink x2 >&2 || fail "7-Zip extracts another tree from the UDF 2.01 view"

# --- from mkimage's own RR + Joliet + UDF image ---
cp -a src src-nolink
rm src-nolink/d/link
"$MKIMAGE" -quiet -R -J --udf -V MKOLD -o m-old.iso src-nolink || fail "mkimage --udf (old)"
cp m-old.iso m-old.copy
# Without --udf: no UDF left of the old image (no descriptors, no anchor at 256).
"$MKIMAGE" -quiet --indev m-old.iso -o m0.iso $OPS add || fail "remaster of a UDF image"
if udfinfo m0.iso >/dev/null 2>&1; then fail "udfinfo finds a UDF view in m0.iso"; fi
dd if=m0.iso bs=2048 skip=16 count=240 2>/dev/null | grep -aqE 'BEA01|NSR0[23]|TEA01' &&
	fail "Volume Recognition Sequence left in m0.iso"
[ "$(dd if=m0.iso bs=2048 skip=256 count=1 2>/dev/null | tr -d '\0' | wc -c)" = 0 ] ||
	[ "$(od -An -tu2 -N2 -j $((256 * 2048)) m0.iso | tr -d ' ')" != 2 ] ||
	fail "an Anchor Volume Descriptor Pointer is left at block 256 of m0.iso"
"$IMGINFO" --json m0.iso >m0.json || fail "imginfo m0.iso"
$PYTHON -c 'import json, sys; sys.exit(json.load(open(sys.argv[1]))["file_systems"]["udf"] is not None)' m0.json ||
	fail "imginfo sees UDF in m0.iso"
"$IMGINFO" --json x1.iso >x1.json || fail "imginfo x1.iso"
$PYTHON -c 'import json, sys; u = json.load(open(sys.argv[1]))["file_systems"]["udf"]; assert u["volume_id"] == "XORRO", u' x1.json ||
	fail "imginfo: no UDF view XORRO in x1.iso"
# With --udf-rev 2.50 (metadata partition): a fresh view of the new tree.
"$MKIMAGE" -quiet --indev m-old.iso --udf-rev 2.50 -o m2.iso $OPS add || fail "remaster --udf-rev 2.50"
cmp -s m-old.iso m-old.copy || fail "the old image changed"
udf_check_info m2.iso 2.50 MKOLD 8 5
cp -a want m-want
rm m-want/d/link
touch -d '2023-01-02 03:04:05' m-want/d
LC_ALL=C.UTF-8 7z x -tudf -om2 m2.iso >7z.log 2>&1 || { cat 7z.log >&2; fail "7z x m2.iso"; }
diff -r m-want m2 >&2 || fail "7-Zip extracts another tree from the UDF 2.50 view"
"$IMGINFO" -x / -C im2 --view udf m2.iso || fail "imginfo -x --view udf m2.iso"
diff -r --no-dereference m-want im2 >&2 || fail "imginfo extracts another UDF 2.50 tree"
# 2.60 and 1.50 too, and the ISO9660 tree beside the UDF one still lists the same files.
for rev in 1.50 2.60; do
	"$MKIMAGE" -quiet --indev m-old.iso --udf-rev "$rev" -o "m-$rev.iso" $OPS add ||
		fail "remaster --udf-rev $rev"
	udf_check_info "m-$rev.iso" "$rev" MKOLD 8 5
done
# genisoimage -udf's image (its own UDF 1.02 view) gets a fresh one too, read by pycdlib.
genisoimage -quiet -R -J -udf -V GENUDF -o g-old.iso src-nolink || fail "genisoimage -udf"
"$MKIMAGE" -quiet --indev g-old.iso --udf -o g1.iso $OPS add || fail "remaster of genisoimage's"
udf_check_info g1.iso 1.02 GENUDF 8 5
$PYTHON "$MANIFEST" dir m-want >m-want.txt
$PYTHON "$MANIFEST" udf g1.iso >g-got.txt
diff -u m-want.txt g-got.txt >&2 || fail "pycdlib sees another tree in genisoimage's remaster"
xorriso -indev m2.iso -find / -type f 2>/dev/null | sed "s/^'//; s/'\$//" | sort >iso-files.txt
(cd m-want && find . -type f | sed 's/^\.//' | sort) >want-files.txt
diff -u want-files.txt iso-files.txt >&2 || fail "the Rock Ridge tree of m2.iso differs"

# An old Rock Ridge name that is not UTF-8 cannot go into UDF: refused by name (exit 2), no
# output, the old image as it was.
mkdir latin1
echo x >"latin1/caf$(printf '\351').txt"
xorriso -as mkisofs -quiet -R -o l1-old.iso latin1 2>/dev/null || fail "xorriso latin1"
cp l1-old.iso l1-old.copy
expect_fail 2 'caf.xe9.txt: file name is not valid UTF-8' "$MKIMAGE" --indev l1-old.iso --udf -o l1.iso add
[ -z "$(ls -A | grep "l1\.iso")" ] || fail "a failed run left $(ls -A | grep "l1\.iso")"
cmp -s l1-old.iso l1-old.copy || fail "the old image changed"

# Growing still refuses a UDF view.
expect_fail 2 'UDF' "$MKIMAGE" -quiet -M m0.iso -C 0,"$(( $(stat -c %s m0.iso) / 2048 ))" --udf -o s.iso add

# Every case of the UDF writer's tree (udf-tree.sh: 5,000 entries in one directory, UTF-8 and
# 255-byte names, deep directories, symlinks of every shape, hard links, devices, FIFOs,
# sockets, setuid/setgid/sticky modes, other owners) through xorriso's image and a remaster:
# pycdlib reads the same tree in the new UDF view as in the source.
UDF_TREE_FOR_ISO=1 make_udf_tree rich
xorriso -as mkisofs -quiet -R -J -joliet-long -o rich-old.iso rich 2>/dev/null || fail "xorriso rich"
mkdir rich-add
echo added >rich-add/added.txt
touch -d '2021-02-03 04:05:06' rich-add/added.txt
"$MKIMAGE" -quiet --indev rich-old.iso --udf -o rich.iso rich-add 2>/dev/null || fail "remaster rich"
cp -a rich-add/added.txt rich/
$PYTHON "$MANIFEST" dir rich >rich-want.txt
$PYTHON "$MANIFEST" udf rich.iso >rich-got.txt
diff -u rich-want.txt rich-got.txt >&2 || fail "pycdlib sees another tree in the rich remaster"
[ "$(wc -l <rich-got.txt)" -gt 5000 ] || fail "rich manifest too short"
