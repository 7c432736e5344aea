# Remastering: the boot options that `xorriso -report_el_torito as_mkisofs` prints for an image
# (here a BIOS+UEFI hybrid image made by xorriso, standing in for a distribution's) are accepted
# by mkimage as they are; the new image has the same catalog and boots.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootlib.sh"
need qemu-system-x86_64 dumpet xorriso sgdisk grub-mkstandalone

mkdir tree
make_isolinux_tree tree TOKEN-REMASTER-BIOS
make_grub_efi BOOTX64.EFI TOKEN-REMASTER-UEFI
make_esp tree/efi.img BOOTX64.EFI
xorriso -as mkisofs -R -J -V DISTRO -b isolinux/isolinux.bin -c isolinux/boot.cat \
	-no-emul-boot -boot-load-size 4 -boot-info-table \
	-isohybrid-mbr "$ISOLINUX_DIR/isohdpfx.bin" -eltorito-alt-boot -e efi.img -no-emul-boot \
	-isohybrid-gpt-basdat -o distro.iso tree 2>/dev/null

# The remaster: extract, change a file, rebuild with the reported options.
xorriso -osirrox on -indev distro.iso -extract / extracted 2>/dev/null
chmod -R u+w extracted
echo "remastered" >extracted/NOTE.txt
xorriso -indev distro.iso -report_el_torito as_mkisofs 2>/dev/null >opts.txt
note "$(tr '\n' ' ' <opts.txt)"
# The report quotes its arguments for a shell.
eval "set -- $(tr '\n' ' ' <opts.txt)"
"$MKIMAGE" -o new.iso "$@" extracted

dumpet -i distro.iso | grep -v 'Load LBA' >old.cat
dumpet -i new.iso | grep -v 'Load LBA' >new.cat
diff -u old.cat new.cat || fail "catalog changed in the remaster"
xorriso -indev new.iso -report_el_torito as_mkisofs 2>/dev/null |
	grep -v -e '^--modification-date' -e '^-isohybrid-mbr' >new-opts.txt
grep -v -e '^--modification-date' -e '^-isohybrid-mbr' opts.txt >old-opts.txt
diff -u old-opts.txt new-opts.txt || fail "the remastered image reports other boot options"
bsdtar -xOf new.iso NOTE.txt | grep -q remastered || fail "new file missing"

boot_qemu bios-cd new.iso TOKEN-REMASTER-BIOS
boot_qemu bios-hd new.iso TOKEN-REMASTER-BIOS
boot_qemu uefi-cd new.iso TOKEN-REMASTER-UEFI
boot_qemu uefi-hd new.iso TOKEN-REMASTER-UEFI
