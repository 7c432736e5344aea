# imgburn --multi / --msinfo / --toc on a stdio: target: three sessions through the pipe users
# type (sessions built by xorriso's mkisofs emulation with -M/-C, since the first session is made
# for block 32 with -C 0,32), then xorriso -toc lists three sessions, xorriso -indev extracts
# the union of the three trees from the newest, --msinfo agrees with xorriso's cdrecord
# emulation each time, --toc with imginfo --sessions.  A session made for another address, a
# foreign target and a blank --msinfo fail and leave the target as it was.
. "$E2E_DIR/lib.sh"
need xorriso 7z isoinfo

mkdir -p t1/one t2/two t3/three union
echo first >t1/one/a.txt
head -c 200000 /dev/urandom >t1/one/bin
echo second >t2/two/b.txt
head -c 300000 /dev/urandom >t3/three/big
cp -a t1/. t2/. t3/. union/

expect_fail 1 "blank: no session to continue" "$IMGBURN" --msinfo --dev stdio:disc.iso
[ ! -e disc.iso ] || fail "--msinfo created the target"

xorriso -as mkisofs -R -J -C 0,32 -o - t1 2>/dev/null | "$IMGBURN" --multi --dev stdio:disc.iso - ||
	fail "session 1"
for n in 2 3; do
	ms=$("$IMGBURN" --msinfo --dev stdio:disc.iso) || fail "--msinfo before session $n"
	xo=$(xorriso -as cdrecord dev=stdio:disc.iso --grow_overwriteable_iso -msinfo 2>/dev/null)
	[ "$ms" = "$xo" ] || fail "--msinfo '$ms', xorriso -as cdrecord -msinfo '$xo'"
	xorriso -as mkisofs -R -J -M disc.iso -C "$ms" -o - "t$n" 2>/dev/null |
		"$IMGBURN" --multi --dev stdio:disc.iso - || fail "session $n"
done

xorriso -indev disc.iso -toc 2>/dev/null |
	awk -F'[:,]' '/^ISO session/ {gsub(/[ s]/, "", $3); gsub(/[ s]/, "", $4); print $2+0, $3, $4}' >xo.toc
[ "$(wc -l <xo.toc)" = 3 ] || fail "xorriso lists $(wc -l <xo.toc) sessions, not 3"
"$IMGBURN" --toc --dev stdio:disc.iso >toc.txt || fail "--toc"
sed -n 's/^session \([0-9]*\): track [0-9]*, start \([0-9]*\), \([0-9]*\) blocks.*/\1 \2 \3/p' toc.txt >ours.toc
diff -u xo.toc ours.toc >&2 || fail "--toc differs from xorriso -toc"
"$IMGINFO" --sessions disc.iso | awk '$1 ~ /^[0-9]+$/ && NF >= 3 {print $1, $2, $3}' >info.toc
diff -u xo.toc info.toc >&2 || fail "imginfo --sessions differs from imgburn --toc"
"$IMGBURN" --toc --json --dev stdio:disc.iso >toc.json || fail "--toc --json"
$PYTHON - toc.json xo.toc <<'P' || fail "--toc --json disagrees"
import json, sys
j = json.load(open(sys.argv[1]))
want = [tuple(int(x) for x in l.split()) for l in open(sys.argv[2])]
assert [(s["number"], s["start"], s["blocks"]) for s in j["sessions"]] == want, j
assert all(len(s["tracks"]) == 1 for s in j["sessions"])
assert j["state"] == "appendable"
P

# the newest session holds every file; xorriso reads it from the rewritten head
xorriso -osirrox on -indev disc.iso -extract / out >/dev/null 2>&1 || fail "xorriso extract"
chmod -R u+w out
same_tree union out
# the Joliet view of the newest session (its descriptor's volume size patched too), read by
# 7-Zip, and the head's sizes read by isoinfo
7z x -y -ojol disc.iso >/dev/null || fail "7z extract"
same_tree union jol
end=$(awk 'END {print $2 + $3}' xo.toc)
isoinfo -d -i disc.iso | grep -qx "Volume size is: $end" || fail "isoinfo: the head's volume size is not $end"
[ "$($PYTHON -c 'import sys; d=open(sys.argv[1],"rb").read(); print(int.from_bytes(d[17*2048+80:17*2048+84], "little"), d[17*2048:17*2048+6])' disc.iso)" = "$end b'\x02CD001'" ] ||
	fail "the Joliet descriptor in the head does not say $end blocks"
# and session 1 is still session 1
xorriso -osirrox on -indev disc.iso -load session 1 -extract / out1 >/dev/null 2>&1 ||
	fail "xorriso extract session 1"
chmod -R u+w out1
same_tree t1 out1

# a session made for another address is refused before anything is written; a stream that
# ends early fails the write and leaves the target as it was (cut back to its old size)
cp disc.iso before.iso
ms=$("$IMGBURN" --msinfo --dev stdio:disc.iso)
xorriso -as mkisofs -R -M disc.iso -C "$ms" -o s4.iso t2 2>/dev/null || fail "session 4"
expect_fail 1 "still point to the old sessions" sh -c \
	"head -c 100000 s4.iso | '$IMGBURN' --multi --dev stdio:disc.iso --size $(stat -c %s s4.iso) -"
cmp before.iso disc.iso || fail "a failed session changed the target"
# --verify reads the new session back before the head points to it; a session smaller than
# 64 KiB (no padding, as mkimage writes) is taken too
cp disc.iso verify.iso
mkdir small && echo tiny >small/tiny.txt
xorriso -as mkisofs -R -no-pad -M disc.iso -C "$ms" -o s5.iso small 2>/dev/null || fail "small session"
[ "$(stat -c %s s5.iso)" -lt 65536 ] || fail "s5.iso is not smaller than 64 KiB"
"$IMGBURN" --multi --verify --dev stdio:verify.iso s5.iso 2>err || { cat err; fail "--multi --verify"; }
grep -q 'verified [0-9]* bytes' err || fail "no verification"
[ "$(xorriso -indev verify.iso -toc 2>/dev/null | grep -c '^ISO session')" = 4 ] || fail "4 sessions after --verify"

xorriso -as mkisofs -R -o - t2 2>/dev/null >wrong.iso
expect_fail 2 "not made for block" "$IMGBURN" --multi --dev stdio:disc.iso wrong.iso
cmp before.iso disc.iso || fail "a refused session changed the target"
# a foreign target is not appended to
head -c 200000 /dev/urandom >foreign.bin
cp foreign.bin foreign0.bin
xorriso -as mkisofs -R -C 0,32 -o s.iso t1 2>/dev/null
expect_fail 1 "no ISO 9660 image at block 16" "$IMGBURN" --multi --dev stdio:foreign.bin s.iso
cmp foreign0.bin foreign.bin || fail "the foreign target changed"
expect_fail 2 "not with --close" "$IMGBURN" --multi --close --dev stdio:x.iso s.iso

# a disk (a loop device standing in for a USB stick): two sessions, xorriso reads both
truncate -s 16M disk.img
loop=$(losetup -f --show disk.img) || cannot_test "no loop device (losetup -f failed; needs root and the loop driver)"
trap 'losetup -d "$loop" || true' EXIT
"$IMGBURN" --force --multi --dev "$loop" s.iso 2>err || { cat err; fail "session 1 on $loop"; }
ms=$("$IMGBURN" --msinfo --dev "$loop") || fail "--msinfo of $loop"
[ "$ms" = "$(xorriso -as cdrecord dev=stdio:"$loop" --grow_overwriteable_iso -msinfo 2>/dev/null)" ] ||
	fail "--msinfo of $loop disagrees with xorriso"
xorriso -as mkisofs -R -M stdio:"$loop" -C "$ms" -o s2.iso t2 2>/dev/null || fail "session 2 for $loop"
"$IMGBURN" --force --multi --dev "$loop" s2.iso 2>err || { cat err; fail "session 2 on $loop"; }
[ "$(xorriso -indev stdio:"$loop" -toc 2>/dev/null | grep -c '^ISO session')" = 2 ] ||
	fail "xorriso does not list 2 sessions on $loop"
"$IMGINFO" --sessions "$loop" | grep -q '^sessions: 2$' || fail "imginfo --sessions of $loop"
xorriso -osirrox on -indev stdio:"$loop" -extract / lout >/dev/null 2>&1 || fail "xorriso extract $loop"
chmod -R u+w lout
mkdir l12 && cp -a t1/. t2/. l12/
same_tree l12 lout
echo ok
