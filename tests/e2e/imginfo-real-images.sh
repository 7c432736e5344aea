# imginfo on real images that no one here wrote: the ISOs Debian ships (grub-rescue-pc, ipxe,
# memtest86+), images made by grub-mkrescue, by xorriso (HFS+, MD5 tags both ways, ISO level 4,
# hybrid MBR, GPT and APM, an appended EFI partition, files hidden from one view, an appended
# session whose boot info table was patched, zisofs), by genisoimage (UDF, HFS, a boot catalog, hidden
# files) and by mkudffs.  Every one is valid, so
# --check must find no problem; the summary must agree with isoinfo, dumpet and xorriso;
# -l of every view must list what isoinfo and 7-Zip list; extraction must give the bytes that
# xorriso (Rock Ridge) and 7-Zip (Joliet, UDF) extract.  A damaged copy of the Debian GRUB image
# must still fail.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/imginfo_images.sh"
need xorriso genisoimage isoinfo dumpet 7z mkudffs grub-mkrescue mkfs.vfat mcopy

# The ISOs of Debian 12 packages (scripts/deps.sh test installs them).
debian_isos="/usr/lib/grub-rescue/grub-rescue-cdrom.iso /usr/lib/grub-rescue/grub-rescue-floppy.img
	/usr/lib/ipxe/ipxe.iso
	/usr/lib/memtest86+/memtest86+x64.iso /usr/lib/memtest86+/memtest86+ia32.iso"
for iso in $debian_isos; do
	[ -f "$iso" ] || fail "$iso is missing: scripts/deps.sh test installs grub-rescue-pc, ipxe, memtest86+"
done

# ---- the images ----
make_tree tree
make_efi efi.img
cp efi.img tree/efi.img
echo "not in Joliet" >tree/dir/nojoliet.txt
echo "only in Joliet" >tree/dir/hidden.txt
X="xorriso -as mkisofs"
MBR=/usr/lib/ISOLINUX/isohdpfx.bin
BIOS="-b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table"
EFI="-eltorito-alt-boot -e efi.img -no-emul-boot"
made=""
# image NAME CMD...: runs CMD (which writes NAME), failing the test if it fails.
image() {
	name=$1
	shift
	"$@" >make.log 2>&1 || { cat make.log >&2; fail "could not make $name: $*"; }
	[ -s "$name" ] || fail "$name not made: $*"
	made="$made $name"
}
# grub-mkrescue: GRUB for BIOS (eltorito.img with a boot info table of 29,541 bytes) and EFI,
# a protective MBR, GPT and an appended EFI partition.
image grub.iso grub-mkrescue -o grub.iso tree
image hfsplus.iso $X -R -J -hfsplus -o hfsplus.iso tree
image md5.iso $X -R -J --md5 -o md5.iso tree
image md5on.iso xorriso -md5 on -outdev md5on.iso -map tree /
image level4.iso $X -R -iso-level 4 -o level4.iso tree
image hybrid-mbr.iso $X -R -J -isohybrid-mbr $MBR $BIOS -o hybrid-mbr.iso tree
image hybrid-gpt.iso $X -R -J -isohybrid-mbr $MBR $BIOS $EFI -isohybrid-gpt-basdat -o hybrid-gpt.iso tree
image hybrid-apm.iso $X -R -J -isohybrid-mbr $MBR $BIOS $EFI -isohybrid-gpt-basdat \
	-isohybrid-apm-hfsplus -o hybrid-apm.iso tree
image hfsplus-apm.iso $X -R -J -hfsplus $BIOS $EFI -isohybrid-apm-hfsplus -o hfsplus-apm.iso tree
image appended.iso $X -R -J $BIOS -append_partition 2 0xef efi.img -appended_part_as_gpt \
	-partition_offset 16 -eltorito-alt-boot -e --interval:appended_partition_2:all:: \
	-no-emul-boot -o appended.iso tree
# -hide and -hide-joliet take names (or paths as given on the command line).
image x-hide.iso $X -R -J -hide-joliet nojoliet.txt -hide hidden.txt -o x-hide.iso tree
# A session appended by xorriso with the boot image kept and its table patched: the table now
# names the PVD of the new session.
cp hybrid-mbr.iso multi.iso
image multi.iso xorriso -dev multi.iso -boot_image any keep -boot_image isolinux patch \
	-map tree/dir/a.txt /added.txt -commit
# zisofs-compressed files with MD5s (xorriso -set_filter_r --zisofs): checked as stored;
# extracted decompressed from the Rock Ridge view (as xorriso extracts them), as stored from
# Joliet (as 7-Zip does).
seq 1 30000 >tree/dir/seq.txt
image zisofs.iso xorriso -md5 on -outdev zisofs.iso -map tree / -set_filter_r --zisofs / -- -commit
rm tree/dir/seq.txt
image g-udf.iso genisoimage -quiet -R -J -udf -o g-udf.iso tree
image g-udf-boot.iso genisoimage -quiet -R -J -udf $BIOS -o g-udf-boot.iso tree
image g-hfs.iso genisoimage -quiet -R -J -hfs -o g-hfs.iso tree
image g-hide.iso genisoimage -quiet -R -J -udf -hide-joliet nojoliet.txt -hide hidden.txt \
	-o g-hide.iso tree
# (imginfo-udf-mkudffs.sh covers mkudffs's every media type and revision, some of which 7-Zip
# cannot open.)
image udf.img mkudffs --new-file --media-type=hd --label=MKUDFFS udf.img 8000

# ---- the checks ----

# compare_lists WHAT OURS THEIRS
compare_lists() {
	diff -u "$3" "$2" >&2 || fail "$1: imginfo lists otherwise than the reader"
}

# same_files A B: the same names, types, symlink targets and file contents (lib.sh's
# same_tree runs several processes per file, too slow for GRUB's 700 files on a busy machine).
same_files() {
	(cd "$1" && find . -mindepth 1 -printf '%P %y %l\n' | sort) >files.a
	(cd "$2" && find . -mindepth 1 -printf '%P %y %l\n' | sort) >files.b
	diff -u files.a files.b >&2 || fail "trees differ: $1 $2"
	diff -r --no-dereference "$1" "$2" >&2 || fail "file contents differ: $1 $2"
}

# facts SUMMARY-JSON CHECK-JSON: reads imginfo's summary and --check --json once and writes
# what the tests compare: shell assignments on stdout, ours.et, ours.gpt, ours.apm.
facts() {
	$PYTHON - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
c = json.load(open(sys.argv[2]))
fs = d["file_systems"]
pvd = [v for v in d["volume_descriptors"] if v["kind"] == "primary"]
views = (["iso"] if pvd else []) + (["joliet"] if fs.get("joliet") else []) + \
        (["rr"] if fs.get("rock_ridge") else []) + (["udf"] if fs.get("udf") else [])
def q(v):
    return "'" + str(v).replace("'", "'\\''") + "'"
print("check_ok=%s errors=%d views=%s" % (q(c["ok"]), len(d["errors"]), q(" ".join(views))))
print("volume_id=%s volume_size=%s" % (q(pvd[0]["volume_id"] if pvd else ""),
                                      q(pvd[0]["volume_space_size"] if pvd else "")))
et, sa = d.get("el_torito"), d["system_area"]
with open("ours.et", "w") as f:
    for e in (et["entries"] if et else []):
        print(e["load_lba"], e["sector_count"], file=f)
with open("ours.gpt", "w") as f:
    for p in (sa["gpt"]["partitions"] if sa.get("gpt") else []):
        print(p["first_lba"], p["last_lba"] - p["first_lba"] + 1, file=f)
with open("ours.apm", "w") as f:
    for p in (sa["apm"]["partitions"] if sa.get("apm") else []):
        if p["type"] != "Apple_partition_map":
            print(p["start"], p["blocks"], file=f)
PY
}

# list_paths VIEW...: the paths of l.VIEW.json (imginfo -l --json), without the root, sorted,
# into ours.VIEW.
list_paths() {
	$PYTHON - "$@" <<'PY'
import json, sys
for v in sys.argv[1:]:
    d = json.load(open("l.%s.json" % v))
    with open("ours.%s" % v, "w") as f:
        for p in sorted(e["path"] for e in d["entries"] if e["path"] != "/"):
            print(p, file=f)
PY
}

# all_modes IMG: --check, the summary, -l of every view and extraction, against
# the readers.
all_modes() {
	img=$1
	b=$(basename "$img")
	note "$b"
	# --check: valid, so no problem and exit 0.
	set +e
	"$IMGINFO" --check "$img" >"$b.check" 2>"$b.check.err"
	rc=$?
	set -e
	[ $rc -eq 0 ] && ! grep -q '^PROBLEM' "$b.check" && grep -qx '0 problems' "$b.check" ||
		{ cat "$b.check" "$b.check.err" >&2; fail "$b: --check exit $rc on a valid image"; }
	"$IMGINFO" --check --json "$img" >c.json || fail "$b: --check --json"
	# Where imginfo verified a session MD5 tag, xorriso verifies it too.
	if grep -q '^ok: session MD5' "$b.check"; then
		xorriso -md5 on -indev "$img" -check_md5 FAILURE -- >md5.log 2>&1 &&
			grep -q 'Ok, session data match recorded md5' md5.log ||
			{ cat md5.log >&2; fail "$b: xorriso -check_md5 disagrees"; }
	fi

	# The summary, in text and JSON, without errors.
	"$IMGINFO" "$img" >"$b.summary" 2>"$b.summary.err" || { cat "$b.summary.err" >&2; fail "$b: summary"; }
	[ ! -s "$b.summary.err" ] || { cat "$b.summary.err" >&2; fail "$b: summary complains"; }
	"$IMGINFO" --json "$img" >s.json || fail "$b: summary --json"
	eval "$(facts s.json c.json)"
	[ "$check_ok" = True ] || fail "$b: --check --json is not ok"
	[ "$errors" = 0 ] || fail "$b: $errors errors in the summary"

	case " $views " in
	*" iso "*)
		isoinfo -d -i "$img" >isoinfo.txt
		same_value "$b volume id" "$volume_id" "$(sed -n 's/^Volume id: //p' isoinfo.txt)"
		same_value "$b volume size" "$volume_size" "$(sed -n 's/^Volume size is: //p' isoinfo.txt)" ;;
	esac
	# El Torito entries (load LBA, sector count) as dumpet reads them; GPT partitions (start,
	# size) and APM entries as xorriso reports them (sgdisk refuses isohybrid layouts, whose
	# first partition starts at block 0).
	if [ -s ours.et ]; then
		dumpet -i "$img" | awk '/Load Sectors:/ { n = $3 } /Load LBA:/ { print $3, n }' >theirs.et
		compare_lists "$b El Torito entries" ours.et theirs.et
	fi
	if [ -s ours.gpt ] || [ -s ours.apm ]; then
		xorriso -indev "$img" -report_system_area plain >sa.txt 2>/dev/null
		awk '/^GPT start and size :/ { print $7, $8 }' sa.txt >theirs.gpt
		awk '/^APM start and size :/ { print $7, $8 }' sa.txt >theirs.apm
		compare_lists "$b GPT partitions" ours.gpt theirs.gpt
		compare_lists "$b APM entries" ours.apm theirs.apm
	fi

	# -l of every view present, against isoinfo (ISO 9660, Joliet, Rock Ridge) and 7-Zip (UDF).
	for v in $views; do
		"$IMGINFO" -l --view $v "$img" >/dev/null || fail "$b: -l --view $v"
		"$IMGINFO" -l --view $v --json "$img" >l.$v.json || fail "$b: -l --view $v --json"
	done
	list_paths $views
	for v in $views; do
		case $v in
		iso) isoinfo -f -i "$img" | sed 's/;[0-9]*$//; s/\.$//' | sort >theirs.$v ;;
		joliet) isoinfo -J -f -i "$img" | sort >theirs.$v ;;
		rr) isoinfo -R -f -i "$img" | sort >theirs.$v ;;
		udf) 7z l -slt -tudf "$img" |
			awk '/^----------/ { go = 1; next } go && /^Path = / { print "/" substr($0, 8) }' |
			sort >theirs.$v ;;
		esac
		compare_lists "$b -l --view $v" ours.$v theirs.$v
		note "$b: $v view: $(wc -l <ours.$v) entries"
	done

	# Extraction of the default view (Rock Ridge when present) against xorriso's, of the
	# Joliet view against 7-Zip's (which reads Joliet and adds a [BOOT] folder of its own), of
	# the UDF view against 7-Zip's.
	rm -rf out ref
	"$IMGINFO" -x / -C out "$img" || fail "$b: -x /"
	case " $views " in
	*" iso "*)
		xorriso -osirrox on -indev "$img" -extract / ref >x.log 2>&1 || { cat x.log >&2; fail "$b: xorriso -extract"; }
		same_files out ref ;;
	esac
	case " $views " in
	*" joliet "*)
		rm -rf out ref
		"$IMGINFO" -x / -C out --view joliet "$img" || fail "$b: -x / --view joliet"
		7z x -tiso -oref "$img" >7z.log 2>&1 || { cat 7z.log >&2; fail "$b: 7z x -tiso"; }
		rm -rf "ref/[BOOT]"
		same_files out ref ;;
	esac
	case " $views " in
	*" udf "*)
		rm -rf out ref
		"$IMGINFO" -x / -C out --view udf "$img" || fail "$b: -x / --view udf"
		mkdir ref
		7z x -tudf -oref "$img" >7z.log 2>&1 || { cat 7z.log >&2; fail "$b: 7z x -tudf"; }
		same_files out ref ;;
	esac
	rm -rf out ref
}

for img in $debian_isos $made; do
	all_modes "$img"
done
grep -q '^ok: zisofs: [0-9]* files stored compressed (the first /dir/seq.txt)' zisofs.iso.check &&
	grep -q '^ok: file MD5s: ' zisofs.iso.check ||
	{ cat zisofs.iso.check >&2; fail "zisofs.iso: the compressed file was not seen"; }
xorriso -md5 on -indev zisofs.iso -check_md5_r FAILURE / -- >zmd5.log 2>&1 ||
	{ cat zmd5.log >&2; fail "xorriso: the zisofs image's file MD5s do not match"; }

# Files hidden from one view are counted, not reported: and the hiding did take effect.
grep -qx 'ok: views agree: iso and joliet: same sizes and extents for every file both hold; 1 file only in iso (/DIR/NOJOLIET.TXT); 1 file only in joliet (/dir/hidden.txt)' x-hide.iso.check ||
	{ cat x-hide.iso.check >&2; fail "x-hide.iso: hidden files not counted"; }
grep -qx 'ok: views agree: iso and udf: same sizes and extents for every file both hold; 1 file only in iso (/DIR/NOJOLIET.TXT); 1 file only in udf (/dir/hidden.txt)' g-hide.iso.check ||
	{ cat g-hide.iso.check >&2; fail "g-hide.iso: hidden files not counted"; }
grep -qx 'ok: views agree: iso and udf: same sizes and extents for every file both hold; 1 file only in iso (/ISOLINUX/BOOT.CAT)' g-udf-boot.iso.check ||
	{ cat g-udf-boot.iso.check >&2; fail "g-udf-boot.iso: the boot catalog not counted"; }

# The tables of every BIOS entry were found and checked, the appended session's too.
for img in grub.iso hybrid-mbr.iso hybrid-gpt.iso hybrid-apm.iso multi.iso g-udf-boot.iso; do
	grep -q '^ok: boot info table: entry 1 (LBA [0-9]*): checksum matches' $img.check ||
		{ cat $img.check >&2; fail "$img: boot info table not checked"; }
done
"$IMGINFO" --json multi.iso >multi.json
lba=$(jq_py multi.json 'd["el_torito"]["entries"][0]["load_lba"]')
pvd=$(od -An -tu4 -j $((lba * 2048 + 8)) -N4 multi.iso | tr -d ' ')
[ "$pvd" -gt 16 ] || fail "multi.iso: the table names the PVD at $pvd, not the appended session's"

# The GRUB image's boot info table covers the boot file's last, short word: a damaged copy
# fails (exit 1) there, so the check that passed above still bites.
cp /usr/lib/grub-rescue/grub-rescue-cdrom.iso damaged.iso
"$IMGINFO" --json damaged.iso >d.json
lba=$(jq_py d.json 'd["el_torito"]["entries"][0]["load_lba"]')
len=$(jq_py d.json 'd["el_torito"]["entries"][0]["boot_info_table_length"]')
[ $(((len - 64) % 4)) -ne 0 ] || fail "the GRUB boot file no longer ends in a short word ($len bytes)"
flip_byte damaged.iso $((lba * 2048 + len - 1))
set +e; "$IMGINFO" --check damaged.iso >damaged.check; rc=$?; set -e
[ $rc -eq 1 ] && grep -q "^PROBLEM: boot info table: entry 1 (LBA $lba): checksum does not match" damaged.check ||
	{ cat damaged.check >&2; fail "a damaged GRUB boot file passed --check (exit $rc)"; }
# ... and damaged file data in an image with MD5 tags.
damage_is_noticed md5.iso /dir/sub/big.bin
