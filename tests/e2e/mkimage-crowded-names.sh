# Crowded directories of long names (issue 13): libisofs 1.5.4 reserves more Rock Ridge
# Continuation Area than it writes for them (ISO level 2 and 3 above all), and mkimage puts the
# missing zero blocks in (common/build/isofs_realign.c).  Every such tree must build, at every
# ISO level, with and without Joliet, with UDF and with a boot record, and every name must read
# back whole from readers we did not write (xorriso, isoinfo, pycdlib, udfinfo), with the
# content.  Then a property check: random trees of that shape, each built by genisoimage and by
# mkimage: mkimage must build every tree genisoimage builds.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/mkimage.inc"
need xorriso isoinfo udfinfo genisoimage


# Names as each reader sees them, one path per line, sorted (LC_ALL=C: byte order).
names_xorriso() {
	LC_ALL=C.UTF-8 xorriso -indev "$1" -find / -type f 2>/dev/null |
		sed "s|^'/\(.*\)'\$|\1|" | LC_ALL=C sort
}
names_isoinfo() {
	isoinfo -R -l -i "$1" | awk '
		/^Directory listing of / { dir = substr($0, 22); next }
		/^-/ { sub(/^[^]]*\]  /, ""); sub(/ $/, ""); print substr(dir, 2) $0 }' |
		LC_ALL=C sort
}
names_pycdlib() { # IMG rr|udf
	$PYTHON - "$1" "$2" <<'PY' | LC_ALL=C sort
import sys, pycdlib
iso = pycdlib.PyCdlib()
iso.open(sys.argv[1])
kw = {'rr_path': '/'} if sys.argv[2] == 'rr' else {'udf_path': '/'}
for root, dirs, files in iso.walk(**kw):
    for f in files:
        print((root.rstrip('/') + '/' + f)[1:])
iso.close()
PY
}
same_names() { # WHAT LIST
	LC_ALL=C sort "$2" | cmp -s - names.want ||
		{ diff names.want "$2" | head -5 >&2; fail "$1: names differ"; }
}

cp /usr/lib/ISOLINUX/isolinux.bin boot.bin 2>/dev/null || head -c 4096 /dev/urandom >boot.bin
realigned=0
# Fixed cases: seeds and places chosen so that libisofs miscounts (checked below: some of
# them must have needed the realignment, or this test proves nothing).
i=0
for spec in "1 5000 . 0.07" "4 2000 sub 0.25" "5 1500 a/b/c 0.3"; do
	set -- $spec
	rm -rf src && mkdir src
	gen src "$1" "$2" "$3" "$4" >names.want
	for opts in "-iso-level 1" "-iso-level 2" "-iso-level 3" "--no-joliet" "-udf" \
		    "-iso-level 2 -b boot.bin -no-emul-boot -boot-load-size 4 -boot-info-table"; do
		i=$((i + 1))
		case $opts in *boot.bin*) cp boot.bin src/ ;; *) rm -f src/boot.bin ;; esac
		"$MKIMAGE" -v $opts -o out.iso src >/dev/null 2>err ||
			{ grep -v '^  \|shortened\|cut to' err >&2; fail "seed $1 ($opts): not built"; }
		grep -q 'more Rock Ridge continuation area' err && realigned=$((realigned + 1)) &&
			note "seed $1 ($opts): realigned"
		# Every reader on every image would take minutes: each image gets xorriso, and
		# the others take turns.
		names_xorriso out.iso | grep -v '^boot\.\(bin\|catalog\)$' >n.x || true
		same_names "seed $1 ($opts) xorriso" n.x
		case $((i % 3)) in
		0) names_isoinfo out.iso | grep -v '^boot\.\(bin\|catalog\)$' >n.i || true
		   same_names "seed $1 ($opts) isoinfo -R" n.i ;;
		1) names_pycdlib out.iso rr | grep -v '^boot\.\(bin\|catalog\)$' >n.p || true
		   same_names "seed $1 ($opts) pycdlib" n.p ;;
		2) rm -rf x && extract_xorriso out.iso x && rm -f x/boot.bin x/boot.catalog src/boot.bin
		   same_tree_fast src x ;;
		esac
		case $opts in
		-udf)
			# OSTA CS0 (UDF 2.1.1) holds 254 Latin-1 or 127 UTF-16 characters: names
			# beyond it are kept under shortened unique names, the others whole.
			names_pycdlib out.iso udf >n.u
			[ "$(wc -l <n.u)" = "$(wc -l <names.want)" ] || fail "seed $1: UDF file count"
			$PYTHON - names.want n.u <<'PY' || fail "seed $1 (-udf) pycdlib UDF: names differ"
import sys
def fits(p):
    n = p.rsplit('/', 1)[-1]
    if all(ord(c) < 256 for c in n):
        return len(n) <= 254
    return len(n.encode('utf-16-le')) // 2 <= 127
want = {l.rstrip('\n') for l in open(sys.argv[1], encoding='utf-8') if fits(l.rstrip('\n'))}
got = {l.rstrip('\n') for l in open(sys.argv[2], encoding='utf-8')}
missing = sorted(want - got)
print('\n'.join(missing[:5]), file=sys.stderr)
sys.exit(1 if missing else 0)
PY
			files=$(udfinfo out.iso | sed -n 's/^numfiles=//p')
			[ "$files" = "$(wc -l <names.want)" ] || fail "seed $1: udfinfo counts $files files"
			;;
		esac
		[ $((i % 3)) -ne 0 ] || "$IMGINFO" --check out.iso >check.out ||
			{ cat check.out >&2; fail "seed $1 ($opts): imginfo --check"; }
		rm -f out.iso
	done
done
[ $realigned -ge 3 ] || fail "only $realigned of $i builds needed the realignment: the cases no longer test it"
note "$i crowded builds, $realigned of them realigned"

# -partition_offset: libisofs writes a second tree, addressed from the partition's start, with
# the same miscount; both must read whole (the second one from the partition).
rm -rf src && mkdir src && gen src 1 5000 . 0.07 >names.want
"$MKIMAGE" -v -partition_offset 16 -udf -o out.iso src >/dev/null 2>err ||
	{ grep -v '^  \|shortened\|cut to' err >&2; fail "-partition_offset 16: not built"; }
grep -q 'more Rock Ridge continuation area' err || fail "-partition_offset 16: not realigned"
names_xorriso out.iso >n.x
same_names "-partition_offset 16 xorriso" n.x
dd if=out.iso of=part.iso bs=2048 skip=16 status=none
names_isoinfo part.iso >n.i
same_names "-partition_offset 16: the partition's tree, isoinfo -R" n.i
rm -f out.iso part.iso

# --md5: libisofs's tags and checksum array hash the stream it wrote; mkimage redoes the MD5s
# the zero blocks change (common/build/isofs_md5fix.c).  xorriso (whose load with -md5 on
# checks the superblock and tree tags), imginfo --check and our own reading of every tag and
# of the array's first and last entries must find them right, and a flipped data byte caught.
md5_tags() {
	$PYTHON - "$1" <<'PY'
import hashlib, re, sys
img = open(sys.argv[1], 'rb').read()
tags, session = 0, None
for b in range(len(img) // 2048):
    blk = img[b * 2048:(b + 1) * 2048]
    m = re.match(rb'(libisofs_(?:sb_|tree_|rlsb32_)?checksum_tag_v1) pos=(\d+) range_start=(\d+) '
                 rb'range_size=(\d+)(?: next=\d+| session_start=\d+)? md5=([0-9a-f]{32}) '
                 rb'self=([0-9a-f]{32})\n', blk)
    if not m:
        continue
    pos, start, size = int(m[2]), int(m[3]), int(m[4])
    line = blk[:m.start(6) - len(b' self=')]
    if (pos != b or hashlib.md5(img[start * 2048:(start + size) * 2048]).hexdigest() != m[5].decode()
            or hashlib.md5(line).hexdigest() != m[6].decode()):
        sys.exit('%s at block %d: wrong' % (m[1].decode(), b))
    tags += 1
    if m[1] == b'libisofs_checksum_tag_v1':
        session = (start, pos)
if session is None or tags < 3:
    sys.exit('only %d tags' % tags)
# The array ends at the session tag: entry 0 is the MD5 of the session up to the array, the
# last one (zeros follow) the MD5 of the entries before it.
start, pos = session
for a in range(pos - 1, start, -1):
    arr = img[a * 2048:pos * 2048]
    if arr[:16] == hashlib.md5(img[start * 2048:a * 2048]).digest():
        break
else:
    sys.exit('no checksum array with the session MD5 first')
last = max(i for i in range(len(arr) // 16) if arr[i * 16:i * 16 + 16] != bytes(16))
if last < 1 or arr[last * 16:last * 16 + 16] != hashlib.md5(arr[:last * 16]).digest():
    sys.exit('checksum array: last entry wrong')
PY
}
# damage_is_noticed flips byte 1000 of a file: one of that size beside the crowd.
mkdir src/zz && head -c 5000 /dev/urandom >src/zz/big.bin
for opts in "--md5" "--md5 -udf"; do
	"$MKIMAGE" -v $opts -o md5.iso src >/dev/null 2>err ||
		{ grep -v '^  \|shortened\|cut to' err >&2; fail "$opts: not built"; }
	grep -q 'more Rock Ridge continuation area' err || fail "$opts: not realigned"
	xorriso -md5 on -indev md5.iso -check_md5 FAILURE -- >session.log 2>&1 ||
		{ cat session.log >&2; fail "$opts: xorriso -check_md5"; }
	grep -q 'session data match recorded md5' session.log || fail "$opts: no session MD5"
	xorriso -md5 on -indev md5.iso -check_md5_r FAILURE / -- >files.log 2>&1 ||
		{ cat files.log >&2; fail "$opts: xorriso -check_md5_r"; }
	md5_tags md5.iso || fail "$opts: MD5 tags or checksum array"
	"$IMGINFO" --check md5.iso >check.out || { cat check.out >&2; fail "$opts: imginfo --check"; }
	grep -q '^0 problems' check.out || { cat check.out >&2; fail "$opts: imginfo problems"; }
	damage_is_noticed md5.iso /zz/big.bin
	rm -f md5.iso
done
# A second tree (-partition_offset) is realigned after the tree tag: not done with --md5, a
# clear failure, no image left.
expect_fail 1 'not with --md5 and a partition offset' \
	"$MKIMAGE" -quiet --md5 -partition_offset 16 -o md5.iso src
no_leftovers "$SCRATCH"

# Property: random trees of that shape; genisoimage -R -J -iso-level 3 builds them, and so
# must mkimage (default level 3), with every name readable.  genisoimage refuses characters
# beyond the BMP in Joliet ("Incorrectly encoded string"): most trees keep to the BMP.
trees=0 realigned=0
for seed in $(seq 100 111); do
	rm -rf src && mkdir src
	n=$((1000 + (seed * 7919) % 2500))
	place=$(case $((seed % 3)) in 0) echo . ;; 1) echo d ;; 2) echo x/y ;; esac)
	ratio=$(awk -v s=$seed 'BEGIN { printf "%.2f", 0.04 + (s % 5) * 0.04 }')
	bmp=bmp; [ $((seed % 4)) -ne 0 ] || bmp=
	gen src $seed $n $place $ratio $bmp >names.want
	if ! genisoimage -quiet -input-charset utf-8 -R -J -iso-level 3 -o g.iso src 2>/dev/null; then
		note "seed $seed: genisoimage does not build it"
		continue
	fi
	trees=$((trees + 1))
	"$MKIMAGE" -v -o out.iso src >/dev/null 2>err ||
		{ grep -v '^  \|shortened\|cut to' err >&2; fail "seed $seed: genisoimage builds it, mkimage not"; }
	grep -q 'more Rock Ridge continuation area' err && realigned=$((realigned + 1))
	names_xorriso out.iso >n.x
	same_names "seed $seed xorriso" n.x
	rm -f out.iso g.iso
done
[ $trees -ge 9 ] || fail "genisoimage built only $trees random trees"
note "$trees random trees: genisoimage and mkimage build every one ($realigned realigned)"
