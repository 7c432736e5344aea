# mkimage -udf as a whole image: byte-reproducible with SOURCE_DATE_EPOCH from two copies of a
# tree; -print-size equals the size written; stdout output equals file output; -r owners and
# modes and clamped times show in UDF as in Rock Ridge (pycdlib); --media picks the file systems
# and revision, and refuses a tree too big for the disc, naming the overshoot.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/mkimage.inc"
need udfinfo 7z isoinfo xorriso

sample_tree a
chown 1234:5678 a/a.txt
cp -a a b
touch -d '2030-01-01 00:00:00 UTC' a/sub/run.sh b/sub/run.sh
export SOURCE_DATE_EPOCH=1700000000
for rev in 1.02 2.50; do
	"$MKIMAGE" -quiet --udf-rev "$rev" -V REPRO -o "a-$rev.iso" a
	sleep 1
	TZ=Asia/Tokyo "$MKIMAGE" -quiet --udf-rev "$rev" -V REPRO -o "b-$rev.iso" b
	same_bytes "a-$rev.iso" "b-$rev.iso"
	size=$("$MKIMAGE" --udf-rev "$rev" -V REPRO -print-size a)
	[ "$size" -eq $(( $(stat -c %s "a-$rev.iso") / 2048 )) ] ||
		fail "-print-size $size for an image of $(stat -c %s "a-$rev.iso") bytes (UDF $rev)"
	"$MKIMAGE" -quiet --udf-rev "$rev" -V REPRO -o - a >"s-$rev.iso"
	same_bytes "a-$rev.iso" "s-$rev.iso"
	# The ISO9660 volume spans the whole image, the UDF metadata after libisofs's session
	# included (the bridge adds those blocks itself and patches the volume space size).
	vol=$(isoinfo -d -i "a-$rev.iso" | sed -n 's/^Volume size is: //p')
	[ "$vol" -eq $(( $(stat -c %s "a-$rev.iso") / 2048 )) ] ||
		fail "ISO9660 volume of $vol blocks in an image of $(stat -c %s "a-$rev.iso") bytes"
	xorriso -indev "a-$rev.iso" -toc 2>&1 | grep -q "1 session, $vol data blocks" ||
		fail "xorriso -toc of a-$rev.iso"
done
# The volume dates come from SOURCE_DATE_EPOCH: another epoch, another image.
SOURCE_DATE_EPOCH=1700000001 "$MKIMAGE" -quiet -udf -V REPRO -o c.iso a
cmp -s a-1.02.iso c.iso && fail "UDF image does not follow SOURCE_DATE_EPOCH"
unset SOURCE_DATE_EPOCH

# -r: owners 0 and rationalized modes, in UDF as in Rock Ridge; file times clamped to the epoch.
SOURCE_DATE_EPOCH=1700000000 "$MKIMAGE" -quiet -r -udf -o r.iso a
$PYTHON - r.iso <<'PY' || fail "-r or the epoch clamp does not reach the UDF view"
import sys, pycdlib
iso = pycdlib.PyCdlib()
iso.open(sys.argv[1])
for p in ('/a.txt', '/sub/run.sh', '/modes/m600'):
    fe = iso.get_record(udf_path=p)
    rr = iso.get_record(rr_path=p)
    perms = fe.perms
    mode = (perms & 7) | ((perms >> 5) & 7) << 3 | ((perms >> 10) & 7) << 6
    assert (fe.uid, fe.gid) == (0, 0), (p, fe.uid, fe.gid)
    assert mode == rr.rock_ridge.get_file_mode() & 0o7777, (p, oct(mode))
t = iso.get_record(udf_path='/sub/run.sh').mod_time
assert (t.year, t.month, t.day) == (2023, 11, 14), (t.year, t.month, t.day)
PY

# --media: file systems and revision as IMAPI chooses them; -udf / --udf-rev override.
"$MKIMAGE" -quiet --media dvd -o dvd.iso a
udfinfo dvd.iso | grep -qx 'udfrev=1.02' || fail "--media dvd: no UDF 1.02"
"$MKIMAGE" -quiet --media bd -o bd.iso a
udfinfo bd.iso | grep -qx 'udfrev=2.50' || fail "--media bd: no UDF 2.50"
"$MKIMAGE" -quiet --media bd-dl --udf-rev 2.01 -o bd201.iso a
udfinfo bd201.iso | grep -qx 'udfrev=2.01' || fail "--udf-rev does not override --media"
"$MKIMAGE" -quiet --media cd -o cd.iso a
udfinfo cd.iso >/dev/null 2>&1 && fail "--media cd made a UDF view"
"$MKIMAGE" -quiet --media cd -udf -o cdudf.iso a
udfinfo cdudf.iso | grep -qx 'udfrev=1.02' || fail "-udf does not add UDF to --media cd"
# Too big: 750,000,000 bytes (sparse) do not fit a CD-R of 360,000 blocks; nothing is read.
mkdir big
truncate -s 750000000 big/huge.bin
expect_fail 1 'does not fit a CD-R \(80 min\): [0-9]+ blocks .* [0-9]+ blocks \([0-9]+ bytes\) too many' \
	"$MKIMAGE" --media cd -o big.iso big
blocks=$("$MKIMAGE" -print-size big)
over=$((blocks - 360000))
grep -q "$over blocks ($((over * 2048)) bytes) too many" expect_fail.err || fail "overshoot not $over blocks"
[ ! -e big.iso ] || fail "an image was left behind"
expect_fail 2 'media' "$MKIMAGE" --media floppy -o x.iso a
expect_fail 2 'udf-rev' "$MKIMAGE" --udf-rev 3.00 -o x.iso a
expect_fail 2 "partition_offset 300 \\(at most 224\\)" "$MKIMAGE" -udf -partition_offset 300 -o x.iso a

# Hiding: UDF holds what the ISO9660 or the Joliet tree shows (7-Zip lists the UDF view).
mkdir h
printf 'aaa\n' >h/a.txt
printf 'bbb\n' >h/b.txt
head -c 5000 /dev/urandom >h/c.bin
udf_names() { 7z l -slt -tudf "$1" | sed -n 's/^Path = //p' | grep -v '\.iso$' | sort | tr '\n' ' '; }
check_hide() {
	want=$1
	shift
	"$MKIMAGE" -quiet -udf "$@" -o hide.iso h
	got=$(udf_names hide.iso)
	[ "$got" = "$want" ] || fail "UDF with $*: '$got', wanted '$want'"
	7z x -tudf -so hide.iso c.bin 2>/dev/null | cmp - h/c.bin || fail "c.bin with $*"
}
check_hide 'a.txt b.txt c.bin ' -hide a.txt
check_hide 'b.txt c.bin ' -hide a.txt -hide-joliet a.txt
check_hide 'b.txt c.bin ' --no-joliet -hide a.txt
check_hide 'a.txt b.txt c.bin ' -hide-joliet a.txt
# A hidden directory hides its subtree (whose data libisofs still writes when hidden from both).
mkdir h/sub
head -c 3000 /dev/urandom >h/sub/s.bin
check_hide 'a.txt b.txt c.bin ' -hide sub -hide-joliet sub
check_hide 'a.txt b.txt c.bin ' --no-joliet -hide sub
check_hide 'a.txt b.txt c.bin sub sub/s.bin ' -hide sub
check_hide 'a.txt b.txt c.bin sub ' -hide sub -hide-joliet s.bin
rm -r h/sub
# A tree copied from a bootable image holds its old catalog: the new one replaces it in every
# view (the old data is not written; UDF lists the new catalog, mkimage-udf-bootcat.sh), and
# -hide takes the catalog out of every view.
printf 'x%.0s' $(seq 2048) >h/boot.catalog
check_hide 'a.txt b.txt boot.catalog c.bin ' -b c.bin -no-emul-boot -c boot.catalog
7z x -tudf -so hide.iso boot.catalog 2>/dev/null | cmp -s - h/boot.catalog && fail "old catalog in UDF"
check_hide 'a.txt b.txt c.bin ' -b c.bin -no-emul-boot -c boot.catalog -hide boot.catalog

# Both spellings; 1.50 as well.
"$MKIMAGE" -quiet --udf -o long.iso a
udfinfo long.iso | grep -qx 'udfrev=1.02' || fail "--udf"
"$MKIMAGE" -quiet --udf-rev 1.50 -o r150.iso a
udfinfo r150.iso | grep -qx 'udfrev=1.50' || fail "--udf-rev 1.50"

# File data in an order unrelated to the directories (-sort with shuffled weights): the bridge
# meets the extents in far more than 64 ascending runs of directory records and sorts them
# before it places the contents.  7-Zip extracts every file from the UDF view.
mkdir shuf
i=0
while [ $i -lt 300 ]; do
	printf 'file %d\n' $i >shuf/f$i
	echo "shuf/f$i $(( i * 7919 % 301 + 1 ))"
	i=$((i + 1))
done >shuf.sort
"$MKIMAGE" -quiet -udf -sort shuf.sort -o shuf.iso shuf
7z x -tudf -oshuf.out shuf.iso >7z.log 2>&1 || { cat 7z.log; fail "7z x shuf.iso"; }
diff -r shuf shuf.out || fail "UDF view of shuffled data"
