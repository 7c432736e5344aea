# zisofs: files mkzftree compressed, marked with -z (buildroot's iso9660.mk sequence), and files
# mkimage compresses itself (--zisofs, --zisofs-only) read back decompressed, byte for byte, by
# xorriso and by the Linux kernel's isofs in a QEMU guest (and by imginfo -x); the stored data
# really is compressed; misuse is refused by name.
. "$E2E_DIR/lib.sh"
need xorriso isoinfo mkzftree qemu-system-x86_64 busybox gzip timeout ldd cmp

mkdir -p src/d/e
for i in 1 2 3; do
	yes "line $i of some text that compresses well" | head -c $((i * 70000)) >src/d/text$i.txt
done
head -c 100000 /dev/urandom >src/random.bin   # does not shrink: stored as it is
echo tiny >src/d/e/tiny.txt
: >src/empty
yes abcdefgh | head -c 40000 >src/d/e/pattern.dat

# buildroot (fs/iso9660/iso9660.mk, BR2_TARGET_ROOTFS_ISO9660_TRANSPARENT_COMPRESSION):
# mkzftree -X -z 9 -p $(PARALLEL_JOBS) TARGET_DIR TMP, then
# xorriso -as mkisofs -z -r -V 'ISO9660' -J -joliet-long -cache-inodes -o $@ TMP.
mkzftree -X -z 9 -p 2 src zf
"$MKIMAGE" -z -r -V 'ISO9660' -J -joliet-long -cache-inodes -o zf.iso zf
# xorriso -as mkisofs on the same line marks the same files: the same files decode there.
xorriso -as mkisofs -z -r -V 'ISO9660' -J -joliet-long -cache-inodes -o xorriso.iso zf \
	>xorriso.log 2>&1 || { cat xorriso.log; fail "xorriso -as mkisofs -z"; }
for img in zf xorriso; do
	xorriso -indev "$img.iso" -find / -type f -exec show_stream 2>/dev/null |
		sed -n "s/^'\([^']*\)' < --zisofs-decode.*/\1/p" | sort >"$img.marked"
done
[ -s zf.marked ] || fail "-z marked no file"
diff xorriso.marked zf.marked || fail "-z marks other files than xorriso -as mkisofs -z"
# Without -z the same files are there, but as mkzftree's bytes (no ZF entry).
"$MKIMAGE" -r -V 'ISO9660' -J -joliet-long -o raw.iso zf

"$MKIMAGE" --zisofs -o self.iso src
"$MKIMAGE" --zisofs-only '*.txt' -o some.iso src
[ "$(stat -c %s self.iso)" -lt 200000 ] || fail "--zisofs image not smaller ($(stat -c %s self.iso) bytes)"

# xorriso sees the ZF entries (a decoding filter on the files) and extracts the originals.
xorriso -indev zf.iso -show_stream /d/text1.txt 2>/dev/null | grep -q 'zisofs-decode' ||
	fail "-z: xorriso sees no zisofs file"
xorriso -indev raw.iso -show_stream /d/text1.txt 2>/dev/null | grep -q 'zisofs-decode' &&
	fail "without -z a file is marked zisofs"
xorriso -indev self.iso -show_stream /d/text2.txt 2>/dev/null | grep -q 'zisofs-decode' ||
	fail "--zisofs: text2.txt not compressed"
xorriso -indev self.iso -show_stream /random.bin 2>/dev/null | grep -q 'zisofs-decode' &&
	fail "--zisofs compressed random data that does not shrink"
xorriso -indev some.iso -show_stream /d/e/pattern.dat 2>/dev/null | grep -q 'zisofs-decode' &&
	fail "--zisofs-only '*.txt' compressed pattern.dat"
for img in zf self some; do
	xorriso -osirrox on -indev "$img.iso" -extract / "x-$img" >"x-$img.log" 2>&1 ||
		{ cat "x-$img.log"; fail "xorriso cannot extract $img.iso"; }
	same_tree src "x-$img"
done
# imginfo -x decompresses them too (Rock Ridge view), and a damaged block pointer is an error
# naming the file, not wrong data.
for img in zf self; do
	"$IMGINFO" -x / -C "i-$img" "$img.iso" || fail "imginfo -x $img.iso"
	same_tree src "i-$img"
done
cp zf.iso damaged.iso
lba=$(isoinfo -R -l -i zf.iso | sed -n 's/.*\[ *\([0-9]*\) 00\]  text3.txt *$/\1/p')
[ -n "$lba" ] || fail "no extent for text3.txt"
printf '\377\377\377\177' | dd of=damaged.iso bs=1 seek=$((lba * 2048 + 20)) conv=notrunc status=none
expect_fail 2 'text3.txt: zisofs block' "$IMGINFO" -x /d/text3.txt -C i-bad damaged.iso
[ ! -s i-bad/text3.txt ] || [ "$(stat -c %s i-bad/text3.txt)" -lt "$(stat -c %s src/d/text3.txt)" ] ||
	fail "a damaged zisofs file was extracted whole"

# The stored bytes are the compressed ones: the ISO 9660 size of text3.txt is mkzftree's.
isoinfo -R -l -i zf.iso >zf.lst
want=$(stat -c %s zf/d/text3.txt)
grep -E " $want .*text3.txt" zf.lst >/dev/null || { cat zf.lst; fail "text3.txt not stored compressed"; }

# The kernel's isofs mounts each image and reads the files decompressed.
. "$E2E_DIR/guestlib.sh"
guest_root root
guest_modules root isofs
guest_init root sr2 <<'INIT'
for d in sr0 sr1 sr2; do
	mkdir -p /m/$d
	mount -t iso9660 -o ro /dev/$d /m/$d && echo "@@MOUNT $d ok"
	(cd /m/$d && find . -type f | sort | while read -r f; do echo "@@SUM $d $(md5sum < "$f" | cut -c1-32) $f"; done)
done
echo "@@END"
poweroff -f
INIT
guest_initrd root initrd.gz
timeout -k 5 240 qemu-system-x86_64 -accel tcg -m 512 -nographic -no-reboot \
	-kernel "$GUEST_KERNEL" -initrd initrd.gz -append "console=ttyS0 quiet panic=-1" \
	-device virtio-scsi-pci,id=scsi0 \
	-drive if=none,id=cd0,file=zf.iso,media=cdrom,readonly=on -device scsi-cd,drive=cd0,bus=scsi0.0 \
	-drive if=none,id=cd1,file=self.iso,media=cdrom,readonly=on -device scsi-cd,drive=cd1,bus=scsi0.0 \
	-drive if=none,id=cd2,file=some.iso,media=cdrom,readonly=on -device scsi-cd,drive=cd2,bus=scsi0.0 \
	>guest.log 2>&1 || true
tr -d '\r' <guest.log >g.log
grep -q '^@@END' g.log || { tail -40 g.log; fail "guest did not finish"; }
(cd src && find . -type f | sort | while read -r f; do echo "$(md5sum <"$f" | cut -c1-32) $f"; done) >want.sums
for d in sr0 sr1 sr2; do
	grep -q "@@MOUNT $d ok" g.log || { grep -v "^@@SUM" g.log | tail -30; fail "the kernel did not mount $d"; }
	sed -n "s/^@@SUM $d //p" g.log >"$d.sums"
	diff want.sums "$d.sums" || fail "the kernel read other bytes from $d"
done

# Refused by name: zisofs needs Rock Ridge; compressing does not go with a UDF view or jigdo.
expect_fail 2 '^mkimage: -z: needs Rock Ridge' "$MKIMAGE" -z --no-rock -o bad.iso zf
expect_fail 2 '^mkimage: --zisofs: not with -udf' "$MKIMAGE" --zisofs -udf -o bad.iso src
expect_fail 2 '^mkimage: --zisofs-only: not with -jigdo-jigdo' "$MKIMAGE" --zisofs-only '*.txt' \
	-o bad.iso -jigdo-jigdo x.jigdo -jigdo-template x.template -md5-list /dev/null src
[ ! -e bad.iso ] || fail "a refused line wrote an image"

# -print-size agrees with the image --zisofs writes (the filter's sizes, read to be known).
blocks=$("$MKIMAGE" --zisofs -print-size src)
[ "$blocks" -eq $(($(stat -c %s self.iso) / 2048)) ] || fail "-print-size $blocks for a $(stat -c %s self.iso)-byte image"

# Progress names the file whose compressed data is being written: many files that shrink by a
# quarter (a map of their original sizes would name later files), read at a slow pace; the
# compressed extents as isoinfo lists them.
mkdir -p pz/f
$PYTHON - <<'PY'
import base64, os
for i in range(300):
    with open("pz/f/%03d" % i, "wb") as f:
        f.write(base64.b64encode(os.urandom(22500)))
PY
"$MKIMAGE" --zisofs --progress=json -o - pz 2>pjson.txt | $PYTHON -c '
import sys, time
out = open("pz.iso", "wb")
while True:
    b = sys.stdin.buffer.read(65536)
    if not b:
        break
    out.write(b)
    time.sleep(0.02)
'
xorriso -indev pz.iso -show_stream /f/100 2>/dev/null | grep -q 'zisofs-decode' || fail "pz not compressed"
isoinfo -R -l -i pz.iso >pz.lst
$PYTHON - pz.lst pjson.txt <<'PY' || fail "JSON progress names the file being written with --zisofs"
import json, re, sys
ext = {}
for line in open(sys.argv[1]):
    m = re.match(r"^-\S+\s+\d+\s+\d+\s+\d+\s+(\d+) .*\[\s*(\d+) \d+\]\s+(\S+)\s*$", line)
    if m:
        ext[m.group(3)] = (int(m.group(2)), (int(m.group(1)) + 2047) // 2048)
assert len(ext) == 300, len(ext)
assert all(b < 15 for _, b in ext.values()), "files not compressed"
named = 0
for line in open(sys.argv[2]):
    o = json.loads(line)
    if not o.get("file") or o["blocks_done"] == 0:
        continue
    name = o["file"].rsplit("/", 1)[1]
    first, blocks = ext[name]
    last = o["blocks_done"] - 1
    assert first <= last < first + blocks, (o, first, blocks)
    named += 1
assert named >= 2, "only %d lines name a file" % named
PY

# --md5 with compressed files: xorriso verifies every file's recorded MD5.
"$MKIMAGE" --zisofs --md5 -o md5.iso src
xorriso -md5 on -indev md5.iso -check_md5_r FAILURE / -- >md5.log 2>&1 ||
	{ cat md5.log; fail "xorriso: file MD5s of a --zisofs image"; }
