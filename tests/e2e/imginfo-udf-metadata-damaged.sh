# Damaged UDF 2.50 metadata partitions: the metadata file's entry with a bad CRC or an extent
# past the partition (the mirror takes over, --check says so), a file entry with a bad CRC in
# the metadata file (read from the mirror) or in both, both copies damaged, a mirror
# that is no longer a copy, an allocation extent chain that loops, a directory loop and a
# looping indirect entry inside the metadata partition, a truncated image.  Every failure is a
# clear message with a byte offset and exit 2, never a crash.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/imginfo_images.sh"

make_tree src
"$MKIMAGE" -quiet -udf --udf-rev 2.50 -R -J -o good.iso src || fail "mkimage 2.50"
"$IMGINFO" -l --view udf good.iso >good.list || fail "listing the good image"

# udf_damage OUT OP: a copy of good.iso with one structure changed; descriptors are re-signed
# (checksum and CRC) where the test wants the structure itself judged.
udf_damage() {
	cp good.iso "$1"
	$PYTHON - "$1" "$2" <<'PY'
import os, struct, sys
path, op = sys.argv[1], sys.argv[2]
f = open(path, "r+b"); d = bytearray(f.read()); S = 2048
u16 = lambda o: struct.unpack_from("<H", d, o)[0]
u32 = lambda o: struct.unpack_from("<I", d, o)[0]

sys.path.insert(0, os.environ["TOP"] + "/tests/tools")
import udf_tag
resign = lambda off: udf_tag.resign(d, off)

vds = u32(256 * S + 20)
for i in range(16):
    o = (vds + i) * S
    if u16(o) == 5: pstart = u32(o + 188)
    if u16(o) == 6: lvd = o
assert d[lvd + 440] == 1 and d[lvd + 446] == 2      # type 1 map, then the metadata map
mmap = lvd + 446
meta_fe, mirror_fe = (pstart + u32(mmap + 40)) * S, (pstart + u32(mmap + 44)) * S

def ads(fe):                                        # (offset of the first short_ad, count)
    lea, lad = u32(fe + 208), u32(fe + 212)
    return fe + 216 + lea, lad // 8

def meta_off(lbn, fe=None):                         # metadata-partition block -> byte offset
    a, n = ads(fe or meta_fe)
    first = 0
    for k in range(n):
        ln, at = u32(a + 8 * k) & 0x3fffffff, u32(a + 8 * k + 4)
        cnt = (ln + S - 1) // S
        if first <= lbn < first + cnt:
            return (pstart + at + lbn - first) * S
        first += cnt
    raise SystemExit("block %d not in the metadata file" % lbn)

def fids(fe_lbn):                                   # (offset, icb lbn, name) of a directory
    e = meta_off(fe_lbn)
    a, n = ads(e)
    ln = u32(a) & 0x3fffffff
    base, p, out = meta_off(u32(a + 4)), 0, []
    while p + 38 <= ln:
        o = base + p
        liu, lfi = u16(o + 36), d[o + 19]
        out.append((o, u32(o + 24), bytes(d[o + 38 + liu + 1:o + 38 + liu + lfi])))
        p += (38 + liu + lfi + 3) & ~3
    return out

fsd = meta_off(u32(lvd + 252))
root = u32(fsd + 404)
child = lambda lbn, name: [x for x in fids(lbn) if x[2] == name][0]

if op == "meta-crc":
    d[meta_fe + 100] ^= 0xff                        # CRC no longer matches
elif op == "both-crc":
    d[meta_fe + 100] ^= 0xff
    d[mirror_fe + 100] ^= 0xff
elif op in ("meta-past-end", "both-past-end"):
    for fe in (meta_fe, mirror_fe) if op == "both-past-end" else (meta_fe,):
        a, _ = ads(fe)
        struct.pack_into("<I", d, a + 4, 0x00ffffff)
        resign(fe)
elif op == "mirror-differs":
    a, _ = ads(mirror_fe)
    d[(pstart + u32(a + 4)) * S + 1000] ^= 0xff     # in the mirror's copy of the first block
elif op == "chain-loop":
    # The metadata file's allocation descriptor continues (type 3) at the mirror's entry,
    # which becomes an allocation extent descriptor continuing at itself.
    mlbn = u32(mmap + 44)
    a, _ = ads(meta_fe)
    struct.pack_into("<II", d, a, (3 << 30) | S, mlbn)
    resign(meta_fe)
    d[mirror_fe:mirror_fe + S] = bytes(S)
    struct.pack_into("<HH", d, mirror_fe, 258, 2)
    struct.pack_into("<I", d, mirror_fe + 12, mlbn)
    struct.pack_into("<I", d, mirror_fe + 20, 8)
    struct.pack_into("<II", d, mirror_fe + 24, (3 << 30) | S, mlbn)
    struct.pack_into("<H", d, mirror_fe + 10, 32 - 16)
    resign(mirror_fe)
elif op == "dir-loop":                              # /dir/sub's identifier points at the root
    sub = child(child(root, b"dir")[1], b"sub")
    struct.pack_into("<I", d, sub[0] + 24, root)
    resign(sub[0])
elif op == "indirect-loop":                         # a.txt's entry: an indirect entry to itself
    a = child(child(root, b"dir")[1], b"a.txt")
    e = meta_off(a[1])
    d[e:e + S] = bytes(S)
    struct.pack_into("<HH", d, e, 259, 3)
    struct.pack_into("<I", d, e + 12, a[1])
    d[e + 16 + 11] = 3
    struct.pack_into("<IIH", d, e + 36, S, a[1], 1)  # long_ad: itself, metadata partition
    struct.pack_into("<H", d, e + 10, 52 - 16)
    resign(e)
elif op in ("fe-crc", "fe-crc-both"):              # a.txt's entry: CRC no longer matches
    a = child(child(root, b"dir")[1], b"a.txt")
    d[meta_off(a[1]) + 60] ^= 0xff
    if op == "fe-crc-both":
        d[meta_off(a[1], mirror_fe) + 60] ^= 0xff
elif op == "truncate":                              # cut inside the copy that comes first
    del d[min(meta_off(3), meta_off(3, mirror_fe)):]
    f.truncate(len(d))
f.seek(0); f.write(d); f.close()
PY
}

# The metadata file entry's CRC: read through the mirror, listing unchanged; --check says so.
udf_damage crc.iso meta-crc
"$IMGINFO" -l --view udf crc.iso >crc.list || fail "listing through the mirror"
diff -u good.list crc.list >&2 || fail "the mirror gives another listing"
"$IMGINFO" -x / -C crcout --view udf crc.iso || fail "extracting through the mirror"
same_tree src crcout
"$IMGINFO" --json crc.iso >crc.json || fail "summary through the mirror"
m='d["file_systems"]["udf"]["partition_maps"][1]'
[ "$(jq_py crc.json "$m['read_from']")" = "mirror file" ] || fail "summary: read_from"
jq_py crc.json 'd["file_systems"]["udf"]["metadata_problem"]' | grep -Eq 'UDF metadata file \(file entry at block 0 of partition 0\): UDF extended file entry at byte [0-9]+: descriptor CRC' ||
	fail "summary: metadata_problem"
set +e; "$IMGINFO" --check crc.iso >crc.check; rc=$?; set -e
[ $rc -eq 1 ] || { cat crc.check >&2; fail "--check with a damaged metadata file: exit $rc"; }
grep -Eq '^PROBLEM: UDF metadata file: .*descriptor CRC 0x[0-9a-f]+, computed .*; read through the mirror file$' crc.check ||
	{ cat crc.check >&2; fail "--check did not report the metadata file"; }
grep -q '^ok: views agree: iso and udf' crc.check || fail "--check: views through the mirror"

# One file entry damaged in the metadata file: that block is read from the mirror.
udf_damage fe.iso fe-crc
"$IMGINFO" -l --view udf fe.iso >fe.list || fail "listing with a file entry from the mirror"
diff -u good.list fe.list >&2 || fail "the mirror's file entry gives another listing"
set +e; "$IMGINFO" --check fe.iso >fe.check; rc=$?; set -e
[ $rc -eq 1 ] && grep -Eq '^PROBLEM: UDF metadata file: block [0-9]+ of the metadata partition: UDF (extended )?file entry at byte [0-9]+: descriptor CRC 0x[0-9a-f]+, computed 0x[0-9a-f]+; read from the metadata mirror file$' fe.check &&
	grep -q '^PROBLEM: UDF metadata mirror: 1 of [0-9]* blocks differ' fe.check ||
	{ cat fe.check >&2; fail "--check: a file entry read from the mirror (exit $rc)"; }
udf_damage fe2.iso fe-crc-both
expect_fail 2 'UDF (extended )?file entry at byte [0-9]+: descriptor CRC 0x[0-9a-f]+, computed 0x[0-9a-f]+; the metadata mirror file.s copy: UDF (extended )?file entry at byte [0-9]+: descriptor CRC' \
	"$IMGINFO" -l --view udf fe2.iso

# Both copies damaged: nothing to read the metadata partition with.
udf_damage both.iso both-crc
expect_fail 2 'UDF metadata file \(file entry at block 0 of partition 0\): .*descriptor CRC.*; UDF metadata mirror file \(file entry at block 1 of partition 0\): .*at byte [0-9]+: descriptor CRC' \
	"$IMGINFO" -l --view udf both.iso
set +e; "$IMGINFO" --check both.iso >both.check; rc=$?; set -e
[ $rc -eq 1 ] && grep -q '^PROBLEM: UDF descriptors: UDF metadata file' both.check ||
	{ cat both.check >&2; fail "--check with both copies damaged: exit $rc"; }
"$IMGINFO" -l both.iso >/dev/null || fail "a damaged UDF must not stop the ISO 9660 listing"

# An extent of the metadata file past the partition's end.
udf_damage past.iso meta-past-end
"$IMGINFO" -l --view udf past.iso >past.list || fail "listing through the mirror (extent)"
diff -u good.list past.list >&2 || fail "the mirror gives another listing (extent)"
set +e; "$IMGINFO" --check past.iso >past.check; rc=$?; set -e
[ $rc -eq 1 ] && grep -Eq '^PROBLEM: UDF metadata file: .*block 16777215 lies past the end of partition 0' past.check ||
	{ cat past.check >&2; fail "--check: metadata extent past the end"; }
udf_damage past2.iso both-past-end
expect_fail 2 'UDF metadata file .*block reference at byte [0-9]+: block 16777215 lies past the end of partition 0 \([0-9]+ blocks\)' \
	"$IMGINFO" -l --view udf past2.iso
expect_fail 2 'block 16777215 lies past the end' "$IMGINFO" past2.iso

# The mirror no longer a copy: --check finds the block; reading is unaffected.
udf_damage mirror.iso mirror-differs
"$IMGINFO" -l --view udf mirror.iso >/dev/null || fail "listing with a changed mirror"
set +e; "$IMGINFO" --check mirror.iso >mirror.check; rc=$?; set -e
[ $rc -eq 1 ] && grep -Eq '^PROBLEM: UDF metadata mirror: 1 of [0-9]+ blocks differ from the metadata file, the first is block 0 of the metadata partition$' mirror.check ||
	{ cat mirror.check >&2; fail "--check: mirror differs (exit $rc)"; }

# Loops: allocation extent chain, directory, indirect entry.
udf_damage chain.iso chain-loop
expect_fail 2 'UDF allocation extent chain at byte [0-9]+: more than [0-9]+ links, it loops; UDF metadata mirror file .*tag identifier 258 is not a file entry' \
	"$IMGINFO" -l --view udf chain.iso
udf_damage loop.iso dir-loop
expect_fail 2 'UDF file identifier at byte [0-9]+: directory loop, ICB [0-9]+ is already part of the tree' \
	"$IMGINFO" -l --view udf loop.iso
expect_fail 2 'directory loop' "$IMGINFO" -x / -C loopout --view udf loop.iso
udf_damage ind.iso indirect-loop
expect_fail 2 'UDF indirect entry at byte [0-9]+: chain of more than [0-9]+ entries, it loops' \
	"$IMGINFO" -l --view udf ind.iso

# Truncated inside the first copy of the metadata (mkimage puts the mirror first): both are lost.
udf_damage cut.iso truncate
expect_fail 2 'at byte [0-9]+' "$IMGINFO" -l --view udf cut.iso
expect_fail 2 'UDF' "$IMGINFO" cut.iso
