# -r, -uid, -gid, -file-mode and -dir-mode on top of an old image, as the originals do it
# (measured with genisoimage 1.1.11 and xorriso 1.5.4): genisoimage -M applies them to the
# added files only, xorriso -as mkisofs -M to the old session's files too.  mkimage in each role
# writes the same session as the original (owners and modes of every entry, read back by
# xorriso from the two sessions put together); --indev in the xorrisofs role follows xorriso,
# mkimage's own role keeps the old files' attributes (mkimage(1)).
. "$E2E_DIR/lib.sh"
need xorriso genisoimage

mkdir -p old/d new links
echo o >old/o.txt
chmod 0600 old/o.txt
chmod 0700 old/d
chown 1234:5678 old/o.txt old/d
echo n >new/n.txt
chmod 0600 new/n.txt
chown 1234:5678 new/n.txt
genisoimage -quiet -R -o old.iso old
next=$((($(stat -c %s old.iso) / 2048 + 15) / 16 * 16))
ln -s "$MKIMAGE" links/genisoimage
ln -s "$MKIMAGE" links/xorrisofs

# attrs IMAGE [SBSECTOR]: owner, group and mode of each entry, as xorriso reads them
attrs() {
	xorriso ${2:+-load sbsector $2} -indev "$1" -find / -exec lsdl 2>/dev/null |
		awk '/^[-dl]/ {print $1, $3, $4, $NF}'
}
# session TOOL OPTS... : the new session after old.iso, read as one image
session() {
	rm -f s.iso
	"$@" -M old.iso -C 0,$next -o s.iso new >s.log 2>&1 || { cat s.log; fail "$*"; }
	cp old.iso all.iso
	truncate -s $((next * 2048)) all.iso
	cat s.iso >>all.iso
	attrs all.iso $next
}

for opts in "-r" "-R -uid 77 -gid 88 -file-mode 0640 -dir-mode 0750"; do
	# shellcheck disable=SC2086
	session genisoimage -quiet $opts >real.g
	# shellcheck disable=SC2086
	session links/genisoimage -quiet $opts >ours.g
	diff -u real.g ours.g >&2 || fail "genisoimage -M $opts: attributes differ"
	grep -q "^-rw------- 1234 5678 '/o.txt'" ours.g || fail "genisoimage $opts changed o.txt"
	# shellcheck disable=SC2086
	session xorriso -as mkisofs $opts >real.x
	# shellcheck disable=SC2086
	session links/xorrisofs -quiet $opts >ours.x
	diff -u real.x ours.x >&2 || fail "xorriso -as mkisofs -M $opts: attributes differ"
	! grep -q "1234 5678 '/o.txt'" ours.x || fail "xorrisofs $opts left o.txt as it was"
done

# --indev: the xorrisofs role like its -M, mkimage's role leaves the old files alone
links/xorrisofs -quiet -uid 77 -file-mode 0640 --indev old.iso -o xi.iso new
attrs xi.iso | grep -q "^-rw-r----- 77 5678 '/o.txt'" || { attrs xi.iso; fail "xorrisofs --indev"; }
"$MKIMAGE" -quiet -uid 77 -file-mode 0640 --indev old.iso -o mi.iso new
attrs mi.iso >mi.txt
grep -q "^-rw------- 1234 5678 '/o.txt'" mi.txt && grep -q "^-rw-r----- 77 5678 '/n.txt'" mi.txt ||
	{ cat mi.txt; fail "mkimage --indev: -uid/-file-mode not on the added file only"; }
