# BIOS boot media: an isolinux El Torito entry, made hybrid with isohdpfx.bin, boots from CD and
# from a hard disk in QEMU (SeaBIOS); the catalog and MBR agree with dumpet, xorriso and fdisk,
# and with what xorriso -as mkisofs writes for the same options.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootlib.sh"
need qemu-system-x86_64 dumpet xorriso fdisk

mkdir tree
make_isolinux_tree tree TOKEN-BIOS-a1b2
echo hello >tree/readme.txt

opts="-V BOOTTEST -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot
      -boot-load-size 4 -boot-info-table -isohybrid-mbr $ISOLINUX_DIR/isohdpfx.bin"
# shellcheck disable=SC2086
"$MKIMAGE" -o bios.iso $opts tree
# shellcheck disable=SC2086
xorriso -as mkisofs -R -J -o ref.iso $opts tree 2>/dev/null

# The catalog, entry by entry, as an independent reader sees it; LBAs differ between builders.
dumpet -i bios.iso | grep -v 'Load LBA' >ours.cat
dumpet -i ref.iso | grep -v 'Load LBA' >ref.cat
diff -u ref.cat ours.cat || fail "boot catalog differs from xorriso's"
grep -q 'Boot Media emulation type: no emulation' ours.cat || fail "not no-emulation"
grep -q 'Load Sectors: 4 ' ours.cat || fail "load size is not 4"

xorriso -indev bios.iso -report_el_torito plain 2>/dev/null >report.txt
grep -Eq 'El Torito boot img : +1 +BIOS +y +none' report.txt || { cat report.txt; fail "xorriso report"; }
grep -q '/isolinux/isolinux.bin' report.txt || fail "xorriso does not name the boot image"
grep -q 'El Torito cat path : /isolinux/boot.cat' report.txt || fail "catalog path"

# The hybrid MBR: one bootable partition from sector 0, as isohybrid makes it.
fdisk -l bios.iso >fdisk.txt
grep -Eq '^bios.iso1 +\* +0 ' fdisk.txt || { cat fdisk.txt; fail "no bootable MBR partition at 0"; }
# isohdpfx.bin's code is kept (first 432 bytes up to the patched LBA fields at 432..).
cmp -n 432 bios.iso "$ISOLINUX_DIR/isohdpfx.bin" || fail "MBR code differs from isohdpfx.bin"

boot_qemu bios-cd bios.iso TOKEN-BIOS-a1b2
boot_qemu bios-hd bios.iso TOKEN-BIOS-a1b2
