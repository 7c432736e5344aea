# imginfo --sessions / --session N on an image grown by xorriso itself (three -commit runs on a
# file): the sessions, sizes and NEXT agree with xorriso -toc, each session's listing with
# xorriso -load session N, -x of session 1 with the session-1 tree byte for byte; a plain image
# is one session, as xorriso shows it; bad --session values fail clearly.
. "$E2E_DIR/lib.sh"
need xorriso

mkdir -p t1/one t2/two t3/three
echo first >t1/one/a.txt
head -c 70000 /dev/urandom >t1/one/bin
echo second >t2/two/b.txt
head -c 300000 /dev/urandom >t3/three/big
for n in 1 2 3; do
	xorriso -dev grown.iso -map "t$n" / -commit >/dev/null 2>&1 || fail "xorriso commit $n"
done

# xorriso's TOC: "ISO session  :   1 ,        32 ,        25s , ISOIMAGE"
xorriso -indev grown.iso -toc 2>/dev/null |
	awk -F'[:,]' '/^ISO session/ {gsub(/[ s]/, "", $3); gsub(/[ s]/, "", $4); print $2+0, $3, $4}' >xo.toc
[ "$(wc -l <xo.toc)" = 3 ] || fail "xorriso lists $(wc -l <xo.toc) sessions, not 3"
nwa=$(xorriso -indev grown.iso -toc 2>/dev/null | sed -n 's/^Media nwa *: *\([0-9]*\)s.*/\1/p')
"$IMGINFO" --sessions grown.iso >ours.txt || fail "imginfo --sessions"
awk '$1 ~ /^[0-9]+$/ && NF >= 3 {print $1, $2, $3}' ours.txt >ours.toc
diff -u xo.toc ours.toc >&2 || fail "session table differs from xorriso -toc"
grep -qx "next writable: $nwa (msinfo 0,$nwa)" ours.txt || fail "NEXT is not xorriso's $nwa"
[ "$(xorriso -as cdrecord dev=stdio:grown.iso --grow_overwriteable_iso -msinfo 2>/dev/null)" = "0,$nwa" ] ||
	fail "xorriso's cdrecord -msinfo disagrees"

# --json: the same numbers
"$IMGINFO" --sessions --json grown.iso >s.json || fail "--sessions --json"
$PYTHON - s.json xo.toc "$nwa" <<'P' || fail "--json disagrees with xorriso"
import json, sys
j = json.load(open(sys.argv[1]))
want = [tuple(int(x) for x in l.split()) for l in open(sys.argv[2])]
got = [(s["number"], s["start"], s["blocks"]) for s in j["sessions"]]
assert got == want, (got, want)
assert j["next"] == int(sys.argv[3]) and j["msinfo"] == "0," + sys.argv[3], j
assert j["state"] == "appendable" and j["chain_broken"] is False
P

# each session's file list is what xorriso loads for that session
for n in 1 2 3; do
	xorriso -indev grown.iso -load session "$n" -find / -type f 2>/dev/null |
		tr -d "'" | sort >"xo$n.lst"
	"$IMGINFO" --session "$n" -l grown.iso | awk '$1 ~ /^-/ {print $NF}' | sort >"our$n.lst"
	diff -u "xo$n.lst" "our$n.lst" >&2 || fail "session $n listing differs from xorriso -load session $n"
done
grep -q two our1.lst && fail "session 1 shows a later file"
grep -q /three/big our3.lst || fail "session 3 lacks its file"

# -x of session 1: the session-1 tree, byte for byte; --check of an older session passes
"$IMGINFO" --session 1 -x / -C x1 grown.iso || fail "extract session 1"
same_tree t1 x1
"$IMGINFO" --session 2 --check grown.iso >/dev/null || fail "--check of session 2"
xorriso -osirrox on -indev grown.iso -load session 2 -extract / xo2 >/dev/null 2>&1 || fail "xorriso extract 2"
"$IMGINFO" --session 2 -x / -C x2 grown.iso || fail "extract session 2"
chmod -R u+w xo2
same_tree xo2 x2

# a plain image is one session at block 0, as xorriso shows it
xorriso -as mkisofs -R -o plain.iso t1 2>/dev/null || fail "plain image"
line=$(xorriso -indev plain.iso -toc 2>/dev/null | awk -F'[:,]' '/^ISO session/ {gsub(/[ s]/, "", $3); gsub(/[ s]/, "", $4); print $2+0, $3, $4}')
ours=$("$IMGINFO" --sessions plain.iso | awk '$1 ~ /^[0-9]+$/ && NF >= 3 {print $1, $2, $3}')
[ "$line" = "$ours" ] || fail "plain image: xorriso '$line', ours '$ours'"

expect_fail 2 "no session 4: the image has 3" "$IMGINFO" --session 4 -l grown.iso
expect_fail 2 "counts from 1" "$IMGINFO" --session -1 grown.iso
expect_fail 2 "does not go with" "$IMGINFO" --session 1 --sessions grown.iso
head -c 100000 /dev/urandom >junk.bin
expect_fail 2 "not an image with sessions" "$IMGINFO" --sessions junk.bin
echo ok
