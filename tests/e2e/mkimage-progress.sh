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
