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

# A failed job ends in phase "failed" with the reason, as stderr gives it, in "error": an input
# longer than its --size, and a read-back that differs.
expect_fail 1 'longer than its size' sh -c "\"$IMGBURN\" --dev stdio:$PWD/o3 --progress=json \
	--size 1000s - <d.bin >fail.json"
cp d.bin copy.out
flip_byte copy.out 19999999
expect_fail 1 'verification failed' sh -c "\"$IMGBURN\" --dev stdio:$PWD/copy.out --progress=json \
	--verify-only d.bin >vfail.json"
$PYTHON - <<'PY' || fail "failure reason in the progress JSON"
import json
for name, what, words in (("fail.json", "write failed", "longer than its size"),
                          ("vfail.json", "verification failed", "SHA-256")):
    last = json.loads(open(name).read().splitlines()[-1])
    assert last["phase"] == "failed", (name, last)
    e = last["error"]
    assert e["what"] == what and words in e["detail"] and e["kind"], (name, e)
PY
