# IMAGE "-": a pipe is spooled and gives the same report as the file; a redirected file
# is read in place.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/imginfo_images.sh"
need xorriso mkfs.vfat mcopy

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

# A block device (a read-only loop device, when this machine lets us make one).
if command -v losetup >/dev/null && dev=$(losetup -f --show -r hyb.iso 2>/dev/null); then
	trap 'losetup -d "$dev"' EXIT
	"$IMGINFO" --json "$dev" | sed '/"path"/d; /"kind": "block device"/d' >dev.json
	diff file.json dev.json >&2 || fail "block device report differs"
	"$IMGINFO" --json "$dev" | grep -q '"kind": "block device"' || fail "kind of $dev"
else
	note "no loop device available: block device input not tested here"
fi
