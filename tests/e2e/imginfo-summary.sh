# The summary (--json) against isoinfo -d, xorriso -pvd_info/-report_el_torito/
# -report_system_area, dumpet -i, fdisk -l and pycdlib, on a hybrid BIOS+EFI image.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/imginfo_images.sh"
need xorriso isoinfo dumpet fdisk mkfs.vfat mcopy
need_pycdlib

make_tree src
make_hybrid hyb.iso src
"$IMGINFO" --json hyb.iso >s.json || fail "summary failed"
"$IMGINFO" hyb.iso >s.txt || fail "text summary failed"
grep -q 'volume_id: HYBRID_VOL' s.txt || fail "text summary lacks the volume id"

# isoinfo -d
isoinfo -d -i hyb.iso >isoinfo.txt
pvd='[v for v in d["volume_descriptors"] if v["kind"]=="primary"][0]'
same_value "volume id" "$(jq_py s.json "$pvd[\"volume_id\"]")" \
	"$(sed -n 's/^Volume id: //p' isoinfo.txt)"
same_value "publisher" "$(jq_py s.json "$pvd[\"publisher_id\"]")" \
	"$(sed -n 's/^Publisher id: //p' isoinfo.txt)"
same_value "preparer" "$(jq_py s.json "$pvd[\"preparer_id\"]")" \
	"$(sed -n 's/^Data preparer id: //p' isoinfo.txt)"
same_value "volume size" "$(jq_py s.json "$pvd[\"volume_space_size\"]")" \
	"$(sed -n 's/^Volume size is: //p' isoinfo.txt)"
same_value "block size" "$(jq_py s.json "$pvd[\"logical_block_size\"]")" \
	"$(sed -n 's/^Logical block size is: //p' isoinfo.txt)"
same_value "set size" "$(jq_py s.json "$pvd[\"volume_set_size\"]")" \
	"$(sed -n 's/^Volume set size is: //p' isoinfo.txt)"
same_value "catalog sector" "$(jq_py s.json 'd["el_torito"]["catalog_sector"]')" \
	"$(sed -n 's/.*boot catalog is in sector //p' isoinfo.txt)"
same_value "Joliet level" "$(jq_py s.json 'd["file_systems"]["joliet"]["ucs_level"]')" \
	"$(sed -n 's/^Joliet with UCS level \([0-9]\) found/\1/p' isoinfo.txt)"
grep -q '^Rock Ridge signatures version 1 found' isoinfo.txt || fail "isoinfo sees no RR"
# xorriso writes RRIP_1991A (1.10); mkimage IEEE_1282 (1.12, with inode numbers for hard links).
rrip=1.10
[ "${BUILDER:-xorriso}" = mkimage ] && rrip=1.12
grep -q "$([ $rrip = 1.12 ] && echo IEEE_1282 || echo RRIP_1991A)" hyb.iso || fail "no ER record for RRIP $rrip"
[ "$(jq_py s.json 'd["file_systems"]["rock_ridge"]["version"]')" = $rrip ] ||
	fail "Rock Ridge version is not $rrip"

# xorriso reports
xorriso -indev hyb.iso -pvd_info -report_el_torito plain -report_system_area plain \
	>xo.txt 2>/dev/null
same_value "creation time" \
	"$(jq_py s.json "$pvd[\"created\"]" | tr -d -- '-T:.' | cut -c1-16)" \
	"$(sed -n 's/^Creation Time: //p' xo.txt)"
grep '^El Torito boot img :' xo.txt | grep -v Pltf >xo.boot
[ "$(wc -l <xo.boot)" -eq "$(jq_py s.json 'len(d["el_torito"]["entries"])')" ] ||
	fail "number of boot entries differs from xorriso"
while read -r _ _ _ _ _ n pltf boot emul seg _ ldsiz lba; do
	e="d[\"el_torito\"][\"entries\"][$n-1]"
	want_pltf=$(jq_py s.json "$e[\"platform\"]" | sed 's/x86/BIOS/; s/EFI/UEFI/')
	same_value "entry $n platform" "$want_pltf" "$pltf"
	same_value "entry $n bootable" "$(jq_py s.json "'y' if $e['bootable'] else 'n'")" "$boot"
	same_value "entry $n emulation" "$(jq_py s.json "$e[\"emulation\"]")" "$emul"
	same_value "entry $n load segment" "$(jq_py s.json "'0x%04x' % $e['load_segment']")" "$seg"
	same_value "entry $n load size" "$(jq_py s.json "$e[\"sector_count\"]")" "$ldsiz"
	same_value "entry $n LBA" "$(jq_py s.json "$e[\"load_lba\"]")" "$lba"
done <xo.boot
[ "$(jq_py s.json 'd["el_torito"]["entries"][0]["boot_info_table"]')" = true ] ||
	fail "boot info table not seen"
grep -q 'El Torito img opts :   1  boot-info-table' xo.txt || fail "xorriso sees no info table"
[ "$(jq_py s.json 'd["el_torito"]["entries"][0]["boot_info_table_checksum_ok"]')" = true ] ||
	fail "boot info table checksum"
grep '^MBR partition      :' xo.txt >xo.mbr
while read -r _ _ _ n status type start blocks; do
	p="[p for p in d[\"system_area\"][\"mbr\"][\"partitions\"] if p[\"index\"]==$n][0]"
	same_value "MBR $n status" "$(jq_py s.json "'0x%02x' % $p['status']")" "$status"
	same_value "MBR $n type" "$(jq_py s.json "$p[\"type\"]")" "$type"
	same_value "MBR $n start" "$(jq_py s.json "$p[\"start\"]")" "$start"
	same_value "MBR $n sectors" "$(jq_py s.json "$p[\"sectors\"]")" "$blocks"
done <xo.mbr
[ -s xo.mbr ] || fail "xorriso reports no MBR partitions"
grep '^GPT start and size :' xo.txt >xo.gpt
[ -s xo.gpt ] || fail "xorriso reports no GPT"
while read -r _ _ _ _ _ n start size; do
	p="[p for p in d[\"system_area\"][\"gpt\"][\"partitions\"] if p[\"index\"]==$n][0]"
	same_value "GPT $n start" "$(jq_py s.json "$p[\"first_lba\"]")" "$start"
	same_value "GPT $n size" "$(jq_py s.json "$p[\"last_lba\"]-$p[\"first_lba\"]+1")" "$size"
	same_value "GPT $n type" \
		"$(jq_py s.json "__import__('uuid').UUID($p['type_guid']).bytes_le.hex()")" \
		"$(sed -n "s/^GPT type GUID      :   $n  //p" xo.txt)"
	same_value "GPT $n name" "$(jq_py s.json "$p[\"name\"]")" \
		"$(sed -n "s/^GPT partname local :   $n  //p" xo.txt)"
done <xo.gpt
same_value "GPT disk GUID" \
	"$(jq_py s.json "__import__('uuid').UUID(d['system_area']['gpt']['disk_guid']).bytes_le.hex()")" \
	"$(sed -n 's/^GPT disk GUID      :      //p' xo.txt)"
[ "$(jq_py s.json 'd["system_area"]["gpt"]["header_crc_ok"] and d["system_area"]["gpt"]["entries_crc_ok"]')" = true ] ||
	fail "GPT CRCs of a good image not accepted"

# dumpet -i: load sectors and LBAs in catalog order
dumpet -i hyb.iso >dumpet.txt
sed -n 's/^\tLoad Sectors: \([0-9]*\).*/\1/p' dumpet.txt >d.sectors
sed -n 's/^\tLoad LBA: \([0-9]*\).*/\1/p' dumpet.txt >d.lba
jq_py s.json '"\n".join(str(e["sector_count"]) for e in d["el_torito"]["entries"])' >o.sectors
jq_py s.json '"\n".join(str(e["load_lba"]) for e in d["el_torito"]["entries"])' >o.lba
diff o.sectors d.sectors >&2 || fail "load sectors differ from dumpet"
diff o.lba d.lba >&2 || fail "load LBAs differ from dumpet"

# fdisk -l: start, sectors and id of each MBR partition
fdisk -l hyb.iso | sed -n 's/^hyb\.iso\([0-9]\) *\*\{0,1\} *\([0-9]*\) *[0-9]* *\([0-9]*\) *[^ ]* *\([0-9a-f]*\) .*/\1 \2 \3 \4/p' >fdisk.parts
jq_py s.json '"\n".join("%d %d %d %x" % (p["index"],p["start"],p["sectors"],int(p["type"],16)) for p in d["system_area"]["mbr"]["partitions"])' >o.parts
diff o.parts fdisk.parts >&2 || fail "MBR partitions differ from fdisk -l"

# pycdlib: PVD fields, Joliet and Rock Ridge presence, boot catalog
$PYTHON - hyb.iso s.json <<'PY' || fail "pycdlib disagrees"
import json, sys, pycdlib
iso = pycdlib.PyCdlib(); iso.open(sys.argv[1]); d = json.load(open(sys.argv[2]))
pvd = [v for v in d["volume_descriptors"] if v["kind"] == "primary"][0]
assert iso.pvd.volume_identifier.decode().rstrip() == pvd["volume_id"]
assert iso.pvd.space_size == pvd["volume_space_size"]
assert iso.pvd.root_dir_record.extent_location() == pvd["root_extent"]
assert iso.has_joliet() == (d["file_systems"]["joliet"] is not None)
assert bool(iso.has_rock_ridge()) == (d["file_systems"]["rock_ridge"] is not None)
bc = iso.eltorito_boot_catalog
ours = d["el_torito"]["entries"]
assert bc.initial_entry.load_rba == ours[0]["load_lba"]
assert bc.initial_entry.sector_count == ours[0]["sector_count"]
assert (bc.initial_entry.boot_indicator == 0x88) == ours[0]["bootable"]
rest = [(s.platform_id, e.load_rba, e.sector_count) for s in bc.sections for e in s.section_entries]
assert rest == [(e["platform_id"], e["load_lba"], e["sector_count"]) for e in ours[1:]], rest
PY

# The session MD5 that xorriso verifies is the one we report.
xorriso -md5 on -indev hyb.iso -check_md5 FAILURE -- >xmd5.txt 2>&1 || fail "xorriso -check_md5"
same_value "session MD5" "$(jq_py s.json 'd["md5"]["session"]["md5"]')" \
	"$(sed -n 's/^Session MD5 \([0-9a-f]*\) .*/\1/p' xmd5.txt)"
same_value "session MD5 blocks" \
	"$(jq_py s.json '"%d %d" % (d["md5"]["session"]["start_lba"], d["md5"]["session"]["end_lba"]-d["md5"]["session"]["start_lba"])')" \
	"$(sed -n 's/^Session MD5 [0-9a-f]* , LBA \([0-9]*\) , \([0-9]*\) blocks/\1 \2/p' xmd5.txt)"
[ "$(jq_py s.json 'd["errors"]')" = "[]" ] || fail "errors reported for a good image"
