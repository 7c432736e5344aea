# The Linux kernel's udf driver, in a QEMU guest, mounts UDF-only images (mkimage --udf-only)
# of revisions 1.02, 2.01, 2.50 and 2.60 from CD-ROM drives, and the 2.50 one from a disk of
# 512-byte sectors, and lists every entry (type, mode, owner, size, link target) with the MD5
# of every file: the same as the source tree.  A UDF 2.50 image holds a sparse file of
# 4 GiB + 1 MiB and a file of 1 GiB + 1 MiB + 4097 random bytes, both read whole from a CD
# drive: the MD5 of every byte, the sizes, and marks across the first descriptor boundary,
# past 4 GiB and at the end.  Both files span several allocation descriptors (a descriptor's
# length has 30 bits; mkimage cuts them under 1 GiB).  The kernel's isofs sees only the README.
#
# What reading every byte costs in the guest (TCG, no KVM; tests/bench/NOTES.md run 14): per
# GiB about 6.5 s with coreutils md5sum (so the host's md5sum is copied in), 16 s with
# busybox md5sum, 10 s with cksum, 16 s with sha1sum, 8-9 s with GNU cmp against /dev/zero; the
# virtio-scsi disk is no faster than the CD drive.  Both files: about 35 s on a quiet host.
. "$E2E_DIR/lib.sh"
need qemu-system-x86_64 busybox gzip timeout ldd md5sum
export SOURCE_DATE_EPOCH=1700000000

mkdir -p src/sub/deep "src/Ünïcödé 日本"
printf 'hello\n' >src/a.txt
head -c 300001 /dev/urandom >src/sub/random.bin
head -c 6145 /dev/urandom >src/sub/deep/c.bin
: >src/empty
printf 'u\n' >"src/Ünïcödé 日本/ü.txt"
ln src/a.txt src/sub/hard
ln -s ../a.txt src/sub/link
chmod 0640 src/sub/deep/c.bin
chmod 2750 src/sub
chmod 4755 src/a.txt
chown 1234:5678 src/sub/random.bin
for rev in 1.02 2.01 2.50 2.60; do
	"$MKIMAGE" -quiet --udf-only --udf-rev "$rev" -o "u-$rev.iso" src
done
# The big files: 4 GiB + 1 MiB of holes with marks at the first descriptor boundary, past 4 GiB and
# at the end; 1 GiB + 1 MiB + 4097 bytes of random bytes, hashed as they are written.  The image
# goes to disk sparse: 1 GiB.
mkdir big
size=4296015872
real=1074794497
truncate -s $size big/big.bin
mark() { printf '%s' "$2" | dd of=big/big.bin bs=1 seek="$1" conv=notrunc status=none; }
mark $((1073739776 - 4)) AD1-AD2
mark $((4294967296 - 4)) OVER-4GiB
mark $((size - 4)) END!
head -c $real /dev/urandom | tee big/real.bin | md5sum | cut -c1-32 >real.md5
[ "$(stat -c %s big/real.bin)" = $real ] || fail "could not make the 1 GiB file"
"$MKIMAGE" -quiet --udf-only --udf-rev 2.50 -o - big | cp --sparse=always /dev/stdin big.iso
rm big/real.bin
. "$E2E_DIR/guestlib.sh"
guest_root root "$(command -v md5sum)"
# sd_mod (disks), udf (with crc-itu-t), isofs
guest_modules root sd_mod udf isofs
# the host hashes the 4 GiB file while the guest reads it
md5sum <big/big.bin | cut -c1-32 >big.md5 &
guest_init root sr4 sda <<'INIT'
echo
echo "@@SECTOR $(cat /sys/block/sda/queue/logical_block_size)"
for d in sr0 sr1 sr2 sr3 sda; do
	mkdir -p /m/$d
	mount -t udf -o ro /dev/$d /m/$d && echo "@@MOUNT $d ok"
	(cd /m/$d && find . | sort | while read -r f; do
		if [ -L "$f" ]; then x="-> $(readlink "$f")"
		elif [ -f "$f" ]; then x=$(md5sum <"$f" | cut -c1-32)
		else x=-; fi
		echo "@@E $d $(stat -c '%A %u %g' "$f") $([ -d "$f" ] || stat -c %s "$f") $x $f"
	done)
	umount /m/$d
done
mkdir -p /m/big
if mount -t udf -o ro /dev/sr4 /m/big; then
	echo "@@BIG size $(stat -c %s /m/big/big.bin) $(stat -c %s /m/big/real.bin)"
	for at in 1073739772 4294967292 4296015868; do
		echo "@@BIG $at $(dd if=/m/big/big.bin bs=1 skip=$at count=9 2>/dev/null | tr -d '\0')"
	done
	# every byte: coreutils md5sum (the host's, busybox's is 2.5 times slower here)
	echo "@@BIG md5 $(/bin/md5sum </m/big/big.bin | cut -c1-32) $(/bin/md5sum </m/big/real.bin | cut -c1-32)"
fi
mkdir -p /m/iso
mount -t iso9660 -o ro /dev/sr0 /m/iso && echo "@@ISO $(cd /m/iso && ls | tr '\n' ' ')"
echo "@@END"
poweroff -f
INIT
guest_initrd root initrd.gz
# 420 s: the guest reads 5 GiB, about 35 s on a quiet host, over 100 s under load 11
timeout -k 5 420 qemu-system-x86_64 -accel tcg -m 512 -nographic -no-reboot \
	-kernel "$GUEST_KERNEL" -initrd initrd.gz -append "console=ttyS0 quiet panic=-1" \
	-device virtio-scsi-pci,id=scsi0 \
	-drive if=none,id=cd0,file=u-1.02.iso,media=cdrom,readonly=on -device scsi-cd,drive=cd0,bus=scsi0.0 \
	-drive if=none,id=cd1,file=u-2.01.iso,media=cdrom,readonly=on -device scsi-cd,drive=cd1,bus=scsi0.0 \
	-drive if=none,id=cd2,file=u-2.50.iso,media=cdrom,readonly=on -device scsi-cd,drive=cd2,bus=scsi0.0 \
	-drive if=none,id=cd3,file=u-2.60.iso,media=cdrom,readonly=on -device scsi-cd,drive=cd3,bus=scsi0.0 \
	-drive if=none,id=cd4,file=big.iso,media=cdrom,readonly=on -device scsi-cd,drive=cd4,bus=scsi0.0 \
	-drive if=none,id=hd0,file=u-2.50.iso,format=raw,readonly=on \
	-device scsi-hd,drive=hd0,bus=scsi0.0,logical_block_size=512,physical_block_size=512 \
	>guest.log 2>&1 || true
tr -d '\r' <guest.log >g.log
grep -q '^@@END' g.log || { tail -40 g.log; fail "guest did not finish"; }
grep -qx '@@SECTOR 512' g.log || { grep '@@SECTOR' g.log || true; fail "the disk has no 512-byte sectors"; }
# The same listing of the source tree on the host (the root "." as the guest lists it).
(cd src && find . | while read -r f; do
	if [ -L "$f" ]; then x="-> $(readlink "$f")"
	elif [ -f "$f" ]; then x=$(md5sum <"$f" | cut -c1-32)
	else x=-; fi
	echo "$(stat -c '%A %u %g' "$f") $([ -d "$f" ] || stat -c %s "$f") $x $f"
done) >want.txt
for d in sr0 sr1 sr2 sr3 sda; do
	grep -q "@@MOUNT $d ok" g.log || { grep -v "^@@E" g.log | tail -30; fail "the kernel did not mount $d as UDF"; }
	sed -n "s/^@@E $d //p" g.log | LC_ALL=C sort >"$d.txt"
	LC_ALL=C sort want.txt >want-sorted.txt
	diff -u want-sorted.txt "$d.txt" >&2 || fail "the kernel lists another tree on $d"
done
grep -qx '@@ISO README.TXT ' g.log || { grep '^@@ISO' g.log || true; fail "isofs lists more than README.TXT"; }
wait
sed -n 's/^@@BIG //p' g.log >big.txt
printf 'size %s %s\n1073739772 AD1-AD2\n4294967292 OVER-4GiB\n4296015868 END!\nmd5 %s %s\n' \
	$size $real "$(cat big.md5)" "$(cat real.md5)" >big-want.txt
diff -u big-want.txt big.txt >&2 || fail "the kernel reads other bytes of the 4 GiB or the 1 GiB file"
