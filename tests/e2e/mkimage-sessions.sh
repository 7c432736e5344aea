# New sessions: three with --grow on a file and on a loop block device, and three with the
# pipe users type, mkimage -M stdio:F -C "$(imgburn --msinfo --dev stdio:F)" ... -o - |
# imgburn --multi --dev stdio:F - (imginfo --sessions, --json and --session 1 -x checked on
# it).  Checked with readers we did not write: xorriso -toc lists the sessions where
# libisoburn's TOC emulation finds them, xorriso extracts the newest and (-load sbsector) the
# older ones byte for byte, isoinfo lists the Joliet tree, xorriso -check_md5_r checks the
# MD5s, and the Linux kernel in a QEMU guest mounts the newest session of each image (as CDs)
# and the first one with sbsector=32.  Errors leave the image as it was.
. "$E2E_DIR/lib.sh"
need xorriso isoinfo losetup qemu-system-x86_64 busybox gzip timeout ldd cmp truncate diff \
	setpriv python3

mkdir -p s1/d s2/d s3/e
echo one >s1/one.txt
echo first >s1/d/a.txt
head -c 300000 /dev/urandom >s1/d/big.bin
echo two >s2/two.txt
echo changed >s2/d/a.txt          # replaces /d/a.txt of session 1
head -c 70000 /dev/urandom >s3/e/three.bin
ln -s ../one.txt s3/e/link
# What each session holds: the earlier trees with the later ones laid over them.
mkdir -p want1 want2 want3
cp -a s1/. want1/
cp -a want1/. want2/ && cp -a s2/. want2/
cp -a want2/. want3/ && cp -a s3/. want3/ && rm want3/two.txt   # session 3: --rm /two.txt

# check_head IMAGE OLDHEAD NEXT BLOCKS [ENDS]: an independent check of the head that --grow
# (libisofs's overwrite buffer) or imgburn --multi (our head builder) wrote, from the layout
# mkimage(1) documents (libisoburn's): blocks 0-15 the session's system area, its volume
# descriptors to the terminator with every PVD/SVD's volume space size (both byte orders)
# NEXT + its own, the rest of the old head kept; with ENDS the file ends with the session.
# xorriso and the kernel read only the PVD's little-endian size; this looks at the Joliet SVD
# and the big-endian half too, and shows that both writers make the same head.
check_head() {
	python3 - "$@" <<'PY' || fail "$1: the head is not the session's at $3"
import struct, sys
img, oldhead, nxt, blocks = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with open(img, 'rb') as f:
    d = f.read((nxt + blocks) * 2048 if len(sys.argv) < 6 else -1)
old = open(oldhead, 'rb').read().ljust(65536, b'\0')
s = d[nxt * 2048:(nxt + blocks) * 2048]
want = bytearray(old)
want[:16 * 2048] = s[:16 * 2048]
b, svds = 16, 0
while True:
    vd = bytearray(s[b * 2048:(b + 1) * 2048])
    assert vd[1:6] == b'CD001', 'no volume descriptor at session block %d' % b
    if vd[0] in (1, 2):
        own = struct.unpack_from('<I', vd, 80)[0]
        assert own == struct.unpack_from('>I', vd, 84)[0]
        struct.pack_into('<I', vd, 80, nxt + own)
        struct.pack_into('>I', vd, 84, nxt + own)
        svds += vd[0] == 2
    want[b * 2048:(b + 1) * 2048] = vd
    if vd[0] == 255:
        break
    b += 1
assert svds == 1, 'no Joliet descriptor'
assert d[:65536] == bytes(want), 'head differs'
assert len(sys.argv) < 6 or len(d) == (nxt + blocks) * 2048, 'file is %d bytes' % len(d)
PY
}
# grow3 FILE-OR-DEVICE: three sessions, the third removing a file of the second.
grow3() {
	for n in 1 2 3; do
		rm=; [ $n = 3 ] && rm="--rm /two.txt"
		head -c 65536 "$1" >oldhead.bin 2>/dev/null || : >oldhead.bin
		# shellcheck disable=SC2086
		"$MKIMAGE" --grow "$1" $rm -graft-points /=s$n || fail "--grow $1: session $n"
		# shellcheck disable=SC2046
		check_head "$1" oldhead.bin $(sessions_of "stdio:$1" | tail -1)
	done
}

# sessions_of IMAGE: "START SIZE" per session as xorriso -toc lists them.
sessions_of() {
	xorriso -indev "$1" -toc 2>/dev/null | sed -n 's/^ISO session *: *[0-9]* , *\([0-9]*\) , *\([0-9]*\)s .*/\1 \2/p'
}

# check_sessions IMAGE: three sessions at 32-block boundaries from 32 on, each readable.
check_sessions() {
	sessions_of "$1" >toc.txt
	[ "$(wc -l <toc.txt)" = 3 ] || { xorriso -indev "$1" -toc; fail "$1: xorriso -toc does not list 3 sessions"; }
	n=0 prev_end=0
	while read -r start size; do
		n=$((n + 1))
		[ $((start % 32)) = 0 ] && [ "$start" -ge 32 ] && [ "$start" -ge "$prev_end" ] ||
			fail "$1: session $n at $start (want 32-aligned after $prev_end)"
		prev_end=$((start + size))
		rm -rf "x$n"
		xorriso -osirrox on -indev "$1" -load sbsector "$start" -extract / "x$n" >x.log 2>&1 ||
			{ cat x.log; fail "$1: xorriso cannot extract session $n"; }
		same_tree "want$n" "x$n"
	done <toc.txt
	# The newest session is what a reader of block 16 sees.
	rm -rf xn
	xorriso -osirrox on -indev "$1" -extract / xn >x.log 2>&1 || { cat x.log; fail "$1: extract"; }
	same_tree want3 xn
	# Its Joliet tree has every file, the earlier sessions' too.
	isoinfo -J -f -i "$1" | sed "s/;1$//" | sort >joliet.txt
	for f in /one.txt /d/a.txt /d/big.bin /e/three.bin; do
		grep -qx "$f" joliet.txt || { cat joliet.txt; fail "$1: $f not in the Joliet tree"; }
	done
}

# 1. --grow on a file from blank: xorriso's layout (sessions at 32, then 32-block boundaries).
grow3 grown.iso
check_sessions grown.iso
first=$(head -1 toc.txt | cut -d' ' -f1)
[ "$first" = 32 ] || fail "first session at $first, not 32"
# The data of session 1 is referred to, not copied: big.bin lies in session 1's blocks.
lba=$(isoinfo -R -l -i grown.iso | sed -n 's/.*\[ *\([0-9]*\) 00\]  big.bin *$/\1/p')
[ -n "$lba" ] && [ "$lba" -lt "$(sed -n 2p toc.txt | cut -d' ' -f1)" ] ||
	fail "big.bin at block $lba: copied into a later session"

# 2. --md5 on every session: file MD5s and the newest session's tags check out with xorriso.
rm -f md5.iso
for s in s1 s2 s3; do "$MKIMAGE" --md5 --grow md5.iso -graft-points /=$s || fail "--md5 --grow"; done
[ "$(sessions_of md5.iso | wc -l)" = 3 ] || fail "--md5 --grow: not 3 sessions"
xorriso -md5 on -indev md5.iso -check_md5 FAILURE -- -check_md5_r FAILURE / -- >md5.log 2>&1 ||
	{ cat md5.log; fail "xorriso -check_md5_r on the grown image"; }
grep -q 'session data match recorded md5' md5.log || { cat md5.log; fail "no session MD5 checked"; }
second=$(sessions_of md5.iso | sed -n 2p | cut -d' ' -f1)
xorriso -md5 on -indev md5.iso -load sbsector "$second" -check_md5_r FAILURE / -- >md5b.log 2>&1 ||
	{ cat md5b.log; fail "xorriso -check_md5_r on session 2"; }

# 3. --grow on a loop block device (a USB stick, a DVD+RW: the same layout).
truncate -s 8M disk.img
loop=$(losetup -f --show disk.img) || cannot_test "no loop device (losetup -f failed)"
trap 'losetup -d "$loop" 2>/dev/null || true' EXIT
grow3 "$loop"
losetup -d "$loop"
trap - EXIT
check_sessions disk.img

# 4. The pipe users type: mkimage -M/-C's session into imgburn --multi on a stdio: target,
#    LAST,NEXT from imgburn --msinfo; the first session from blank made for block 32
#    (-C 0,32), as mkimage(1) and imgburn(1) say.
: >multi.iso   # an empty file: blank (--msinfo refuses it, there is nothing to continue)
expect_fail 1 'blank: no session to continue' "$IMGBURN" --msinfo --dev stdio:multi.iso
"$MKIMAGE" -J -C 0,32 -o - -graft-points /=s1 | "$IMGBURN" --multi --dev stdio:multi.iso - \
	2>burn.log || { cat burn.log; fail "session 1 through the pipe"; }
for n in 2 3; do
	c=$("$IMGBURN" --msinfo --dev stdio:multi.iso) || fail "--msinfo before session $n"
	[ "$c" = "$(xorriso -as cdrecord dev=stdio:multi.iso --grow_overwriteable_iso -msinfo 2>/dev/null)" ] ||
		fail "--msinfo '$c' differs from xorriso's cdrecord emulation"
	case $c in 0,*) ;; *) fail "--msinfo of a file says '$c', not 0,NEXT" ;; esac
	next=${c#*,}
	rm=; [ $n = 3 ] && rm="--rm /two.txt"
	# shellcheck disable=SC2086
	size=$("$MKIMAGE" -print-size -J -M stdio:multi.iso -C "$c" $rm -graft-points /=s$n) ||
		fail "-print-size -M"
	head -c 65536 multi.iso >oldhead.bin
	# shellcheck disable=SC2086
	"$MKIMAGE" -J -M stdio:multi.iso -C "$c" $rm -o - -graft-points /=s$n |
		"$IMGBURN" --multi --dev stdio:multi.iso - 2>burn.log ||
		{ cat burn.log; fail "session $n through the pipe"; }
	# imgburn wrote the blocks from NEXT to the file's new end: -print-size said how many.
	wrote=$(( $(stat -c %s multi.iso) / 2048 - next ))
	[ "$wrote" = "$size" ] || fail "-print-size -M said $size blocks, imgburn wrote $wrote"
	check_head multi.iso oldhead.bin "$next" "$size" ends
done
# The session alone is not an image of the older files: its data blocks are not in it.
[ "$size" -lt 150 ] || fail "-M copied the older session's data ($size blocks)"
check_sessions multi.iso
# imginfo agrees with xorriso -toc (text and --json), and extracts session 1 as it was.
sessions_of multi.iso >xo.toc
"$IMGINFO" --sessions multi.iso | awk '$1 ~ /^[0-9]+$/ && NF >= 3 {print $2, $3}' >info.toc
diff -u xo.toc info.toc >&2 || fail "imginfo --sessions differs from xorriso -toc"
"$IMGINFO" --sessions --json multi.iso >info.json || fail "imginfo --sessions --json"
python3 - info.json xo.toc <<'PY' || fail "imginfo --sessions --json differs from xorriso -toc"
import json, sys
j = json.load(open(sys.argv[1]))
xo = [tuple(map(int, l.split())) for l in open(sys.argv[2])]
assert [(s['start'], s['blocks']) for s in j['sessions']] == xo, (j['sessions'], xo)
assert [s['number'] for s in j['sessions']] == [1, 2, 3]
assert j['state'] == 'appendable' and j['chain_broken'] is False
PY
mkdir ex1 && "$IMGINFO" --session 1 -x / -C ex1 multi.iso >/dev/null || fail "imginfo --session 1 -x"
diff -r want1 ex1 || fail "imginfo --session 1 -x differs from session 1's tree"
cmp s1/d/big.bin ex1/d/big.bin || fail "imginfo --session 1 -x: big.bin differs"
# The same into a pipe (mkimage -M ... -o -): the same bytes as into a file.
c=$("$IMGBURN" --msinfo --dev stdio:multi.iso)
SOURCE_DATE_EPOCH=1700000000 "$MKIMAGE" -M multi.iso -C "$c" -o - -graft-points /x=s3 >pipe.iso ||
	fail "-M -o -"
SOURCE_DATE_EPOCH=1700000000 "$MKIMAGE" -M multi.iso -C "$c" -o file.iso -graft-points /x=s3
cmp pipe.iso file.iso || fail "-M: the session into a pipe differs from the one into a file"

# -M with --md5 through the same pipe: each session's own tags check out where it was put.
: >mmd5.iso
"$MKIMAGE" --md5 -C 0,32 -o - -graft-points /=s1 | "$IMGBURN" --multi --dev stdio:mmd5.iso - \
	2>burn.log || { cat burn.log; fail "--md5 session 1 through the pipe"; }
c=$("$IMGBURN" --msinfo --dev stdio:mmd5.iso)
"$MKIMAGE" --md5 -M mmd5.iso -C "$c" -o - -graft-points /=s2 |
	"$IMGBURN" --multi --dev stdio:mmd5.iso - 2>burn.log ||
	{ cat burn.log; fail "--md5 -M session 2 through the pipe"; }
xorriso -md5 on -indev mmd5.iso -check_md5 FAILURE -- -check_md5_r FAILURE / -- >md5m.log 2>&1 ||
	{ cat md5m.log; fail "xorriso -check_md5 on -M --md5 sessions"; }
grep -q 'session data match recorded md5' md5m.log || { cat md5m.log; fail "-M: no session MD5 checked"; }

# 5. The kernel mounts the newest session of each and the first one with sbsector=32.
. "$E2E_DIR/guestlib.sh"
guest_root root
guest_modules root isofs
guest_init root sr2 <<'INIT'
sums() { (cd "$2" && find . -type f | sort | while read -r f; do echo "@@SUM $1 $(md5sum < "$f" | cut -c1-32) $f"; done); }
for d in sr0 sr1 sr2; do
	mkdir -p /m/$d /o/$d
	# unmounted first: a second mount of a device would share the first one's superblock
	mount -t iso9660 -o ro /dev/$d /m/$d && echo "@@MOUNT $d ok" && sums $d /m/$d && umount /m/$d
	mount -t iso9660 -o ro,sbsector=32 /dev/$d /o/$d && echo "@@MOUNT old$d ok" && sums old$d /o/$d
done
echo "@@END"
poweroff -f
INIT
guest_initrd root initrd.gz
timeout -k 5 240 qemu-system-x86_64 -accel tcg -m 512 -nographic -no-reboot \
	-kernel "$GUEST_KERNEL" -initrd initrd.gz -append "console=ttyS0 quiet panic=-1" \
	-device virtio-scsi-pci,id=scsi0 \
	-drive if=none,id=cd0,format=raw,file=grown.iso,media=cdrom,readonly=on -device scsi-cd,drive=cd0,bus=scsi0.0 \
	-drive if=none,id=cd1,format=raw,file=disk.img,media=cdrom,readonly=on -device scsi-cd,drive=cd1,bus=scsi0.0 \
	-drive if=none,id=cd2,format=raw,file=multi.iso,media=cdrom,readonly=on -device scsi-cd,drive=cd2,bus=scsi0.0 \
	>guest.log 2>&1 || true
tr -d '\r' <guest.log >g.log
grep -q '^@@END' g.log || { tail -40 g.log; fail "guest did not finish"; }
for w in want1 want3; do
	(cd $w && find . -type f | sort | while read -r f; do echo "$(md5sum <"$f" | cut -c1-32) $f"; done) >$w.sums
done
for d in sr0 sr1 sr2; do
	for m in "$d want3" "old$d want1"; do
		set -- $m
		grep -q "@@MOUNT $1 ok" g.log || { grep -v "^@@SUM" g.log | tail -30; fail "the kernel did not mount $1"; }
		sed -n "s/^@@SUM $1 //p" g.log >"$1.sums"
		diff "$2.sums" "$1.sums" || fail "the kernel read other files from $1"
	done
done

# 6. Errors: clear messages, nothing changed.
cp grown.iso before.iso
printf 'not an image\n' >text.txt
expect_fail 2 'no ISO 9660 session at block 0' "$MKIMAGE" -M text.txt -C 0,64 -o bad.iso s1
last=$(sessions_of grown.iso | tail -1 | cut -d' ' -f1)
expect_fail 2 "the next session would start at block $((last + 1)), inside the session at block $last" \
	"$MKIMAGE" -M grown.iso -C "$last,$((last + 1))" -o bad.iso s1
[ ! -e bad.iso ] || fail "a failed -M left an image"
expect_fail 2 'cannot grow: text.txt: not an ISO 9660 image' "$MKIMAGE" --grow text.txt s3
[ "$(cat text.txt)" = 'not an image' ] || fail "--grow changed a file that is not an image"
expect_fail 2 '^mkimage: -M needs -C' "$MKIMAGE" -M grown.iso -o bad.iso s1
expect_fail 2 '^mkimage: --grow cannot go with a UDF view' "$MKIMAGE" --grow grown.iso -udf s1
expect_fail 2 '^mkimage: --grow IMAGE writes into IMAGE' "$MKIMAGE" --grow grown.iso -o x.iso s1
# An image with a UDF view: a new ISO 9660 session would leave it stale.
"$MKIMAGE" -udf -o udf.iso s1
cp udf.iso udf-before.iso
expect_fail 2 'cannot grow udf.iso: it has a UDF view' "$MKIMAGE" --grow udf.iso s2
cmp udf.iso udf-before.iso || fail "a refused --grow changed the UDF image"
expect_fail 2 'the session at block 0 has a UDF view' "$MKIMAGE" -M udf.iso -C 0,1024 -o bad.iso s2
# -print-size with --grow: the session's size, and nothing created or written.
size=$("$MKIMAGE" -print-size --grow new.iso -graft-points /=s1) || fail "-print-size --grow"
[ ! -e new.iso ] || fail "-print-size --grow created the image"
"$MKIMAGE" --grow new.iso -graft-points /=s1
[ "$(sessions_of new.iso)" = "32 $size" ] || fail "-print-size --grow said $size: $(sessions_of new.iso)"
# A read-only image (as nobody) and a read-only block device.
chmod 644 grown.iso && chmod 777 "$SCRATCH"
expect_fail 2 'cannot grow: cannot open grown.iso for writing: Permission denied' \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$MKIMAGE" --grow grown.iso s3
chmod 755 "$SCRATCH"
loop=$(losetup -r -f --show disk.img) || fail "losetup -r"
cp disk.img disk-before.img
expect_fail 2 "cannot grow: $loop: the block device is read-only" "$MKIMAGE" --grow "$loop" s3
losetup -d "$loop"
cmp disk.img disk-before.img || fail "a refused --grow changed the device"
# A source file that fails while the session is written (a sysfs file that shrinks when read,
# after 300 KB of other data): the old image comes back byte for byte.
f=
for c in /sys/devices/system/cpu/online /sys/kernel/uevent_seqnum; do
	if [ -r $c ] && [ "$(stat -c %s $c)" -gt "$(wc -c <$c)" ]; then f=$c; break; fi
done
[ -n "$f" ] || cannot_test "no sysfs file that claims more bytes than it holds"
head -c 400000 /dev/urandom >first.bin
expect_fail 1 "session not written: $f: file shrank while it was read" \
	"$MKIMAGE" --grow grown.iso -graft-points /a/first.bin=first.bin /z/shrinks=$f
cmp grown.iso before.iso || fail "a failed --grow left the image changed"
check_sessions grown.iso
