# imginfo reads the UDF view of mkimage images of every revision: 1.02, 2.01 (type 1 partition
# map) and 2.50, 2.60 (metadata partition with its mirror).  Oracles: the source tree itself,
# udfinfo (revision, label, counts, partition), 7-Zip (its UDF listing and extraction, which
# reads metadata partitions), udfclient (a directory's listing and contents) and xorriso (the
# Rock Ridge view of the same image, extracted).  pycdlib cannot serve here: it reads no
# Extended File Entries (2.01+) and rejects a second partition map.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/imginfo_images.sh"
need udfinfo 7z xorriso udfclient timeout

make_tree src
mkdir -p src/many "src/Ünï 日本/d1/d2/d3/d4/d5/d6/d7/d8/d9"
# 120 entries: the directory's identifiers span several blocks of the metadata partition.
for i in $(seq 1 120); do printf '%s\n' "$i" >"src/many/entry-$i"; done
printf 'deep\n' >"src/Ünï 日本/d1/d2/d3/d4/d5/d6/d7/d8/d9/f"
# 7-Zip refuses a whole UDF volume once a File Entry is a symlink: its tree has none.
cp -a src nolinks
find nolinks -type l -delete

# manifest_src DIR / manifest_udf JSON: path, type, permission bits, size or link target.
manifest_src() {
	$PYTHON - "$1" <<'PY' | sort
import os, stat, sys
top = sys.argv[1]
print("/ D %o" % stat.S_IMODE(os.lstat(top).st_mode))
for root, dirs, files in os.walk(top):
    for n in dirs + files:
        p = os.path.join(root, n)
        st = os.lstat(p)
        rel = "/" + os.path.relpath(p, top)
        m = stat.S_IMODE(st.st_mode)
        if stat.S_ISLNK(st.st_mode):
            print("%s L %o %s" % (rel, m, os.readlink(p)))
        elif stat.S_ISDIR(st.st_mode):
            print("%s D %o" % (rel, m))
        else:
            print("%s F %o %d" % (rel, m, st.st_size))
PY
}
manifest_udf() {
	jq_py "$1" '"\n".join("%s %s %s%s" % (e["path"], {"directory": "D", "symlink": "L"}.get(e["type"], "F"), e["mode"].lstrip("0") or "0", {"D": "", "L": " " + e.get("link", "")}.get({"directory": "D", "symlink": "L"}.get(e["type"]), " %d" % e["size"])) for e in d["entries"])' | sort
}
manifest_src src >src.manifest
manifest_src nolinks >nolinks.manifest

for rev in 1.02 2.01 2.50 2.60; do
	note "UDF $rev"
	"$MKIMAGE" -quiet -udf --udf-rev "$rev" -R -J -V "REV_$rev" -o "u$rev.iso" src ||
		fail "mkimage --udf-rev $rev"
	"$IMGINFO" --json "u$rev.iso" >s.json || fail "summary of $rev"
	udfinfo "u$rev.iso" >udfinfo.txt || fail "udfinfo $rev"
	u='d["file_systems"]["udf"]'
	same_value "$rev revision" "$(jq_py s.json "$u['revision']")" "$rev"
	same_value "$rev minimum read revision" \
		"$(jq_py s.json "$u['integrity']['min_read_revision']")" "$(sed -n 's/^udfrev=//p' udfinfo.txt)"
	same_value "$rev minimum write revision" \
		"$(jq_py s.json "$u['integrity']['min_write_revision']")" "$(sed -n 's/^udfwriterev=//p' udfinfo.txt)"
	same_value "$rev label" "$(jq_py s.json "$u['logical_volume_id']")" "$(sed -n 's/^lvid=//p' udfinfo.txt)"
	same_value "$rev partition" "$(jq_py s.json "'%d %d' % ($u['partition_start'], $u['partition_length'])")" \
		"$(sed -n 's/^start=\([0-9]*\), blocks=\([0-9]*\), type=PSPACE/\1 \2/p' udfinfo.txt)"
	same_value "$rev integrity counts" \
		"$(jq_py s.json "'%d %d' % ($u['integrity']['files'], $u['integrity']['directories'])")" \
		"$(sed -n 's/^numfiles=//p' udfinfo.txt) $(sed -n 's/^numdirs=//p' udfinfo.txt)"
	case $rev in
	2.5*|2.6*) want='physical metadata' ;;
	*) want=physical ;;
	esac
	same_value "$rev partition maps" "$(jq_py s.json "' '.join(m['kind'] for m in $u['partition_maps'])")" "$want"
	if [ "$want" != physical ]; then
		m="$u['partition_maps'][1]"
		same_value "$rev metadata map" \
			"$(jq_py s.json "'%s %s %s' % ($m['duplicate'], $m['read_from'], $m['bitmap_file'])")" \
			"True metadata file None"
		[ "$(jq_py s.json "$m['metadata_file'] != $m['mirror_file'] and $m['allocation_unit'] > 0")" = true ] ||
			fail "$rev metadata map: metadata and mirror files at the same place"
	fi
	[ "$(jq_py s.json 'len(d["errors"])')" = 0 ] || fail "$rev summary errors: $(jq_py s.json 'd["errors"]')"

	# Listing: the source tree's names, types, modes, sizes and link targets; udfinfo's counts.
	"$IMGINFO" -l --view udf --json "u$rev.iso" >l.json || fail "-l --view udf $rev"
	manifest_udf l.json >udf.manifest
	diff -u src.manifest udf.manifest >&2 || fail "$rev: UDF listing differs from the source tree"
	same_value "$rev files and directories (udfinfo)" \
		"$(jq_py l.json "'%d %d' % (sum(1 for e in d['entries'] if e['type'] != 'directory'), sum(1 for e in d['entries'] if e['type'] == 'directory'))")" \
		"$(sed -n 's/^numfiles=//p' udfinfo.txt) $(sed -n 's/^numdirs=//p' udfinfo.txt)"

	# Extraction: byte for byte and mode for mode the source, and what xorriso extracts from
	# the Rock Ridge view of the same image.
	"$IMGINFO" -x / -C "out$rev" --view udf "u$rev.iso" || fail "-x / --view udf $rev"
	same_tree src "out$rev" mode
	xorriso -osirrox on -indev "u$rev.iso" -extract / "xo$rev" >/dev/null 2>&1 || fail "xorriso -extract $rev"
	same_tree "xo$rev" "out$rev"

	# udfclient (NetBSD's UDF code, reads metadata partitions; Latin-1 names only): /dir as its
	# ls shows it (permissions, size; symlinks it shows as files of their component bytes)
	# and the bytes of /many and /dir/sub.
	mount=$(printf 'ls\nquit\n' | udfclient -b 2048 "u$rev.iso" 2>&1 | awk '/^drwx/ { print $5; exit }')
	[ -n "$mount" ] || fail "udfclient finds no volume in $rev"
	rm -rf uc && mkdir uc
	(cd uc && printf 'cd %s\nls dir\nget many\ncd dir\nget sub\nquit\n' "$mount" |
		timeout 300 udfclient -b 2048 "../u$rev.iso" >../uc.log 2>&1) || fail "udfclient $rev"
	$PYTHON - l.json uc.log "$mount" <<'PY' || fail "$rev: udfclient lists /dir otherwise"
import json, re, sys
ours = {}
for e in json.load(open(sys.argv[1]))["entries"]:
    if e["path"].startswith("/dir/") and e["path"].count("/") == 2:
        perm = "".join(c if int(e["mode"], 8) & (0o400 >> i) else "-" for i, c in enumerate("rwxrwxrwx"))
        ours[e["path"][5:]] = (perm, None if e["type"] == "symlink" else e["size"])
theirs = {}
for l in open(sys.argv[2]):
    m = re.match(r"^(?:UDF> )?[-d]([-rwx]{9}) +\S+ +\S+ +(\d+)  (.+)$", l.rstrip("\n"))
    if m and m.group(3) not in (".", "..", sys.argv[3]):
        theirs[m.group(3)] = (m.group(1), int(m.group(2)))
for k, v in ours.items():
    if v[1] is None:
        theirs[k] = (theirs.get(k, ("?", 0))[0], None)
if ours != theirs or len(ours) < 5:
    print("imginfo:  ", sorted(ours.items()), "\nudfclient:", sorted(theirs.items()), file=sys.stderr)
    sys.exit(1)
PY
	diff -r src/many uc/many >&2 || fail "udfclient $rev reads another /many"
	diff -r src/dir/sub uc/sub >&2 || fail "udfclient $rev reads another /dir/sub"

	# --check: tags, mirror (2.50+) and the views' extents.  mkimage's UDF 2.60 records a
	# minimum read revision of 2.60 where UDF 2.60 wants at most 2.50 (a writer bug, reported):
	# that one problem is allowed, --check must find it, and nothing else.
	set +e; "$IMGINFO" --check "u$rev.iso" >check.txt; rc=$?; set -e
	if grep -q '^PROBLEM: UDF revisions: UDF 2.60 volume, minimum read revision 2.60' check.txt; then
		[ "$rev" = 2.60 ] && [ "$(sed -n 's/^udfrev=//p' udfinfo.txt)" = 2.60 ] || fail "--check $rev: revisions"
		note "$rev: known writer problem: minimum read revision 2.60"
		[ $rc -eq 1 ] && grep -q '^1 problem$' check.txt || { cat check.txt >&2; fail "--check $rev"; }
	else
		[ $rc -eq 0 ] || { cat check.txt >&2; fail "--check $rev"; }
	fi
	grep -q '^ok: UDF descriptors: [0-9]* descriptor tags' check.txt || fail "--check $rev: UDF tags"
	grep -q '^ok: views agree: iso and udf: same sizes and extents' check.txt || fail "--check $rev: views"
	if [ "$want" != physical ]; then
		grep -q '^ok: UDF metadata mirror: [1-9][0-9]* blocks identical' check.txt ||
			{ cat check.txt >&2; fail "--check $rev: mirror"; }
	fi

	# 7-Zip: same paths and sizes, same bytes extracted.
	"$MKIMAGE" -quiet -udf --udf-rev "$rev" -o "n$rev.iso" nolinks || fail "mkimage nolinks $rev"
	"$IMGINFO" -l --view udf --json "n$rev.iso" >nl.json || fail "-l nolinks $rev"
	manifest_udf nl.json >nl.manifest
	diff -u nolinks.manifest nl.manifest >&2 || fail "$rev: UDF listing differs from the tree"
	7z l -slt -tudf "n$rev.iso" >7z.txt 2>&1 || { cat 7z.txt >&2; fail "7z l $rev"; }
	$PYTHON - "n$rev.iso" 7z.txt <<'PY' | sort >7z.list
import sys
path = None
for l in open(sys.argv[2]):
    l = l.rstrip("\n")
    if l.startswith("Path = "): path = l[7:]
    elif path and path != sys.argv[1] and l.startswith("Folder = "):
        print("/" + path, "D" if l.endswith("+") else "F")
    elif path and path != sys.argv[1] and l.startswith("Size = ") and l[7:]:
        print("/" + path, "S", l[7:])
PY
	jq_py nl.json '"\n".join(["%s %s" % (e["path"], "D" if e["type"]=="directory" else "F") for e in d["entries"] if e["path"] != "/"] + ["%s S %d" % (e["path"], e["size"]) for e in d["entries"] if e["type"] == "file"])' | sort >ours.list
	[ "$(wc -l <7z.list)" -gt 120 ] || fail "7z listed too little for $rev"
	diff -u 7z.list ours.list >&2 || fail "$rev: UDF listing differs from 7z's"
	LC_ALL=C.UTF-8 7z x -tudf -o"7z$rev" "n$rev.iso" >7z.log 2>&1 || { cat 7z.log >&2; fail "7z x $rev"; }
	"$IMGINFO" -x / -C "no$rev" --view udf "n$rev.iso" || fail "-x nolinks $rev"
	same_tree "7z$rev" "no$rev"
	rm -rf "out$rev" "xo$rev" "7z$rev" "no$rev"
done
