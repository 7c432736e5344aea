# imgburn against real MMC commands: a QEMU guest (TCG) with two emulated SCSI CD drives, one
# holding an ISO and one empty, runs imgburn --list --json, --info and --verify-only (reads
# through libburn's READ commands).  The guest is a distribution kernel plus an initramfs of
# busybox, imgburn and its libraries, built here.
. "$E2E_DIR/lib.sh"
need qemu-system-x86_64 busybox gzip xorriso timeout ldd

. "$E2E_DIR/guestlib.sh"
guest_root root "$IMGBURN"

mkdir tree
head -c 400000 /dev/urandom >tree/r.bin
xorriso -as mkisofs -quiet -R -o cd.iso tree 2>/dev/null
cp cd.iso root/cd.iso
cp cd.iso root/bad.iso
flip_byte root/bad.iso 300000

guest_init root sr1 <<'INIT'
echo "@@LIST"
imgburn --list --json
echo "@@LIST-RC $?"
echo "@@TEXT"
imgburn --list
echo "@@INFO"
imgburn --dev /dev/sr0 --info
echo "@@INFO-RC $?"
imgburn --dev /dev/sr0 --verify-only /cd.iso
echo "@@VERIFY-RC $?"
imgburn --dev /dev/sr0 --verify-only /bad.iso
echo "@@BAD-RC $?"
echo "@@END"
poweroff -f
INIT
guest_initrd root initrd.gz

timeout -k 5 240 qemu-system-x86_64 -accel tcg -m 512 -nographic -no-reboot \
	-kernel "$GUEST_KERNEL" -initrd initrd.gz -append "console=ttyS0 quiet panic=-1" \
	-device virtio-scsi-pci,id=scsi0 \
	-drive if=none,id=cd0,file=cd.iso,media=cdrom,readonly=on \
	-device scsi-cd,drive=cd0,bus=scsi0.0 \
	-drive if=none,id=cd1,media=cdrom \
	-device scsi-cd,drive=cd1,bus=scsi0.0 >guest.log 2>&1 || true
tr -d '\r' <guest.log >g.log
grep -q '^@@END' g.log || { tail -40 g.log; fail "guest did not finish"; }

sed -n '/@@LIST$/,/^@@LIST-RC/p' g.log | sed '1d;$d' >list.json
grep -q '^@@LIST-RC 0' g.log || fail "--list failed in the guest"
$PYTHON - "$(($(stat -c %s cd.iso) / 2048))" <<'PY' || { cat list.json; fail "--list --json in the guest"; }
import json, sys
blocks = int(sys.argv[1])
d = json.load(open("list.json"))["drives"]
assert len(d) == 2, d
adr = sorted(x["address"] for x in d)
assert adr == ["/dev/sr0", "/dev/sr1"], adr
for x in d:
    assert x["vendor"] == "QEMU" and "CD-ROM" in x["product"], x
    assert x["busy"] is False, x
loaded = [x for x in d if x["address"] == "/dev/sr0"][0]["media"]
empty = [x for x in d if x["address"] == "/dev/sr1"][0]["media"]
assert loaded["profile"] == "CD-ROM" and loaded["state"] == "closed", loaded
assert loaded["capacity_blocks"] == blocks, (loaded, blocks)
assert loaded["free_bytes"] == 0, loaded
assert empty["state"] == "none", empty
PY
grep -q '^/dev/sr0: QEMU QEMU CD-ROM' g.log || fail "text --list"
grep -q '^@@INFO-RC 0' g.log || fail "--info failed"
grep -q '^@@VERIFY-RC 0' g.log || { tail -30 g.log; fail "--verify-only of the right image failed"; }
grep -q '^@@BAD-RC 1' g.log || { tail -30 g.log; fail "--verify-only of a changed image passed"; }
grep -q 'verification failed: SHA-256' g.log || fail "no mismatch message from the guest"
