# The simple genisoimage / xorriso -as mkisofs options mkimage implements, checked with readers
# we did not write: file ids, -x, -hide-list, -hide-joliet-list, -log-file, -pad/-no-pad,
# --set_all_file_dates, the honest no-ops changing nothing, and cdrtools mkisofs's UDF spellings.
. "$E2E_DIR/lib.sh"
need isoinfo xorriso udfinfo

export SOURCE_DATE_EPOCH=1700000000
mkdir -p t/sub
printf 'abs\n' >t/ABSTRACT.TXT
printf 'bib\n' >t/BIBLIO.TXT
printf 'copy\n' >t/COPYING.TXT
printf 'a\n' >t/a.txt
printf 'b\n' >t/b.tmp
printf 'c\n' >t/sub/c.txt

# ECMA-119 8.4.19-21 file ids, as isoinfo reads them: libisofs writes d-characters, so the dot
# becomes "_", exactly as in xorriso's image of the same line.
"$MKIMAGE" -abstract ABSTRACT.TXT -biblio BIBLIO.TXT -copyright COPYING.TXT -o ids.iso t
xorriso -as mkisofs -abstract ABSTRACT.TXT -biblio BIBLIO.TXT -copyright COPYING.TXT \
	-o xids.iso t 2>/dev/null
isoinfo -d -i ids.iso | grep 'File id' >ids.txt
isoinfo -d -i xids.iso | grep 'File id' >xids.txt
grep -qx 'Abstract File id: ABSTRACT_TXT' ids.txt || { cat ids.txt >&2; fail "-abstract"; }
grep -qx 'Bibliographic File id: BIBLIO_TXT' ids.txt || fail "-biblio"
grep -qx 'Copyright File id: COPYING_TXT' ids.txt || fail "-copyright"
diff xids.txt ids.txt || fail "file ids differ from xorriso's"

# -x is -m; -hide-list and -hide-joliet-list read -hide / -hide-joliet globs from files.
"$MKIMAGE" -x '*.tmp' -o x.iso t
isoinfo -R -f -i x.iso >x.list
! grep -q 'b.tmp' x.list || fail "-x did not exclude"
grep -q 'a.txt' x.list || fail "-x excluded too much"
printf 'a.txt\n' >hide.lst
printf 'sub\n' >hidej.lst
"$MKIMAGE" -hide-list hide.lst -hide-joliet-list hidej.lst -o h.iso t
isoinfo -R -f -i h.iso >h.rr
isoinfo -J -f -i h.iso >h.j
! grep -q '/a.txt' h.rr || fail "-hide-list: a.txt in Rock Ridge"
grep -q '/a.txt' h.j || fail "-hide-list hid a.txt from Joliet too"
! grep -q '/sub' h.j || fail "-hide-joliet-list: sub in Joliet"
grep -q '/sub/c.txt' h.rr || fail "-hide-joliet-list hid sub from Rock Ridge"
expect_fail 2 'hide list.*missing.lst' "$MKIMAGE" -hide-list missing.lst -o m.iso t
[ ! -e m.iso ] || fail "a missing hide list left an image"

# -log-file: the messages go to the file, stderr stays empty.
"$MKIMAGE" -v -log-file log.txt -o l.iso t 2>l.err
[ ! -s l.err ] || { cat l.err >&2; fail "-log-file: stderr not empty"; }
grep -q 'entries found' log.txt || fail "-log-file: no -v message in the file"
expect_fail 2 'md5 needs Rock Ridge' "$MKIMAGE" -log-file log2.txt --md5 --no-rock -o l3.iso t
[ ! -e log2.txt ] || fail "-log-file created before the command line was checked"
expect_fail 2 'log-file /nonexistent/dir/log' "$MKIMAGE" -log-file /nonexistent/dir/log -o l2.iso t
[ ! -e l2.iso ] || fail "an unwritable -log-file left an image"

# -pad: 150 zero blocks after the image; xorriso sees the same tree.
"$MKIMAGE" -o np.iso t
"$MKIMAGE" -pad -o p.iso t
[ $(($(stat -c %s p.iso) - $(stat -c %s np.iso))) -eq $((150 * 2048)) ] || fail "-pad: not 150 blocks"
[ "$(tail -c $((150 * 2048)) p.iso | tr -d '\0' | wc -c)" -eq 0 ] || fail "-pad: padding not zero"
xorriso -indev p.iso -find / 2>/dev/null | sort >p.find
xorriso -indev np.iso -find / 2>/dev/null | sort >np.find
diff np.find p.find || fail "-pad changed the tree"

# --set_all_file_dates: every file's dates, in Rock Ridge and in the directory records.
"$MKIMAGE" --set_all_file_dates =1600000000 -o d.iso t
n=$(isoinfo -R -l -i d.iso | grep -c '^[-d].*Sep 13 2020')
total=$(isoinfo -R -l -i d.iso | grep -c '^[-d]')
[ "$n" -eq "$total" ] && [ "$n" -gt 6 ] || fail "--set_all_file_dates: $n of $total entries"
"$MKIMAGE" --set_all_file_dates 20200913122640 -o d2.iso t
same_bytes d.iso d2.iso
expect_fail 2 'set_all_file_dates soon' "$MKIMAGE" --set_all_file_dates soon -o d3.iso t

# The no-ops ask for what mkimage always does: the same bytes.
"$MKIMAGE" -cache-inodes --hardlinks -joliet-utf16 --no-emul-toc --no_rc -gui -o n.iso t
same_bytes np.iso n.iso

# cdrtools mkisofs's -UDF is genisoimage's -udf (udfinfo reads the view); -hide-udf and
# -hide-udf-list (implying UDF) leave entries out of the UDF view alone, as 7-Zip, udfinfo and
# isoinfo see; the DVD-Video and DVD-Audio layouts are refused by name, nothing written.
"$MKIMAGE" -udf -o udf.iso t
"$MKIMAGE" -UDF -o UDF.iso t
same_bytes udf.iso UDF.iso
udfinfo UDF.iso | grep -qx 'udfrev=1.02' || fail "-UDF: udfinfo finds no UDF 1.02"
for o in -dvd-video -dvd-audio -dvd-hybrid; do
	expect_fail 2 "^mkimage: $o: not supported: the DVD-Video/DVD-Audio layout" "$MKIMAGE" $o -o dvd.iso t
done
[ ! -e dvd.iso ] || fail "a refused option left an image"
printf 'sub\n' >hideu.lst
"$MKIMAGE" -hide-udf a.txt -hide-udf-list hideu.lst -o hu.iso t
udfinfo hu.iso >hu.info
grep -qx 'numfiles=4' hu.info && grep -qx 'numdirs=1' hu.info || { cat hu.info >&2; fail "-hide-udf: udfinfo counts"; }
LC_ALL=C.UTF-8 7z l -slt -tudf hu.iso >hu.7z 2>&1 || { cat hu.7z >&2; fail "7z l hu.iso"; }
[ "$(sed -n 's/^Path = //p' hu.7z | sort | tr '\n' ' ')" = "ABSTRACT.TXT BIBLIO.TXT COPYING.TXT b.tmp hu.iso " ] ||
	{ cat hu.7z >&2; fail "-hide-udf: 7-Zip lists other entries"; }
isoinfo -R -f -i hu.iso >hu.rr
grep -qx '/a.txt' hu.rr && grep -qx '/sub/c.txt' hu.rr || fail "-hide-udf hid from Rock Ridge too"
[ "$(isoinfo -R -x /a.txt -i hu.iso)" = a ] || fail "-hide-udf: a.txt's data"
"$MKIMAGE" --udf-only -hide-udf a.txt -o huo.iso t
udfinfo huo.iso | grep -qx 'numfiles=5' || fail "-hide-udf --udf-only: udfinfo count"
