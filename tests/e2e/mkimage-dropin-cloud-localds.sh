# Drop-in: cloud-localds (Debian package cloud-image-utils) run UNCHANGED, with links named
# genisoimage & co. first on PATH.  Its line, in the installed /usr/bin/cloud-localds (0.33-1,
# the same as canonical/cloud-utils bin/cloud-localds at 12a316891b98, read 2026-12-06):
#   genisoimage -output "$img" -volid cidata -joliet -rock "${files[@]}"
# The seed image must be what genisoimage makes of it: same volume id, trees in the ISO 9660,
# Rock Ridge and Joliet views, same contents (the user-data and meta-data given).
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/dropin.inc"
need cloud-localds

printf '#cloud-config\npassword: passw0rd\nchpasswd: { expire: False }\nssh_pwauth: True\n' >user-data
printf 'instance-id: iid-dropin-01\nlocal-hostname: dropin\n' >meta-data
printf 'version: 2\nethernets:\n  eth0:\n    dhcp4: true\n' >network-config

localds() {
	cloud-localds --verbose --network-config="$SCRATCH/network-config" "$OUT/seed.img" \
		"$SCRATCH/user-data" "$SCRATCH/meta-data"
}
dropin_pair localds
grep -q 'filesystem=iso9660' ours.log || { cat ours.log >&2; fail "cloud-localds did not report an iso9660 seed"; }

DROPIN_IMG=seed.img
dropin_compare
grep -q '^Volume id: cidata$' vd.ours || fail "the seed's volume id is not cidata"
mkdir -p expect
cp user-data meta-data network-config expect/
same_tree expect files.ours
