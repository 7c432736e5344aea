# Same tree and options give the same bytes; the volume time and label do change them; and the
# closing anchor may sit at N-257 (room for a backup GPT) with the partition ending right
# before it.
. "$E2E_DIR/lib.sh"
. "$TOP/tests/tools/udf-tree.sh"
need udfinfo 7z
UDFIMAGE="$(dirname "$BIN")/tools/udfimage"

make_udf_tree tree
# Reading the files moves their access times (relatime) and touching them their change times:
# like SOURCE_DATE_EPOCH, -s clamps every time to the volume time.  Touch the tree anyway so
# that it really changes between builds.
pin() { find tree -exec touch -h -d '2021-02-03 04:05:06 UTC' {} +; }
for rev in 1.02 2.01 2.50; do
	pin; "$UDFIMAGE" -r $rev -s -t 1000 -V same -o a.img tree >/dev/null
	pin; "$UDFIMAGE" -r $rev -s -t 1000 -V same -o b.img tree >/dev/null
	cmp a.img b.img || fail "UDF $rev: two builds differ"
	pin; "$UDFIMAGE" -r $rev -s -t 2000 -V same -o c.img tree >/dev/null
	! cmp -s a.img c.img || fail "UDF $rev: the volume time changes nothing"

	pin; "$UDFIMAGE" -r $rev -g -V tail -o g.img tree >out.txt
	blocks=$(sed -n 's/.*blocks \([0-9]*\) partition.*/\1/p' out.txt)
	[ "$(stat -c %s g.img)" = $((blocks * 2048)) ] || fail "image size"
	udfinfo g.img >info.txt || fail "udfinfo rejects the N-257 anchor"
	grep -qx "start=$((blocks - 257)), blocks=1, type=ANCHOR" info.txt ||
		{ cat info.txt >&2; fail "no anchor at N-257"; }
	# The partition ends exactly where the closing anchor starts.
	pstart=$(sed -n 's/^start=\([0-9]*\), blocks=\([0-9]*\), type=PSPACE$/\1/p' info.txt)
	plen=$(sed -n 's/^start=\([0-9]*\), blocks=\([0-9]*\), type=PSPACE$/\2/p' info.txt)
	[ $((pstart + plen)) = $((blocks - 257)) ] || fail "partition $pstart+$plen, anchor $((blocks - 257))"
done
find tree ! -type f ! -type d -delete
"$UDFIMAGE" -r 2.50 -g -o g.img tree >/dev/null
rm -rf x
LC_ALL=C.UTF-8 7z x -tudf -ox g.img >7z.log 2>&1 || { cat 7z.log >&2; fail "7z x with the N-257 anchor"; }
diff -r tree x >&2 || fail "7z reads another tree"
