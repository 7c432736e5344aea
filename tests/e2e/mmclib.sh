# An MMC DVD recorder without hardware (bash, sourced after lib.sh): Debian's tgt emulates
# DVD drives (an EMPTY backing file is a blank DVD+R; after CLOSE TRACK it is a DVD-ROM holding
# what was written; see /usr/share/doc/tgt/README.mmc.gz), QEMU's iSCSI block driver passes each
# LUN into a guest as a SCSI generic device, and the guest's kernel shows it as /dev/srN, so
# imgburn (libburn) in the guest speaks real MMC to it.  One guest boot serves many drives and
# many steps; the host can look at and change the backing files between steps.
#
# Host side:
#   mmc_target N          starts tgtd on 127.0.0.1 (a free port, a private control socket)
#                         with N drives; drive i's disc is the file $MMC_DIR/disc$i (empty:
#                         a blank DVD+R).  Everything started is killed when the test exits.
#   mmc_disc I FILE       puts the disc FILE into drive I (an empty file: a blank DVD+R); the
#                         guest sees a medium change
#   mmc_offline I         takes drive I's disc out (no medium); mmc_online I puts it back
#                         (tgt refuses while the drive is locked: libburn locks it to burn)
#   MMC_BOOT_DRIVES=K     (before mmc_boot) only drives 1..K are in the guest at boot; the
#                         others can be plugged in later
#   mmc_plug I, mmc_unplug I
#                         plugs drive I into the running guest, or pulls it out (QEMU's
#                         monitor: drive_add + device_add, device_del)
#   mmc_small_fs DIR KB   a tmpfs of KB KiB at DIR, unmounted at exit: a disc whose backing file
#                         lives there fails to be written when it is full (tgt's write error)
#   mmc_boot SCRIPT [FILE...]
#                         boots the guest in the background; it runs the shell SCRIPT (with
#                         the guest helpers below) with the FILEs in /data, then powers off
#   mmc_wait TOKEN        waits until the guest script reaches `host TOKEN`; mmc_go lets it on
#   mmc_end               waits for the guest script's end and the guest's power-off
#   mmc_rc NAME, mmc_out NAME, mmc_err NAME
#                         exit code, stdout, stderr of the guest's `run NAME ...`
# Guest side (in SCRIPT):
#   run NAME CMD...       runs CMD, reports its stdout, stderr and exit code to the host
#   host TOKEN            stops until the host's mmc_go (the host checks or changes discs);
#                         also inside a run
#   dev I                 the /dev/srN of drive I
#   imgburn, mkimage, imginfo, busybox's tools; /data holds the FILEs.
#
# Security: tgtd listens on 127.0.0.1 only and the target accepts only initiators from
# 127.0.0.1; tgtd and QEMU die with the test (trap, and PR_SET_PDEATHSIG for a killed test).

. "$E2E_DIR/guestlib.sh"

MMC_IQN=iqn.2026-12.org.example.imgburn-test:mmc
MMC_DIR=$PWD/mmc
MMC_TGTD_PID=
MMC_QEMU_PID=
MMC_PORT=
MMC_CTL=
MMC_DRIVES=0
MMC_MOUNTS=

mmc_cleanup() {
	[ -z "$MMC_QEMU_PID" ] || kill -9 "$MMC_QEMU_PID" 2>/dev/null || true
	# tgtd ignores SIGTERM while it has targets: it holds no state worth a clean shutdown.
	[ -z "$MMC_TGTD_PID" ] || kill -9 "$MMC_TGTD_PID" 2>/dev/null || true
	[ -z "$MMC_QEMU_PID" ] || wait "$MMC_QEMU_PID" 2>/dev/null || true
	[ -z "$MMC_TGTD_PID" ] || wait "$MMC_TGTD_PID" 2>/dev/null || true
	for m in $MMC_MOUNTS; do
		umount -l "$m" 2>/dev/null || true
	done
	MMC_MOUNTS=
	[ -z "$MMC_CTL" ] || rm -f "/var/run/tgtd/socket.$MMC_CTL" "/var/run/tgtd/socket.$MMC_CTL.lock"
	MMC_QEMU_PID='' MMC_TGTD_PID=''
}
trap mmc_cleanup EXIT
trap 'mmc_cleanup; exit 1' INT TERM HUP

mmc_adm() {
	tgtadm -C "$MMC_CTL" --lld iscsi "$@"
}

# A TCP port nobody listens on now (the kernel's choice).
mmc_free_port() {
	$PYTHON -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

mmc_target() {
	need tgtd tgtadm qemu-system-x86_64 setpriv timeout
	[ -e /usr/lib/x86_64-linux-gnu/qemu/block-iscsi.so ] ||
		cannot_test "missing QEMU's iSCSI driver (package qemu-block-extra)"
	mkdir -p "$MMC_DIR"
	for try in 1 2 3 4 5; do
		MMC_PORT=$(mmc_free_port)
		# tgtd's control socket (/var/run/tgtd/socket.N) takes a number below 32768; tgtd
		# locks it before it listens, so listening on our port proves the socket is ours.
		MMC_CTL=$((MMC_PORT % 32000 + 1))
		setpriv --pdeathsig KILL tgtd -f -C "$MMC_CTL" --iscsi "portal=127.0.0.1:$MMC_PORT" \
			>"$MMC_DIR/tgtd.log" 2>&1 &
		MMC_TGTD_PID=$!
		for _ in $(seq 50); do
			kill -0 "$MMC_TGTD_PID" 2>/dev/null || break
			ss -ltnpH "sport = :$MMC_PORT" 2>/dev/null | grep -q "pid=$MMC_TGTD_PID," && break
			sleep 0.1
		done
		if kill -0 "$MMC_TGTD_PID" 2>/dev/null &&
			ss -ltnpH "sport = :$MMC_PORT" 2>/dev/null | grep -q "pid=$MMC_TGTD_PID,"; then
			break
		fi
		mmc_cleanup
		[ "$try" -lt 5 ] || { cat "$MMC_DIR/tgtd.log" >&2; fail "tgtd did not start"; }
	done
	mmc_adm --mode target --op new --tid 1 --targetname "$MMC_IQN" || fail "tgtadm: new target"
	for i in $(seq "$1"); do
		: >"$MMC_DIR/disc$i"
		mmc_adm --mode logicalunit --op new --tid 1 --lun "$i" --device-type cd \
			--backing-store "$MMC_DIR/disc$i" || fail "tgtadm: new LUN $i"
		# the product names the drive, so the guest can find drive i among its /dev/sr*
		mmc_adm --mode logicalunit --op update --tid 1 --lun "$i" \
			--params "vendor_id=IMGTEST,product_id=MMC-DRIVE-$i" || fail "tgtadm: LUN $i names"
	done
	mmc_adm --mode target --op bind --tid 1 --initiator-address 127.0.0.1 || fail "tgtadm: bind"
	MMC_DRIVES=$1
	# only loopback: refuse to go on if tgtd listens anywhere else
	if ss -ltnpH 2>/dev/null | grep "pid=$MMC_TGTD_PID," | awk '{print $4}' | grep -qv '^127\.0\.0\.1:'; then
		fail "tgtd listens beyond 127.0.0.1"
	fi
}

# (tgt changes the backing file only of a drive without a disc)
mmc_disc() {
	mmc_offline "$1"
	mmc_adm --mode logicalunit --op update --tid 1 --lun "$1" --params "path=$2" ||
		fail "tgtadm: disc $2 into drive $1"
	mmc_online "$1"
}

mmc_offline() {
	mmc_adm --mode logicalunit --op update --tid 1 --lun "$1" --params online=0 ||
		fail "tgtadm: drive $1 offline"
}

mmc_online() {
	mmc_adm --mode logicalunit --op update --tid 1 --lun "$1" --params online=1 ||
		fail "tgtadm: drive $1 online"
}

mmc_small_fs() {
	mkdir -p "$1"
	mount -t tmpfs -o "size=$2k,mode=0755" imgburn-test "$1" || fail "cannot mount a tmpfs on $1"
	MMC_MOUNTS="$MMC_MOUNTS $1"
}

mmc_boot() {
	mb_script=$1
	shift
	guest_root "$MMC_DIR/root" "$IMGBURN" "$MKIMAGE" "$IMGINFO"
	mkdir -p "$MMC_DIR/root/data"
	for f; do
		cp "$f" "$MMC_DIR/root/data/"
	done
	cp "$mb_script" "$MMC_DIR/root/test.sh"
	cat >"$MMC_DIR/root/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
export PATH=/bin
for m in /mods/*.ko; do insmod "\$m"; done
drives=${MMC_BOOT_DRIVES:-$MMC_DRIVES}
INIT
	# the sanitizers' settings of e2e-asan reach the programs in the guest too
	for v in ASAN_OPTIONS UBSAN_OPTIONS; do
		[ -z "${!v:-}" ] || printf "export %s='%s'\n" "$v" "${!v}" >>"$MMC_DIR/root/init"
	done
	cat >>"$MMC_DIR/root/init" <<'INIT'
for _ in $(seq 100); do
	[ "$(ls -d /sys/block/sr* 2>/dev/null | wc -l)" -ge "$drives" ] && break
	sleep 0.2
done
stty -F /dev/ttyS1 raw -echo
exec 9>&1
run() {
	name=$1
	shift
	"$@" >/tmp/run.out 2>/tmp/run.err
	rc=$?
	sed "s/^/@@O $name /" /tmp/run.out
	sed "s/^/@@E $name /" /tmp/run.err
	echo "@@RC $name $rc"
	return 0
}
# (to the console's own descriptor: host may be called inside a run, whose output is captured)
host() {
	echo "@@WAIT $1" >&9
	read -r _ </dev/ttyS1
}
dev() {
	for b in /sys/block/sr*; do
		read -r model <"$b/device/model" # (read drops the SCSI field's trailing blanks)
		[ "$model" = "MMC-DRIVE-$1" ] && { echo "/dev/${b##*/}"; return 0; }
	done
	echo "/dev/no-drive-$1"
}
echo "@@START"
. /test.sh
echo "@@END"
poweroff -f
INIT
	chmod +x "$MMC_DIR/root/init"
	guest_initrd "$MMC_DIR/root" "$MMC_DIR/initrd.gz"
	rm -f "$MMC_DIR/ctl.in" "$MMC_DIR/ctl.out"
	mkfifo "$MMC_DIR/ctl.in" "$MMC_DIR/ctl.out"
	set -- -device virtio-scsi-pci,id=scsi0
	for i in $(seq "${MMC_BOOT_DRIVES:-$MMC_DRIVES}"); do
		set -- "$@" -drive "$(mmc_drive_spec "$i")" -device "$(mmc_device_spec "$i")"
	done
	MMC_BOOTED=$(date +%s)
	setpriv --pdeathsig KILL qemu-system-x86_64 -accel tcg -m 512 -display none \
		-monitor "unix:$MMC_DIR/monitor.sock,server=on,wait=off" \
		-no-reboot -kernel "$GUEST_KERNEL" -initrd "$MMC_DIR/initrd.gz" \
		-append "console=ttyS0 quiet loglevel=1 panic=-1" \
		-serial "file:$MMC_DIR/guest.raw" -chardev "pipe,id=ctl,path=$MMC_DIR/ctl" \
		-serial chardev:ctl "$@" >"$MMC_DIR/qemu.log" 2>&1 &
	MMC_QEMU_PID=$!
}

mmc_drive_spec() {
	echo "file=iscsi://127.0.0.1:$MMC_PORT/$MMC_IQN/$1,if=none,format=raw,cache=none,id=mmc$1"
}

mmc_device_spec() {
	echo "scsi-generic,drive=mmc$1,bus=scsi0.0,scsi-id=$1,lun=0,id=mmcdev$1"
}

# mmc_monitor COMMAND...: runs QEMU monitor (HMP) commands; fails on an error reply.
mmc_monitor() {
	$PYTHON - "$MMC_DIR/monitor.sock" "$@" <<'PY' || fail "QEMU monitor: $*"
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(30)
def upto_prompt():
    buf = b""
    while not buf.endswith(b"(qemu) "):
        chunk = s.recv(4096)
        if not chunk:
            break
        buf += chunk
    return buf.decode(errors="replace")
upto_prompt()
for cmd in sys.argv[2:]:
    s.sendall(cmd.encode() + b"\n")
    reply = upto_prompt()
    # (the reply echoes the command, with terminal codes; QEMU's errors start "Error:")
    lines = [l for l in reply.replace("\r", "").split("\n")
             if l.strip() and not l.startswith("(qemu)") and "\x1b" not in l]
    bad = [l for l in lines if l.lstrip().lower().startswith("error")]
    if bad:
        print("\n".join(bad), file=sys.stderr)
        sys.exit(1)
PY
}

mmc_plug() {
	mmc_monitor "drive_add 0 $(mmc_drive_spec "$1")" "device_add $(mmc_device_spec "$1")"
}

mmc_unplug() {
	mmc_monitor "device_del mmcdev$1"
}

# The guest's console so far, without the carriage returns of its tty.
mmc_log() {
	[ ! -e "$MMC_DIR/guest.raw" ] || tr -d '\r' <"$MMC_DIR/guest.raw"
}

mmc_wait() {
	mw_end=$(($(date +%s) + ${MMC_TIMEOUT:-300}))
	until mmc_log | grep -qx "@@WAIT $1"; do
		if ! kill -0 "$MMC_QEMU_PID" 2>/dev/null || [ "$(date +%s)" -ge "$mw_end" ]; then
			mmc_log | tail -n 40 >&2
			cat "$MMC_DIR/qemu.log" >&2
			fail "the guest did not reach '$1'"
		fi
		sleep 0.2
	done
}

mmc_go() {
	echo go >"$MMC_DIR/ctl.in"
}

mmc_end() {
	mw_end=$(($(date +%s) + ${MMC_TIMEOUT:-300}))
	while kill -0 "$MMC_QEMU_PID" 2>/dev/null && [ "$(date +%s)" -lt "$mw_end" ]; do
		sleep 0.2
	done
	mmc_log | grep -qx '@@END' || {
		mmc_log | tail -n 40 >&2
		cat "$MMC_DIR/qemu.log" >&2
		fail "the guest did not finish"
	}
	wait "$MMC_QEMU_PID" 2>/dev/null || true
	MMC_QEMU_PID=
	note "guest ran $(($(date +%s) - MMC_BOOTED)) s"
}

mmc_rc() {
	mmc_log | awk -v n="$1" '$1 == "@@RC" && $2 == n { print $3; found = 1 } END { if (!found) print "none" }'
}

mmc_out() {
	mmc_log | awk -v n="$1" '$1 == "@@O" && $2 == n { sub(/^@@O [^ ]+ ?/, ""); print }'
}

mmc_err() {
	mmc_log | awk -v n="$1" '$1 == "@@E" && $2 == n { sub(/^@@E [^ ]+ ?/, ""); print }'
}

# mmc_expect NAME RC [STDERR-REGEX]: the guest's `run NAME` exited RC (and said so).
mmc_expect() {
	me_rc=$(mmc_rc "$1")
	if [ "$me_rc" != "$2" ] || { [ -n "${3:-}" ] && ! mmc_err "$1" | grep -Eq -- "$3"; }; then
		echo "-- $1: exit $me_rc; stdout:" >&2
		mmc_out "$1" >&2
		echo "-- stderr:" >&2
		mmc_err "$1" >&2
		fail "$1: wanted exit $2${3:+ and stderr matching '$3'}"
	fi
}
