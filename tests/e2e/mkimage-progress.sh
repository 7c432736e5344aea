# Progress: JSON lines (parsed by Python's json) with file, blocks done and total; the text
# line on a terminal (script(1)); nothing with -quiet, --progress=never or a non-terminal.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/mkimage.inc"
need script truncate

mkdir src
truncate -s 200M src/big
printf 'x\n' >src/small
# A reader that waits a second before it starts holds mkimage inside src/big's data (the pipe
# and the ring buffer hold ~1 MiB of its 200 MB), so some update is due while big is written.
"$MKIMAGE" --progress=json -o - src 2>json.txt | { sleep 1; cat >out.iso; }
blocks=$(( $(stat -c %s out.iso) / 2048 ))
$PYTHON - "$blocks" json.txt <<'PY' || fail "JSON progress lines"
import json, sys
total = int(sys.argv[1])
lines = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
assert lines, "no lines"
for o in lines:
    assert o["event"] == "progress" and o["blocks_total"] == total, o
    assert 0 <= o["blocks_done"] <= total and 0 <= o["percent"] <= 100, o
done = [o["blocks_done"] for o in lines]
assert done == sorted(done), done
assert lines[-1]["blocks_done"] == total and lines[-1]["percent"] == 100, lines[-1]
assert any(o["file"] == "src/big" for o in lines), "no line names the file being written"
PY
# Not a terminal: nothing by default; always: the text line.
"$MKIMAGE" -o out.iso src 2>auto.txt
[ ! -s auto.txt ] || fail "progress without a terminal"
"$MKIMAGE" --progress=always -o out.iso src 2>always.txt
grep -qE '100\.0%  [0-9.]+ of [0-9.]+ MB  [0-9.]+ MB/s  ETA 0:00' always.txt || fail "text progress"
"$MKIMAGE" --progress=never -o out.iso src 2>never.txt
[ ! -s never.txt ] || fail "--progress=never"
# A terminal: progress by default, none with -quiet.
script -qec "$MKIMAGE -o $SCRATCH/tty.iso $SCRATCH/src" /dev/null >tty.txt
grep -q '100\.0%' tty.txt || fail "no progress on a terminal"
script -qec "$MKIMAGE -quiet -o $SCRATCH/tty.iso $SCRATCH/src" /dev/null >quiet.txt
! grep -q '%' quiet.txt || fail "progress despite -quiet"

# A boot image: libisofs puts the El Torito catalog between the empty files' block and the
# file data.  Many one-block files read at a slow pace: every line that names a file must name
# the one whose data holds the last block written, as pycdlib finds it (a map off by a block
# names the next file).
mkdir -p boot/isolinux boot/f
cp /usr/lib/ISOLINUX/isolinux.bin boot/isolinux/ || fail "no isolinux.bin"
i=0
while [ $i -lt 4000 ]; do printf '%02048d' $i >boot/f/$i; i=$((i + 1)); done
"$MKIMAGE" --progress=json -b isolinux/isolinux.bin -no-emul-boot -o - boot 2>bjson.txt |
	$PYTHON -c '
import sys, time
out = open("boot.iso", "wb")
while True:
    b = sys.stdin.buffer.read(65536)
    if not b:
        break
    out.write(b)
    time.sleep(0.015)
'
$PYTHON - boot.iso bjson.txt <<'PY' || fail "JSON progress names the file being written on a boot image"
import json, sys, pycdlib
iso = pycdlib.PyCdlib()
iso.open(sys.argv[1])
named = 0
for line in open(sys.argv[2]):
    o = json.loads(line)
    if not o.get("file") or o["blocks_done"] == 0:
        continue
    assert o["file"].startswith("boot/"), o
    rec = iso.get_record(rr_path="/" + o["file"][len("boot/"):])
    first = rec.extent_location()
    blocks = (rec.get_data_length() + 2047) // 2048
    last = o["blocks_done"] - 1
    assert first <= last < first + blocks, (o, first, blocks)
    named += 1
assert named >= 2, "only %d lines name a file" % named
PY
