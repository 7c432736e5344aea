# The summary's opening paragraph against file(1), isoinfo -d and xorriso's reports: the
# volume id, size, boot platforms (El Torito), the hybrid partition tables, dates and MD5s;
# on a hybrid BIOS+EFI image with MD5 tags and on a plain mkimage image; and --json's "about"
# is the same paragraph.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/imginfo_images.sh"
need xorriso isoinfo file mkfs.vfat mcopy

make_tree src
make_hybrid hyb.iso src
"$IMGINFO" hyb.iso >s.txt || fail "summary failed"
# The paragraph: the lines before the first blank one, then the detail as before.
sed '/^$/q' s.txt | sed '$d' >about.txt
[ "$(sed -n "$(($(wc -l <about.txt) + 2))p" s.txt)" = "image:" ] || fail "the detail does not follow the paragraph"
cat about.txt >&2

vol=$(sed -n 's/^Volume id: //p' <(isoinfo -d -i hyb.iso))
grep -q "volume \"$vol\"" about.txt || fail "paragraph lacks the volume id $vol"
file hyb.iso | grep -q "'$vol'" || fail "file(1) disagrees on the volume id"
grep -q "($(stat -c %s hyb.iso) bytes)" about.txt || fail "paragraph lacks the size"
grep -q 'Rock Ridge' about.txt && isoinfo -d -i hyb.iso | grep -q '^Rock Ridge signatures' ||
	fail "Rock Ridge not in both"
grep -q 'Joliet' about.txt && isoinfo -d -i hyb.iso | grep -q '^Joliet' || fail "Joliet not in both"
xorriso -indev hyb.iso -report_el_torito plain 2>/dev/null >et.txt
grep -q 'boot img :.*BIOS' et.txt && grep -q 'boot img :.*UEFI' et.txt || fail "xorriso: not BIOS+UEFI"
grep -q '^Boots from CD/DVD (El Torito): BIOS and UEFI' about.txt || fail "paragraph: not BIOS and UEFI"
xorriso -indev hyb.iso -report_system_area plain 2>/dev/null | grep -q 'summary: MBR.* GPT' ||
	fail "xorriso sees no MBR and GPT"
grep -q 'from USB as a hybrid disk (MBR and GPT), with an EFI system partition' about.txt ||
	fail "paragraph: no USB boot through MBR and GPT"
ctime=$(xorriso -indev hyb.iso -pvd_info 2>/dev/null | sed -n 's/^Creation Time: //p')
want="Created ${ctime:0:4}-${ctime:4:2}-${ctime:6:2} ${ctime:8:2}:${ctime:10:2}:${ctime:12:2} UTC"
grep -q "^$want" about.txt || fail "paragraph's date is not '$want'"
grep -q '^Checksums: an MD5 of the session and MD5s of [1-9][0-9]* files' about.txt ||
	fail "paragraph: no session and file MD5s (xorriso --md5)"

# JSON: the same paragraph under "about", the other keys as before.
"$IMGINFO" --json hyb.iso >s.json
[ "$(jq_py s.json 'd["about"]')" = "$(cat about.txt)" ] || fail "--json about differs from the text"
[ "$(jq_py s.json 'list(d)[:7]')" = "['image', 'volume_descriptors', 'file_systems', 'el_torito', 'system_area', 'md5', 'errors']" ] ||
	fail "--json keys moved"

rm -f src/efi.img
"$MKIMAGE" -q -o plain.iso src
"$IMGINFO" plain.iso | sed '/^$/q' >plain.txt
grep -q '^Not bootable (no El Torito catalog, no partition table)' plain.txt || fail "plain.iso bootable?"
grep -q '^Checksums: no MD5 tags' plain.txt || fail "plain.iso: MD5s?"
! isoinfo -d -i plain.iso | grep -q 'El Torito' || fail "isoinfo sees El Torito in plain.iso"
