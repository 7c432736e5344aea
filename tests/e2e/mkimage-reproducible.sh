# Same content in two different copies of a tree (creation order, inode numbers, atime/ctime,
# working directory, umask, TZ, locale, clock) gives byte-identical images with
# SOURCE_DATE_EPOCH; volume dates come from it and newer file times are clamped to it.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/mkimage.inc"
need bsdtar xorriso

epoch=1700000000                   # 2023-11-14 22:13:20 UTC
entries="a.txt b/c.txt b/d/e.bin deep/1/2/3/4/5/6/7/8/9/10/11/f.txt empty-dir/ z.txt grüße.txt"

# make_copy DIR ORDER: the same tree, entries created in the given order (fwd or rev).
make_copy() {
	mkdir "$1"
	list=$entries
	[ "$2" = rev ] && list=$(printf '%s\n' $entries | tac)
	for e in $list; do
		case "$e" in
		*/) mkdir -p "$1/$e" ;;
		*) mkdir -p "$1/$(dirname "$e")"; printf 'content of %s\n' "$e" >"$1/$e" ;;
		esac
	done
	ln -s a.txt "$1/link"
	ln "$1/a.txt" "$1/b/hard"
	chmod 640 "$1/b/c.txt"
	# One file newer than the epoch (clamped), the rest older; directories last.
	find "$1" -exec touch -h -d @1600000000 {} +
	touch -d @1800000000 "$1/z.txt"
	find "$1" -depth -type d -exec touch -d @1600000100 {} +
}

make_copy one fwd
(umask 077; make_copy two rev)
chmod 755 two two/b two/b/d two/empty-dir two/deep; find two/deep -type d -exec chmod 755 {} +
find two -type f ! -name c.txt -exec chmod 644 {} +
cat one/a.txt >/dev/null        # a different atime in one copy only
[ "$(stat -c %i one/a.txt)" != "$(stat -c %i two/a.txt)" ] || fail "copies share inodes"

SOURCE_DATE_EPOCH=$epoch "$MKIMAGE" -o 1.iso one 2>err1 || { cat err1 >&2; fail "first build"; }
sleep 1
mkdir elsewhere
(cd elsewhere && umask 077 && SOURCE_DATE_EPOCH=$epoch TZ=Asia/Kolkata LC_ALL=C.UTF-8 \
	"$MKIMAGE" -o ../2.iso "$SCRATCH/two") 2>err2 || { cat err2 >&2; fail "second build"; }
cmp 1.iso 2.iso || fail "images of two copies differ"

# Volume dates are the epoch, in GMT (xorriso prints the PVD fields as stored).
xorriso -indev 1.iso -pvd_info >pvd 2>/dev/null
grep -q '^Creation Time: 2023111422132000' pvd || { cat pvd >&2; fail "creation date"; }
grep -q '^Modif. Time  : 2023111422132000' pvd || { cat pvd >&2; fail "modification date"; }

# File times: kept when older, clamped when newer (bsdtar reads the Rock Ridge TF times).
extract_bsdtar 1.iso x
[ "$(stat -c %Y x/a.txt)" = 1600000000 ] || fail "old mtime not kept"
[ "$(stat -c %Y x/z.txt)" = $epoch ] || fail "new mtime not clamped"
same_tree one x

# Without SOURCE_DATE_EPOCH, --reproducible takes the newest time in the tree instead of the
# clock, and owners become 0.
chown -R 1234:5678 two
"$MKIMAGE" --reproducible -o 3.iso one 2>/dev/null
sleep 1
"$MKIMAGE" --reproducible -o 4.iso two 2>/dev/null
cmp 3.iso 4.iso || fail "--reproducible images differ"
mkdir y && bsdtar -C y --numeric-owner -xpf 4.iso
[ "$(stat -c %u:%g y/b/c.txt)" = 0:0 ] || fail "--reproducible owner"
[ "$(stat -c %a y/b/c.txt)" = 444 ] || fail "--reproducible mode"
