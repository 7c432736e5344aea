# Hostile input: a corpus of damaged images made from a good one (truncations, directory
# loops, extents past the end, absurd counts and lengths, bad CRCs and checksums).  Every
# mode must fail cleanly (exit 2, or 1 for --check findings) with a message naming the
# structure and byte offset, never crash; e2e-asan runs this under ASan+UBSan.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/imginfo_images.sh"
need xorriso mkfs.vfat mcopy

make_tree src
make_hybrid good.iso src
"$IMGINFO" good.iso >/dev/null || fail "the good image is not clean"
"$IMGINFO" --check good.iso >/dev/null || fail "the good image does not check"

# damage OUT OP...: copies good.iso to OUT and patches it (python, offsets found by parsing).
damage() {
	out=$1
	shift
	cp good.iso "$out"
	$PYTHON - "$out" "$@" <<'PY'
import struct, sys, zlib
path, op = sys.argv[1], sys.argv[2]
args = sys.argv[3:]
f = open(path, "r+b")
data = bytearray(f.read())
S = 2048

def rec_at(extent, size):
    """Directory records (offset, name, extent, length, flags) of one directory."""
    pos, out = extent * S, []
    end = pos + size
    while pos < end:
        n = data[pos]
        if n == 0:
            pos = (pos // S + 1) * S
            continue
        nl = data[pos + 32]
        name = bytes(data[pos + 33:pos + 33 + nl])
        ext, ln = struct.unpack_from("<I", data, pos + 2)[0], struct.unpack_from("<I", data, pos + 10)[0]
        out.append((pos, name, ext, ln, data[pos + 25]))
        pos += n
    return out

def lookup(p):
    ext, ln = struct.unpack_from("<I", data, 16 * S + 158)[0], struct.unpack_from("<I", data, 16 * S + 166)[0]
    rec = None
    for comp in p.strip("/").split("/"):
        for r in rec_at(ext, ln):
            if r[1].split(b";")[0].rstrip(b".").decode(errors="replace").upper() == comp.upper():
                rec = r
                ext, ln = r[2], r[3]
                break
        else:
            sys.exit("no record for " + comp)
    return rec

def set_both32(off, v):
    struct.pack_into("<I", data, off, v)
    struct.pack_into(">I", data, off + 4, v)

def gpt_fix_header_crc():
    hs = struct.unpack_from("<I", data, 512 + 12)[0]
    struct.pack_into("<I", data, 512 + 16, 0)
    struct.pack_into("<I", data, 512 + 16, zlib.crc32(bytes(data[512:512 + hs])) & 0xffffffff)

if op == "truncate":
    data = data[:int(args[0])]
elif op == "dir-loop":          # a directory's record points back at an ancestor
    r = lookup(args[0]); a = lookup(args[1]) if args[1] != "/" else None
    target = a[2] if a else struct.unpack_from("<I", data, 16 * S + 158)[0]
    set_both32(r[0] + 2, target)
elif op == "extent-past-end":
    r = lookup(args[0]); set_both32(r[0] + 2, 0x7ffffff0)
elif op == "dir-size":
    r = lookup(args[0]); set_both32(r[0] + 10, 0xfffff000)
elif op == "record-length":     # a name runs past its record
    r = lookup(args[0]); data[r[0] + 32] = 250
elif op == "no-cd001":
    data[16 * S + 1:16 * S + 6] = b"XXXXX"
elif op == "no-terminator":
    for s in range(16, 16 + 70):
        if data[s * S] == 255 and data[s * S + 1:s * S + 6] == b"CD001":
            data[s * S] = 2
            break
    for s in range(17, 16 + 70):
        data[s * S:s * S + 7] = b"\x00CD001\x01"
elif op == "gpt-count":
    struct.pack_into("<I", data, 512 + 80, 0xffffffff); gpt_fix_header_crc()
elif op == "gpt-entry-size":
    struct.pack_into("<I", data, 512 + 84, 1); gpt_fix_header_crc()
elif op == "gpt-entries-lba":
    struct.pack_into("<Q", data, 512 + 72, 1 << 60); gpt_fix_header_crc()
elif op == "gpt-header-crc":
    data[512 + 56] ^= 0xff      # disk GUID, covered by the header CRC
elif op == "gpt-entries-crc":
    lba = struct.unpack_from("<Q", data, 512 + 72)[0]
    data[lba * 512 + 56] ^= 0xff  # first partition name
elif op in ("eltorito-checksum", "eltorito-count", "eltorito-key", "eltorito-lba"):
    for s in range(17, 32):
        if data[s * S] == 0 and data[s * S + 7:s * S + 30] == b"EL TORITO SPECIFICATION":
            cat = struct.unpack_from("<I", data, s * S + 71)[0]
            break
    c = cat * S
    if op == "eltorito-checksum":
        data[c + 4] ^= 0x01
    elif op == "eltorito-key":
        data[c + 30] = 0
    elif op == "eltorito-lba":
        struct.pack_into("<I", data, s * S + 71, 0x7fffffff)
    else:
        struct.pack_into("<H", data, c + 64 + 2, 0xffff)
elif op == "rr-ce-length":      # root "." record: make its SUSP area claim a huge entry
    root = struct.unpack_from("<I", data, 16 * S + 158)[0] * S
    sua = root + 34
    data[sua + 2] = 250
elif op == "flip":
    off = int(args[0]); data[off] ^= 0xff
f.seek(0); f.truncate(); f.write(data); f.close()
PY
}

# run_all IMG CODE PATTERN: every mode fails with CODE (summary, list, extract) and a message
# matching PATTERN; --check must not crash and must not pass.
run_all() {
	note "$1: expect exit $2, /$3/"
	expect_fail "$2" "$3" "$IMGINFO" "$1"
	expect_fail "$2" "$3" "$IMGINFO" --json "$1"
	expect_fail "$2" "$3" "$IMGINFO" -l "$1"
	expect_fail "$2" "$3" "$IMGINFO" -x / -C "out.$1" "$1"
	set +e
	"$IMGINFO" --check "$1" >check.out 2>check.err
	rc=$?
	set -e
	[ $rc -eq 1 ] || [ $rc -eq 2 ] || { cat check.out check.err >&2; fail "--check $1: exit $rc"; }
}

size=$(stat -c %s good.iso)
root=$($PYTHON -c 'import struct,sys; print(struct.unpack_from("<I", open(sys.argv[1],"rb").read(), 16*2048+158)[0])' good.iso)

# Truncated at several points.
damage t1.iso truncate 1000
run_all t1.iso 2 'volume descriptor: .* at byte 32768 lie past the end'
damage t2.iso truncate $((16 * 2048 + 700))
run_all t2.iso 2 'volume descriptor: .* at byte 32768 lie past the end'
damage t3.iso truncate $((17 * 2048))
run_all t3.iso 2 'volume descriptor: .* at byte 34816 lie past the end'
damage t4.iso truncate $((root * 2048 + 100))
run_all t4.iso 2 'directory .* at byte [0-9]+ lies past the end'
damage t5.iso truncate $((size / 2))
run_all t5.iso 2 'extent of [0-9]+ bytes at byte [0-9]+ lies past the end'
damage t6.iso truncate $((size - 4096))
# Only the padding and the backup GPT are lost: the tree still lists, --check notices.
"$IMGINFO" -l t6.iso >/dev/null || fail "t6: listing failed"
set +e; "$IMGINFO" --check t6.iso >check.out; rc=$?; set -e
[ $rc -eq 1 ] && grep -q 'PROBLEM: GPT backup header: missing or damaged' check.out ||
	fail "t6: --check did not report the lost backup GPT (exit $rc)"

# Directory loops, extents past the end, absurd lengths and counts.
damage loop1.iso dir-loop /dir/sub /
run_all loop1.iso 2 'directory loop, extent [0-9]+ \(byte [0-9]+\) is already part of the tree'
damage loop2.iso dir-loop /dir/sub /dir
run_all loop2.iso 2 'directory loop'
damage past.iso extent-past-end /dir/a.txt
run_all past.iso 2 'record at byte [0-9]+: extent of 6 bytes at byte [0-9]+ lies past the end'
damage dsize.iso dir-size /dir
run_all dsize.iso 2 'extent of 4294963200 bytes at byte [0-9]+ lies past the end'
damage reclen.iso record-length /dir
run_all reclen.iso 2 'record at byte [0-9]+: length [0-9]+ \(name length 250\) runs past'
damage nocd.iso no-cd001
run_all nocd.iso 2 'sector 16 \(byte 32769\): no CD001'
damage noterm.iso no-terminator
run_all noterm.iso 2 'no terminator in sectors 16-'

# System area: absurd GPT counts (header CRC fixed up, so the count itself is judged).
damage gcount.iso gpt-count
expect_fail 2 'GPT header at byte 512: 4294967295 entries of 128 bytes \(byte 592\)' "$IMGINFO" gcount.iso
damage gsize.iso gpt-entry-size
expect_fail 2 'GPT header at byte 512: entry size 1 at byte 596' "$IMGINFO" gsize.iso
damage glba.iso gpt-entries-lba
expect_fail 2 'GPT header at byte 512: entry array LBA [0-9]+ \(byte 584\) lies past the end' "$IMGINFO" glba.iso
"$IMGINFO" -l glba.iso >/dev/null || fail "a damaged GPT must not stop listing the ISO tree"

# Bad CRCs: summary exit 2 naming the structure; --check lists the problem and exits 1.
damage gcrc.iso gpt-header-crc
expect_fail 2 'GPT header at byte 512: CRC32 mismatch' "$IMGINFO" gcrc.iso
set +e; "$IMGINFO" --check gcrc.iso >check.out; rc=$?; set -e
[ $rc -eq 1 ] && grep -q 'PROBLEM: GPT header CRC' check.out || fail "--check on a bad GPT header CRC (exit $rc)"
damage gecrc.iso gpt-entries-crc
expect_fail 2 'GPT entry array at byte 1024: CRC32 mismatch' "$IMGINFO" gecrc.iso
set +e; "$IMGINFO" --check gecrc.iso >check.out; rc=$?; set -e
[ $rc -eq 1 ] && grep -q 'PROBLEM: GPT entry array CRC' check.out || fail "--check on bad GPT entries (exit $rc)"

# El Torito: bad validation checksum and key, absurd section count, catalog past the end.
damage etsum.iso eltorito-checksum
expect_fail 2 'boot catalog validation entry at byte [0-9]+: checksum does not sum to zero' "$IMGINFO" etsum.iso
set +e; "$IMGINFO" --check etsum.iso >check.out; rc=$?; set -e
[ $rc -eq 1 ] && grep -q 'PROBLEM: El Torito catalog' check.out || fail "--check on a bad catalog checksum"
damage etkey.iso eltorito-key
expect_fail 2 'key bytes 00 aa, expected 55 AA' "$IMGINFO" etkey.iso
damage etcount.iso eltorito-count
expect_fail 2 'boot catalog section header at byte [0-9]+: 65535 entries run past the catalog' "$IMGINFO" etcount.iso
damage etlba.iso eltorito-lba
expect_fail 2 'boot catalog: sector 2147483647 \(byte [0-9]+\) lies past the end' "$IMGINFO" etlba.iso

# Rock Ridge: a SUSP entry longer than its record.
damage rr.iso rr-ce-length
expect_fail 2 'Rock Ridge: SUSP entry SP at byte [0-9]+ has length 250 beyond its area' "$IMGINFO" rr.iso

# Random single-byte damage in the metadata area must never crash any mode.
for off in 32768 32850 34816 38912 43008 47104 51200 \
	   55296 59392 63488 67584 71680 75776; do
	damage r.iso flip $((off + 10))
	for mode in "" -l --check "-x / -C out.r.$off"; do
		set +e
		# shellcheck disable=SC2086
		"$IMGINFO" $mode r.iso >/dev/null 2>r.err
		rc=$?
		set -e
		[ $rc -lt 3 ] || { cat r.err >&2; fail "flip at $off: exit $rc with '$mode'"; }
	done
done
