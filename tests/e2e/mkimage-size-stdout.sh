# -print-size equals the real size in blocks (for several option sets), and an image
# written to stdout is the same bytes as one written to a file.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/mkimage.inc"
need isoinfo

sample_tree src
truncate -s 3M src/sparse
export SOURCE_DATE_EPOCH=1600000000
for opts in "" "--no-joliet" "--no-rock" "-iso-level 1" "-joliet-long -r" "-V LABEL -publisher P"; do
	# shellcheck disable=SC2086
	size=$("$MKIMAGE" $opts -print-size src 2>/dev/null)
	# shellcheck disable=SC2086
	"$MKIMAGE" $opts -quiet -o out.iso src 2>/dev/null
	real=$(( $(stat -c %s out.iso) / 2048 ))
	[ "$size" = "$real" ] || fail "-print-size $size, image has $real blocks (options: $opts)"
	# and the volume space size isoinfo reads agrees
	vs=$(isoinfo -d -i out.iso | sed -n 's/^Volume size is: //p')
	[ "$vs" = "$real" ] || fail "volume size $vs, file $real blocks (options: $opts)"
	# shellcheck disable=SC2086
	"$MKIMAGE" $opts -o - src >stdout.iso 2>/dev/null
	same_bytes out.iso stdout.iso
done
# -print-size prints only the number on stdout.
[ "$("$MKIMAGE" -print-size src 2>/dev/null | wc -l)" -eq 1 ] || fail "-print-size output"
