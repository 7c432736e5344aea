# Drop-in: buildroot's ISO9660 root filesystem (buildroot/buildroot fs/iso9660/iso9660.mk, commit
# 179ae068eb70, read 2026-12-06), with BR2_TARGET_ROOTFS_ISO9660_TRANSPARENT_COMPRESSION and the
# isolinux BIOS bootloader: the pre-gen hook runs
#   mkzftree -X -z 9 -p $(PARALLEL_JOBS) $(TARGET_DIR) $(ROOTFS_ISO9660_TMP_TARGET_DIR)
# then installs isolinux and the (uncompressed) kernel into the temporary tree, and
#   xorriso -as mkisofs $(ROOTFS_ISO9660_OPTS) -o $@ $(ROOTFS_ISO9660_TMP_TARGET_DIR)
# with ROOTFS_ISO9660_OPTS = -z (first, from the compression branch) -J -R -no-emul-boot
# -boot-load-size 4 -boot-info-table -b isolinux/isolinux.bin.
# -z marks the files mkzftree compressed (Rock Ridge ZF entries), so that readers decompress
# them: both images must hold the same compressed bytes and the same ZF records.
# Boots: BIOS CD (isolinux, as buildroot sets it up).
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootlib.sh"
. "$E2E_DIR/dropin.inc"
need mkzftree

TOKEN='TOKEN-BUILDROOT-9e07'
dropin_boot_fixtures $TOKEN
TARGET_DIR=$SCRATCH/target
mkdir -p "$TARGET_DIR/bin" "$TARGET_DIR/etc" "$TARGET_DIR/usr/lib"
# Compressible files (mkzftree leaves a file alone when compressing does not make it smaller).
seq 1 20000 >"$TARGET_DIR/usr/lib/numbers.txt"
yes 'buildroot etc line' | head -n 3000 >"$TARGET_DIR/etc/inittab"
cp /bin/busybox "$TARGET_DIR/bin/busybox" 2>/dev/null || seq 1 50000 >"$TARGET_DIR/bin/busybox"
ln -s busybox "$TARGET_DIR/bin/sh"
TMP_TARGET_DIR=$SCRATCH/rootfs.iso9660.tmp
mkzftree -X -z 9 -p 2 "$TARGET_DIR" "$TMP_TARGET_DIR"
mkdir -p "$TMP_TARGET_DIR/isolinux" "$TMP_TARGET_DIR/boot"
cp "$FIX"/isolinux/* "$TMP_TARGET_DIR/isolinux/"
head -c 40000 /dev/urandom >"$TMP_TARGET_DIR/boot/bzImage"

buildroot_iso() {
	ROOTFS_ISO9660_OPTS="-z -J -R -no-emul-boot -boot-load-size 4 -boot-info-table -b isolinux/isolinux.bin"
	xorriso -as mkisofs \
		$ROOTFS_ISO9660_OPTS \
		-o "$OUT/rootfs.iso9660" "$TMP_TARGET_DIR"
}
dropin_pair buildroot_iso
DROPIN_IMG=rootfs.iso9660
catalog=$(xorriso -indev real/rootfs.iso9660 -report_el_torito as_mkisofs 2>/dev/null | sed -n "s/^-c '\/\(.*\)'$/\1/p")
[ -n "$catalog" ] || fail "no boot catalog path in the real tool's image"
# xorriso 1.5.4 writes untranslated ISO 9660 names (lower case, ~, several dots: "a~b.c.d.txt;1")
# whenever -boot-info-table is on its line, which ECMA-119 does not allow and nothing on the
# line asks for (measured: the same line without -boot-info-table gives "A_B_C_D.TXT;1").
dropin_compare --dates --boot-table isolinux/isolinux.bin --catalog "$catalog" \
	--iso-names-differ "xorriso untranslates them when -boot-info-table is given; mkimage keeps ECMA-119 names (Rock Ridge and Joliet compared)"
# The ZF records: xorriso lists the zisofs files of each image the same.
for side in real ours; do
	xorriso -indev $side/rootfs.iso9660 -find / -has_filter -exec show_stream -- 2>/dev/null |
		sed 's/ *$//' | sort >zf.$side
done
grep -q 'numbers.txt' zf.real || { cat zf.real >&2; fail "the real tool's image has no zisofs file"; }
diff -u zf.real zf.ours >&2 || fail "the zisofs files differ"
# xorriso decompresses zisofs files as it extracts them: mkimage's image gives back the files of
# TARGET_DIR, not mkzftree's output.
for f in usr/lib/numbers.txt etc/inittab bin/busybox; do
	cmp "files.ours/$f" "$TARGET_DIR/$f" || fail "$f does not read back as it was before mkzftree"
done
img=ours/$DROPIN_IMG
boot_qemu bios-cd "$img" $TOKEN
