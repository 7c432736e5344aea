# imgburn burning real MMC commands onto blank DVD+R discs: tgt's emulated recorders (mmclib.sh),
# one guest boot, nine drives.  The host checks what reached each disc's backing file: exactly the
# image's bytes, then only the zeros libburn pads a DVD+R track with (a 16-sector ECC block,
# libburn's doc for DVD+R: "track size gets padded up to the next full 32 KiB").
#   drive 1: the default burn with --verify; tgt refuses SAO (libburn's choice for DVD+R), so
#            imgburn says so and burns in TAO; then the same disc, now closed, is refused
#   drive 2: --mode=tao --eject: the medium is gone afterwards
#   drive 3: mkimage -o - | imgburn --size Ns -  (the SAO refusal and retry with a pipe; one
#            --progress=json report across both tries)
#   drive 4: --verify-only catches a byte the host changed on the disc after the burn
#   drive 5: --dummy is refused (DVD+R has no test write), and so are a 5 GiB image and a pipe
#            announced as 3,000,000 sectors (more than the 4.7 GB disc holds), before a byte
#            is written
#   drive 6: 64 MiB from a pipe, to measure throughput through the emulation
#   drive 7: --padding: 300 KiB of zeros after the image, then libburn's padding
#   drive 8: the disc's backing file on a full file system: the drive fails the burn half-way
#            (tgt cannot take a disc out while libburn holds the tray locked), and the error
#            is the drive's own words, not "cancelled"
#   drive 9: --multi, then --msinfo and --toc.  tgt's MMC emulation has ONE session only
#            (usr/mmc.c of tgt 1.0.85 to 1.0.97): CLOSE TRACK turns its DVD+R into a DVD-ROM
#            ("once we close the track it becomes a DVD_ROM"), READ DISC INFORMATION then
#            answers status byte 0x0e (last session complete, disc finalized), and READ TOC
#            format 1 (multisession info) always says first = last session 1, track 1 at
#            block 0.  So a second session cannot be written there: imgburn --msinfo says the
#            medium is closed (exit 1), --toc lists one session of one track at block 0, and a
#            second --multi burn is refused before anything is written.  Drive 5, left blank,
#            gives --msinfo's "blank" answer.  Measured in this guest (libburn 1.5.4, tgt
#            1.0.85): `imgburn --toc --json` of the burned disc gives state "closed", one
#            session, one track at block 0 whose size libburn reports as 0 blocks; the guest
#            kernel keeps every /dev/srN one block long (sysfs size 4) after the burn, also
#            after the disc is put in again with tgtadm (path=), so `imginfo --sessions
#            /dev/srN` (the drive's TOC, then each session's descriptors through the block
#            device) cannot be checked here: it sees the closed state, the session at 0 and no
#            volume id.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/mmclib.sh"

mkdir tree
head -c 700000 /dev/urandom >tree/a.bin
echo hello >tree/b.txt
"$MKIMAGE" -quiet -o small.iso tree
"$MKIMAGE" -quiet -V OTHER -o other.iso tree
mkdir ptree
head -c 500000 /dev/urandom >ptree/p.bin

cat >guest.sh <<'EOF'
run list imgburn --list --json
run auto imgburn --dev "$(dev 1)" --verify /data/small.iso
run eject imgburn --dev "$(dev 2)" --mode=tao --eject /data/small.iso
run after-eject imgburn --list --json
mkdir -p /tmp/ptree && cp /data/p.bin /tmp/ptree/
n=$(mkimage -print-size /tmp/ptree)
run pipe sh -c "mkimage -quiet -o - /tmp/ptree | tee /tmp/sent.iso | imgburn --dev $(dev 3) --progress=json --size ${n}s -"
run sent sh -c "stat -c %s /tmp/sent.iso; sha256sum </tmp/sent.iso"
run burn4 imgburn --dev "$(dev 4)" --mode=tao /data/small.iso
host changed
run verify-good imgburn --dev "$(dev 1)" --verify-only /data/small.iso
run verify-bad imgburn --dev "$(dev 4)" --verify-only /data/small.iso
run closed imgburn --dev "$(dev 1)" /data/other.iso
run dummy imgburn --dev "$(dev 5)" --dummy /data/small.iso
truncate -s 5G /tmp/huge.iso
run toobig imgburn --dev "$(dev 5)" /tmp/huge.iso
run toobig-size sh -c "head -c 1000 /dev/zero | imgburn --dev $(dev 5) --size 3000000s -"
run padding imgburn --dev "$(dev 7)" --mode=tao --padding /data/small.iso
run full sh -c "dd if=/dev/zero bs=1M count=4 2>/dev/null | imgburn --dev $(dev 8) --mode=tao --size 2048s -"
run big sh -c "dd if=/dev/zero bs=1M count=64 2>/dev/null | imgburn --dev $(dev 6) --mode=tao --size 32768s -"
run blank-msinfo imgburn --msinfo --dev "$(dev 5)"
run multi imgburn --dev "$(dev 9)" --mode=tao --multi /data/small.iso
run multi-msinfo imgburn --msinfo --dev "$(dev 9)"
run multi-toc imgburn --toc --json --dev "$(dev 9)"
run multi-again imgburn --dev "$(dev 9)" --mode=tao --multi /data/other.iso
EOF

mmc_target 9
mmc_small_fs small 2048
: >small/disc8
mmc_disc 8 "$PWD/small/disc8"
mmc_boot guest.sh small.iso other.iso ptree/p.bin

# padded DISC IMAGE: DISC holds IMAGE, then zeros up to the next 32 KiB.
padded() {
	size=$(stat -c %s "$2")
	want=$(( (size + 32767) / 32768 * 32768 ))
	[ "$(stat -c %s "$1")" -eq "$want" ] || fail "$1: $(stat -c %s "$1") bytes, wanted $want"
	cmp -n "$size" "$1" "$2" || fail "$1 does not hold $2"
	tail -c $((want - size)) "$1" | cmp -s - <(head -c $((want - size)) /dev/zero) ||
		fail "$1: the padding after the image is not zeros"
}

mmc_wait changed
padded "$MMC_DIR/disc4" small.iso
flip_byte "$MMC_DIR/disc4" 400000
mmc_go
mmc_end

# --list --json: nine blank DVD+R in IMGTEST drives
mmc_expect list 0
mmc_out list >list.json
$PYTHON - <<'PY' || { cat list.json; fail "--list --json"; }
import json
d = json.load(open("list.json"))["drives"]
assert len(d) == 9, d
for x in d:
    assert x["vendor"] == "IMGTEST" and x["product"].startswith("MMC-DRIVE-"), x
    assert "DVD+R" in x["writes"], x
    m = x["media"]
    assert m["profile"] == "DVD+R" and m["state"] == "blank", m
    assert m["free_bytes"] > 4000000000, m
PY

# drive 1: the SAO refusal is named, TAO follows, the verify passes, the disc holds the image
mmc_expect auto 0 'refused SAO before any data was written \(.*RESERVE TRACK: \[5 20 00\] .*Invalid command operation code.*\); trying TAO instead'
mmc_err auto | grep -Eq 'verified [0-9]+ bytes, SHA-256' || fail "no verification after the burn"
padded "$MMC_DIR/disc1" small.iso
# drive 1 again: the closed disc is refused and keeps what it had (checked above, after this)
mmc_expect closed 1 'media is closed'

# drive 2: burned, then ejected: --list sees no medium there any more
mmc_expect eject 0
padded "$MMC_DIR/disc2" small.iso
mmc_expect after-eject 0
mmc_out after-eject >eject.json
$PYTHON - <<'PY' || { cat eject.json; fail "the medium is still there after --eject"; }
import json
d = json.load(open("eject.json"))["drives"]
m = [x for x in d if x["product"] == "MMC-DRIVE-2"][0]["media"]
assert m["state"] == "none", m
PY

# drive 3: the piped image, whose size and hash the guest reports
mmc_expect pipe 0 'trying TAO instead'
mmc_out pipe >pipe.json
$PYTHON - "$(mmc_out sent | sed -n 1p)" <<'PY' || { cat pipe.json; fail "--progress=json across the retry"; }
import json, sys
lines = [json.loads(l) for l in open("pipe.json")]
phases = [o["phase"] for o in lines]
assert phases[-1] == "done" and "failed" not in phases, phases
assert phases.count("done") == 1, phases
assert lines[-1]["bytes"] == int(sys.argv[1]), lines[-1]
PY
mmc_expect sent 0
sent_size=$(mmc_out sent | sed -n 1p)
sent_sum=$(mmc_out sent | sed -n 2p | cut -c1-64)
[ "$(head -c "$sent_size" "$MMC_DIR/disc3" | sha256sum | cut -c1-64)" = "$sent_sum" ] ||
	fail "disc 3 does not hold the piped image"
head -c "$sent_size" "$MMC_DIR/disc3" >sent.iso
padded "$MMC_DIR/disc3" sent.iso

# drive 1 reads back right; drive 4, changed on the host, does not
mmc_expect verify-good 0 'verified [0-9]+ bytes'
mmc_expect verify-bad 1 'verification failed: SHA-256'

# drive 5: --dummy refused, disc untouched
mmc_expect dummy 1 'simulation of write job not supported'
mmc_expect toobig 1 '5368709120 bytes do not fit: [0-9]+ bytes free'
mmc_expect toobig-size 1 '6144000000 bytes do not fit: [0-9]+ bytes free'
[ ! -s "$MMC_DIR/disc5" ] || fail "--dummy or a refused write wrote to the disc"

# drive 6: 64 MiB of zeros
mmc_expect big 0
[ "$(stat -c %s "$MMC_DIR/disc6")" -eq $((64 * 1024 * 1024)) ] || fail "disc 6 size"
cmp -s "$MMC_DIR/disc6" <(head -c $((64 * 1024 * 1024)) /dev/zero) || fail "disc 6 is not zeros"
note "throughput: $(mmc_err big | grep -E 'wrote [0-9]+ bytes')"

# drive 7: the image, 300 KiB of zeros, then zeros to the next 32 KiB
mmc_expect padding 0
cp small.iso small-padded.iso
head -c 307200 /dev/zero >>small-padded.iso
padded "$MMC_DIR/disc7" small-padded.iso

# drive 9: tgt keeps one session: after --multi the disc is closed (see the top)
mmc_expect multi 0
padded "$MMC_DIR/disc9" small.iso
mmc_expect multi-msinfo 1 'media is closed: no session to continue'
mmc_expect multi-toc 0
mmc_out multi-toc >toc9.json
$PYTHON - <<'PY' || { cat toc9.json; fail "--toc of tgt's disc"; }
import json
j = json.load(open("toc9.json"))
assert j["state"] == "closed", j
s = j["sessions"]
assert len(s) == 1 and len(s[0]["tracks"]) == 1 and s[0]["tracks"][0]["start"] == 0, s
assert "msinfo" not in j, j
PY
mmc_expect multi-again 1 'media is closed'
padded "$MMC_DIR/disc9" small.iso
mmc_expect blank-msinfo 1 'media is blank: no session to continue'

# drive 8: the failure says what the drive said, not "cancelled"
mmc_expect full 1 'write failed: SCSI error.*\[[0-9A-F] [0-9A-F]{2} [0-9A-F]{2}\]'
! mmc_err full | grep -q 'cancel' || { mmc_err full; fail "a drive failure reported as a cancel"; }
