# imgburn against real MMC commands: a QEMU guest (TCG) with two emulated SCSI CD drives, one
# holding an ISO and one empty, runs imgburn --list --json, --info and --verify-only (reads
# through libburn's READ commands).  The guest is a distribution kernel plus an initramfs of
# busybox, imgburn and its libraries, built here.
. "$E2E_DIR/lib.sh"
need qemu-system-x86_64 busybox gzip xorriso timeout ldd

kernel=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$kernel" ] || cannot_test "missing a guest kernel in /boot (package linux-image-cloud-amd64)"
kver=${kernel#/boot/vmlinuz-}
mods=/lib/modules/$kver
need_file "linux-image-$kver" "$mods/modules.dep"

# The modules for virtio-scsi CD drives, dependencies first (from modules.dep).
$PYTHON - "$mods" >mods.list <<'PY'
import sys
base = sys.argv[1]
dep = {}
for line in open(base + "/modules.dep"):
    path, _, rest = line.partition(":")
    name = path.rsplit("/", 1)[-1].split(".ko")[0].replace("-", "_")
    dep[name] = (path, rest.split())
by_path = {p: n for n, (p, _) in dep.items()}
order = []
def add(n):
    if n in order or n not in dep:
        return
    for d in dep[n][1]:
        add(by_path[d])
    order.append(n)
for want in ("virtio_pci", "virtio_scsi", "sr_mod", "sg"):
    add(want)
for n in order:
    print(base + "/" + dep[n][0])
PY
[ -s mods.list ] || fail "no modules found for $kver"

mkdir -p root/bin root/dev root/proc root/sys root/mods
copy_with_libs() {
	cp "$1" "root/bin/$(basename "$1")"
	for lib in $(ldd "$1" 2>/dev/null | awk '/=>/ { print $3 } /^\t\/.*ld-linux/ { print $1 }'); do
		mkdir -p "root$(dirname "$lib")"
		cp -L "$lib" "root$lib"
	done
}
copy_with_libs "$(command -v busybox)"
copy_with_libs "$IMGBURN"
i=0
while read -r m; do
	case "$m" in
	*.ko) cp "$m" "root/mods/$(printf %02d $i).ko" ;;
	*.ko.xz) xz -dc "$m" >"root/mods/$(printf %02d $i).ko" ;;
	*.ko.zst) zstd -qdc "$m" >"root/mods/$(printf %02d $i).ko" ;;
	*) fail "unknown module format: $m" ;;
	esac
	i=$((i + 1))
done <mods.list

mkdir tree
head -c 400000 /dev/urandom >tree/r.bin
xorriso -as mkisofs -quiet -R -o cd.iso tree 2>/dev/null
cp cd.iso root/cd.iso
cp cd.iso root/bad.iso
flip_byte root/bad.iso 300000

cat >root/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in /mods/*.ko; do insmod "$m"; done
for _ in $(seq 1 40); do [ -e /dev/sr1 ] && break; sleep 0.25; done
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
chmod +x root/init
(cd root && find . | busybox cpio -o -H newc 2>/dev/null) | gzip -1 >initrd.gz

timeout -k 5 240 qemu-system-x86_64 -accel tcg -m 512 -nographic -no-reboot \
	-kernel "$kernel" -initrd initrd.gz -append "console=ttyS0 quiet panic=-1" \
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
