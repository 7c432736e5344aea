# A 4.5 GiB (sparse) file in a -udf image: 7-Zip extracts it byte for byte through UDF 2.50;
# pycdlib reads marks across every allocation descriptor boundary and 4 GiB through UDF 1.02,
# finds descriptors under 1 GiB each, and the UDF extent starts at the ISO9660 one (stored once).
. "$E2E_DIR/lib.sh"
need udfinfo 7z
need_pycdlib

mkdir tree
size=4831838208
truncate -s $size tree/big.bin
mark() { printf '%s' "$2" | dd of=tree/big.bin bs=1 seek="$1" conv=notrunc status=none; }
mark 0 START
mark $((1073739776 - 4)) AD1-AD2
mark $((4294967296 - 4)) OVER-4GiB
mark $((size - 4)) END!
printf 'small\n' >tree/small.txt

"$MKIMAGE" -quiet --udf-rev 2.50 -o big-2.50.iso tree
[ "$(udfinfo big-2.50.iso | sed -n 's/^numfiles=//p')" = 2 ] || fail "udfinfo: file count"
LC_ALL=C.UTF-8 7z l -slt -tudf big-2.50.iso >list.txt 2>&1 || { cat list.txt >&2; fail "7z l"; }
grep -qx "Size = $size" list.txt || fail "7z lists another size"
7z x -tudf -so big-2.50.iso big.bin 2>7z.err | cmp - tree/big.bin || { cat 7z.err >&2; fail "7z extracts other bytes"; }
rm -f big-2.50.iso

# The 1.02 image goes through a pipe into a sparse file: stdout works for big images too.
"$MKIMAGE" -quiet -udf -o - tree | cp --sparse=always /dev/stdin big-1.02.iso
$PYTHON - big-1.02.iso $size <<'PY' || fail "pycdlib reads the 4.5 GiB file wrongly"
import sys, pycdlib
img, size = sys.argv[1], int(sys.argv[2])
iso = pycdlib.PyCdlib()
iso.open(img)
fe = iso.get_record(udf_path='/big.bin')
lens = [ad.extent_length for ad in fe.alloc_descs]
assert fe.info_len == size, fe.info_len
assert sum(lens) == size and len(lens) == 5, lens
assert all(l < 1 << 30 for l in lens) and all(l % 2048 == 0 for l in lens[:-1]), lens
part = iso.udf_main_descs.partitions[0].part_start_location
# The ISO9660 file has one record per section (ECMA-119 6.5.1); pycdlib lists the first one,
# which starts the data.
secs = [c for c in iso.list_children(iso_path='/') if c.file_identifier() == b'BIG.BIN;1']
assert secs and secs[0].get_data_length() == 4294965248, [c.get_data_length() for c in secs]
assert part + fe.alloc_descs[0].log_block_num == secs[0].extent_location(), 'extents differ'
# Read through the allocation descriptors themselves: pycdlib's own file reader keys its inodes
# by extent, so in a bridge it reads the UDF file with the first ISO9660 section's length.
raw = open(img, 'rb')
def read_at(off, n):
    out = b''
    base = 0
    for ad in fe.alloc_descs:
        lo, hi = max(off, base), min(off + n, base + ad.extent_length)
        if lo < hi:
            raw.seek((part + ad.log_block_num) * 2048 + lo - base)
            out += raw.read(hi - lo)
        base += ad.extent_length
    return out
for off, want in ((0, b'START'), (1073739776 - 4, b'AD1-AD2'),
                  (4294967296 - 4, b'OVER-4GiB'), (size - 4, b'END!'), (2 << 30, b'\0' * 16)):
    got = read_at(off, len(want))
    assert got == want, (off, got)
with iso.open_file_from_iso(udf_path='/small.txt') as f:
    assert f.read() == b'small\n'
PY

# genisoimage's -allow-limited-size (implies -udf): its UDF entry holds the full size, its
# ISO 9660 record the size cut to 32 bits (genisoimage's tree.c and set_733), one extent.
# genisoimage's image is the anchor, read from its first 4 MiB (the directories and UDF entries
# come before the data; the whole image costs 15 s of zeros here).  mkimage in genisoimage's
# role writes the ISO 9660 file whole, in multi-extent records: libisofs writes no cut size, and
# level 2 becomes 3, which names and places every other file alike.  mkimage's image is read
# from its first 4 MiB too (its UDF file entries, at the end, come as in the -udf images read
# above; writing 4.5 GiB once more cost 30 s under ASan): its head and -print-size equal those
# of -udf -iso-level 3, and so does a small tree's whole image.  (The broken pipe after 4 MiB
# is expected.)
genisoimage -quiet -allow-limited-size -iso-level 2 tree 2>gen.err | head -c 4M >gen-head.iso
isoinfo -l -i gen-head.iso | grep 'BIG.BIN;1' >gen-records.txt || fail "genisoimage: no BIG.BIN"
[ "$(awk '{ print $5 }' gen-records.txt)" = $((size % 4294967296)) ] ||
	{ cat gen-records.txt >&2; fail "genisoimage's record: not the size cut to 32 bits"; }
# (7-Zip lists the entries, then fails for the missing data: its exit status says nothing.)
LC_ALL=C.UTF-8 7z l -slt -tudf gen-head.iso >gen-list.txt 2>&1 || true
grep -qx "Size = $size" gen-list.txt || { cat gen-list.txt >&2; fail "7z: genisoimage's UDF size"; }
mkdir role
ln -s "$MKIMAGE" role/genisoimage
export SOURCE_DATE_EPOCH=1600000000 # the comparisons below are byte for byte
role/genisoimage -quiet -allow-limited-size -iso-level 2 -o - tree 2>lim.err | head -c 4M >lim-head.iso
grep -qx 'mkimage: image not written: writing stdout: Broken pipe' lim.err || { cat lim.err >&2; fail "-allow-limited-size: $(cat lim.err)"; }
isoinfo -l -i lim-head.iso | grep 'BIG.BIN;1' | awk '{ print $5 }' | tr '\n' ' ' >lim-records.txt
[ "$(cat lim-records.txt)" = "4294965248 $((size - 4294965248)) " ] ||
	fail "-allow-limited-size: ISO 9660 records of $(cat lim-records.txt)"
role/genisoimage -quiet -udf -iso-level 3 -o - tree 2>/dev/null | head -c 4M >l3-head.iso
same_bytes lim-head.iso l3-head.iso
[ "$(role/genisoimage -quiet -allow-limited-size -iso-level 2 -print-size tree)" = \
	"$(role/genisoimage -quiet -udf -iso-level 3 -print-size tree)" ] || fail "-allow-limited-size: -print-size"
# Level 1 (genisoimage's default): 8.3 names, no multi-extent: the file is refused by name.
expect_fail 1 '"/big.bin".*4 GiB or larger' role/genisoimage -quiet -allow-limited-size -o l1.iso tree
[ ! -e l1.iso ] || fail "a refused image was left behind"
# Without a file of 4 GiB the option is -udf, and level 2 gives level 3's image.
mkdir small
printf 'a\n' >small/a-rather-long-name.text
printf 'b\n' >small/Mixed.Case.Name.dat
role/genisoimage -quiet -allow-limited-size -iso-level 2 -o s-lim.iso small
role/genisoimage -quiet -udf -iso-level 2 -o s-udf.iso small
role/genisoimage -quiet -udf -iso-level 3 -o s-udf3.iso small
same_bytes s-lim.iso s-udf.iso
same_bytes s-lim.iso s-udf3.iso
