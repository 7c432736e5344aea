# imgburn on a block device that is not an optical drive (a loop device stands in for a USB
# stick): shows size and model, refuses a fixed or mounted device unless --force, and writes
# the image's bytes at the start of the device.
. "$E2E_DIR/lib.sh"
need losetup mount umount mke2fs xorriso cmp truncate

truncate -s 20M disk.img
loop=$(losetup -f --show disk.img) || cannot_test "no loop device (losetup -f failed; needs root and the loop driver)"
trap 'umount mnt 2>/dev/null || true; losetup -d "$loop" || true' EXIT

mkdir tree
head -c 2000000 /dev/urandom >tree/r.bin
xorriso -as mkisofs -quiet -R -o img.iso tree 2>/dev/null
size=$(stat -c %s img.iso)

# a loop device is not removable: refused, with its size shown first
expect_fail 1 'is not a removable device: give --force' "$IMGBURN" --dev "$loop" img.iso
grep -q "target $loop: .* (20971520 bytes), not removable" expect_fail.err ||
	{ cat expect_fail.err; fail "size and model not shown"; }
expect_fail 1 'not a removable device' "$IMGBURN" --dev "stdio:$loop" img.iso

# with --force it is written, from a file and from stdin
"$IMGBURN" --dev "$loop" --force --verify img.iso 2>err || { cat err; fail "forced write"; }
grep -q "verified $size bytes" err || fail "no verification"
cmp -n "$size" img.iso "$loop" || fail "device does not hold the image"
head -c 3000000 /dev/urandom >s.bin
"$IMGBURN" --dev "$loop" --force --size 3000000 - <s.bin 2>/dev/null || fail "stdin to device"
cmp -n 3000000 s.bin "$loop" || fail "device does not hold the stream"

# mounted: refused, even with --force not silently: the message names the mount point.
# (ext2 because this kernel may lack iso9660; mke2fs comes with e2fsprogs.)
mkdir mnt
mke2fs -q -F "$loop" >/dev/null || fail "mke2fs on $loop"
if mount -t ext2 "$loop" mnt; then
	expect_fail 1 "is mounted on .*/mnt: unmount it first" "$IMGBURN" --dev "$loop" img.iso
	expect_fail 1 "is mounted on" "$IMGBURN" --dev "stdio:$loop" img.iso
	umount mnt
else
	not_tested "refusal of a mounted device (cannot mount ext2 on $loop here)"
fi
