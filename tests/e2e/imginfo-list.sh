# -l / --find in every view, checked against pycdlib (names, types, modes, sizes, LBAs),
# isoinfo -l (ISO 9660 names and LBAs) and the source tree.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/imginfo_images.sh"
need xorriso isoinfo mkfs.vfat mcopy
need_pycdlib

make_tree src
make_hybrid hyb.iso src
for v in rr joliet iso; do
	"$IMGINFO" -l --json --view $v hyb.iso >$v.json || fail "-l --view $v"
done

# pycdlib walks each view; every entry must match ours in type, size, LBA (and RR mode and
# symlink target), and the two lists must hold the same paths.
$PYTHON - hyb.iso <<'PY' || fail "listing differs from pycdlib"
import json, stat, sys, pycdlib
iso = pycdlib.PyCdlib(); iso.open(sys.argv[1])
for view, key in (("rr", "rr_path"), ("joliet", "joliet_path"), ("iso", "iso_path")):
    ours = {e["path"]: e for e in json.load(open(view + ".json"))["entries"] if e["path"] != "/"}
    theirs = {}
    for d, ds, fs in iso.walk(**{key: "/"}):
        for n in ds + fs:
            p = d.rstrip("/") + "/" + n
            if view in ("iso", "joliet"):
                # a version number (;1) is not part of the name
                p = p[:-2] if p.endswith(";1") else p
            if view == "iso":
                p = p[:-1] if p.endswith(".") else p
            theirs[p] = iso.get_record(**{key: d.rstrip("/") + "/" + n})
    assert set(ours) == set(theirs), (view, sorted(set(ours) ^ set(theirs)))
    for p, r in theirs.items():
        e = ours[p]
        if r.is_dir():
            assert e["type"] == "directory", (view, p)
            continue
        if view == "rr" and r.is_symlink():
            assert e["type"] == "symlink" and e["link"] == r.rock_ridge.symlink_path().decode(), (view, p)
            continue
        if p.endswith("boot.cat"):
            continue  # libisofs gives the catalog node no extents
        assert e["type"] == "file", (view, p, e)
        assert e["size"] == r.get_data_length(), (view, p, e["size"], r.get_data_length())
        if e["size"]:
            assert e["extents"][0]["lba"] == r.extent_location(), (view, p)
        if view == "rr":
            assert int(e["mode"], 8) == stat.S_IMODE(r.rock_ridge.get_file_mode()), (view, p)
    print(view, len(ours), "entries agree")
PY

# isoinfo -l (plain ISO 9660): the LBA of each file
jq_py iso.json '"\n".join("%s %d" % (e["path"], e["extents"][0]["lba"]) for e in d["entries"] if e["type"]=="file" and e["extents"])' | sort >ours.lba
# isoinfo prints the LBA as "[ 759 02]": keep the first number only
isoinfo -l -i hyb.iso | awk '/^Directory listing of /{d=$4; next} /^-/{for(i=1;i<=NF;i++) if($i=="[") {lba=$(i+1)} else if (substr($i,1,1)=="[") {lba=substr($i,2)}; n=$NF; sub(/;1$/,"",n); sub(/\.$/,"",n); print d n, lba}' | sort >isoinfo.lba
grep -v ' 0$' isoinfo.lba | grep -v BOOT.CAT >isoinfo.nz || true
grep -v BOOT.CAT ours.lba >ours.nz || true
join <(cut -d' ' -f1,2 isoinfo.nz) ours.nz | awk '$2 != $3 {print; bad=1} END {exit bad}' >&2 ||
	fail "LBAs differ from isoinfo -l"
[ "$(join isoinfo.nz ours.nz | wc -l)" -ge 5 ] || fail "too few files compared with isoinfo"

# The RR view holds exactly the source tree (plus the catalog and the EFI image).
jq_py rr.json '"\n".join(e["path"] for e in d["entries"])' | sort >ours.paths
(cd src && find . -mindepth 1 | sed 's/^\.//'; echo /; echo /isolinux/boot.cat) | sort >src.paths
diff src.paths ours.paths >&2 || fail "RR listing is not the source tree"

# Text listing and --find
"$IMGINFO" -l hyb.iso >l.txt
grep -qE '^-rw------- +0 +0 +300000 .* /dir/sub/big.bin$' l.txt || fail "text line of big.bin"
grep -qE '^lrwxrwxrwx .* /dir/link -> a.txt$' l.txt || fail "text line of a symlink"
grep -qE ' 2024-02-03 04:05 .* /dir/a.txt$' l.txt || fail "mtime of a.txt"
"$IMGINFO" --find '*.txt' hyb.iso >f.txt
[ "$(wc -l <f.txt)" -eq 2 ] || fail "--find '*.txt' found $(wc -l <f.txt) entries"
"$IMGINFO" --find '/dir/sub/*' --json hyb.iso >f.json
[ "$(jq_py f.json '[e["path"] for e in d["entries"]]')" = "['/dir/sub/big.bin']" ] ||
	fail "--find with a path pattern"
expect_fail 1 'no entry of the rr view matches' "$IMGINFO" --find 'nothing-like-this' hyb.iso
