# imgburn writes an image file and stdin streams to stdio: files: exactly the image's bytes,
# read back by xorriso and isoinfo (readers we did not write).
. "$E2E_DIR/lib.sh"
need xorriso isoinfo cmp

mkdir tree
head -c 3000000 /dev/urandom >tree/data.bin
echo hello >tree/hello.txt
xorriso -as mkisofs -quiet -R -J -o img.iso tree 2>/dev/null
size=$(stat -c %s img.iso)

# from a file
"$IMGBURN" --dev "stdio:$PWD/out1.iso" img.iso 2>err1 || { cat err1; fail "file write"; }
same_bytes img.iso out1.iso
grep -q "wrote $size bytes" err1 || fail "no summary line"

# into an existing, larger file: it must end up holding exactly the image
head -c 9000000 /dev/urandom >out2.iso
"$IMGBURN" --dev "stdio:$PWD/out2.iso" img.iso 2>/dev/null || fail "overwrite"
same_bytes img.iso out2.iso

# from stdin with --size in bytes and in sectors, and without --size (open length)
"$IMGBURN" --dev "stdio:$PWD/out3.iso" --size "$size" - <img.iso 2>/dev/null || fail "stdin --size"
same_bytes img.iso out3.iso
cat img.iso | "$IMGBURN" --dev "stdio:$PWD/out4.iso" --size "$((size / 2048))s" - 2>/dev/null ||
	fail "stdin --size Ns"
same_bytes img.iso out4.iso
cat img.iso | "$IMGBURN" --dev "stdio:$PWD/out5.iso" - 2>/dev/null || fail "stdin open length"
same_bytes img.iso out5.iso

# a stream that is not a whole number of 2048-byte blocks keeps its exact length
head -c 1000001 /dev/urandom >odd.bin
cat odd.bin | "$IMGBURN" --dev "stdio:$PWD/odd.out" - 2>/dev/null || fail "odd-sized stream"
same_bytes odd.bin odd.out

# --padding appends 300 KiB of zeros, nothing else
"$IMGBURN" --dev "stdio:$PWD/pad.iso" --padding img.iso 2>/dev/null || fail "--padding"
[ "$(stat -c %s pad.iso)" -eq $((size + 307200)) ] || fail "padding size $(stat -c %s pad.iso)"
cmp -n "$size" img.iso pad.iso || fail "padded image differs"
[ "$(tail -c 307200 pad.iso | tr -d '\0' | wc -c)" -eq 0 ] || fail "padding is not zeros"

# the independent readers see the files we put in
xorriso -indev out5.iso -osirrox on -extract / x 2>/dev/null
same_tree tree x
isoinfo -i out3.iso -R -x /hello.txt >hello.got
same_bytes tree/hello.txt hello.got

# a regular file given without stdio: is a usage error, not a write
expect_fail 2 'stdio:' "$IMGBURN" --dev out1.iso img.iso
# a file is never written onto itself
cp img.iso self.iso
expect_fail 2 'both the source and the target' "$IMGBURN" --dev "stdio:$PWD/self.iso" self.iso
same_bytes img.iso self.iso
# an unknown drive cannot be opened
expect_fail 2 'cannot open drive' "$IMGBURN" --dev /dev/sr99 img.iso
