# --sort-weight WEIGHT PATH (image paths; a directory weighs every file below it; a later one
# overrides), --sort-weight-list and --sort-weight-patterns ("WEIGHT PATH" lines, applied
# before the --sort-weight options, as xorriso does): file data lies in the same order as in the
# image xorriso -as mkisofs makes of the same command line (read by xorriso's report_lba), and
# with a UDF view too.
. "$E2E_DIR/lib.sh"
need xorriso 7z
export SOURCE_DATE_EPOCH=1700000000

mkdir -p tree/boot tree/data
for f in boot/k1.img boot/k2.img boot/cfg data/a data/b data/c top; do
	head -c 3000 /dev/urandom >"tree/$f"
done
printf '10 /data/a\n20 /data/b\n30 /data/c\n5 /boot/cfg\n40 /boot/k1.img\n45 /boot/k2.img\n2 /top\n' \
	>list.txt
printf '10 /data/*\n50 /boot/k1.*\n60 /boot/k2*\n20 /t?p\n' >patterns.txt

# data_order IMAGE: the image's files in the order of their data.
data_order() {
	xorriso -indev "$1" -find / -type f -exec report_lba 2>/dev/null |
		sed -n "s/^File data lba: *[0-9]* *, *\([0-9]*\) .*'\(.*\)'\$/\1 \2/p" |
		sort -n | awk '{print $2}' | tr '\n' ' '
}
# same_order_as_xorriso EXPECTED OPTION...: mkimage and xorriso put the data in that order.
same_order_as_xorriso() {
	want=$1
	shift
	"$MKIMAGE" -o ours.iso -r "$@" tree
	xorriso -as mkisofs -o ref.iso -r "$@" tree 2>/dev/null
	[ "$(data_order ref.iso)" = "$want" ] || fail "xorriso's order $(data_order ref.iso), not $want ($*)"
	[ "$(data_order ours.iso)" = "$want" ] || fail "order $(data_order ours.iso), not $want ($*)"
}
same_order_as_xorriso "/data/a /boot/k2.img /boot/k1.img /data/c /data/b /boot/cfg /top " \
	--sort-weight 100 /data/a --sort-weight-list list.txt
same_order_as_xorriso "/boot/k2.img /boot/k1.img /top /data/a /data/b /data/c /boot/cfg " \
	--sort-weight-patterns patterns.txt
# grub-mkrescue's form: everything 0, then a directory tree 1; a file in it heavier still.
"$MKIMAGE" -o ours.iso -r --sort-weight 0 / --sort-weight 1 /boot --sort-weight 9 boot/cfg tree
case "$(data_order ours.iso)" in
"/boot/cfg /boot/k1.img /boot/k2.img "*) ;;
*) fail "--sort-weight on a directory: order $(data_order ours.iso)" ;;
esac

# With a UDF view the weights hold too, and the UDF files read back (7-Zip) as the tree.
"$MKIMAGE" -o udf.iso --udf --sort-weight 0 / --sort-weight 5 /data --sort-weight 9 /top tree
case "$(data_order udf.iso)" in
"/top /data/a /data/b /data/c "*) ;;
*) fail "--sort-weight with --udf: order $(data_order udf.iso)" ;;
esac
mkdir udf-out
(cd udf-out && 7z x -tudf ../udf.iso >/dev/null) || fail "7-Zip cannot read the UDF view"
diff -r tree udf-out || fail "UDF view differs from the tree with --sort-weight"

expect_fail 2 '--sort-weight: .*nothing: not in the image' \
	"$MKIMAGE" -o x.iso --sort-weight 1 /nothing tree
expect_fail 2 "--sort-weight: 'x' is not a whole number" "$MKIMAGE" -o x.iso --sort-weight x / tree
expect_fail 2 'sort-weight needs 2 arguments' "$MKIMAGE" -o x.iso tree --sort-weight 1
printf 'nonsense\n' >bad.txt
expect_fail 2 'bad.txt line 1: want "WEIGHT PATH"' "$MKIMAGE" -o x.iso --sort-weight-list bad.txt tree
[ ! -e x.iso ] || fail "a refused command line left an image"
