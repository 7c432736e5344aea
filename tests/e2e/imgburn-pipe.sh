# The toolkit's main use: mkimage writes to stdout and imgburn writes that stream to a target,
# here a stdio: pseudo-drive.  The target holds exactly the image mkimage writes to a file, and
# xorriso reads the tree back from it.
. "$E2E_DIR/lib.sh"
need xorriso cmp

mkdir -p tree/sub
head -c 1500000 /dev/urandom >tree/big.bin
echo hello >tree/sub/hello.txt
ln -s sub/hello.txt tree/link
export SOURCE_DATE_EPOCH=1700000000

"$MKIMAGE" -V PIPE -o file.iso tree
blocks=$("$MKIMAGE" -V PIPE -print-size tree)
[ $((blocks * 2048)) -eq "$(stat -c %s file.iso)" ] || fail "-print-size $blocks blocks"

# With the size announced, as on media that need it before writing.
"$MKIMAGE" -V PIPE -o - tree | "$IMGBURN" --dev "stdio:$PWD/sized.out" --size "${blocks}s" \
	--verify - 2>err || { cat err; fail "mkimage | imgburn --size"; }
same_bytes file.iso sized.out
# Without it, where the target takes a track of unknown length.
"$MKIMAGE" -V PIPE -o - tree | "$IMGBURN" --dev "stdio:$PWD/unsized.out" - 2>err ||
	{ cat err; fail "mkimage | imgburn"; }
same_bytes file.iso unsized.out

xorriso -osirrox on -indev sized.out -extract / back 2>/dev/null
same_tree tree back mode
# A size that is too small is refused, and nothing pretends to have worked.
expect_fail 1 'size|longer' sh -c "\"$MKIMAGE\" -V PIPE -o - tree | \"$IMGBURN\" --dev stdio:$PWD/short.out --size $((blocks - 1))s -"
