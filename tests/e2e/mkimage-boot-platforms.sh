# Other machines' boot blocks (the options grub-mkrescue and debian-cd pass for them): SGI MIPS
# volume header, DECstation boot block, SUN disk label with SPARC boot partitions and GRUB's
# sparc core, HP-PA PALO header (v4 and v5), DEC Alpha SRM boot sector, CHRP and PReP
# partitions.  For each, xorriso -as mkisofs with the same command line writes the same system
# area byte for byte and reports the same boot setup; fdisk reads the SUN, SGI and MBR tables.
# With --udf the boot blocks still point at their files.  Conflicting boot blocks are refused
# by name.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/bootcmp.inc"
need fdisk 7z dd
export SOURCE_DATE_EPOCH=1700000000

mkdir -p tree/boot
for f in mips1 mips2 palo vmlinux32 vmlinux64 initrd bootlx core.img; do
	head -c 3000 /dev/urandom >"tree/boot/$f"
done
head -c 100000 /dev/urandom >sparc1.img
head -c 4096 /dev/urandom >prep.img
head -c 512 /dev/urandom >sa.img
common="-V PLATFORMS -r -J"

# shellcheck disable=SC2086
{
same_boot_as_xorriso mips $common -mips-boot /boot/mips1 -mips-boot boot/mips2 tree
same_boot_as_xorriso mipsel $common -mipsel-boot /boot/mips1 tree
same_boot_as_xorriso sparc $common -sparc-boot sparc1.img,... -sparc-label "Test label" tree
# grub-mkrescue's sparc64 line: system area from a file, no partition images, GRUB's core.
same_boot_as_xorriso sparcgrub $common -G sa.img -B , --grub2-sparc-core /boot/core.img tree
# PALO names boot files by byte address: --sort-weight (honoured by both) pins their order.
hppa="-hppa-cmdline 0/vmlinux -hppa-bootloader /boot/palo -hppa-kernel-32 /boot/vmlinux32
      -hppa-kernel-64 /boot/vmlinux64 -hppa-ramdisk /boot/initrd --sort-weight 1 /
      --sort-weight 5 /boot/palo --sort-weight 4 /boot/vmlinux32 --sort-weight 3 /boot/vmlinux64
      --sort-weight 2 /boot/initrd"
same_boot_as_xorriso hppa $common $hppa tree
same_boot_as_xorriso hppa4 $common -hppa-hdrversion 4 $hppa tree
same_boot_as_xorriso alpha $common -alpha-boot /boot/bootlx tree
same_boot_as_xorriso chrp $common -chrp-boot tree
same_boot_as_xorriso chrppart $common -chrp-boot-part tree
same_boot_as_xorriso prep $common -prep-boot-part prep.img tree
}

# What was written is what was asked for (xorriso's report and fdisk, not only agreement).
grep -q 'System area summary: MIPS-Big-Endian' mips.rep || fail "no MIPS volume header"
grep -q 'MIPS-BE boot path  :   2  /boot/mips2' mips.rep || fail "second MIPS boot file missing"
fdisk -l mips.iso | grep -q 'Disklabel type: sgi' || fail "fdisk reads no SGI label"
grep -q 'MIPS-LE boot path  : /boot/mips1' mipsel.rep || fail "no DEC boot block"
fdisk -l sparc.iso >sparc.fdisk
grep -q 'Disklabel type: sun' sparc.fdisk || { cat sparc.fdisk; fail "fdisk reads no SUN label"; }
[ "$(grep -c 'SunOS root' sparc.fdisk)" = 7 ] || { cat sparc.fdisk; fail "not 7 SPARC boot partitions"; }
head -c 10 sparc.iso | grep -q 'Test label' || fail "-sparc-label not written"
grep -q 'SPARC GRUB2 path   : /boot/core.img' sparcgrub.rep || fail "no GRUB sparc core"
for v in hppa hppa4; do
	grep -q 'HP-PA cmdline      : 0/vmlinux' $v.rep || fail "$v: no PALO command line"
	grep -q 'HP-PA ramdisk .*/boot/initrd' $v.rep || fail "$v: no PALO ramdisk"
done
cmp -s -n 32768 hppa.iso hppa4.iso && fail "-hppa-hdrversion 4 changed nothing"
grep -q 'DEC Alpha ldr path : /boot/bootlx' alpha.rep || fail "no Alpha boot sector"
fdisk -l chrp.iso | grep -Eq 'chrp.iso1 +\* +0 .* 96 ' || fail "no CHRP partition (type 0x96)"
fdisk -l prep.iso | grep -q 'PPC PReP Boot' || fail "no PReP partition"

# With a UDF view (its blocks come before libisofs's session) the boot blocks still point at
# their files: the MIPS header's block is the file's, the PReP partition holds its file.
"$MKIMAGE" -o udf-mips.iso --udf -mips-boot /boot/mips1 tree
lba=$(xorriso -indev udf-mips.iso -find /boot/mips1 -exec report_lba 2>/dev/null |
	sed -n 's/^File data lba: *[0-9]* *, *\([0-9]*\) .*/\1/p')
boot_report udf-mips.iso | grep -Eq "MIPS-BE boot entry : +1 +mips1 +$((lba * 4)) +3000" ||
	{ boot_report udf-mips.iso; fail "MIPS header does not point at /boot/mips1 (block $lba) with UDF"; }
7z l -tudf udf-mips.iso | grep -q 'boot/mips1' || fail "no UDF view with -mips-boot"
"$MKIMAGE" -o udf-prep.iso --udf -prep-boot-part prep.img tree
start=$(boot_report udf-prep.iso | sed -n 's/^PReP boot partition: *\([0-9]*\) .*/\1/p')
dd if=udf-prep.iso bs=2048 skip="$start" count=2 status=none | cmp -s - prep.img ||
	fail "PReP partition does not hold its file with UDF"
7z l -tudf udf-prep.iso | grep -q 'boot/mips1' || fail "no UDF view with -prep-boot-part"

# One first sector, one machine's boot block: conflicts are refused, naming both options.
expect_fail 2 'mipsel-boot.*MIPS volume header.*-mips-boot' \
	"$MKIMAGE" -o x.iso -mips-boot /boot/mips1 -mipsel-boot /boot/mips2 tree
expect_fail 2 'alpha-boot.*first sector already holds an MBR \(-isohybrid-mbr\)|isohybrid' \
	"$MKIMAGE" -o x.iso -b boot/palo -no-emul-boot -isohybrid-mbr sa.img -alpha-boot /boot/bootlx tree
expect_fail 2 'hppa-ramdisk is missing' \
	"$MKIMAGE" -o x.iso -hppa-cmdline x -hppa-bootloader /boot/palo -hppa-kernel-32 /boot/vmlinux32 \
	-hppa-kernel-64 /boot/vmlinux64 tree
expect_fail 2 'hppa-hdrversion 3: want 4 or 5' "$MKIMAGE" -o x.iso -hppa-hdrversion 3 tree
expect_fail 2 'mips-boot /boot/nothing: not in the image' \
	"$MKIMAGE" -o x.iso -mips-boot /boot/nothing tree
expect_fail 2 'grub2-sparc-core: .*needs -sparc-boot' \
	"$MKIMAGE" -o x.iso --grub2-sparc-core /boot/core.img tree
expect_fail 2 'more than 7 boot images' "$MKIMAGE" -o x.iso -sparc-boot a,b,c,d,e,f,g,h tree
[ ! -e x.iso ] || fail "a refused command line left an image"
