# Images from genisoimage (floppy emulation, UDF 1.02 recognition sequence) and from xorriso
# with HFS+/APM and an appended GPT partition, against isoinfo, dumpet, xorriso and sgdisk.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/imginfo_images.sh"
need genisoimage xorriso isoinfo dumpet sgdisk mkfs.vfat mcopy
need_pycdlib

make_tree src
make_efi src/isolinux/floppy.img
genisoimage -quiet -R -J -udf -V GENISO -b isolinux/floppy.img -c boot.cat -o g.iso src ||
	fail "genisoimage"
"$IMGINFO" --json g.iso >g.json || fail "summary of a genisoimage image"
same_value "volume id" "$(jq_py g.json '[v for v in d["volume_descriptors"] if v["kind"]=="primary"][0]["volume_id"]')" \
	"$(isoinfo -d -i g.iso | sed -n 's/^Volume id: //p')"
same_value "UDF VRS" "$(jq_py g.json 'd["file_systems"]["udf"]["vrs"]')" NSR02
same_value "emulation" "$(jq_py g.json 'd["el_torito"]["entries"][0]["emulation"]')" floppy-1.44M
dumpet -i g.iso | grep -q 'Boot Media emulation type: 1.44MB floppy' || fail "dumpet disagrees"
same_value "floppy LBA" "$(jq_py g.json 'd["el_torito"]["entries"][0]["load_lba"]')" \
	"$(dumpet -i g.iso | sed -n 's/^\tLoad LBA: \([0-9]*\).*/\1/p' | head -n 1)"
same_value "floppy size" "$(jq_py g.json 'd["el_torito"]["entries"][0]["image_size"]')" 1474560
same_value "ISO level" "$(jq_py g.json 'd["file_systems"]["iso9660"]["level"]')" 1
"$IMGINFO" -l --view joliet g.iso | grep -q '/dir/a_rather_long_file_name_for_level_two.txt$' ||
	fail "Joliet long name"
# genisoimage gives the boot catalog 2048 bytes in ISO 9660 and 0 in UDF: --check counts it as
# a file only the ISO 9660 view holds, which is no problem of the image.
set +e; "$IMGINFO" --check g.iso >g.check; rc=$?; set -e
[ $rc -eq 0 ] && ! grep -q PROBLEM g.check &&
	grep -q "^ok: views agree: iso and udf: same sizes and extents for every file both hold; 1 file only in iso (/BOOT.CAT)" g.check ||
	{ cat g.check >&2; fail "--check of a genisoimage image (exit $rc)"; }

# ISO level 2 as xorriso writes it (level 3 needs a > 4 GiB file: not written here)
xorriso -as mkisofs -iso-level 2 -o l2.iso src 2>/dev/null
same_value "level 2" "$("$IMGINFO" --json l2.iso >l2.json && jq_py l2.json 'd["file_systems"]["iso9660"]["level"]')" 2

# ISO 9660:1999 (genisoimage -iso-level 4 adds an enhanced volume descriptor); pycdlib agrees.
genisoimage -quiet -iso-level 4 -o l4.iso src/dir/sub
"$IMGINFO" --json l4.iso >l4.json || fail "summary of an ISO 9660:1999 image"
same_value "ISO 9660:1999" "$(jq_py l4.json 'd["file_systems"]["iso9660_1999"]')" \
	"$($PYTHON -c 'import pycdlib,sys; i=pycdlib.PyCdlib(); i.open(sys.argv[1]); print(str(i.enhanced_vd is not None).lower())' l4.iso)"
[ "$(jq_py l4.json '[v["kind"] for v in d["volume_descriptors"]]')" = "['primary', 'iso9660:1999', 'terminator']" ] ||
	fail "descriptor kinds of an ISO 9660:1999 image"
same_value "no ISO 9660:1999 in a plain image" "$(jq_py l2.json 'd["file_systems"]["iso9660_1999"]')" false

# HFS+ with an Apple Partition Map (xorriso -hfsplus): APM entries as xorriso reports them.
xorriso -as mkisofs -R -hfsplus -apm-block-size 2048 -o hfs.iso src 2>/dev/null
"$IMGINFO" --json hfs.iso >hfs.json
same_value "HFS+" "$(jq_py hfs.json 'd["file_systems"]["hfsplus"]')" true
jq_py hfs.json '"\n".join("%s %s %d %d" % (p["name"], p["type"], p["start"], p["blocks"]) for p in d["system_area"]["apm"]["partitions"] if p["type"] != "Apple_partition_map")' >ours.apm
xorriso -indev hfs.iso -report_system_area plain 2>/dev/null | $PYTHON -c '
import re, sys
names, types, ranges = {}, {}, {}
for l in sys.stdin:
    m = re.match(r"APM partition name :\s+(\d+)\s+(.*)", l)
    if m: names[m[1]] = m[2]
    m = re.match(r"APM partition type :\s+(\d+)\s+(.*)", l)
    if m: types[m[1]] = m[2]
    m = re.match(r"APM start and size :\s+(\d+)\s+(\d+)\s+(\d+)", l)
    if m: ranges[m[1]] = (m[2], m[3])
for k in sorted(names, key=int):
    print(names[k], types[k], *ranges[k])
' >xo.apm
[ -s xo.apm ] || fail "xorriso reports no APM"
diff ours.apm xo.apm >&2 || fail "APM differs from xorriso"

# An appended EFI partition as a real GPT: sgdisk -p agrees on each partition.
make_efi efi.img
xorriso -as mkisofs -R -J -b isolinux/isolinux.bin -no-emul-boot -boot-load-size 4 \
	-boot-info-table -eltorito-alt-boot -e --interval:appended_partition_2:all:: \
	-no-emul-boot -append_partition 2 0xef efi.img -appended_part_as_gpt -o gpt.iso src \
	2>/dev/null || fail "xorriso -append_partition"
"$IMGINFO" --json gpt.iso >gpt.json
sgdisk -p gpt.iso | awk '/^ +[0-9]+ +[0-9]+ +[0-9]+ /{print $1, $2, $3, $NF}' >sg.parts
jq_py gpt.json '"\n".join("%d %d %d %s" % (p["index"], p["first_lba"], p["last_lba"], p["name"]) for p in d["system_area"]["gpt"]["partitions"])' >ours.parts
[ -s sg.parts ] || fail "sgdisk lists nothing"
diff ours.parts sg.parts >&2 || fail "GPT partitions differ from sgdisk -p"
same_value "GPT disk GUID" "$(jq_py gpt.json 'd["system_area"]["gpt"]["disk_guid"]')" \
	"$(sgdisk -p gpt.iso | sed -n 's/^Disk identifier (GUID): //p')"
same_value "EFI type GUID" "$(jq_py gpt.json 'd["system_area"]["gpt"]["partitions"][1]["type_guid"]')" \
	C12A7328-F81F-11D2-BA4B-00A0C93EC93B
