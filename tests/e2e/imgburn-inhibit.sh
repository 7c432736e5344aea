# imgburn asks logind for an inhibitor lock over the system D-Bus and goes on with a note when it
# cannot have one: no bus at all, or a bus (a private dbus-daemon here) without logind.  With
# systemd-logind on that private bus, the lock is listed by systemd-inhibit --list while imgburn
# writes, and is gone when it ends.
. "$E2E_DIR/lib.sh"
need dbus-daemon systemd-inhibit /lib/systemd/systemd-logind unshare mount cmp

head -c 2000000 /dev/urandom >d.bin

DBUS_SYSTEM_BUS_ADDRESS=unix:path=$PWD/no-such-bus \
	"$IMGBURN" --dev "stdio:$PWD/o1" d.bin 2>err1 || { cat err1; fail "write without a bus"; }
grep -q 'note: no inhibitor lock, the machine may sleep during the burn (no system D-Bus' err1 ||
	{ cat err1; fail "no note without a bus"; }
same_bytes d.bin o1

# a real bus daemon, but nobody owns org.freedesktop.login1 on it
cat >bus.conf <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$PWD/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
dbus-daemon --config-file=bus.conf --nofork --nopidfile 2>bus.log &
bus=$!
trap 'kill $bus 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do [ -S bus ] && break; sleep 0.1; done
[ -S bus ] || fail "dbus-daemon did not start"
DBUS_SYSTEM_BUS_ADDRESS=unix:path=$PWD/bus \
	"$IMGBURN" --dev "stdio:$PWD/o2" d.bin 2>err2 || { cat err2; fail "write with a bus"; }
grep -q 'note: no inhibitor lock.*logind refused or is absent: .*login1' err2 ||
	{ cat err2; fail "no note naming login1"; }
same_bytes d.bin o2

# A real systemd-logind on the private bus.  It runs in a mount namespace of its own, so that
# its state (/run/systemd/seats, users, inhibit) is a private tmpfs and its logind.conf one that
# ignores power keys and lid switches: it cannot act on this machine.
[ "$(id -u)" -eq 0 ] || cannot_test "systemd-logind needs root"
cat >logind.conf <<CONF
[Login]
HandlePowerKey=ignore
HandleRebootKey=ignore
HandleSuspendKey=ignore
HandleHibernateKey=ignore
HandleLidSwitch=ignore
HandleLidSwitchExternalPower=ignore
HandleLidSwitchDocked=ignore
IdleAction=ignore
KillUserProcesses=no
NAutoVTs=0
ReserveVT=0
CONF
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$PWD/bus
unshare --mount sh -c "mount --make-rprivate / && mount -t tmpfs tmpfs /run/systemd &&
	mount --bind '$PWD/logind.conf' /etc/systemd/logind.conf && exec /lib/systemd/systemd-logind" \
	>logind.log 2>&1 &
logind=$!
trap 'kill $logind $bus 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do systemd-inhibit --list --no-pager >/dev/null 2>&1 && break; sleep 0.1; done
systemd-inhibit --list --no-pager >locks0 2>&1 || { cat locks0 logind.log; fail "systemd-logind did not start"; }
! grep -q imgburn locks0 || fail "an imgburn lock before imgburn ran"

# imgburn writes a stream that stays open (a FIFO held by this shell) until the lock was seen.
mkfifo in.fifo
"$IMGBURN" --dev "stdio:$PWD/o3" - <in.fifo 2>err3 &
pid=$!
exec 3>in.fifo
head -c 1000000 /dev/urandom >s3.bin
cat s3.bin >&3
for _ in $(seq 1 100); do
	systemd-inhibit --list --no-pager >locks 2>&1 || { cat locks; fail "systemd-inhibit --list"; }
	grep -q '^imgburn ' locks && break
	sleep 0.1
done
grep -Eq "^imgburn +0 +root +$pid +imgburn +shutdown:sleep:idle +writing a disc +block" locks ||
	{ cat locks err3 logind.log; fail "no imgburn lock listed by logind"; }
exec 3>&-
wait $pid || { cat err3; fail "write of the stream"; }
! grep -q 'no inhibitor lock' err3 || { cat err3; fail "imgburn says it has no lock"; }
same_bytes s3.bin o3
systemd-inhibit --list --no-pager >locks2 2>&1 || fail "systemd-inhibit --list after the write"
! grep -q imgburn locks2 || { cat locks2; fail "the lock outlived imgburn"; }
