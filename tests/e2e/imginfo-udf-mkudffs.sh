# imginfo reads UDF file systems it did not make: mkudffs (udftools) writes empty volumes of
# every revision and of each partition map kind: physical (dvdram), sparable with sparing tables
# (cdrw, dvdrw), virtual with a VAT in UDF 1.50 and 2.00+ form (cdr, dvdr, bdr).  Summary,
# listing and --check are compared with udfinfo (label, revisions, counts, VAT block, sparing
# table blocks), with 512- to 4096-byte blocks; and with a small tree written into them by
# udfclient, extracted byte for byte.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/imginfo_images.sh"
need mkudffs udfinfo udfclient timeout

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

# Hard disk default: 512-byte blocks; and 1024, 4096.
for bs in 512 1024 4096; do
	mkudffs --new-file --media-type=hd --blocksize=$bs --label=HD$bs hd.img 8000 >/dev/null 2>&1 ||
		fail "mkudffs hd $bs"
	udfinfo hd.img >udfinfo.txt
	"$IMGINFO" --json hd.img >s.json || fail "summary of a $bs-byte-block UDF image"
	same_value "hd $bs block size" "$(jq_py s.json "d['file_systems']['udf']['block_size']")" \
		"$(sed -n 's/^blocksize=//p' udfinfo.txt)"
	same_value "hd $bs label" "$(jq_py s.json "d['file_systems']['udf']['logical_volume_id']")" "HD$bs"
	"$IMGINFO" -l --view udf hd.img >/dev/null || fail "-l of a $bs-byte-block UDF image"
	rm -f hd.img
done

# Files written by another UDF implementation: udfclient (NetBSD's UDF code, -W) puts a small
# tree into mkudffs volumes with 512- and 1024-byte blocks, UDF 1.02, and a sparable partition
# (udfclient 0.8 reports a full disc on hard-disk volumes of 2048-byte blocks).
mkdir -p w/sub
echo hello >w/a.txt
head -c 70000 /dev/urandom >w/sub/b.bin
for combo in hd:512:2.01 hd:512:1.02 hd:1024:2.01 cdrw:2048:2.01; do
	IFS=: read -r media bs rev <<EOF
$combo
EOF
	note "udfclient writes into mkudffs $combo"
	rm -f w.img
	mkudffs --new-file --media-type="$media" --blocksize="$bs" --udfrev="$rev" --label=W \
		w.img $((12288000 / bs)) >/dev/null 2>&1 || fail "mkudffs $combo"
	mount=$(printf 'ls\nquit\n' | udfclient -b "$bs" w.img 2>&1 | awk '/^drwx/ { print $5; exit }')
	(cd w && printf 'cd %s\nmkdir sub\nput a.txt\ncd sub\nlcd sub\nput b.bin\nquit\n' "$mount" |
		timeout 120 udfclient -W -b "$bs" ../w.img >../uc.log 2>&1) || fail "udfclient -W $combo"
	udfinfo w.img >udfinfo.txt
	grep -qx 'numfiles=2' udfinfo.txt || { cat uc.log >&2; fail "udfclient wrote nothing ($combo)"; }
	"$IMGINFO" -l --view udf --json w.img >l.json || fail "-l $combo"
	same_value "$combo files and directories" \
		"$(jq_py l.json "'%d %d' % (sum(1 for e in d['entries'] if e['type'] != 'directory'), sum(1 for e in d['entries'] if e['type'] == 'directory'))")" \
		"$(sed -n 's/^numfiles=//p' udfinfo.txt) $(sed -n 's/^numdirs=//p' udfinfo.txt)"
	rm -rf wout
	"$IMGINFO" -x / -C wout --view udf w.img || fail "-x $combo"
	same_tree w wout
	# Without --view an image with UDF only is listed as UDF.
	"$IMGINFO" -l --json w.img >l2.json || fail "-l without --view, $combo"
	cmp -s l.json l2.json || fail "-l without --view lists otherwise than --view udf ($combo)"
	"$IMGINFO" --check w.img >check.txt || { cat check.txt >&2; fail "--check $combo"; }
done
