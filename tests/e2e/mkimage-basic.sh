# A directory becomes an ISO9660 + Rock Ridge + Joliet image that independent readers
# (bsdtar, xorriso, isoinfo, 7z, pycdlib) extract to the same tree.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/mkimage.inc"
need bsdtar xorriso isoinfo 7z

sample_tree src
"$MKIMAGE" --md5 -o out.iso src 2>err || { cat err >&2; fail "mkimage failed"; }
# The one name over Joliet's 64 characters is reported, nothing else.
grep -q '1 name too long for Joliet: kept there under shortened unique names' err \
	|| { cat err >&2; fail "no word about the shortened Joliet name"; }
[ "$(grep -c . err)" -eq 1 ] || { cat err >&2; fail "unexpected messages"; }

isoinfo -d -i out.iso >pvd
grep -q '^Volume id: CDROM$' pvd || fail "default volume id"
grep -q '^Rock Ridge signatures' pvd || fail "no Rock Ridge"
grep -q '^Joliet with UCS level 3' pvd || fail "no Joliet"

# bsdtar and xorriso: same names, types, contents, symlink targets and modes.
extract_bsdtar out.iso x
same_tree src x mode
extract_xorriso out.iso y
same_tree src y mode
[ "$(mtimes src)" = "$(mtimes x)" ] || { diff <(mtimes src) <(mtimes x) >&2; fail "bsdtar mtimes"; }
[ "$(mtimes src)" = "$(mtimes y)" ] || { diff <(mtimes src) <(mtimes y) >&2; fail "xorriso mtimes"; }
# The hard link is one file in the image.
[ "$(stat -c %i x/a.txt)" = "$(stat -c %i x/sub/hard-a)" ] || fail "hard link not kept (bsdtar)"

# 7z (it picks the Joliet tree): every file and directory is there, by its full name.
7z l -slt out.iso >7z.txt
long=$(printf 'n%.0s' $(seq 1 196))
for p in a.txt empty "grüße-ñ-日本.txt" sub/random.bin sub/run.sh sub/hard-a modes/m600 empty-dir; do
	grep -qxF "Path = $p" 7z.txt || fail "7z does not list $p"
done

# Joliet (pycdlib): UTF-8 names intact; the 200-byte name shortened but there.
joliet_names out.iso >joliet.txt
grep -qxF "/grüße-ñ-日本.txt" joliet.txt || { cat joliet.txt >&2; fail "Joliet UTF-8 name"; }
grep -q "^/sub/nnnnnnnn" joliet.txt || { cat joliet.txt >&2; fail "long name missing from Joliet"; }
[ "$(grep -c . joliet.txt)" -eq 13 ] || { cat joliet.txt >&2; fail "Joliet entry count"; }

# With --md5, MD5 of the session and of every file are recorded: xorriso verifies both.
xorriso -md5 on -indev out.iso -check_md5 FAILURE -- >md5.txt 2>&1 || { cat md5.txt >&2; fail "session MD5"; }
grep -q 'Ok, session data match recorded md5' md5.txt || { cat md5.txt >&2; fail "no session MD5"; }
xorriso -md5 on -indev out.iso -check_md5_r FAILURE / -- >md5r.txt 2>&1 || { cat md5r.txt >&2; fail "file MD5s"; }
grep -q 'File contents and their MD5 checksums match' md5r.txt || { cat md5r.txt >&2; fail "no file MD5s"; }
