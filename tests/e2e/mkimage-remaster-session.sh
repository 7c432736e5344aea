# Remastering an older session: mkimage --indev OLD --session N (and xorriso's native
# -load session N, before or after -indev) imports session N of an image grown by xorriso
# -dev, as xorriso -load session N does: the tree (isoinfo -R, bsdtar contents) is session N's
# with the added file, equal to real xorriso's remaster of the same session; session 1's
# ISOLINUX boot setup (El Torito and the isohybrid MBR of that session's own head, with its
# geometry) comes out as real xorriso's replay of it.  A session that does not exist, --session
# without --indev: refused, nothing written, the old image unchanged.
. "$E2E_DIR/lib.sh"
need xorriso isoinfo bsdtar sha256sum
need_file isolinux /usr/lib/ISOLINUX/isohdpfx.bin /usr/lib/ISOLINUX/isolinux.bin

mkdir -p s1/isolinux s2 s3 add
cp /usr/lib/ISOLINUX/isolinux.bin s1/isolinux/
echo one >s1/one.txt
echo two >s2/two.txt
echo three >s3/three.txt
echo "one, replaced" >s3/one.txt
echo added >add/added.txt
# session 1 bootable (El Torito + isohybrid MBR), 2 and 3 plain, one.txt replaced in 3
xorriso -dev g.iso -map s1 / -boot_image isolinux dir=/isolinux \
	-boot_image any system_area=/usr/lib/ISOLINUX/isohdpfx.bin \
	-boot_image isolinux partition_table=on -commit >x.log 2>&1 || { cat x.log; fail "session 1"; }
xorriso -dev g.iso -map s2 / -commit >x.log 2>&1 || { cat x.log; fail "session 2"; }
xorriso -dev g.iso -map s3 / -commit >x.log 2>&1 || { cat x.log; fail "session 3"; }
[ "$(xorriso -indev g.iso -toc 2>/dev/null | grep -c '^ISO session')" = 3 ] ||
	fail "xorriso -toc does not list 3 sessions"
sum=$(sha256sum g.iso)

mkdir -p xo
ln -s "$MKIMAGE" xo/xorriso
for n in 1 2 3; do
	# (xorriso without -boot_image any replay drops El Torito and its catalog: keep-none)
	"$MKIMAGE" -quiet --indev g.iso --session $n --boot keep-none -o m$n.iso add
	# real xorriso's remaster of session n, and mkimage answering as xorriso (-load first)
	xorriso -load session $n -indev g.iso -outdev r$n.iso -map add/added.txt /added.txt \
		-commit >x.log 2>&1 || { cat x.log; fail "xorriso -load session $n"; }
	xo/xorriso -load session $n -indev g.iso -outdev n$n.iso -map add/added.txt \
		/added.txt -commit || fail "mkimage as xorriso, -load session $n"
	for img in m$n r$n n$n; do
		isoinfo -R -f -i $img.iso | sort >$img.lst
		rm -rf x-$img && mkdir x-$img && bsdtar -xf $img.iso -C x-$img
	done
	diff -u r$n.lst m$n.lst >&2 || fail "session $n: mkimage's tree is not xorriso's"
	diff -u r$n.lst n$n.lst >&2 || fail "session $n: -load session $n's tree is not xorriso's"
	diff -r x-r$n x-m$n >&2 || fail "session $n: contents differ from xorriso's"
	diff -r x-r$n x-n$n >&2 || fail "session $n: contents (-load) differ from xorriso's"
done
grep -qx /two.txt m2.lst && ! grep -q three m2.lst || fail "session 2 is not session 2"
[ "$(cat x-m1/one.txt)" = one ] && [ "$(cat x-m3/one.txt)" = "one, replaced" ] ||
	fail "one.txt: not each session's own"
# -load after -indev, as xorriso takes it too
xo/xorriso -indev g.iso -load session 2 -outdev n2b.iso -map add/added.txt /added.txt ||
	fail "-indev then -load session 2"
isoinfo -R -f -i n2b.iso | sort | diff -u r2.lst - >&2 || fail "-indev -load session 2"

# session 1's boot setup, replayed from that session's own head, as xorriso replays it
report() {
	xorriso -indev "$1" -report_el_torito as_mkisofs -report_system_area plain 2>/dev/null |
		sed -E -e "s/(--interval:[a-z_]+:)[^']*'[^']*'/\1AREA:'IMG'/" \
			-e "s/--modification-date='[0-9]+'/--modification-date=DATE/" \
			-e 's/^(ISO image size\/512 *:).*/\1 N/' \
			-e 's/^(MBR partition +: +[0-9]+ +0x[0-9a-f]+ +0x[0-9a-f]+).*/\1 N N/'
}
xorriso -load session 1 -indev g.iso -outdev rb1.iso -boot_image any replay \
	-map add/added.txt /added.txt -commit >x.log 2>&1 || { cat x.log; fail "xorriso replay 1"; }
xo/xorriso -load session 1 -indev g.iso -outdev nb1.iso -boot_image any replay \
	-map add/added.txt /added.txt -commit || fail "mkimage as xorriso: replay of session 1"
report rb1.iso >rb1.rep
report nb1.iso >nb1.rep
grep -q -- '^-b .*/isolinux/isolinux.bin' rb1.rep && grep -q -- '^-isohybrid-mbr' rb1.rep ||
	{ cat rb1.rep; fail "xorriso's replay of session 1 has no ISOLINUX setup"; }
diff -u rb1.rep nb1.rep >&2 || fail "session 1's boot setup differs from xorriso's replay"
"$MKIMAGE" -quiet --indev g.iso --session 1 -o mb1.iso add
report mb1.iso | grep -v modification-date >mb1.rep
grep -v modification-date rb1.rep | diff -u - mb1.rep >&2 || fail "--session 1's boot setup"

# refusals
expect_fail 2 'g.iso: --session 4: no session 4: the image has 3' \
	"$MKIMAGE" --indev g.iso --session 4 -o bad.iso add
expect_fail 2 '--session needs --indev' "$MKIMAGE" --session 2 -o bad.iso add
expect_fail 2 '-load lba: not supported' xo/xorriso -load lba 32 -indev g.iso -outdev bad.iso
expect_fail 2 '-load session 0: want a session number' \
	xo/xorriso -load session 0 -indev g.iso -outdev bad.iso
[ ! -e bad.iso ] || fail "a refused run left bad.iso"
[ "$(sha256sum g.iso)" = "$sum" ] || fail "g.iso changed"
