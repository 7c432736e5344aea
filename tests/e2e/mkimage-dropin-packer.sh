# Drop-in: Packer's CD step (cd_files), both forms it knows on Linux.  From
# hashicorp/packer-plugin-sdk multistep/commonsteps/step_create_cdrom.go (commit 8c4613c4f1ff,
# read 2026-12-06), supportedCDISOCreationCommands:
#   xorriso -as genisoimage -rock -joliet -volid LABEL -output DEST SOURCE
#   mkisofs -joliet -volid LABEL -o DEST SOURCE
# (Packer tries xorriso first, then mkisofs; a machine without xorriso runs the second.)
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/dropin.inc"

src=$SCRATCH/packer_to_cdrom
mkdir -p "$src/http" "$src/scripts"
printf 'd-i debian-installer/locale string en_US\n' >"$src/http/preseed.cfg"
printf '#!/bin/sh\necho provision\n' >"$src/scripts/provision.sh"
chmod 755 "$src/scripts/provision.sh"
printf '<unattend/>\n' >"$src/Autounattend.xml"
head -c 5000 /dev/urandom >"$src/scripts/blob.bin"

xorriso_form() {
	xorriso -as genisoimage -rock -joliet -volid cidata -output "$OUT/packer-x.iso" "$src"
}
mkisofs_form() {
	mkisofs -joliet -volid packer -o "$OUT/packer-m.iso" "$src"
}
dropin_pair xorriso_form
DROPIN_IMG=packer-x.iso
dropin_compare --dates
dropin_same_source files.ours "$src" mode

rm -rf files.real files.ours
dropin_pair mkisofs_form
DROPIN_IMG=packer-m.iso
# Debian's mkisofs is genisoimage: no Rock Ridge unless asked.  Its ISO 9660 names (8.3, upper
# case) and the Joliet names are compared; the content through the Joliet view (bsdtar reads
# it when there is no Rock Ridge).
dropin_compare --no-rr
grep -q '^Rock Ridge signatures' vd.ours && fail "Rock Ridge in mkimage's image, though the line does not ask for it"
rm -rf joliet.ours && mkdir joliet.ours && bsdtar -C joliet.ours -xf ours/packer-m.iso
dropin_same_source joliet.ours "$src"
