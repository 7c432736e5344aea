# imgburn asks logind for an inhibitor lock over the system D-Bus and goes on with a note when it
# cannot have one: no bus at all, or a bus (a private dbus-daemon here) without logind.  Where
# logind runs, the lock is visible to systemd-inhibit --list during a write.
. "$E2E_DIR/lib.sh"
need dbus-daemon cmp

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
dbus-daemon --config-file=bus.conf --nofork --nopidfile &
bus=$!
trap 'kill $bus 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do [ -S bus ] && break; sleep 0.1; done
[ -S bus ] || fail "dbus-daemon did not start"
DBUS_SYSTEM_BUS_ADDRESS=unix:path=$PWD/bus \
	"$IMGBURN" --dev "stdio:$PWD/o2" d.bin 2>err2 || { cat err2; fail "write with a bus"; }
grep -q 'note: no inhibitor lock.*logind refused or is absent: .*login1' err2 ||
	{ cat err2; fail "no note naming login1"; }
same_bytes d.bin o2

# a machine with logind: the lock shows while imgburn writes an endless stream
if command -v systemd-inhibit >/dev/null && systemd-inhibit --list >/dev/null 2>&1; then
	"$IMGBURN" --dev "stdio:$PWD/o3" - < <(while :; do cat /dev/zero; done 2>/dev/null) 2>err3 &
	pid=$!
	sleep 1
	systemd-inhibit --list --no-pager >locks || true
	kill -INT $pid
	wait $pid || true
	grep -q 'imgburn' locks || { cat locks err3; fail "no imgburn lock listed by logind"; }
else
	note "no logind here: the lock itself was not exercised"
fi
