# Drop-in: OpenStack Nova's config drive.  The line, from openstack/nova
# nova/virt/configdrive.py (_make_iso9660, commit 05815a8cb47c, read 2026-12-06), with
# CONF.mkisofs_cmd at its default, genisoimage:
#   genisoimage -o PATH -ldots -allow-lowercase -allow-multidot -l -publisher PUBLISHER -quiet
#               -J -r -V config-2 TMPDIR
# The tree is what Nova writes into TMPDIR (openstack/latest/..., ec2/...): names with several
# dots, lower case and more than 8.3 characters, which the relaxations keep in the ISO 9660 view.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/dropin.inc"

md=$SCRATCH/configdrive
mkdir -p "$md/openstack/latest" "$md/openstack/2012-08-10" "$md/ec2/2009-04-04" "$md/openstack/content"
printf '{"uuid": "d8e02d56-2648-49a3-bf97-6be8f1204f38", "hostname": "dropin"}\n' >"$md/openstack/latest/meta_data.json"
cp "$md/openstack/latest/meta_data.json" "$md/openstack/2012-08-10/meta_data.json"
printf '{"links": [], "networks": []}\n' >"$md/openstack/latest/network_data.json"
printf '{}\n' >"$md/openstack/latest/vendor_data2.json"
printf '#!/bin/sh\necho user data\n' >"$md/openstack/latest/user_data"
printf '{"hostname": "dropin"}\n' >"$md/ec2/2009-04-04/meta-data.json"
printf 'file injected\n' >"$md/openstack/content/0000"
printf 'dots\n' >"$md/openstack/latest/.hidden.v1.2.txt"

# Documented difference: genisoimage writes -publisher as given ("OpenStack Compute ..."), which
# ECMA-119 8.4.20 does not allow (a-characters: upper case); libisofs and xorriso upper-case it.
# Nova never reads it back.  Compared without regard to case.
DROPIN_UPCASE_FIELDS=Publisher_id
note "documented difference: the publisher id is compared without case (ECMA-119 a-characters)"

# Documented difference: genisoimage keeps ".hidden.v1.2.txt" in the ISO 9660 view (-ldots
# -allow-multidot); libisofs has no rule for those two, and xorriso, given the same line, writes
# "_hidden_v1_2.txt" as mkimage does.  Rock Ridge and Joliet keep the name in all three.
dropin_allow '^/openstack/latest/(\.hidden\.v1\.2\.txt|_hidden_v1_2\.txt);1 ' \
	"-ldots -allow-multidot: libisofs (and so xorriso and mkimage) has no rule for them"

novadrive() {
	genisoimage -o "$OUT/configdrive.iso" -ldots -allow-lowercase -allow-multidot -l \
		-publisher "OpenStack Compute 29.0.0" -quiet -J -r -V config-2 "$md"
}
dropin_pair novadrive

DROPIN_IMG=configdrive.iso
dropin_compare
grep -q '^Volume id: config-2$' vd.ours || fail "the volume id is not config-2"
# The relaxed ISO 9660 names themselves (lower case, several dots, long): what Nova asks for.
grep -q '/openstack/latest/network_data.json;1 ' tree-iso.ours ||
	{ cat tree-iso.ours >&2; fail "the ISO 9660 view lost the relaxed names"; }
dropin_same_source files.ours "$md"
