# imgburn --progress=json: one JSON object per line on stdout, ending in phase "done" with all
# bytes counted; --progress=none prints nothing on stdout.
. "$E2E_DIR/lib.sh"

head -c 20000000 /dev/urandom >d.bin
"$IMGBURN" --dev "stdio:$PWD/o" --progress=json --verify d.bin >p.json 2>/dev/null || fail "write"
$PYTHON - <<'PY' || fail "progress JSON"
import json
lines = [json.loads(l) for l in open("p.json")]
assert len(lines) >= 2, lines
for o in lines:
    for k in ("phase", "elapsed", "remaining", "bytes", "total", "lba", "drive_buffer", "fifo"):
        assert k in o, (k, o)
assert lines[-1]["phase"] == "done", lines[-1]
writes = [o for o in lines if o["phase"] == "done" and o["total"] == 20000000]
assert writes and writes[0]["bytes"] == 20000000, lines
assert any(o["phase"] in ("start", "write") for o in lines), lines
PY
"$IMGBURN" --dev "stdio:$PWD/o2" --progress=none d.bin >none.out 2>/dev/null || fail "none"
[ ! -s none.out ] || fail "--progress=none printed on stdout"
