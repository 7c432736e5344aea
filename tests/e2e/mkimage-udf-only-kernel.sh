# The Linux kernel's udf driver, in a QEMU guest, mounts UDF-only images (mkimage --udf-only)
# of revisions 1.02, 2.01, 2.50 and 2.60 from CD-ROM drives, and the 2.50 one from a disk of
# 512-byte sectors, and lists every entry (type, mode, owner, size, link target) with the MD5
# of every file: the same as the source tree.  It reads a 4.5 GiB file's size and bytes at
# marks across its allocation descriptors.  The kernel's isofs sees only the README.
. "$E2E_DIR/lib.sh"
need qemu-system-x86_64 busybox gzip timeout ldd
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
# A 4.5 GiB sparse file (several allocation descriptors under 1 GiB each): the guest reads
# marks at the first descriptor boundary, past 4 GiB and at the end (a sparse image file).
mkdir big
size=4831838208
truncate -s $size big/big.bin
mark() { printf '%s' "$2" | dd of=big/big.bin bs=1 seek="$1" conv=notrunc status=none; }
mark $((1073739776 - 4)) AD1-AD2
mark $((4294967296 - 4)) OVER-4GiB
mark $((size - 4)) END!
"$MKIMAGE" -quiet --udf-only --udf-rev 2.50 -o - big | cp --sparse=always /dev/stdin big.iso

. "$E2E_DIR/guestlib.sh"
guest_root root
# sd_mod (disks), crc-itu-t, then udf (cdrom is loaded for sr_mod already), then isofs.
n=94
for want in /sd_mod.ko /crc-itu-t.ko /udf.ko /isofs.ko; do
	ko=$(cut -d: -f1 "$GUEST_MODULES/modules.dep" | grep -E "${want%.ko}\.ko(\.xz|\.zst)?\$" | head -n 1)
	[ -n "$ko" ] || cannot_test "no ${want#/} module in $GUEST_MODULES"
	case "$ko" in
	*.xz) xz -dc "$GUEST_MODULES/$ko" >root/mods/$n.ko ;;
	*.zst) zstd -qdc "$GUEST_MODULES/$ko" >root/mods/$n.ko ;;
	*) cp "$GUEST_MODULES/$ko" root/mods/$n.ko ;;
	esac
	n=$((n + 1))
done
cat >root/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in /mods/*.ko; do insmod "$m"; done
for _ in $(seq 1 60); do [ -e /dev/sr4 ] && [ -e /dev/sda ] && break; sleep 0.25; done
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
	echo "@@BIG size $(stat -c %s /m/big/big.bin)"
	for at in 1073739772 4294967292 4831838204; do
		echo "@@BIG $at $(dd if=/m/big/big.bin bs=1 skip=$at count=9 2>/dev/null | tr -d '\0')"
	done
fi
mkdir -p /m/iso
mount -t iso9660 -o ro /dev/sr0 /m/iso && echo "@@ISO $(cd /m/iso && ls | tr '\n' ' ')"
echo "@@END"
poweroff -f
INIT
chmod +x root/init
guest_initrd root initrd.gz
timeout -k 5 240 qemu-system-x86_64 -accel tcg -m 512 -nographic -no-reboot \
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
sed -n 's/^@@BIG //p' g.log >big.txt
printf 'size %s\n1073739772 AD1-AD2\n4294967292 OVER-4GiB\n4831838204 END!\n' $size >big-want.txt
diff -u big-want.txt big.txt >&2 || fail "the kernel reads other bytes of the 4.5 GiB file"
