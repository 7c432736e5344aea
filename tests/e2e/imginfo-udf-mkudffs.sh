# imginfo reads UDF file systems it did not make: mkudffs (udftools) writes empty volumes of
# every revision and of each partition map kind: physical (dvdram), sparable with sparing tables
# (cdrw, dvdrw), virtual with a VAT in UDF 1.50 and 2.00+ form (cdr, dvdr, bdr).  Summary,
# listing and --check are compared with udfinfo (label, revisions, counts, VAT block, sparing
# table blocks).  512-byte blocks (mkudffs's choice for hard disks) are refused by name.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/imginfo_images.sh"
need mkudffs udfinfo

for combo in dvdram:2.01:physical hd:1.02:physical cdrw:1.50:sparable cdrw:2.01:sparable \
	dvdrw:2.01:sparable cdr:1.50:physical,virtual cdr:2.01:physical,virtual \
	dvdr:2.50:physical,virtual bdr:2.60:physical,virtual; do
	IFS=: read -r media rev maps <<EOF
$combo
EOF
	img="$media-$rev.img"
	note "mkudffs --media-type=$media --udfrev=$rev"
	mkudffs --new-file --blocksize=2048 --media-type="$media" --udfrev="$rev" \
		--label="L$media$rev" "$img" 3000 >mkudffs.log 2>&1 || { cat mkudffs.log >&2; fail "mkudffs $combo"; }
	udfinfo "$img" >udfinfo.txt 2>&1 || { cat udfinfo.txt >&2; fail "udfinfo $combo"; }
	"$IMGINFO" --json "$img" >s.json || fail "summary of $combo"
	u='d["file_systems"]["udf"]'
	[ "$(jq_py s.json 'len(d["errors"])')" = 0 ] || fail "$combo summary errors: $(jq_py s.json 'd["errors"]')"
	same_value "$combo label" "$(jq_py s.json "$u['logical_volume_id']")" "$(sed -n 's/^lvid=//p' udfinfo.txt)"
	same_value "$combo volume id" "$(jq_py s.json "$u['volume_id']")" "$(sed -n 's/^vid=//p' udfinfo.txt)"
	same_value "$combo revision" "$(jq_py s.json "$u['revision']")" "$rev"
	same_value "$combo minimum read revision" \
		"$(jq_py s.json "$u['integrity']['min_read_revision']")" "$(sed -n 's/^udfrev=//p' udfinfo.txt)"
	same_value "$combo partition maps" \
		"$(jq_py s.json "','.join(m['kind'] for m in $u['partition_maps'])")" "$maps"
	same_value "$combo partition" \
		"$(jq_py s.json "'%d %d' % ($u['partition_start'], $u['partition_length'])")" \
		"$(sed -n 's/^start=\([0-9]*\), blocks=\([0-9]*\), type=PSPACE/\1 \2/p' udfinfo.txt)"
	case $maps in
	*virtual)
		same_value "$combo VAT block" "$(jq_py s.json "$u['partition_maps'][1]['vat_sector']")" \
			"$(sed -n 's/^vatblock=//p' udfinfo.txt)" ;;
	sparable)
		same_value "$combo sparing tables" \
			"$(jq_py s.json "' '.join(str(t) for t in $u['partition_maps'][0]['sparing_tables'])")" \
			"$(sed -n 's/^start=\([0-9]*\), blocks=1, type=STABLE/\1/p' udfinfo.txt | tr '\n' ' ' | sed 's/ $//')" ;;
	esac

	# The root directory, and what else udfinfo counts (UDF 1.50 sparable media hold a
	# "Non-Allocatable Space" file).
	"$IMGINFO" -l --view udf --json "$img" >l.json || fail "-l --view udf $combo"
	same_value "$combo files and directories" \
		"$(jq_py l.json "'%d %d' % (sum(1 for e in d['entries'] if e['type'] != 'directory'), sum(1 for e in d['entries'] if e['type'] == 'directory'))")" \
		"$(sed -n 's/^numfiles=//p' udfinfo.txt) $(sed -n 's/^numdirs=//p' udfinfo.txt)"
	same_value "$combo root" "$(jq_py l.json "d['entries'][0]['path'] + ' ' + d['entries'][0]['mode']")" "/ 0755"
	"$IMGINFO" --check "$img" >check.txt || { cat check.txt >&2; fail "--check $combo"; }
	grep -q '^ok: UDF descriptors: [0-9]* descriptor tags' check.txt || fail "--check $combo"
	grep -q 'PROBLEM' check.txt && fail "--check $combo found problems"
	rm -f "$img"
done

# Hard disk default: 512-byte blocks, not read, and said so (status 1 for the UDF view).
mkudffs --new-file --media-type=hd --label=HD512 hd512.img 8000 >/dev/null 2>&1 || fail "mkudffs hd"
grep -qx 'blocksize=512' <(udfinfo hd512.img) || fail "mkudffs hd did not use 512-byte blocks"
expect_fail 1 'UDF with 512-byte logical blocks: anchor at byte 131072 \(only 2048-byte blocks are read\)' \
	"$IMGINFO" -l --view udf hd512.img
"$IMGINFO" --json hd512.img >s.json || fail "summary of a 512-byte-block UDF image"
[ "$(jq_py s.json "'512-byte' in d['file_systems']['udf']['unsupported']")" = true ] || fail "summary: unsupported"
