# imgburn --watch --json against tgt's emulated recorders in a guest (mmclib.sh), as IMAPI2's
# device added/removed events: a drive plugged into the running guest appears and vanishes when
# pulled out (QEMU's monitor: device_add, device_del); a disc taken out of a drive and put back
# (tgt: online=0, online=1) is "media-out" and "media-in".  Drive 1 is there from the boot, drive
# 2 only while plugged in.  The guest waits for each event (at most 30 s, TCG is slow) before the
# host makes the next change; how long each took is for the benchmark notes, not a test.
# Before that, in the same guest, mkimage --media=DEV takes its defaults from the blank DVD+R in
# drive 1 (IMAPI2's ChooseImageDefaults(recorder)): UDF 1.02 beside ISO 9660 and Joliet, and the
# disc's room, which a 5 GiB (sparse) file does not fit.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/mmclib.sh"

cat >guest.sh <<'EOF2'
mkdir -p /tmp/mt /tmp/big
echo hello >/tmp/mt/a.txt
truncate -s 5G /tmp/big/huge.bin
run media mkimage -v --media="$(dev 1)" -o /tmp/m.iso /tmp/mt
run media-json imginfo --json /tmp/m.iso
run media-big mkimage --media="$(dev 1)" -o /tmp/big.iso /tmp/big
run media-left sh -c 'ls /tmp/big.iso* 2>/dev/null; true'
imgburn -v --watch --json >/tmp/watch.out 2>/tmp/watch.err &
wpid=$!
waitfor() {
	n=0
	until grep -q "$1" "$2"; do
		n=$((n + 1))
		[ $n -le 150 ] || { echo "no $1" >>/tmp/watch.missing; return 0; }
		sleep 0.2
	done
}
waitfor watching /tmp/watch.err
host plug
waitfor '"event":"appeared","device":"/dev/sr1"' /tmp/watch.out
host unplug
waitfor '"event":"vanished","device":"/dev/sr1"' /tmp/watch.out
host out
waitfor '"event":"media-out","device":"/dev/sr0"' /tmp/watch.out
host in
waitfor '"event":"media-in","device":"/dev/sr0"' /tmp/watch.out
kill -INT $wpid
wait $wpid
echo $? >/tmp/watch.rc
run watch sh -c 'cat /tmp/watch.out; cat /tmp/watch.missing /tmp/watch.err >&2; exit $(cat /tmp/watch.rc)'
EOF2

mmc_target 2
MMC_BOOT_DRIVES=1 mmc_boot guest.sh
mmc_wait plug
mmc_plug 2
mmc_go
mmc_wait unplug
mmc_unplug 2
mmc_go
mmc_wait out
mmc_offline 1
mmc_go
mmc_wait in
mmc_online 1
mmc_go
mmc_end

mmc_expect media 0 'DVD\+R with [0-9]+ blocks free: ISO 9660, Joliet, UDF 1\.02'
mmc_expect media-json 0
mmc_out media-json >media.json
$PYTHON - <<'PY' || { cat media.json; fail "mkimage --media=DEV: no UDF 1.02 in the image"; }
import json
d = json.load(open("media.json"))["file_systems"]
assert d["udf"]["revision"] == "1.02" and d["joliet"] and d["iso9660"], d
PY
mmc_expect media-big 1 'image does not fit the DVD\+R in /dev/sr[0-9]: [0-9]+ blocks'
[ -z "$(mmc_out media-left)" ] || fail "a refused image left $(mmc_out media-left)"
mmc_expect watch 0
mmc_err watch | grep -q '^no ' && { mmc_err watch; fail "an event did not come"; }
mmc_out watch >events.json
$PYTHON - <<'PY' || { cat events.json; fail "--watch --json events"; }
import json
ev = [json.loads(l) for l in open("events.json")]
want = [("appeared", "/dev/sr1"), ("vanished", "/dev/sr1"), ("media-out", "/dev/sr0"),
        ("media-in", "/dev/sr0")]
got = [(e["event"], e["device"]) for e in ev]
assert got == want, got
for e in ev:
    assert e["optical"] is True, e
# the model is the drive's (tgt's product id), also for the drive that has gone
assert ev[0]["model"].endswith("MMC-DRIVE-2") and ev[1]["model"] == ev[0]["model"], ev
assert ev[2]["model"].endswith("MMC-DRIVE-1"), ev
PY
