# The options the three programs share (--json, -q/--quiet, -v, --progress, --version, --help)
# mean the same in mkimage, imginfo and imgburn, as do the exit codes; each man page says so.
. "$E2E_DIR/lib.sh"

mkdir -p src/sub
printf 'hello\n' >src/hello.txt
head -c 300000 /dev/urandom >src/sub/data.bin
xorriso -as mkisofs -quiet -R -J --md5 -o x.iso src 2>/dev/null || fail "xorriso"

for p in mkimage imginfo imgburn; do
	P=$BIN/$p
	# --version: "NAME VERSION", one line on stdout, exit 0, the same version in all three
	"$P" --version >v.out 2>v.err || fail "$p --version exited $?"
	[ ! -s v.err ] || fail "$p --version wrote to stderr"
	[ "$(wc -l <v.out)" -eq 1 ] || fail "$p --version is not one line"
	grep -qx "$p 0\.1\.0" v.out || fail "$p --version: $(cat v.out)"
	# --help and -h: stdout, exit 0, and the shared options listed
	for h in --help -h; do
		"$P" $h >h.out 2>h.err || fail "$p $h exited $?"
		[ ! -s h.err ] || fail "$p $h wrote to stderr"
	done
	for o in -q -v, --verbose --version -h, --help; do
		grep -q -- "$o" h.out || fail "$p --help does not list $o"
	done
	# an unknown option is a usage error, exit 2, one line naming it
	expect_fail 2 'no-such-option.*\(try --help\)' "$P" --no-such-option
	[ "$(wc -l <expect_fail.err)" -eq 1 ] || fail "$p: usage error is not one line"
	# the man page documents every shared option and says the exit codes are shared
	man=$TOP/$p/$p.1
	for o in json quiet verbose progress version help; do
		grep -q -- "\\\\-\\\\-$o" "$man" || fail "--$o is not in $p.1"
	done
	grep -q '^mkimage, imginfo and imgburn share these three codes' "$man" ||
		fail "$p.1 does not say the exit codes are shared"
	grep -q "imgburn's earlier spellings" "$man" || fail "$p.1 lacks the --progress words"
done

# --progress takes the same words in mkimage and imgburn (bar and none: imgburn's old ones),
# and a bad word is the same usage error
for w in auto always never json bar none; do
	"$MKIMAGE" --progress=$w -o "m-$w.iso" src 2>/dev/null || fail "mkimage --progress=$w"
	"$IMGBURN" --progress=$w --dev "stdio:$PWD/b-$w.iso" x.iso >/dev/null 2>&1 ||
		fail "imgburn --progress=$w"
	cmp -s x.iso "b-$w.iso" || fail "imgburn --progress=$w: copy differs"
done
expect_fail 2 'progress=loud: want auto, always, never or json' "$MKIMAGE" --progress=loud -o l.iso src
expect_fail 2 'progress=loud: want auto, always, never or json' \
	"$IMGBURN" --progress=loud --dev "stdio:$PWD/l.iso" x.iso
# never/none: no progress line (imgburn still ends with its "wrote N bytes" line); always/bar:
# the line even without a terminal
"$IMGBURN" --progress=never --dev "stdio:$PWD/n.iso" x.iso >n.out 2>n.err || fail "never"
[ ! -s n.out ] || fail "imgburn --progress=never printed on stdout"
! grep -q '%' n.err || fail "imgburn --progress=never showed a progress line"
"$IMGBURN" --progress=always --dev "stdio:$PWD/a.iso" x.iso >a.out 2>a.err || fail "always"
grep -q '%' a.err || fail "imgburn --progress=always showed no progress line"
"$MKIMAGE" --progress=always -o a.iso src 2>a.err || fail "mkimage always"
grep -q '100\.0%' a.err || fail "mkimage --progress=always showed no progress line"

# -q / --quiet / mkimage's -quiet: no progress line, even when asked for; JSON stays
for q in -q --quiet -quiet; do
	"$MKIMAGE" $q --progress=always -o q.iso src 2>q.err || fail "mkimage $q"
	[ ! -s q.err ] || fail "mkimage $q printed: $(cat q.err)"
done
"$IMGBURN" -q --progress=always --dev "stdio:$PWD/q.iso" x.iso >q.out 2>q.err || fail "imgburn -q"
[ ! -s q.out ] || fail "imgburn -q printed on stdout"
! grep -q '%' q.err || fail "imgburn -q showed a progress line"
# notes (here: no logind, so no inhibitor lock) are still said; what was done is not
! grep -v ': note: ' q.err | grep -q . || fail "imgburn -q printed: $(cat q.err)"
"$IMGBURN" -q --verify --dev "stdio:$PWD/qv.iso" x.iso 2>qv.err || fail "imgburn -q --verify"
! grep -v ': note: ' qv.err | grep -q . || fail "imgburn -q --verify printed: $(cat qv.err)"
grep -q 'wrote [0-9]* bytes' n.err || fail "imgburn without -q did not say what it wrote"
"$MKIMAGE" -q --progress=json -o j.iso src 2>j.err || fail "mkimage -q --progress=json"
grep -q '"event": *"progress"' j.err || fail "mkimage -q dropped the JSON progress"
# imgburn --json with a write is --progress=json (JSON lines on stdout, the last one "done")
"$IMGBURN" --json --dev "stdio:$PWD/j.iso" x.iso >j.out 2>/dev/null || fail "imgburn --json write"
tail -n 1 j.out | grep -q '"phase": *"done"' || fail "imgburn --json: no final JSON object"
expect_fail 2 'json with a write is --progress=json' \
	"$IMGBURN" --json --progress=always --dev "stdio:$PWD/j2.iso" x.iso

# what does not apply is refused with the reason, not as an unknown option
expect_fail 2 'mkimage has no JSON report.*progress=json' "$MKIMAGE" --json -o j.iso src
expect_fail 2 'imginfo shows no progress' "$IMGINFO" --progress=never x.iso

# imginfo: -q changes nothing on stdout; -v says which checks did not apply; -q wins over -v
"$IMGINFO" --check x.iso >c.out 2>c.err || fail "imginfo --check"
"$IMGINFO" -q --check x.iso >cq.out 2>cq.err || fail "imginfo -q --check"
same_bytes c.out cq.out
[ ! -s cq.err ] || fail "imginfo -q --check wrote to stderr"
"$IMGINFO" -v --check x.iso >/dev/null 2>cv.err || fail "imginfo -v --check"
grep -q 'not applicable: El Torito catalog' cv.err || fail "imginfo -v: no not-applicable checks"
"$IMGINFO" -q -v --check x.iso >/dev/null 2>cqv.err || fail "imginfo -q -v --check"
[ ! -s cqv.err ] || fail "imginfo -q -v: -q did not win"

# exit codes: 1 the job failed, 2 unreadable input
cp x.iso bad.iso
off=$(/usr/bin/python3 - <<'PY'
import pycdlib
iso = pycdlib.PyCdlib()
iso.open("bad.iso")
rec = iso.get_record(rr_path="/sub/data.bin")
print(rec.extent_location() * 2048 + 1000)
iso.close()
PY
)
flip_byte bad.iso "$off"
set +e
"$IMGINFO" --check bad.iso >bad.out 2>&1
rc=$?
set -e
[ $rc -eq 1 ] || fail "imginfo --check on a damaged image exited $rc, wanted 1"
grep -q '^PROBLEM: file MD5: /sub/data.bin' bad.out || fail "the damage was not reported"
expect_fail 2 'missing.iso' "$IMGINFO" missing.iso
expect_fail 2 'missing' "$MKIMAGE" -o m.iso missing
expect_fail 2 'missing.iso' "$IMGBURN" --dev "stdio:$PWD/m.iso" missing.iso
