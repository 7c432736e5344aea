# -x / --extract: the whole tree and a subtree come out byte for byte with modes, times and
# symlinks (compared with the source tree and with xorriso's own extraction); existing files
# are kept without --force; nothing is written through symlinks or outside DEST.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/imginfo_images.sh"
need xorriso mkfs.vfat mcopy

make_tree src
make_hybrid hyb.iso src

"$IMGINFO" -x / -C all hyb.iso || fail "extract /"
rm -f all/isolinux/boot.cat
# -boot-info-table patched bytes 8-63 of isolinux.bin in the image, and only those.
cmp -l src/isolinux/isolinux.bin all/isolinux/isolinux.bin | awk '$1 < 9 || $1 > 64 {bad=1} END {exit bad}' ||
	fail "isolinux.bin differs beyond its boot info table"
cp -a src srcp
cp all/isolinux/isolinux.bin srcp/isolinux/isolinux.bin
same_tree srcp all mode
[ "$(stat -c %Y all/dir/a.txt)" = "$(stat -c %Y src/dir/a.txt)" ] || fail "mtime not kept"
[ "$(readlink all/isolinux/uplink)" = ../dir/sub ] || fail "symlink target"

# xorriso's extraction of the same image agrees with ours (file names, modes, contents).
xorriso -osirrox on -indev hyb.iso -extract / xo >/dev/null 2>&1 || fail "xorriso -extract"
rm -f xo/isolinux/boot.cat
chmod -R u+w xo
same_tree xo all mode

# A subtree lands as DEST/NAME; the Joliet and ISO views extract too.
"$IMGINFO" -x /dir/sub --to part hyb.iso || fail "extract subtree"
same_tree src/dir/sub part/sub mode
"$IMGINFO" -x /dir/a.txt -C one hyb.iso && same_bytes src/dir/a.txt one/a.txt
"$IMGINFO" --view joliet -x /dir -C jol hyb.iso || fail "extract from Joliet"
same_bytes src/dir/sub/big.bin jol/dir/sub/big.bin
"$IMGINFO" --view iso -x /DIR/SUB/BIG.BIN -C isov hyb.iso || fail "extract from ISO view"
same_bytes src/dir/sub/big.bin isov/BIG.BIN

# No overwrite without --force; --force replaces.
echo local >one/keep
cp one/keep one/a.txt
expect_fail 1 'already exists \(use --force\)' "$IMGINFO" -x /dir/a.txt -C one hyb.iso
[ "$(cat one/a.txt)" = local ] || fail "a file was overwritten without --force"
"$IMGINFO" -x /dir/a.txt -C one --force hyb.iso || fail "--force"
same_bytes src/dir/a.txt one/a.txt

# A symlink already in DEST that points outside is never followed, with or without --force.
mkdir outside trap
ln -s ../outside trap/dir
expect_fail 1 'already exists' "$IMGINFO" -x /dir -C trap hyb.iso
[ -z "$(ls outside)" ] || fail "wrote outside DEST through a symlink"
"$IMGINFO" -x /dir -C trap --force hyb.iso || fail "--force over a symlink to a directory"
[ -d trap/dir ] && [ ! -L trap/dir ] || fail "the symlink was not replaced by a directory"
[ -z "$(ls outside)" ] || fail "wrote outside DEST through a symlink"
mkdir d2 && ln -s ../outside/victim d2/a.txt
"$IMGINFO" -x /dir/a.txt -C d2 --force hyb.iso || fail "--force over a symlink"
[ ! -e outside/victim ] || fail "wrote through a symlink"
[ -f d2/a.txt ] && [ ! -L d2/a.txt ] || fail "symlink not replaced by the file"

# Missing path in the image
expect_fail 2 'no such file in the rr view' "$IMGINFO" -x /nope -C x hyb.iso
"$IMGINFO" --json -x /dir -C j hyb.iso >x.json
[ "$(jq_py x.json '(d["ok"], d["files"], d["symlinks"])')" = "(True, 5, 1)" ] ||
	fail "extraction JSON: $(cat x.json)"
