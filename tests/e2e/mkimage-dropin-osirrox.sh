# Drop-in: the extraction step of Fedora's mkksiso (weldr/lorax src/pylorax/cmdline/mkksiso.py,
# ExtractISOFiles, commit 02561af06415), which runs
#   osirrox -indev ISO -chmod_r u+rwx / -- -extract F TMPDIR/F ... -rollback_end
# for the known configuration files and, in RebuildEFIBoot, for the EFI directory.  mkimage
# answers to the name osirrox (and as xorriso to -osirrox on ... -extract SRC DST) with
# imginfo's safe extraction; each literal line is run by Debian's osirrox too and the trees
# (names, types, modes, contents, link targets) must be the same.  Then: nothing lands outside
# DST's directory through a symlink already there, and refusals leave nothing behind.
. "$E2E_DIR/lib.sh"
need xorriso osirrox

mkdir -p src/isolinux src/EFI/BOOT/fonts src/images/pxeboot src/boot/grub2
echo "default vesamenu.c32" >src/isolinux/isolinux.cfg
printf 'menuentry x { linuxefi /images/pxeboot/vmlinuz inst.stage2=hd:LABEL=X }\n' \
	>src/EFI/BOOT/grub.cfg
echo font >src/EFI/BOOT/fonts/unicode.pf2
head -c 70000 /dev/urandom >src/EFI/BOOT/BOOTX64.EFI
ln -s grub.cfg src/EFI/BOOT/BOOT.conf
printf '1700000000.0\nFedora\nx86_64\n' >src/.discinfo
echo grub >src/boot/grub2/grub.cfg
head -c 5000 /dev/urandom >src/images/pxeboot/vmlinuz
chmod 0444 src/isolinux/isolinux.cfg src/.discinfo
chmod 0555 src/EFI/BOOT src/isolinux
xorriso -as mkisofs -R -J -V Fedora-41 -o in.iso src 2>/dev/null
sum=$(sha256sum in.iso)

mkdir -p links
ln -s "$MKIMAGE" links/osirrox
ln -s "$MKIMAGE" links/xorriso
files=".discinfo isolinux/isolinux.cfg boot/grub2/grub.cfg EFI/BOOT/BOOT.conf EFI/BOOT/grub.cfg"

# extract_configs OSIRROX TMPDIR: ExtractISOFiles(input_iso, extract_files, tmpdir)
extract_configs() {
	cmd=("$1" -indev in.iso -chmod_r u+rwx / --)
	for f in $files; do cmd+=(-extract "$f" "$2/$f"); done
	cmd+=(-rollback_end)
	env LANG=C "${cmd[@]}"
}
# extract_efi OSIRROX TMPEFI: RebuildEFIBoot's ExtractISOFiles(input_iso, ["EFI"], tmpefi)
extract_efi() {
	env LANG=C "$1" -indev in.iso -chmod_r u+rwx / -- -extract EFI "$2/EFI" -rollback_end
}

for step in configs efi; do
	mkdir "real-$step" "ours-$step"
	extract_$step osirrox "real-$step" >real.log 2>&1 || { cat real.log; fail "osirrox $step"; }
	extract_$step links/osirrox "ours-$step" || fail "mkimage as osirrox: $step"
	same_tree "real-$step" "ours-$step" mode
done
# what mkksiso edits is there and writable
[ -w ours-configs/isolinux/isolinux.cfg ] && [ -w ours-efi/EFI/BOOT/grub.cfg ] ||
	fail "extracted files not writable after -chmod_r u+rwx"
cmp ours-efi/EFI/BOOT/BOOTX64.EFI src/EFI/BOOT/BOOTX64.EFI || fail "BOOTX64.EFI data"

# xorriso -osirrox on ... -extract SRC DST (and the whole tree with "/")
mkdir real-x ours-x
xorriso -osirrox on -indev in.iso -extract / real-x/all -extract EFI/BOOT real-x/BOOT \
	>real.log 2>&1 || { cat real.log; fail "xorriso -osirrox on"; }
links/xorriso -osirrox on -indev in.iso -extract / ours-x/all -extract EFI/BOOT ours-x/BOOT ||
	fail "mkimage as xorriso -osirrox on"
chmod -R u+w real-x ours-x
same_tree real-x ours-x mode

# A symlink already in DST's directory that leads outside is replaced, never followed.
mkdir -p outside trap
ln -s "$SCRATCH/outside" trap/EFI
links/osirrox -indev in.iso -extract EFI trap/EFI -rollback_end || fail "extract over a symlink"
[ -z "$(ls -A outside)" ] || fail "the extraction wrote through a symlink into outside/"
[ -d trap/EFI ] && [ ! -L trap/EFI ] || fail "trap/EFI is not the extracted directory"

# Refusals: a path not in the image (exit 1), a mode or command not taken (exit 2), no output.
expect_fail 1 '-extract /nope: not in the image' links/osirrox -indev in.iso -extract /nope none/nope
expect_fail 2 '-chmod_r g\+w: not supported as osirrox' \
	links/osirrox -indev in.iso -chmod_r g+w / -- -extract EFI none/EFI
expect_fail 2 '-extract: give -osirrox on first' links/xorriso -indev in.iso -extract EFI none/EFI
expect_fail 2 '-cpx: not supported as osirrox' links/osirrox -indev in.iso -cpx /a none
[ ! -e none ] || fail "a refused run created none/"
[ "$(sha256sum in.iso)" = "$sum" ] || fail "in.iso changed"
