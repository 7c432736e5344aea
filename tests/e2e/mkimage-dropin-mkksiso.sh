# Drop-in: Fedora's mkksiso (weldr/lorax src/pylorax/cmdline/mkksiso.py, commit ba5acecfb45c,
# 2026-08-17) rebuilds an installer ISO with a kickstart added, through native xorriso (it first
# lists the ISO with `xorriso -indev ISO -pkt_output on -find`, checked here too):
#   cmd = ["xorriso", "-indev", input_iso, "-outdev", output_iso, "-boot_image", "any", "replay"]
#   [+ "-volid", new_volid] [+ "-append_partition", "2", "C12A7328-...", efibootimg.name]
#   + "-update" FILE ISOPATH ... + "-map" PATH BASENAME ... [+ "-alter_date_r", "b", "=EPOCH", "/", "--"]
#   [+ "-as", "mkisofs", "-iso-level", "3"]   (when an added file is 4 GiB or more)
# The line here has all the optional parts.  The input is an installer ISO laid out as lorax made
# them before the appended-partition form (isolinux BIOS, EFI El Torito from images/efiboot.img
# in the tree, -isohybrid-gpt-basdat), made by the real xorrisofs: Debian's xorriso 1.5.4 cannot
# replay an El Torito image that lives in an appended partition (lorax's current boot.iso):
# "Cannot enable EL Torito boot image #2 because it is not a data file in the ISO filesystem".
# Boots: BIOS disk and UEFI disk (the replayed hybrid MBR with the appended ESP); the replayed
# El Torito entries are Alpine's, booted from CD there.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootlib.sh"
. "$E2E_DIR/dropin.inc"

need_pycdlib
TOKEN='TOKEN-MKKSISO-17b0'
dropin_boot_fixtures $TOKEN
src=$SCRATCH/src
mkdir -p "$src/isolinux" "$src/EFI/BOOT" "$src/images"
cp "$FIX"/isolinux/* "$src/isolinux/"
cp "$FIX/grubx64.efi" "$src/EFI/BOOT/BOOTX64.EFI"
cp "$FIX/esp.img" "$src/images/efiboot.img"
printf 'set timeout=60\nmenuentry Fedora { linux /images/pxeboot/vmlinuz inst.stage2=hd:LABEL=Fedora-41 }\n' >"$src/EFI/BOOT/grub.cfg"
head -c 100000 /dev/urandom >"$src/images/install.img"
xorriso -as mkisofs -R -J -V Fedora-41 -isohybrid-mbr "$ISOLINUX_DIR/isohdpfx.bin" \
	-b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
	-eltorito-alt-boot -e images/efiboot.img -no-emul-boot -isohybrid-gpt-basdat \
	-o input.iso "$src" >input.log 2>&1 || { cat input.log >&2; fail "input ISO"; }
printf 'text\nreboot\n' >"$SCRATCH/ks.cfg"
mkdir -p "$SCRATCH/edited/EFI/BOOT"
sed 's/inst.stage2=hd:LABEL=Fedora-41/& inst.ks=hd:LABEL=Fedora-41-ks:\/ks.cfg/' "$src/EFI/BOOT/grub.cfg" \
	>"$SCRATCH/edited/EFI/BOOT/grub.cfg"

mkksiso() {
	input_iso=$SCRATCH/input.iso output_iso=$OUT/ks.iso tmpdir=$SCRATCH/edited source_date_epoch=1700000000
	# GetISODetails: the volume id and the files of the input, as mkksiso asks for them.
	LANG=C xorriso -indev "$input_iso" -pkt_output on -find >"$OUT/find.out" 2>"$OUT/find.err"
	cmd=(xorriso -indev "$input_iso" -outdev "$output_iso" -boot_image any replay)
	cmd+=(-volid Fedora-41-ks)
	# RebuildEFIBoot's new efiboot.img, appended as partition 2.
	cmd+=(-append_partition 2 C12A7328-F81F-11D2-BA4B-00A0C93EC93B "$FIX/esp.img")
	cmd+=(-update "$tmpdir/EFI/BOOT/grub.cfg" "/EFI/BOOT/grub.cfg")
	cmd+=(-map "$SCRATCH/ks.cfg" ks.cfg)
	cmd+=(-alter_date_r b "=$source_date_epoch" / --)
	cmd+=(-as mkisofs -iso-level 3)
	"${cmd[@]}"
}
input_sum=$(md5sum <input.iso)
dropin_pair mkksiso
[ "$(md5sum <input.iso)" = "$input_sum" ] || fail "the input ISO changed"
# GetISODetails parsed as mkksiso parses it: the same volume id and files on both sides.
iso_details() {
	$PYTHON - "$1/find.out" "$1/find.err" <<'PY'
import os, shlex, sys
out, err = (open(f, encoding="utf-8").read() for f in sys.argv[1:3])
volid = [shlex.split(l)[-1] for l in err.splitlines() if l.startswith("Volume id")]
files = sorted(os.path.normpath(shlex.split(l)[-1]) for l in out.splitlines() if l.startswith("R:1:"))
print("volid", volid)
print("\n".join(files))
PY
}
iso_details real >details.real
iso_details ours >details.ours
diff -u details.real details.ours || fail "-pkt_output on -find: not what xorriso lists"
grep -qx "volid \['Fedora-41'\]" details.ours && grep -qx 'EFI/BOOT/grub.cfg' details.ours ||
	{ cat details.ours >&2; fail "-find: no volume id or no grub.cfg"; }
DROPIN_IMG=ks.iso
# xorriso writes no Joliet tree unless told (-joliet on): mkksiso's output has none.
dropin_compare --dates --no-joliet --boot-table isolinux/isolinux.bin --catalog isolinux/boot.cat
cmp files.ours/ks.cfg ks.cfg || fail "ks.cfg"
cmp files.ours/EFI/BOOT/grub.cfg edited/EFI/BOOT/grub.cfg || fail "the updated grub.cfg"
grep -q '^Volume id: Fedora-41-ks$' vd.ours || fail "volume id"
# -alter_date_r b =EPOCH / --: every file's Rock Ridge times (modification, access, change) as
# pycdlib reads them, the same on both sides and all the epoch but the boot catalog's, which
# -alter_date leaves alone: both write it with the volume's uuid date, which the replay took
# from the old image (xorriso(1), -alter_date).
rr_times() {
	$PYTHON - "$1" <<'PY'
import sys, pycdlib
iso = pycdlib.PyCdlib()
iso.open(sys.argv[1])
def t(d):
    return "%04d%02d%02d%02d%02d%02d" % (1900 + d.years_since_1900, d.month, d.day_of_month,
                                         d.hour, d.minute, d.second)
for path, dirs, files in iso.walk(rr_path="/"):
    for name in dirs + files:
        full = path.rstrip("/") + "/" + name
        rr = iso.get_record(rr_path=full).rock_ridge
        tf = rr.dr_entries.tf_record or rr.ce_entries.tf_record
        print(full, t(tf.modification_time), t(tf.access_time), t(tf.attribute_change_time))
PY
}
rr_times real/ks.iso | sort >times.real
rr_times ours/ks.iso | sort >times.ours
diff -u times.real times.ours || fail "-alter_date_r: Rock Ridge times differ from xorriso's"
[ "$(grep -v '^/isolinux/boot.cat ' times.ours | awk '{print $2, $3, $4}' | sort -u)" = "20231114221320 20231114221320 20231114221320" ] ||
	{ cat times.ours >&2; fail "-alter_date_r b =1700000000 /: not every time is the epoch"; }
img=ours/$DROPIN_IMG
boot_qemu bios-hd "$img" $TOKEN
boot_qemu uefi-hd "$img" $TOKEN
