# Remastering keeps what the old image kept out of one tree: entries hidden from Joliet
# (genisoimage -hide-joliet, xorriso -hide joliet) stay out of the new Joliet tree, entries
# hidden from the ISO 9660 / Rock Ridge tree but listed in Joliet (genisoimage -hide, xorriso
# -hide iso_rr) stay in Joliet only, with their data.  isoinfo (-R and -J) and xorriso
# (-read_fs norock: its Joliet view) list both trees of the old and the new image; the contents
# are read back by isoinfo -J -x and bsdtar.  An image whose names Joliet mangles (forbidden
# characters, names past 64 characters) loses and gains nothing; with --udf the UDF view
# (7-Zip) shows the entries of both trees.  A boot catalog that -hide-joliet took out of Joliet
# alone stays out of it (the boot setup makes the catalog anew).
. "$E2E_DIR/lib.sh"
need xorriso genisoimage isoinfo bsdtar sha256sum 7z

mkdir -p t/sub/deep t/jhid/in t/rrhid/in
echo visible >t/visible.txt
echo "joliet hidden" >t/jhidden.txt
echo "rr hidden" >t/rronly.txt
echo vis >t/sub/vis.txt
echo "joliet hidden below" >t/sub/jhid2.txt
echo deep >t/sub/deep/y.txt
echo "in a joliet-hidden dir" >t/jhid/in/x.txt
echo "in an rr-hidden dir" >t/rrhid/in/z.txt
: >t/empty_jhidden
: >t/empty_vis
mkdir add && echo added >add/new.txt

# list IMAGE TAG: the Rock Ridge and the Joliet tree as isoinfo and xorriso read them ("";1"
# and the top "/" left out: mkimage's own role writes Joliet names with versions).
list() {
	isoinfo -R -f -i "$1" | sort >"$2.rr"
	isoinfo -J -f -i "$1" | sed 's/;1$//' | sort >"$2.j"
	xorriso -read_fs norock -indev "$1" -find / 2>/dev/null | tr -d "'" | grep -v '^/$' |
		sort >"$2.xj"
}

# jx IMAGE PATH: the data of PATH in the Joliet tree (named with ";1" or without)
jx() {
	isoinfo -J -i "$1" -x "$2;1"
	isoinfo -J -i "$1" -x "$2"
}

# check OLD NEW: the new image lists what the old one did in each tree, plus the added file
check() {
	list "$1" old
	list "$2" new
	for v in rr j xj; do
		{ cat "old.$v"; echo /new.txt; } | sort >"want.$v"
		diff -u "want.$v" "new.$v" >&2 || fail "$2: the $v tree is not the old one's"
	done
	# what this test hides really is hidden in the old image (else it proves nothing)
	grep -qx /jhidden.txt old.rr && ! grep -qx /jhidden.txt old.j || fail "$1: jhidden.txt"
	grep -qx /rronly.txt old.j && ! grep -qx /rronly.txt old.rr || fail "$1: rronly.txt"
	grep -qx /rrhid/in/z.txt old.xj && ! grep -q '^/rrhid' old.rr || fail "$1: rrhid"
	grep -qx /jhid/in/x.txt old.rr && ! grep -q '^/jhid' old.j || fail "$1: jhid"
	# data: the Joliet-only files from Joliet, the Joliet-hidden ones from Rock Ridge
	[ "$(jx "$2" /rronly.txt)" = "rr hidden" ] || fail "$2: rronly.txt data"
	[ "$(jx "$2" /rrhid/in/z.txt)" = "in an rr-hidden dir" ] ||
		fail "$2: rrhid/in/z.txt data"
	rm -rf x && mkdir x && bsdtar -xf "$2" -C x
	[ "$(cat x/jhidden.txt)" = "joliet hidden" ] && [ "$(cat x/jhid/in/x.txt)" = \
		"in a joliet-hidden dir" ] || fail "$2: Joliet-hidden data lost in Rock Ridge"
}

# ---- genisoimage (-hide-joliet and -hide take paths below the source directory) ----
genisoimage -quiet -R -J -hide-joliet t/jhidden.txt -hide-joliet t/sub/jhid2.txt \
	-hide-joliet t/jhid -hide-joliet t/empty_jhidden -hide t/rronly.txt -hide t/rrhid \
	-o g.iso t
grep -q '^/sub/jhid2.txt' <(isoinfo -J -f -i g.iso | sed 's/;1$//') &&
	fail "genisoimage did not hide sub/jhid2.txt from Joliet"
gsum=$(sha256sum g.iso)
"$MKIMAGE" -quiet --indev g.iso -o gn.iso add
check g.iso gn.iso
[ "$(sha256sum g.iso)" = "$gsum" ] || fail "g.iso changed"
# gn.iso (mkimage's role: Joliet names with ";1") remastered again: the same entries hidden and
# Joliet-only (4 and 4), none taken for another because of its version suffix
"$MKIMAGE" -v --indev gn.iso -o gnn.iso 2>gnn.log
grep -q 'gn.iso: 4 entries kept out of the Joliet tree, 4 only in it' gnn.log ||
	{ cat gnn.log; fail "gn.iso: hidden entries counted otherwise"; }
for v in -R -J; do
	cmp -s <(isoinfo $v -f -i gn.iso | sort) <(isoinfo $v -f -i gnn.iso | sort) ||
		fail "gnn.iso: isoinfo $v lists another tree than gn.iso's"
done

# ---- xorriso ----
xorriso -outdev x.iso -map t / -hide joliet /jhidden.txt /sub/jhid2.txt /jhid /empty_jhidden -- \
	-hide iso_rr /rronly.txt /rrhid -- -joliet on -commit >/dev/null 2>&1
"$MKIMAGE" -quiet --indev x.iso -o xn.iso add
check x.iso xn.iso
# genisoimage's role (Joliet names without versions) and a UDF view on top
"$MKIMAGE" -as genisoimage -quiet -R -J --indev x.iso --udf -o xu.iso add
check x.iso xu.iso
# the UDF view shows what either tree lists (the bridge's rule), Joliet-only data included
LC_ALL=C.UTF-8 7z x -tudf -oxu xu.iso >7z.log 2>&1 || { cat 7z.log >&2; fail "7z x xu.iso"; }
[ "$(cat xu/rronly.txt)" = "rr hidden" ] && [ "$(cat xu/rrhid/in/z.txt)" = \
	"in an rr-hidden dir" ] && [ "$(cat xu/jhidden.txt)" = "joliet hidden" ] ||
	fail "xu.iso: the UDF view lacks an entry or its data"

# ---- names Joliet mangles, nothing hidden: nothing lost, nothing doubled ----
mkdir -p m/dir "m/$(printf 'Q%.0s' $(seq 1 80))dir"
for n in 'a:b*c?.txt' 'semi;colon' "$(printf 'N%.0s' $(seq 1 90)).txt" plain café 日本語; do
	echo "$n" >"m/$n"
done
: >m/dir/e1 && : >m/dir/e2
echo q >"m/$(printf 'Q%.0s' $(seq 1 80))dir/in"
genisoimage -quiet -input-charset utf-8 -R -J -o gm.iso m 2>/dev/null
xorriso -as mkisofs -R -J -joliet-long -o xm.iso m 2>/dev/null
for i in gm xm; do
	"$MKIMAGE" -v --indev $i.iso -o $i-n.iso add 2>$i.log
	! grep -q 'Joliet tree' $i.log || { cat $i.log; fail "$i: entries hidden or added"; }
	isoinfo -J -f -i $i.iso | sed 's/;1$//' | sort >old.j
	isoinfo -J -f -i $i-n.iso | sed 's/;1$//' | grep -vx /new.txt | sort >new.j
	[ "$(wc -l <old.j)" = "$(wc -l <new.j)" ] || { diff old.j new.j; fail "$i: Joliet count"; }
done

# ---- a boot catalog out of Joliet only (-hide-joliet names it; --boot-catalog-hide and -hide
# take it out of every tree): made so, and kept so by a remaster ----
mkdir -p b/isolinux
head -c 4096 /dev/urandom >b/isolinux/isolinux.bin  # any bytes: nothing boots it here
"$MKIMAGE" -o bc.iso -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot \
	-hide-joliet boot.cat b || fail "-hide-joliet boot.cat"
"$MKIMAGE" --indev bc.iso -o bc-n.iso add || fail "remaster of bc.iso"
for i in bc bc-n; do
	isoinfo -R -f -i $i.iso | grep -qx /isolinux/boot.cat || fail "$i.iso: Rock Ridge lost the catalog"
	! isoinfo -J -f -i $i.iso | grep -q boot.cat || fail "$i.iso: Joliet lists the catalog"
	xorriso -indev $i.iso -report_el_torito plain 2>/dev/null | grep -q '^El Torito boot img : *1 *BIOS' ||
		fail "$i.iso: no El Torito entry"
done
