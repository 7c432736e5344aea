# imginfo --map against layouts that readers we did not write know block by block: pycdlib
# (descriptors, path tables, directory and file extents, El Torito, UDF anchors and
# descriptor sequences, UDF file entries and directories), isoinfo -l (directory and file extents) and the GPT header's own
# backup pointer; on a plain mkimage image, a BIOS+EFI hybrid (xorriso and mkimage), a
# mkimage -udf image and a genisoimage -udf image.  Then the SVG in a real browser.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/imginfo_images.sh"
need xorriso genisoimage isoinfo mkfs.vfat mcopy chromium script

# expected IMG: "KEY BLOCK WHAT" lines, one block of each structure the readers know, with
# the letter the map's legend must give the region holding it.
expected() {
	$PYTHON - "$1" <<'EOF'
import struct, sys, pycdlib
path = sys.argv[1]
iso = pycdlib.PyCdlib()
iso.open(path)
out = []
def put(key, block, what):
    out.append("%s %d %s" % (key, block, what))
for vd in [iso.pvd] + list(iso.svds) + [iso.vdsts[0]]:
    put("V", vd.extent_location(), "volume descriptor")
if iso.eltorito_boot_catalog is not None:
    put("V", iso.brs[0].extent_location(), "boot record")
    put("C", iso.eltorito_boot_catalog.extent_location(), "boot catalog")
    entries = [iso.eltorito_boot_catalog.initial_entry]
    for sec in iso.eltorito_boot_catalog.sections:
        entries += sec.section_entries
    for e in entries:
        put("B", e.load_rba, "boot image")
views = [("iso_path", iso.pvd)]
if iso.joliet_vd is not None:
    views.append(("joliet_path", iso.joliet_vd))
boot = set(l.split()[1] for l in out if l[0] == "B")
cat = set(l.split()[1] for l in out if l[0] == "C")
for kw, vd in views:
    for loc in (vd.path_table_location_le, vd.path_table_location_be):
        put("P", loc, "path table " + kw)
    for dirpath, dirs, files in iso.walk(**{kw: "/"}):
        rec = iso.get_record(**{kw: dirpath})
        first = rec.extent_location()
        for b in range(first, first + (rec.get_data_length() + 2047) // 2048):
            put("D", b, "directory " + dirpath)
        for f in files:
            p = dirpath.rstrip("/") + "/" + f
            r = iso.get_record(**{kw: p})
            if r.get_data_length() == 0:
                continue
            first = r.extent_location()
            key = "B" if str(first) in boot else "C" if str(first) in cat else "F"
            put(key, first, "file " + p)
            put(key, first + (r.get_data_length() - 1) // 2048, "end of file " + p)
if iso.has_udf():
    for a in iso.udf_anchors:
        put("U", a.extent_location(), "UDF anchor")
    put("U", iso.udf_main_descs.pvds[0].extent_location(), "UDF primary volume descriptor")
    put("U", iso.udf_reserve_descs.pvds[0].extent_location(), "UDF reserve sequence")
    put("U", iso.udf_logical_volume_integrity.extent_location(), "UDF integrity descriptor")
    # pycdlib's UDF walk (1.02): each file entry, and each directory's file identifiers
    # (short allocation descriptors, blocks of the partition), as "I" regions.
    ps = iso.udf_main_descs.partitions[0].part_start_location
    for dirpath, dirs, files in iso.walk(udf_path="/"):
        for p in [dirpath] + [dirpath.rstrip("/") + "/" + f for f in files]:
            r = iso.get_record(udf_path=p)
            put("I", r.extent_location(), "UDF file entry " + p)
            if r.is_dir():
                for ad in r.alloc_descs:
                    for b in range(ps + ad.log_block_num,
                                   ps + ad.log_block_num + (ad.extent_length + 2047) // 2048):
                        put("I", b, "UDF directory " + p)
iso.close()
with open(path, "rb") as f:
    f.seek(512)
    hdr = f.read(92)
# libisofs's MD5 checksum array: the root's AAIP attribute isofs.ca (an AL component "ca" in
# namespace 4, "isofs."; then the value component: flags, length, and length-prefixed
# session start, array start, count, entry size, "MD5"), decoded from the bytes here.
with open(path, "rb") as f:
    data = f.read()
at = data.find(b"\x00\x03\x04ca\x00")
while at >= 0:
    val, nums, pos = data[at + 7:at + 7 + data[at + 6]], [], 0
    while len(nums) < 4 and pos < len(val) and pos + 1 + val[pos] <= len(val):
        nums.append(int.from_bytes(val[pos + 1:pos + 1 + val[pos]], "big"))
        pos += val[pos] + 1
    if len(nums) == 4 and val[pos:] == b"MD5" and nums[3] == 16:
        for b in range(nums[1], nums[1] + (nums[2] + 127) // 128):
            put("M", b, "MD5 checksum array")
        break
    at = data.find(b"\x00\x03\x04ca\x00", at + 1)
if hdr[:8] == b"EFI PART":
    backup = struct.unpack_from("<Q", hdr, 32)[0]
    put("G", backup * 512 // 2048, "GPT backup header")
print("\n".join(out))
EOF
}

# check_map IMG: every expected block lies in a legend line with the expected letter, and the
# legend's ranges tile the image from block 0 to its last block.
check_map() {
	img=$1
	"$IMGINFO" --map "$img" >"$img.map" || fail "imginfo --map $img failed"
	expected "$img" >"$img.want"
	[ -s "$img.want" ] || fail "no expectations for $img"
	blocks=$(( ($(stat -c %s "$img") + 2047) / 2048 ))
	tail -n +3 "$img.map" | awk -v n="$blocks" -v img="$img" '
		{ split($2, r, "-"); if (r[1] != next_) { print img ": legend jumps from " next_ " to " r[1]; bad = 1 }
		  if (r[2] - r[1] + 1 != $3) { print img ": count " $3 " for range " $2; bad = 1 }
		  next_ = r[2] + 1 }
		END { if (next_ != n) { print img ": legend ends at " next_ ", image has " n " blocks"; bad = 1 }
		      exit bad }' next_=0 || fail "the legend of $img does not tile it"
	while read -r key block what; do
		awk -v k="$key" -v b="$block" '
			{ split($2, r, "-") }
			$1 == k && r[1] + 0 <= b + 0 && b + 0 <= r[2] + 0 { found = 1 }
			END { exit !found }' "$img.map" ||
			{ cat "$img.map" >&2; fail "$img: block $block ($what) is not in a '$key' region"; }
	done <"$img.want"
	note "$img: $(wc -l <"$img.want") blocks placed as pycdlib places them"
}

make_tree src
"$MKIMAGE" -q -o plain.iso src
check_map plain.iso
# The plain layout, whole: nothing of it unaccounted for.
! grep -q '^?' plain.iso.map || { cat plain.iso.map >&2; fail "plain.iso has unclaimed data"; }
grep -q '^S  *0-15  *16 blocks .* system area$' plain.iso.map || fail "plain.iso: system area"
grep -q 'Rock Ridge continuation areas' plain.iso.map || fail "plain.iso: no RR continuation"

# isoinfo -l: every directory and file extent it lists, in the ISO 9660 view.
isoinfo -l -i plain.iso | awk '/\[ *[0-9]+ [0-9][0-9]\]/ { s = $5; sub(/.*\[ */, ""); sub(/\]  /, " ");
		print s, $0 }' | while read -r size lba flags name; do
		case "$name" in . | ..) continue ;; esac
		key=F
		[ "$flags" = 02 ] && key=D
		[ "$size" -gt 0 ] || continue
		awk -v k="$key" -v b="$lba" '{ split($2, r, "-") }
			$1 == k && r[1] + 0 <= b + 0 && b + 0 <= r[2] + 0 { f = 1 } END { exit !f }' \
			plain.iso.map || fail "isoinfo puts $name at $lba, not in a '$key' region"
	done

make_hybrid hyb.iso src
check_map hyb.iso
grep -q 'boot image 1 (x86, .*): /isolinux/isolinux.bin' hyb.iso.map || fail "no BIOS boot image"
grep -q 'boot image 2 (EFI, .*): /efi.img' hyb.iso.map || fail "no EFI boot image"
grep -q '^M' hyb.iso.map || fail "hyb.iso: no MD5 tag (xorriso --md5)"
grep -q '^M .* MD5 checksum array$' hyb.iso.map || fail "hyb.iso: no MD5 checksum array"
rm -f src/efi.img
BUILDER=mkimage make_hybrid mhyb.iso src
check_map mhyb.iso
grep -q '^M .* MD5 checksum array$' mhyb.iso.map || fail "mhyb.iso: no MD5 checksum array"
rm -f src/efi.img

rm -rf usrc && mkdir -p usrc/d && echo one >usrc/d/one && head -c 70000 /dev/urandom >usrc/big
"$MKIMAGE" -q -udf -o udf.iso usrc
check_map udf.iso
grep -q 'UDF volume recognition sequence' udf.iso.map || fail "udf.iso: no VRS"
genisoimage -quiet -udf -R -J -o gudf.iso usrc 2>/dev/null
check_map gudf.iso
# genisoimage pads with copies of the anchor, each recording its own block.
grep -q '^U .* UDF anchor copies' gudf.iso.map || fail "gudf.iso: anchor copies not named"
# File entries and directories by path, none of the partition left as "file entries,
# directories" space: genisoimage leaves nothing else there.
grep -q '^I .* UDF file entries: /big and 1 more$' gudf.iso.map || fail "gudf.iso: /big and /d/one's file entries not one run"
grep -q '^I .* UDF directory: /d$' gudf.iso.map || fail "gudf.iso: directory /d not named"
! grep -q 'UDF partition 0: file entries, directories' gudf.iso.map ||
	fail "gudf.iso: UDF partition space left unplaced"
# UDF 2.50 (pycdlib cannot read it): the metadata file's blocks are file entries, directories
# and the file set descriptor; its mirror is named.
"$MKIMAGE" -q --udf-rev=2.50 -o udf250.iso usrc
"$IMGINFO" --map udf250.iso >udf250.iso.map || fail "--map udf250.iso failed"
grep -q '^I .* UDF file entr.*: /' udf250.iso.map || fail "udf250.iso: no file entries"
grep -q '^u .* UDF metadata mirror file$' udf250.iso.map || fail "udf250.iso: no mirror file"
grep -q '^U .* UDF file set descriptor$' udf250.iso.map || fail "udf250.iso: no file set descriptor"

# --json gives the same regions.
"$IMGINFO" --map --json hyb.iso >map.json
[ "$($PYTHON -c 'import json; d=json.load(open("map.json")); r=d["regions"]; print(sum(x["count"] for x in r) == d["blocks"] and r[0]["first"] == 0 and all(a["first"]+a["count"] == b["first"] for a, b in zip(r, r[1:])))')" = True ] ||
	fail "--map --json regions do not tile the image"
[ "$($PYTHON -c 'import json; print(len(json.load(open("map.json"))["regions"]))')" = \
  "$(tail -n +3 hyb.iso.map | wc -l)" ] || fail "--json and the text legend differ"

# Colour only on a terminal (script(1) gives it one), and not with NO_COLOR: the text above
# (a file) has none.
esc=$(printf '\033')
! grep -q "$esc" hyb.iso.map || fail "colour codes in a file"
script -qec "$IMGINFO --map hyb.iso" /dev/null >tty.txt || fail "--map on a terminal failed"
grep -q "$esc\[" tty.txt || fail "no colour on a terminal"
NO_COLOR=1 script -qec "$IMGINFO --map hyb.iso" /dev/null >nocolor.txt || fail "--map NO_COLOR failed"
! grep -q "$esc" nocolor.txt || fail "colour despite NO_COLOR"

# The SVG, drawn by a real browser: the bar's colours must show up in the screenshot.
"$IMGINFO" --map=hyb.svg hyb.iso >/dev/null || fail "--map=hyb.svg failed"
$PYTHON -c 'import xml.dom.minidom, sys; xml.dom.minidom.parse("hyb.svg")' || fail "hyb.svg is not XML"
HOME=$PWD timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
	--screenshot="$PWD/hyb.png" --window-size=1200,600 "file://$PWD/hyb.svg" \
	>chromium.log 2>&1 || { cat chromium.log >&2; fail "chromium could not draw hyb.svg"; }
[ -s hyb.png ] || fail "no screenshot"
# Pixels of the boot image (#e6d800), file data (#2ca02c) and the GPT backup (#e377c2) colours.
$PYTHON - hyb.png <<'EOF' || fail "the screenshot does not show the map's colours"
import sys, zlib, struct
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, t = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if t == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        bpp = {2: 3, 6: 4}[ctype]
    elif t == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = w * bpp
rows, prev = [], bytearray(stride)
i = 0
for y in range(h):
    f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line); prev = line
# the bar: y 50-110 in the SVG
def count(rgb):
    n = 0
    for y in range(55, 105):
        line = rows[y]
        for x in range(w):
            if tuple(line[x * bpp:x * bpp + 3]) == rgb:
                n += 1
    return n
want = {"boot image": (0xe6, 0xd8, 0x00), "file data": (0x2c, 0xa0, 0x2c), "GPT backup": (0xe3, 0x77, 0xc2)}
ok = True
for name, rgb in want.items():
    n = count(rgb)
    print("-- %s: %d pixels in the bar" % (name, n), file=sys.stderr)
    ok &= n > 0
sys.exit(0 if ok else 1)
EOF
