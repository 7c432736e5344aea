# -l and -l --json on trees of a few thousand entries (directories of several blocks, read
# through the block window, walked without a copy of the tree), entry by entry against
# xorriso's own listing of the same image: order, paths, modes, owners, sizes, symlink
# targets (-find / -exec lsdl) and the first LBA of every file (-exec report_lba).
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/imginfo_images.sh"
need xorriso

$PYTHON - src <<'PY'
import os, sys
root = sys.argv[1]
for d in range(3):
    os.makedirs(f"{root}/d{d}/sub/deeper")
    for i in range(700):
        with open(f"{root}/d{d}/f-{i:04d}.dat", "wb") as f:
            f.write(b"x" * ((i * 977) % 5000))
    os.symlink(f"f-{d:04d}.dat", f"{root}/d{d}/link")
    with open(f"{root}/d{d}/sub/deeper/last", "w") as f:
        f.write("end\n")
os.makedirs(f"{root}/empty")
os.chmod(f"{root}/d1/sub", 0o750)
os.chmod(f"{root}/d2/f-0001.dat", 0o4755)
os.utime(f"{root}/d0/f-0002.dat", (0, -86400 * 400))
PY
"$MKIMAGE" -quiet -o m.iso src || fail "mkimage"
xorriso -as mkisofs -quiet -R -J -o x.iso src 2>xorriso.log || { cat xorriso.log >&2; fail "xorriso"; }

for img in m.iso x.iso; do
	"$IMGINFO" -l "$img" >l.txt || fail "-l $img"
	"$IMGINFO" -l --json "$img" >l.json || fail "-l --json $img"
	xorriso -indev "$img" -find / -exec lsdl 2>/dev/null >x.lsdl || fail "xorriso lsdl $img"
	xorriso -indev "$img" -find / -exec report_lba 2>/dev/null >x.lba || fail "xorriso lba $img"
	$PYTHON - l.txt l.json x.lsdl x.lba <<'PY' || fail "$img: listing differs from xorriso's"
import json, re, sys
text = open(sys.argv[1]).read().splitlines()
doc = json.load(open(sys.argv[2]))
assert doc["view"] == "rr", doc["view"]
ents = doc["entries"]
# xorriso: "drwxr-xr-x    1 0        0               0 Nov 22 07:36 '/d0'" [-> 'target']
lsdl = []
for line in open(sys.argv[3]).read().splitlines():
    m = re.match(r"^(\S{10}) +\d+ +(\d+) +(\d+) +(\d+) +\w+ +\d+ +[\d:]+ '(.*?)'(?: -> '(.*)')?$", line)
    assert m, line
    lsdl.append(m.groups())
lba = {}
for line in open(sys.argv[4]).read().splitlines():
    m = re.match(r"^File data lba: +0 , +(\d+) , +\d+ , +(\d+) , '(.*)'$", line)
    if m:
        lba[m.group(3)] = (int(m.group(1)), int(m.group(2)))
assert len(ents) == len(text) == len(lsdl) > 2100, (len(ents), len(text), len(lsdl))
for t, e, (mode, uid, gid, size, path, link) in zip(text, ents, lsdl):
    assert e["path"] == path, ("order or path", e["path"], path)
    f = t.split(None, 7)
    assert f[0] == mode and int(f[1]) == e["uid"] == int(uid) and int(f[2]) == e["gid"] == int(gid), (t, mode, uid, gid)
    assert int(f[3]) == e["size"], (t, e["size"])
    if mode[0] == "-":
        assert e["size"] == int(size), (path, e["size"], size)
    tail = path + (" -> " + link if link is not None else "")
    assert f[7] == tail, (t, tail)
    assert e.get("link") == link, (path, e.get("link"), link)
    if path in lba and lba[path][1] > 0:
        assert e["extents"][0]["lba"] == lba[path][0] == int(f[6]), (path, e["extents"], lba[path], f[6])
print(len(ents), "entries agree")
PY
done

# mtimes: text form against the JSON seconds, and one before 1970
grep -qE '^-rw-r--r-- +0 +0 +1954 1968-11-27 00:00 +[0-9]+ /d0/f-0002.dat$' l.txt ||
	fail "text line of a file from 1968: $(grep f-0002.dat l.txt | head -1)"

# --find: the same entries in both forms; nothing found is valid JSON, no entries, exit 1
"$IMGINFO" -l --find 'f-06*' --json m.iso >f.json || fail "--find --json"
"$IMGINFO" -l --find 'f-06*' m.iso >f.txt || fail "--find"
[ "$(jq_py f.json 'len(d["entries"])')" = 300 ] || fail "--find 'f-06*' found $(jq_py f.json 'len(d["entries"])')"
[ "$(wc -l <f.txt)" -eq 300 ] || fail "--find text lines"
set +e
"$IMGINFO" -l --find 'nothing-like-this' --json m.iso >n.json 2>n.err
rc=$?
set -e
[ $rc -eq 1 ] || fail "--find matching nothing: exit $rc"
[ "$(jq_py n.json 'd["entries"]')" = "[]" ] || fail "--find matching nothing: $(cat n.json)"
