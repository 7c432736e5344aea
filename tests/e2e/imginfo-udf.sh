# UDF (genisoimage -udf, UDF 1.02): summary against udfinfo, --view udf listing against 7z,
# extraction byte for byte, --check tag verification, and damaged UDF structures (bad tag
# checksum and CRC, a directory ICB loop, a looping indirect entry chain).
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/imginfo_images.sh"
need genisoimage udfinfo 7z

make_tree src
rm src/dir/link src/isolinux/uplink   # genisoimage -udf stores symlinks as empty files
genisoimage -quiet -R -J -udf -V UDFVOL -o u.iso src || fail "genisoimage -udf"
"$IMGINFO" --json u.iso >u.json || fail "summary"
udfinfo u.iso >udfinfo.txt
u='d["file_systems"]["udf"]'
same_value "UDF revision" "$(jq_py u.json "$u[\"revision\"]")" "$(sed -n 's/^udfrev=//p' udfinfo.txt)"
same_value "UDF volume id" "$(jq_py u.json "$u[\"volume_id\"]")" "$(sed -n 's/^vid=//p' udfinfo.txt)"
same_value "UDF logical volume id" "$(jq_py u.json "$u[\"logical_volume_id\"]")" \
	"$(sed -n 's/^lvid=//p' udfinfo.txt)"
same_value "UDF block size" "$(jq_py u.json "$u[\"block_size\"]")" \
	"$(sed -n 's/^blocksize=//p' udfinfo.txt)"
same_value "UDF partition" "$(jq_py u.json "'%d %d' % ($u['partition_start'], $u['partition_length'])")" \
	"$(sed -n 's/^start=\([0-9]*\), blocks=\([0-9]*\), type=PSPACE/\1 \2/p' udfinfo.txt)"
same_value "UDF domain" "$(jq_py u.json "$u[\"domain\"]")" "*OSTA UDF Compliant"

"$IMGINFO" -l --view udf --json u.iso >ul.json || fail "--view udf"
same_value "UDF directories (udfinfo counts the root)" \
	"$(jq_py ul.json 'sum(1 for e in d["entries"] if e["type"]=="directory")')" \
	"$(sed -n 's/^numdirs=//p' udfinfo.txt)"
same_value "UDF files" "$(jq_py ul.json 'sum(1 for e in d["entries"] if e["type"]!="directory")')" \
	"$(sed -n 's/^numfiles=//p' udfinfo.txt)"
# 7z's UDF listing: same paths and sizes
7z l -slt -tudf u.iso | $PYTHON -c '
import sys
path = None
for l in sys.stdin:
    l = l.rstrip("\n")
    if l.startswith("Path = "): path = l[7:]
    elif l.startswith("Folder = ") and path and path != "u.iso":
        print("/" + path, "D" if l.endswith("+") else "F")
    elif l.startswith("Size = ") and path and path != "u.iso" and l[7:]:
        print("/" + path, "S", l[7:])
' | sort >7z.list
jq_py ul.json '"\n".join(["%s %s" % (e["path"], "D" if e["type"]=="directory" else "F") for e in d["entries"] if e["path"] != "/"] + ["%s S %d" % (e["path"], e["size"]) for e in d["entries"] if e["type"] == "file"])' | sort >ours.list
[ "$(wc -l <7z.list)" -ge 10 ] || fail "7z listed too little"
diff 7z.list ours.list >&2 || fail "UDF listing differs from 7z"

# Extraction from the UDF view: contents byte for byte
"$IMGINFO" --view udf -x /dir -C out u.iso || fail "extract from UDF"
same_bytes src/dir/sub/big.bin out/dir/sub/big.bin
same_bytes src/dir/a.txt out/dir/a.txt
"$IMGINFO" --check u.iso >check.out || { cat check.out >&2; fail "--check of an undamaged image"; }
grep -q '^ok: UDF descriptors: [0-9]* descriptor tags' check.out || fail "--check did not verify UDF"
grep -q '^ok: views agree: iso and udf' check.out || { cat check.out >&2; fail "iso and udf views"; }

# Damaged UDF structures (tags re-signed where the test wants the structure judged).
udf_damage() {
	cp u.iso "$1"
	$PYTHON - "$1" "$2" <<'PY'
import os, struct, sys
path, op = sys.argv[1], sys.argv[2]
f = open(path, "r+b"); d = bytearray(f.read()); S = 2048

sys.path.insert(0, os.environ["TOP"] + "/tests/tools")
import udf_tag
resign = lambda off: udf_tag.resign(d, off)

avdp = 256 * S
vds = struct.unpack_from("<I", d, avdp + 20)[0]
lvd = pd = None
for i in range(16):
    t = struct.unpack_from("<H", d, (vds + i) * S)[0]
    if t == 6: lvd = (vds + i) * S
    if t == 5: pd = (vds + i) * S
pstart = struct.unpack_from("<I", d, pd + 188)[0]
fsd = (pstart + struct.unpack_from("<I", d, lvd + 252)[0]) * S
root_icb = struct.unpack_from("<I", d, fsd + 404)[0]

def entry(lbn):
    return (pstart + lbn) * S

def fids(lbn):
    e = entry(lbn)
    lea, lad = struct.unpack_from("<II", d, e + 168)
    ad = e + 176 + lea
    ln, pos = struct.unpack_from("<II", d, ad)
    ln &= 0x3fffffff
    base, p, out = entry(pos), 0, []
    while p + 38 <= ln:
        o = base + p
        liu, lfi = struct.unpack_from("<H", d, o + 36)[0], d[o + 19]
        out.append((o, d[o + 18], struct.unpack_from("<I", d, o + 24)[0], bytes(d[o + 38 + liu:o + 38 + liu + lfi])))
        p += (38 + liu + lfi + 3) & ~3
    return out

if op == "avdp-checksum":
    d[avdp + 4] ^= 0x55
elif op == "lvd-crc":
    d[lvd + 100] ^= 0x01          # inside the logical volume identifier, CRC not updated
elif op == "dir-loop":             # /dir's FID for "sub" points at the root ICB
    dirent = [x for x in fids(root_icb) if x[3][1:] == b"dir"][0]
    sub = [x for x in fids(dirent[2]) if x[3][1:] == b"sub"][0]
    struct.pack_into("<I", d, sub[0] + 24, root_icb)
    resign(sub[0])
elif op == "indirect-loop":        # a.txt's file entry becomes an indirect entry to itself
    dirent = [x for x in fids(root_icb) if x[3][1:] == b"dir"][0]
    a = [x for x in fids(dirent[2]) if x[3][1:] == b"a.txt"][0]
    e = entry(a[2])
    d[e:e + S] = bytes(S)
    struct.pack_into("<HH", d, e, 259, 2)
    struct.pack_into("<I", d, e + 12, a[2])
    d[e + 16 + 11] = 3               # icbtag file type: indirect entry
    struct.pack_into("<II", d, e + 36, S, a[2])   # long_ad: length, lbn (itself)
    struct.pack_into("<H", d, e + 10, 52 - 16)
    resign(e)
f.seek(0); f.write(d); f.close()
PY
}
udf_damage bad1.iso avdp-checksum
expect_fail 2 'UDF anchor volume descriptor pointer at byte 524288: tag checksum' "$IMGINFO" bad1.iso
expect_fail 2 'UDF anchor' "$IMGINFO" -l --view udf bad1.iso
udf_damage bad2.iso lvd-crc
expect_fail 2 'UDF logical volume descriptor at byte [0-9]+: descriptor CRC 0x[0-9a-f]+, computed' "$IMGINFO" bad2.iso
set +e; "$IMGINFO" --check bad2.iso >c2.out; rc=$?; set -e
[ $rc -eq 1 ] && grep -q '^PROBLEM: UDF descriptors: UDF logical volume descriptor' c2.out ||
	fail "--check on a bad UDF CRC (exit $rc)"
udf_damage loop.iso dir-loop
expect_fail 2 'UDF file identifier at byte [0-9]+: directory loop, ICB [0-9]+ is already part of the tree' \
	"$IMGINFO" -l --view udf loop.iso
"$IMGINFO" -l loop.iso >/dev/null || fail "a UDF loop must not stop the ISO 9660 listing"
udf_damage ind.iso indirect-loop
expect_fail 2 'UDF indirect entry at byte [0-9]+: chain of more than [0-9]+ entries, it loops' \
	"$IMGINFO" -l --view udf ind.iso
