# Drop-in: xorriso's native growing, `xorriso -dev IMAGE -map DISK PATH -commit`, answered by
# mkimage (as --grow).  Three sessions grown from nothing by Debian's xorriso and by mkimage
# called xorriso: xorriso -toc lists the same sessions (start, size, volume id) on both, and
# each session, loaded by xorriso -load session N and extracted by its -osirrox, holds the same
# tree (names, modes, contents).  Each grows the other's image too.  -dev with -indev, a drive,
# and a failing run: refused or failed with the image unchanged.
. "$E2E_DIR/lib.sh"
need xorriso sha256sum

mkdir -p a/sub b c links
echo one >a/1.txt
echo deep >a/sub/d.txt
echo two >b/2.txt
echo three >c/3.txt
chmod 0600 b/2.txt
ln -s "$MKIMAGE" links/xorriso

toc() { # IMAGE: the session table
	xorriso -indev "$1" -toc 2>/dev/null | grep '^ISO session'
}
sessions_same() { # REAL OURS COUNT: the same sessions, each with the same tree
	toc "$1" >toc.real
	toc "$2" >toc.ours
	diff -u toc.real toc.ours >&2 || fail "$2: xorriso -toc differs from $1's"
	[ "$(wc -l <toc.ours)" = "$3" ] || { cat toc.ours; fail "$2: not $3 sessions"; }
	for n in $(seq 1 "$3"); do
		for img in "$1" "$2"; do
			rm -rf "x-$img-$n"
			xorriso -osirrox on -load session "$n" -indev "$img" -extract / "x-$img-$n" \
				>x.log 2>&1 || { cat x.log; fail "extract session $n of $img"; }
			chmod -R u+w "x-$img-$n"
		done
		same_tree "x-$1-$n" "x-$2-$n" mode
	done
}

for d in a b c; do
	xorriso -dev real.iso -map $d /$d -commit >x.log 2>&1 || { cat x.log; fail "xorriso -dev $d"; }
	links/xorriso -dev ours.iso -map $d /$d -commit || fail "mkimage as xorriso -dev $d"
done
sessions_same real.iso ours.iso 3
[ -f x-ours.iso-2/a/sub/d.txt ] && [ ! -e x-ours.iso-2/c ] || fail "session 2's tree"

# each grows the other's image (stdio: spelling on ours)
cp real.iso real2.iso && cp ours.iso ours2.iso
links/xorriso -dev stdio:real2.iso -map c /c4 -commit || fail "mkimage growing xorriso's image"
xorriso -dev ours2.iso -map c /c4 -commit >x.log 2>&1 || { cat x.log; fail "xorriso growing ours"; }
[ "$(toc real2.iso | wc -l)" = 4 ] && [ "$(toc ours2.iso | wc -l)" = 4 ] ||
	fail "not 4 sessions after growing each other's image"
xorriso -indev real2.iso -find /c4/3.txt 2>/dev/null | grep -q 3.txt || fail "/c4 not in real2.iso"

# refusals and a failure: the image stays as it was
sum=$(sha256sum ours.iso)
expect_fail 2 '-dev ours.iso: with another -dev, -indev or -outdev' \
	links/xorriso -indev real.iso -dev ours.iso -map a /z -commit
expect_fail 2 '-dev /dev/sr0: not supported' links/xorriso -dev /dev/sr0 -map a /z -commit
expect_fail any 'nonexistent' links/xorriso -dev ours.iso -map "$SCRATCH/nonexistent" /z -commit
[ "$(sha256sum ours.iso)" = "$sum" ] || fail "ours.iso changed by a refused or failed run"
