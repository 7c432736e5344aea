# imgburn --list / -scanbus with and without drives: exit 0, plain text or valid JSON; --info on
# a stdio: pseudo-drive.
. "$E2E_DIR/lib.sh"

"$IMGBURN" --list >list.out 2>list.err || fail "--list exited $?"
"$IMGBURN" -scanbus >scan.out 2>/dev/null || fail "-scanbus exited $?"
"$IMGBURN" --list --json >list.json || fail "--list --json exited $?"
n=$($PYTHON -c 'import json,sys; d=json.load(open("list.json")); print(len(d["drives"]))')
if ls /dev/sr* >/dev/null 2>&1; then
	note "this machine has optical drives: $n listed"
	[ "$n" -ge 1 ] || fail "drives exist but none listed"
else
	grep -qx 'no optical drive found' list.out || fail "no-drive message: $(cat list.out)"
	[ "$n" -eq 0 ] || fail "JSON lists $n drives on a machine without any"
fi
diff list.out scan.out || fail "-scanbus differs from --list"

# --info on a stdio: pseudo-drive: its media is a "stdio file", writable
head -c 4096 /dev/zero >f.bin
"$IMGBURN" --dev "stdio:$PWD/f.bin" --info --json >info.json || fail "--info --json"
$PYTHON - <<'PY' || fail "--info JSON"
import json
d = json.load(open("info.json"))
assert d["stdio"] is True, d
assert d["media"]["profile"] == "stdio file", d
assert d["media"]["state"] in ("blank", "appendable"), d
assert d["media"]["free_bytes"] > 0, d
PY
"$IMGBURN" --dev "stdio:$PWD/f.bin" --info | grep -q 'stdio file' || fail "--info text"
