# mkimage --udf-only (and --fs): every file in the UDF view only, for UDF 1.02, 2.01, 2.50
# and 2.60.  udfinfo sees the revision and counts; 7-Zip and udfclient extract the UDF view
# byte for byte (udfclient: its ls shows owners and modes);
# pycdlib (1.02) reads names, modes, owners, link counts, sizes and contents; imginfo --check
# verifies and its UDF view extracts the tree with modes; isoinfo lists only the README in the
# ISO9660 and Joliet trees.  Reproducible; -print-size and -o - agree with the file; a 4.5 GiB
# sparse file passes at -iso-level 1 (no ISO9660 record, no multi-extent).
. "$E2E_DIR/lib.sh"
need udfinfo 7z isoinfo udfclient xorriso
need_pycdlib
MANIFEST="$TOP/tests/tools/udf_manifest.py"
. "$TOP/tests/tools/udf-tree.sh"
export SOURCE_DATE_EPOCH=1700000000

# A tree with a README.TXT of its own: the ISO9660 README takes the other name.
mkdir -p tree/sub/deep "tree/Ünïcödé 日本"
printf 'hello\n' >tree/a.txt
printf 'mine\n' >tree/README.TXT
head -c 300001 /dev/urandom >tree/sub/random.bin
head -c 6145 /dev/urandom >tree/sub/deep/c.bin
: >tree/empty
printf 'u\n' >"tree/Ünïcödé 日本/ü.txt"
ln tree/a.txt tree/sub/hard
chmod 0640 tree/sub/deep/c.bin
chmod 2750 tree/sub
chmod 4755 tree/a.txt
chown 1234:5678 tree/sub/random.bin
cp -a tree nolinks
ln -s ../a.txt tree/sub/link
find tree nolinks -exec touch -h -d '2021-02-03 04:05:06 UTC' {} +
# imginfo extracts without setuid and setgid bits (as tar without -p): compared with a copy
# that has none; pycdlib checks those bits below.
cp -a tree nosuid
chmod u-s,g-s nosuid/a.txt nosuid/sub
read -r files dirs <<EOF2
$(udf_expected_counts tree)
EOF2

# readme_only IMG NAME [-J]: the ISO9660 (or Joliet) tree lists one file, NAME, with the text.
readme_only() {
	set -- "$1" "$2" "${3:-}"
	path="/$2;1"
	isoinfo $3 -f -i "$1" >list.txt
	[ "$(cat list.txt)" = "$path" ] || { cat list.txt >&2; fail "isoinfo $3 lists more than $path in $1"; }
	isoinfo $3 -x "$path" -i "$1" >readme.txt
	grep -q 'requires an operating system' readme.txt || fail "README text in $1 ($3)"
}

for rev in 1.02 2.01 2.50 2.60; do
	note "UDF-only $rev"
	"$MKIMAGE" -quiet --udf-only --udf-rev "$rev" -V "Only $rev" -o "u-$rev.iso" tree
	udf_check_info "u-$rev.iso" "$rev" "Only $rev" "$files" "$dirs"
	readme_only "u-$rev.iso" README_UDF.TXT
	readme_only "u-$rev.iso" README_UDF.TXT -J
	"$IMGINFO" --check "u-$rev.iso" >check.txt 2>&1 || { cat check.txt >&2; fail "imginfo --check $rev"; }
	rm -rf out
	"$IMGINFO" --view udf -x / -C out "u-$rev.iso" || fail "imginfo --view udf -x $rev"
	same_tree nosuid out mode

	"$MKIMAGE" -quiet --udf-only --udf-rev "$rev" -o "n-$rev.iso" nolinks
	rm -rf out
	LC_ALL=C.UTF-8 7z x -tudf -oout "n-$rev.iso" >7z.log 2>&1 || { cat 7z.log >&2; fail "7z x $rev"; }
	same_tree nolinks out
done
# udfclient (File Entries, Extended File Entries, the 2.50 metadata partition; Latin-1 names
# only, so the ASCII subdirectory): attributes as its ls shows them (group before owner) and
# the contents.
for rev in 1.02 2.01 2.50 2.60; do
	mount=$(printf 'ls\nquit\n' | udfclient -b 2048 "n-$rev.iso" 2>&1 | awk '/^drwx/ { print $5; exit }')
	case "$mount" in *":CDROM:CDROM:CDROM") ;; *) fail "udfclient $rev: no volume ($mount)" ;; esac
	rm -rf uc && mkdir uc
	(cd uc && printf 'cd %s\nls sub\nget sub\nquit\n' "$mount" |
		timeout 60 udfclient -b 2048 "../n-$rev.iso" >../uc.log 2>&1) || fail "udfclient $rev"
	grep -Eqx -- '-rw-r--r-- +5678 +1234 +300001  random.bin' uc.log ||
		{ cat uc.log >&2; fail "udfclient $rev: random.bin's attributes"; }
	diff -r nolinks/sub uc/sub >&2 || fail "udfclient $rev reads another sub/"
done

# pycdlib: every attribute UDF keeps, against the source tree.
$PYTHON "$MANIFEST" dir tree >want.txt
$PYTHON "$MANIFEST" udf u-1.02.iso >got.txt
diff -u want.txt got.txt >&2 || fail "pycdlib sees another tree in the UDF 1.02 view"
[ "$(wc -l <got.txt)" -ge 10 ] || fail "pycdlib manifest too short"

# Reproducible; -print-size and stdout give the same image.
"$MKIMAGE" -quiet --udf-only --udf-rev 2.60 -V "Only 2.60" -o again.iso tree
same_bytes u-2.60.iso again.iso
blocks=$("$MKIMAGE" -quiet --udf-only --udf-rev 2.60 -V "Only 2.60" -print-size tree)
[ "$blocks" = $(( $(stat -c %s u-2.60.iso) / 2048 )) ] || fail "-print-size $blocks"
"$MKIMAGE" -quiet --udf-only --udf-rev 2.60 -V "Only 2.60" -o - tree >stdout.iso
same_bytes u-2.60.iso stdout.iso

# cdrtools mkisofs's -no-udf-symlinks: the tree with its symlink, which 7-Zip then reads (it
# refuses a UDF volume holding one); udfinfo counts one file fewer.  -udf-symlinks is the
# default.  With -udf the Rock Ridge tree keeps the link.
"$MKIMAGE" -quiet --udf-only -no-udf-symlinks --udf-rev 2.50 -o nosym.iso tree
udfinfo nosym.iso | grep -qx "numfiles=$((files - 1))" || fail "-no-udf-symlinks: udfinfo count"
rm -rf out
LC_ALL=C.UTF-8 7z x -tudf -oout nosym.iso >7z.log 2>&1 || { cat 7z.log >&2; fail "7z x -no-udf-symlinks"; }
same_tree nolinks out
"$MKIMAGE" -quiet --udf-only -udf-symlinks --udf-rev 2.60 -V "Only 2.60" -o sym.iso tree
same_bytes u-2.60.iso sym.iso
"$MKIMAGE" -quiet -udf -no-udf-symlinks -o nosym-bridge.iso tree
udfinfo nosym-bridge.iso | grep -qx "numfiles=$((files - 1))" || fail "-udf -no-udf-symlinks: udfinfo count"
isoinfo -R -l -i nosym-bridge.iso | grep -q 'link -> ../a.txt' || fail "-no-udf-symlinks dropped the Rock Ridge link"

# --md5: libisofs's session checksum (moved behind the VRS, as with -udf) still matches.
"$MKIMAGE" -quiet --md5 --udf-only --udf-rev 2.50 -o md5.iso tree
xorriso -md5 on -indev md5.iso -check_md5 FAILURE -- >md5.log 2>&1 || { cat md5.log >&2; fail "xorriso -check_md5"; }
grep -q 'Ok, session data match recorded md5' md5.log || { cat md5.log >&2; fail "session MD5"; }
"$IMGINFO" --check md5.iso >check.txt 2>&1 || { cat check.txt >&2; fail "imginfo --check --md5"; }

# --fs: the IMAPI2 spellings.  udf alone: no Joliet; joliet,udf: the README in both trees;
# iso,joliet,udf: the UDF bridge, the same image as -udf.
"$MKIMAGE" -quiet --fs udf -o fs-udf.iso tree
isoinfo -d -i fs-udf.iso | grep -q 'NO Joliet present' || fail "--fs udf wrote Joliet"
readme_only fs-udf.iso README_UDF.TXT
"$MKIMAGE" -quiet --fs joliet,udf -o fs-ju.iso tree
readme_only fs-ju.iso README_UDF.TXT -J
udf_check_info fs-ju.iso 1.02 CDROM "$files" "$dirs"
"$MKIMAGE" -quiet --fs iso,joliet,udf -o fs-all.iso tree
"$MKIMAGE" -quiet -udf -o bridge.iso tree
same_bytes fs-all.iso bridge.iso
"$MKIMAGE" -quiet --fs iso -o fs-iso.iso tree
isoinfo -d -i fs-iso.iso | grep -q 'NO Joliet present' || fail "--fs iso wrote Joliet"
! udfinfo fs-iso.iso >/dev/null 2>&1 || fail "--fs iso wrote UDF"
expect_fail 2 'Joliet needs iso or udf' "$MKIMAGE" --fs joliet -o x.iso tree
expect_fail 2 'drop -J' "$MKIMAGE" --fs udf -J -o x.iso tree
# Refused clearly, for now: zisofs; and a root that holds both README names (boot images:
# mkimage-udf-only-boot.sh).
expect_fail any 'udf-only with zisofs' "$MKIMAGE" --udf-only -z -o x.iso tree
printf 'x\n' >tree/README_UDF.TXT
expect_fail any 'README' "$MKIMAGE" --udf-only -o x.iso tree
rm tree/README_UDF.TXT
[ ! -e x.iso ] || fail "a failed run left x.iso"

# A fault in libisofs's layout (the shim swaps the first two entries of its sorted content
# list: file data written in another order than the weights say) fails the image, UDF-only
# (the writer's open order shows it) as with the bridge (the directory records show it); no
# image is left.
shim="$(dirname "$BIN")/tools/swap_qsort.so"
[ -f "$shim" ] || fail "no $shim (make all builds it)"
mkdir sw
head -c 5000 /dev/urandom >sw/a
head -c 9000 /dev/urandom >sw/b
head -c 3000 /dev/urandom >sw/c
asan="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}verify_asan_link_order=0"
# UDF-only: 3 files and the README.
expect_fail 1 'file 2 \(of 3, 9000 bytes at block [0-9]+\) was read out of order' \
	env LD_PRELOAD="$shim" SWAP_QSORT_N=4 SWAP_QSORT_LOG=swap.log ASAN_OPTIONS="$asan" \
	"$MKIMAGE" --udf-only -o sw.iso sw
grep -q swapped swap.log || fail "the shim did not swap"
expect_fail 1 'directory records show the file data in another order' \
	env LD_PRELOAD="$shim" SWAP_QSORT_N=3 ASAN_OPTIONS="$asan" "$MKIMAGE" -udf -o sw.iso sw
[ ! -e sw.iso ] || fail "a failed run left sw.iso"
# Without the fault the same lines work.
"$MKIMAGE" -quiet --udf-only -o sw.iso sw
LC_ALL=C.UTF-8 7z x -tudf -osw-out sw.iso >7z.log 2>&1 || { cat 7z.log >&2; fail "7z x sw"; }
same_tree sw sw-out

# A 4.5 GiB sparse file at -iso-level 1: listed with its size by udfinfo and 7-Zip; pycdlib
# reads marks across the first allocation descriptor boundary (1 GiB) and 4 GiB, and the last
# bytes (UDF 1.02: pycdlib reads plain File Entries).  The ISO9660 tree holds only README.TXT;
# --media cd refuses the image, --media bd takes it.  Written sparse through stdout.
mkdir big
size=4831838208
truncate -s $size big/big.bin
mark() { printf '%s' "$2" | dd of=big/big.bin bs=1 seek="$1" conv=notrunc status=none; }
mark $((1073739776 - 4)) AD1-AD2
mark $((4294967296 - 4)) OVER-4GiB
mark $((size - 4)) END!
expect_fail any 'does not fit a CD' "$MKIMAGE" --media cd --udf-only -o x.iso big
"$MKIMAGE" -quiet --media bd --udf-only -iso-level 1 -o - big | cp --sparse=always /dev/stdin big.iso
readme_only big.iso README.TXT
udfinfo big.iso | grep -qx 'udfrev=2.50' || fail "--media bd: UDF 2.50"
udfinfo big.iso | grep -qx 'numfiles=1' || fail "udfinfo: big.iso file count"
LC_ALL=C.UTF-8 7z l -slt -tudf big.iso >list.txt 2>&1 || { cat list.txt >&2; fail "7z l big"; }
grep -qx "Size = $size" list.txt || fail "7z lists another size"
"$MKIMAGE" -quiet --media bd --udf-rev 1.02 --udf-only -iso-level 1 -o - big |
	cp --sparse=always /dev/stdin big-1.02.iso
$PYTHON - big-1.02.iso $size <<'PY' || fail "pycdlib reads other bytes of big.bin"
import sys, pycdlib
iso = pycdlib.PyCdlib()
iso.open(sys.argv[1])
size = int(sys.argv[2])
with iso.open_file_from_iso(udf_path='/big.bin') as f:
    for at, want in ((1073739776 - 4, b'AD1-AD2'), (4294967296 - 4, b'OVER-4GiB'),
                     (size - 4, b'END!'), (0, b'\0' * 16)):
        f.seek(at)
        got = f.read(len(want))
        assert got == want, (at, got)
fe = iso.get_record(udf_path='/big.bin')
assert fe.info_len == size, fe.info_len
assert len(fe.alloc_descs) >= 5, len(fe.alloc_descs)
assert all(ad.extent_length < 1 << 30 for ad in fe.alloc_descs)
PY
rm -f big.iso big-1.02.iso
