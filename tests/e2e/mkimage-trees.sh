# Big and awkward trees: 10,000 files in one directory, a 12-level deep tree, UTF-8 and
# 200-byte names; bsdtar and xorriso extract them intact, Joliet lists every file.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/mkimage.inc"
need bsdtar xorriso

mkdir -p src/many
(cd src/many && seq -f 'file-%05g.txt' 1 10000 | xargs touch)
printf 'some content\n' >src/many/file-00042.txt
deep=src/l1/l2/l3/l4/l5/l6/l7/l8/l9/l10/l11/l12
mkdir -p $deep
printf 'deep\n' >$deep/leaf.txt
mkdir src/names
for i in 1 2 3; do
	printf 'n%s\n' $i >"src/names/$(printf "%0200d" $i)"          # 200-byte names
done
printf 'u\n' >"src/names/Ελληνικά-русский-中文-🎉.txt"
printf 'e\n' >"src/names/café"
ln -s "Ελληνικά-русский-中文-🎉.txt" src/names/utf8-link

"$MKIMAGE" -quiet -o out.iso src 2>err || { cat err >&2; fail "mkimage failed"; }
extract_bsdtar out.iso x
same_tree_fast src x
extract_xorriso out.iso y
same_tree_fast src y

# Joliet keeps every file (the 200-byte names under shortened unique names) and the UTF-8
# names as they are.
joliet_names out.iso >joliet.txt
[ "$(grep -c '^/many/' joliet.txt)" -eq 10000 ] || fail "Joliet lost files in /many"
[ "$(grep -c '^/names/0000' joliet.txt)" -eq 3 ] || { grep names joliet.txt >&2; fail "Joliet long names"; }
grep -qxF '/names/Ελληνικά-русский-中文-🎉.txt' joliet.txt || fail "Joliet UTF-8 name"
grep -qxF "/${deep#src/}/leaf.txt" joliet.txt || fail "Joliet deep file"
grep -q '3 names too long for Joliet' err || { cat err >&2; fail "no warning about Joliet names"; }

# A Joliet path over 240 bytes (xorriso leaves such files out of Joliet): kept, with a word.
a=$(printf 'a%.0s' $(seq 60))
mkdir -p "jsrc/$a/$a/$a"
printf 'deep\n' >"jsrc/$a/$a/$a/file.txt"
"$MKIMAGE" -quiet -o j.iso jsrc 2>jerr || { cat jerr >&2; fail "mkimage failed"; }
grep -q '3 Joliet paths longer than 240 bytes: kept in the Joliet tree' jerr || { cat jerr >&2; fail "no warning"; }
joliet_names j.iso | grep -qxF "/$a/$a/$a/file.txt" || fail "long Joliet path dropped"
