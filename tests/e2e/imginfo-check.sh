# --check: MD5 tags (session and per file, as xorriso -check_md5 sees them), boot info table
# checksum, and agreement of the ISO 9660, Joliet and Rock Ridge views.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/imginfo_images.sh"
need xorriso mkfs.vfat mcopy

make_tree src
make_hybrid good.iso src
"$IMGINFO" --check good.iso >good.out || { cat good.out >&2; fail "--check of a good image"; }
for what in 'session MD5' 'file MD5s: [0-9]+ of [0-9]+ files match' 'GPT header CRC' \
	    'boot info table' 'views agree: iso and joliet' 'views agree: iso and rr'; do
	grep -Eq "^ok: $what" good.out || fail "--check did not verify: $what"
done
"$IMGINFO" --check --json good.iso >good.json
[ "$(jq_py good.json 'd["ok"] and d["problems"] == []')" = true ] || fail "JSON of a good check"

# One byte of big.bin changed: the file MD5 and the session MD5 fail, as for xorriso.
lba=$("$IMGINFO" -l --json good.iso | $PYTHON -c 'import json,sys; print([e for e in json.load(sys.stdin)["entries"] if e["path"]=="/dir/sub/big.bin"][0]["extents"][0]["lba"])')
cp good.iso bad.iso
flip_byte bad.iso $((lba * 2048 + 1000))
set +e; "$IMGINFO" --check bad.iso >bad.out; rc=$?; set -e
[ $rc -eq 1 ] || fail "--check of a changed file: exit $rc"
grep -q '^PROBLEM: file MD5: /dir/sub/big.bin: recorded [0-9a-f]*, data has' bad.out ||
	fail "changed file not named"
grep -q '^PROBLEM: session MD5' bad.out || fail "session MD5 mismatch not found"
xorriso -md5 on -indev bad.iso -check_md5 FAILURE -- >xo.out 2>&1 && fail "xorriso saw no mismatch (oracle)"
grep -q 'MISMATCH' xo.out || fail "xorriso reports no mismatch"

# Boot info table checksum: change a byte of isolinux.bin after the table.
blba=$("$IMGINFO" --json good.iso | $PYTHON -c 'import json,sys; print(json.load(sys.stdin)["el_torito"]["entries"][0]["load_lba"])')
cp good.iso boot.iso
flip_byte boot.iso $((blba * 2048 + 3000))
set +e; "$IMGINFO" --check boot.iso >boot.out; rc=$?; set -e
[ $rc -eq 1 ] && grep -q '^PROBLEM: boot info table: entry 1 .*checksum does not match' boot.out ||
	fail "boot info table checksum mismatch not found (exit $rc)"

# Views that disagree: the Joliet record of big.bin claims another size.
cp good.iso views.iso
$PYTHON - views.iso <<'PY'
import struct, sys
f = open(sys.argv[1], "r+b"); d = bytearray(f.read())
name = "big.bin".encode("utf-16-be")
for s in range(16, 40):
    b = d[s * 2048:(s + 1) * 2048]
    if b[0] == 2 and b[1:6] == b"CD001" and b[88:91] in (b"%/@", b"%/C", b"%/E"):
        break
pos = d.find(name, 0)
while pos >= 0:
    r = pos - 33
    if d[r + 32] in (len(name), len(name) + 4):  # with or without ";1"
        struct.pack_into("<I", d, r + 10, 123); struct.pack_into(">I", d, r + 14, 123)
        break
    pos = d.find(name, pos + 1)
f.seek(0); f.write(d); f.close()
PY
set +e; "$IMGINFO" --check views.iso >views.out; rc=$?; set -e
[ $rc -eq 1 ] || fail "--check of disagreeing views: exit $rc"
grep -q '^PROBLEM: views agree: joliet file /dir/sub/big.bin (123 bytes at byte [0-9]*) has a different size or extents in the iso view' views.out ||
	{ cat views.out >&2; fail "view disagreement not reported"; }
