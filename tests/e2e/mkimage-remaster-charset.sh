# Remastering with -input-charset other than UTF-8: the old image's names (UTF-8 in its Rock
# Ridge tree) are read as UTF-8 and written like every other name of the image: Joliet and UDF
# in Unicode (once: not UTF-8 taken for Latin-1 and encoded again), Rock Ridge in the output
# charset (the input charset unless -output-charset).  Readers: xorriso (Joliet view through
# -read_fs norock, Rock Ridge through -find), isoinfo -R, 7-Zip (UDF).  A name the input
# charset cannot hold is refused, naming it, nothing written.
. "$E2E_DIR/lib.sh"
need xorriso isoinfo 7z sha256sum

mkdir -p old/dé add
echo cafe >old/café.txt
echo sub >old/dé/ünter.txt
echo plain >old/plain.txt
# an added file named in Latin-1 (its name's bytes as a Latin-1 system has them)
printf 'naive\n' >"add/$(printf 'na\357ve.txt')"
LC_ALL=C.UTF-8 xorriso -as mkisofs -R -J -o old.iso old 2>/dev/null
sum=$(sha256sum old.iso)

# joliet_names IMAGE: the Joliet tree's names in UTF-8, as xorriso reads them
joliet_names() {
	LC_ALL=C.UTF-8 xorriso -read_fs norock -indev "$1" -find / 2>/dev/null | tr -d "'" | sort
}
cat >want.j <<'W'
/
/café.txt
/dé
/dé/ünter.txt
/naïve.txt
/plain.txt
W

"$MKIMAGE" -quiet -input-charset iso8859-1 --indev old.iso -o new.iso add
joliet_names new.iso >new.j
diff -u want.j new.j >&2 || fail "Joliet names of the remaster with -input-charset iso8859-1"
# Rock Ridge in the output charset = the input charset: Latin-1 bytes for every name
isoinfo -R -f -i new.iso | sort >new.rr
printf '/caf\351.txt\n/d\351\n/d\351/\374nter.txt\n/na\357ve.txt\n/plain.txt\n' | sort >want.rr
cmp -s want.rr new.rr || { od -c new.rr >&2; fail "Rock Ridge names not in Latin-1"; }
# -output-charset UTF-8: Rock Ridge in UTF-8, the old names as they were, the added one converted
"$MKIMAGE" -quiet -input-charset iso8859-1 -output-charset UTF-8 --indev old.iso -o new8.iso add
LC_ALL=C.UTF-8 xorriso -indev new8.iso -find / 2>/dev/null | tr -d "'" | sort >new8.rr
diff -u want.j new8.rr >&2 || fail "Rock Ridge names with -output-charset UTF-8"
joliet_names new8.iso >new8.j
diff -u want.j new8.j >&2 || fail "Joliet names with -output-charset UTF-8"
# the UDF view, read by 7-Zip
"$MKIMAGE" -quiet -input-charset iso8859-1 --udf --indev old.iso -o newu.iso add
LC_ALL=C.UTF-8 7z x -tudf -ou newu.iso >7z.log 2>&1 || { cat 7z.log >&2; fail "7z x newu.iso"; }
(cd u && find . | sed 's/^\.//; s/^$/\//' | sort) >u.lst
diff -u want.j u.lst >&2 || fail "UDF names with -input-charset iso8859-1"
[ "$(cat u/dé/ünter.txt)" = sub ] && [ "$(cat u/naïve.txt)" = naive ] || fail "UDF file data"

# a name Latin-1 cannot hold: refused, naming it; no output, the old image unchanged
echo k >"old/日本.txt"
LC_ALL=C.UTF-8 xorriso -as mkisofs -R -J -o oldk.iso old 2>/dev/null
expect_fail 1 'oldk.iso: /日本.txt: name not representable in input charset iso8859-1' \
	"$MKIMAGE" -input-charset iso8859-1 --indev oldk.iso -o bad.iso add
[ ! -e bad.iso ] || fail "a refused run left bad.iso"
[ "$(sha256sum old.iso)" = "$sum" ] || fail "old.iso changed"
