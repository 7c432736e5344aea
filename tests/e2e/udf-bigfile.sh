# A 4.5 GiB (sparse) file through UDF: several allocation descriptors, each under 1 GiB, read
# back by pycdlib (1.02: seeks to marks across each descriptor boundary and 4 GiB) and by 7-Zip
# (2.50, the Blu-ray layout: every byte compared).
. "$E2E_DIR/lib.sh"
need udfinfo 7z
need_pycdlib
UDFIMAGE="$(dirname "$BIN")/tools/udfimage"

mkdir tree
size=4831838208
truncate -s $size tree/big.bin
mark() { printf '%s' "$2" | dd of=tree/big.bin bs=1 seek="$1" conv=notrunc status=none; }
mark 0 START
mark $((1073739776 - 4)) AD1-AD2     # the first descriptor ends at 1 GiB - 2 KiB
mark $((4294967296 - 4)) OVER-4GiB
mark $((size - 4)) END!
printf 'small\n' >tree/small.txt

for rev in 1.02 2.50; do
	"$UDFIMAGE" -r "$rev" -V big -o "big-$rev.img" tree >/dev/null
	[ "$(du -k "big-$rev.img" | cut -f1)" -lt 65536 ] || fail "image not sparse"
	udf_files=$(udfinfo "big-$rev.img" | sed -n 's/^numfiles=//p')
	[ "$udf_files" = 2 ] || fail "udfinfo counts $udf_files files"
done

$PYTHON - big-1.02.img $size <<'PY' || fail "pycdlib reads the 4.5 GiB file wrongly"
import sys, pycdlib
img, size = sys.argv[1], int(sys.argv[2])
iso = pycdlib.PyCdlib()
iso.open(img)
fe = iso.get_record(udf_path='/big.bin')
lens = [ad.extent_length for ad in fe.alloc_descs]
assert fe.info_len == size, fe.info_len
assert len(lens) == 5 and sum(lens) == size, lens
assert all(l < 1 << 30 for l in lens) and all(l % 2048 == 0 for l in lens[:-1]), lens
with iso.open_file_from_iso(udf_path='/big.bin') as f:
    for off, want in ((0, b'START'), (1073739776 - 4, b'AD1-AD2'),
                      (4294967296 - 4, b'OVER-4GiB'), (size - 4, b'END!'), (2 << 30, b'\0' * 16)):
        f.seek(off)
        got = f.read(len(want))
        assert got == want, (off, got)
PY

LC_ALL=C.UTF-8 7z l -slt -tudf big-2.50.img >list.txt 2>&1 || { cat list.txt >&2; fail "7z l"; }
grep -qx "Size = $size" list.txt || fail "7z lists another size"
7z x -tudf -so big-2.50.img big.bin 2>7z.err | cmp - tree/big.bin || { cat 7z.err >&2; fail "7z extracts other bytes"; }
