# imginfo --diff A B: mkimage builds that differ in known ways (one file changed, one added,
# one mode changed, the volume id, boot or not, UDF revision) are told apart in the images'
# own terms, identical builds give exit 0 and no output, and --json parses.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/imginfo_images.sh"
export SOURCE_DATE_EPOCH=1700000000

make_tree src
build() { # build IMG TREE [OPTIONS...]
	img=$1 tree=$2
	shift 2
	"$MKIMAGE" -q "$@" -o "$img" "$tree" || fail "mkimage $img"
}
# diff_is CODE OUT A B [OPTIONS...]: imginfo --diff exits with CODE, stdout in OUT.
diff_is() {
	want=$1 out=$2 a=$3 b=$4
	shift 4
	set +e
	"$IMGINFO" --diff "$@" "$a" "$b" >"$out" 2>"$out.err"
	rc=$?
	set -e
	[ $rc -eq "$want" ] || { cat "$out" "$out.err" >&2; fail "--diff $a $b: exit $rc, wanted $want"; }
}
has() { # has OUT LINE: OUT holds LINE exactly
	grep -qxF -- "$2" "$1" || { cat "$1" >&2; fail "no line '$2' in $1"; }
}

build a.iso src
build a2.iso src
same_bytes a.iso a2.iso
diff_is 0 same.out a.iso a2.iso
[ ! -s same.out ] || { cat same.out >&2; fail "identical images: output"; }
diff_is 0 same.json a.iso a2.iso --json
$PYTHON -m json.tool same.json >/dev/null || fail "identical: JSON does not parse"
[ "$(jq_py same.json 'd["identical"] and d["differences"] == []')" = true ] ||
	fail "identical: JSON"
diff_is 0 same-content.out a.iso a2.iso --content

# One byte of a file changed at a known offset, same size and times: found by content, with
# that offset, in every view; cmp (the oracle) agrees that the images differ there.
cp -a src changed
flip_byte changed/dir/sub/big.bin 123457
touch -r src/dir/sub/big.bin changed/dir/sub/big.bin
build changed.iso changed
diff_is 1 changed.out a.iso changed.iso
has changed.out "rr: /dir/sub/big.bin: content differs from byte 123457"
has changed.out "joliet: /dir/sub/big.bin: content differs from byte 123457"
has changed.out "iso: /DIR/SUB/BIG.BIN: content differs from byte 123457"
lba=$("$IMGINFO" -l --json a.iso | $PYTHON -c 'import json,sys; print([e for e in json.load(sys.stdin)["entries"] if e["path"]=="/dir/sub/big.bin"][0]["extents"][0]["lba"])')
first=$(cmp -l a.iso changed.iso | awk 'NR == 1 { print $1 }') # 1-based
[ "$first" -eq $((lba * 2048 + 123457 + 1)) ] || fail "cmp's first difference $first is not in big.bin"
[ "$(grep -c . changed.out)" -eq 4 ] || { cat changed.out >&2; fail "changed: more than the file"; }
# --view: the files of that view only.
diff_is 1 changed-rr.out a.iso changed.iso --view rr
[ "$(grep -c . changed-rr.out)" -eq 2 ] && has changed-rr.out "rr: /dir/sub/big.bin: content differs from byte 123457" ||
	{ cat changed-rr.out >&2; fail "--view rr"; }

# One file added: named in each view, with the directory records that changed.
cp -a src added
echo new >added/dir/new.txt
touch -d @1600000000 added/dir/new.txt added/dir
build added.iso added
diff_is 1 added.out a.iso added.iso
has added.out "rr: added /dir/new.txt (file, 4 bytes)"
has added.out "joliet: added /dir/new.txt (file, 4 bytes)"
grep -q "^iso: added /DIR/NEW.TXT" added.out || fail "added: iso view"

# One mode changed: Rock Ridge metadata, nothing else in the files.
cp -a src mode
chmod 700 mode/dir/run.sh
build mode.iso mode
diff_is 1 mode.out a.iso mode.iso
has mode.out "rr: /dir/run.sh: mode: 0755 -> 0700"
# Nothing else: the directory record that changed is explained by the mode.
[ "$(grep -c . mode.out)" -eq 2 ] || { cat mode.out >&2; fail "mode: more than the mode"; }

# Another volume id: the fields of the primary and Joliet descriptors, both values.
build volid.iso src -V OTHER_ID
diff_is 1 volid.out a.iso volid.iso
has volid.out "volume descriptors: primary (sector 16): volume id: CDROM -> OTHER_ID"
has volid.out "volume descriptors: joliet (sector 17): volume id: CDROM -> OTHER_ID"

# Boot or not: the boot record, the catalog and the hybrid MBR appear.
build boot.iso src -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot \
	-boot-load-size 4 -boot-info-table -isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin
diff_is 1 boot.out a.iso boot.iso
has boot.out "boot catalog: catalog: present: no -> yes"
has boot.out "mbr: master boot record: present: no -> yes"
has boot.out "volume descriptors: boot (sector 17): present: no -> yes"
# Descriptors are matched by kind: the Joliet one moved a sector, it did not change type.
has boot.out "volume descriptors: joliet: sector: 17 -> 18"
grep -q "^rr: added /isolinux/boot.cat" boot.out || fail "boot: catalog file"
# Two boot builds whose catalogs differ in one field: the entry and field are named.
build boot4.iso src -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot \
	-boot-load-size 8 -boot-info-table -isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin
diff_is 1 boot4.out boot.iso boot4.iso
has boot4.out "boot catalog: entry 1: sector count: 4 -> 8"

# UDF revisions: the logical volume descriptor's revision field, by name.
build udf102.iso src -udf
build udf201.iso src --udf-rev=2.01
diff_is 1 udf.out udf102.iso udf201.iso
grep -q "^udf: logical volume descriptor: udf revision: 0x102 -> 0x201" udf.out ||
	{ cat udf.out >&2; fail "udf revision"; }
diff_is 1 udfadd.out udf102.iso a.iso
has udfadd.out "udf: volume: present: yes -> no"
# One mode changed in a UDF image: the file entry's block is attributed to the file entry of
# that path (its block from pycdlib's UDF walk), none is left unclaimed.
build udfmode.iso mode -udf
diff_is 1 udfmode.out udf102.iso udfmode.iso
has udfmode.out "udf: /dir/run.sh: mode: 0755 -> 0700"
fe=$($PYTHON -c 'import sys, pycdlib
iso = pycdlib.PyCdlib(); iso.open(sys.argv[1])
print(iso.get_record(udf_path="/dir/run.sh").extent_location())' udfmode.iso) || fail "pycdlib"
has udfmode.out "block $fe: differs (udf file entry /dir/run.sh)"
! grep -q "no structure claims" udfmode.out || { cat udfmode.out >&2; fail "udf mode: unclaimed"; }

# JSON of a real difference parses and holds the content offset as a number.
diff_is 1 changed.json a.iso changed.iso --json
$PYTHON -m json.tool changed.json >/dev/null || fail "JSON does not parse"
[ "$(jq_py changed.json '[x["offset"] for x in d["differences"] if x["kind"] == "content" and x["area"] == "rr"] == [123457] and not d["identical"]')" = true ] ||
	{ cat changed.json >&2; fail "JSON content item"; }
diff_is 1 boot.json a.iso boot.iso --json
$PYTHON -m json.tool boot.json >/dev/null || fail "boot JSON does not parse"

# Bytes that no structure claims: a byte in the (empty) system area of a non-hybrid image.
cp a.iso pad.iso
flip_byte pad.iso 5000
diff_is 1 pad.out a.iso pad.iso
has pad.out "block 2: differs (no structure claims it)"
diff_is 1 pad.json a.iso pad.iso --json
[ "$(jq_py pad.json '[(x["kind"], x["first_block"], x["last_block"]) for x in d["differences"]] == [("range", 2, 2)]')" = true ] ||
	{ cat pad.json >&2; fail "JSON range"; }

# Errors: a missing image is exit 2, and --diff wants two images.
expect_fail 2 'cannot open image' "$IMGINFO" --diff a.iso missing.iso
expect_fail 2 'two images' "$IMGINFO" --diff a.iso
head -c 100000 /dev/urandom >noise.bin
expect_fail 2 'noise.bin: neither ISO 9660 nor UDF' "$IMGINFO" --diff a.iso noise.bin
expect_fail 2 'needs --diff' "$IMGINFO" --content a.iso
