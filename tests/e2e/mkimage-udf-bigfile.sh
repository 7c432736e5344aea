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
