# IMAGE "-": a pipe is spooled and gives the same report as the file; a redirected file
# is read in place.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/imginfo_images.sh"
need losetup

make_tree src
make_hybrid hyb.iso src
"$IMGINFO" --json hyb.iso | sed '/"path"/d; /"kind": "file"/d' >file.json
cat hyb.iso | "$IMGINFO" --json - | sed '/"path"/d; /"kind": "stdin"/d' >pipe.json
diff file.json pipe.json >&2 || fail "stdin report differs"
cat hyb.iso | "$IMGINFO" -l - >pipe.l
"$IMGINFO" -l hyb.iso >file.l
diff file.l pipe.l >&2 || fail "stdin listing differs"
"$IMGINFO" -x /dir -C out - <hyb.iso || fail "extract from redirected stdin"
same_bytes src/dir/sub/big.bin out/dir/sub/big.bin
cat hyb.iso | "$IMGINFO" --check - >/dev/null || fail "--check from a pipe"
# The spool goes to TMPDIR; an unusable TMPDIR is a clean error.
cat hyb.iso | { TMPDIR=/nonexistent expect_fail 2 'cannot create spool file in /nonexistent' "$IMGINFO" -; }
# Empty input
expect_fail 2 'volume descriptor: .* lie past the end of the image \(0 bytes\)' "$IMGINFO" - </dev/null

# A block device: a read-only loop device over the image.
if dev=$(losetup -f --show -r hyb.iso); then
	trap 'losetup -d "$dev"' EXIT
	"$IMGINFO" --json "$dev" >dev-full.json || fail "summary of $dev"
	sed '/"path"/d; /"kind": "block device"/d' dev-full.json >dev.json
	diff file.json dev.json >&2 || fail "block device report differs"
	grep -q '"kind": "block device"' dev-full.json || fail "kind of $dev"
else
	not_tested "a block device as IMAGE (losetup -f failed; needs root and the loop driver)"
fi
