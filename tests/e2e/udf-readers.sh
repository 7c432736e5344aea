# The UDF writer's images, for UDF 1.02, 2.01 and 2.50, read by udfinfo, 7-Zip, pycdlib and
# udfclient (NetBSD's UDF code): same names, types, contents, and with pycdlib (1.02) and
# udfclient (2.01, 2.50) modes, owners, link counts, times and symlink targets.
. "$E2E_DIR/lib.sh"
. "$TOP/tests/tools/udf-tree.sh"
need udfinfo 7z udfclient timeout
need_pycdlib
UDFIMAGE="$(dirname "$BIN")/tools/udfimage"
MANIFEST="$TOP/tests/tools/udf_manifest.py"

make_udf_tree tree
read -r files dirs <<EOF2
$(udf_expected_counts tree)
EOF2
# 7-Zip refuses a whole UDF volume when any File Entry is a symlink or a special file (ICB file
# types 12, 6, 7, 9, 10, which ECMA-167 4/14.6.6 defines and Linux writes), so it reads a copy
# with only files and directories.
cp -a tree nolinks
find nolinks ! -type f ! -type d -delete

for rev in 1.02 2.01 2.50; do
	note "UDF $rev"
	"$UDFIMAGE" -r "$rev" -V "Test_Vol_$rev" -t 1612325106 -o "full-$rev.img" tree >/dev/null
	udf_check_info "full-$rev.img" "$rev" "Test_Vol_$rev" "$files" "$dirs"

	"$UDFIMAGE" -r "$rev" -V "nolinks" -o "nolinks-$rev.img" nolinks >/dev/null
	rm -rf out
	LC_ALL=C.UTF-8 7z x -tudf -oout "nolinks-$rev.img" >7z.log 2>&1 || { cat 7z.log >&2; fail "7z x $rev"; }
	# diff -r: same names, same types, byte-identical contents (7-Zip keeps no Unix modes).
	diff -r nolinks out >&2 || fail "7z extracts another tree from the UDF $rev image"
	[ "$(find out -type f | wc -l)" -gt 5000 ] || fail "7z extracted too few files"
done

# udfclient reads Extended File Entries and the 2.50 metadata partition.  It takes Latin-1 names
# only and fetches symlinks as files, so it checks the ASCII part of the tree: attributes as
# its ls shows them (group before owner) and the contents of the 5,000-entry directory and of
# the 30 levels.
for rev in 2.01 2.50; do
	note "udfclient, UDF $rev"
	rm -rf uc && mkdir uc
	mount=$(printf 'ls\nquit\n' | udfclient -b 2048 "full-$rev.img" 2>&1 | awk '/^drwx/ { print $5; exit }')
	case "$mount" in *":Test_Vol_$rev:Test_Vol_$rev:Test_Vol_$rev") ;; *) fail "udfclient: no volume ($mount)" ;; esac
	(cd uc && printf 'cd %s\nls sub\nget many\nget deep\nquit\n' "$mount" |
		timeout 300 udfclient -b 2048 "../full-$rev.img" >../uc.log 2>&1) || fail "udfclient $rev"
	for want in '-rw-------   5678   1234        2048  one-block' \
		'-rwxr-xr-x      0      0        6145  three-blocks-and-one' \
		'-rw-r--r--      0      0           0  also-empty' \
		'-rwxrwxrwx     43     42          14  rel-link'; do
		grep -qxF -- "$want" uc.log || { cat uc.log >&2; fail "udfclient $rev: no '$want'"; }
	done
	diff -r tree/many uc/many >&2 || fail "udfclient $rev reads another many/"
	diff -r tree/deep uc/deep >&2 || fail "udfclient $rev reads another deep/"
	# udfclient gives extracted files the modification time it read.
	[ "$(stat -c %Y uc/many/entry-17)" = "$(stat -c %Y tree/many/entry-17)" ] || fail "udfclient $rev: mtime"
done

# pycdlib reads File Entries (tag 261) only, not Extended File Entries or the metadata
# partition, so it checks the 1.02 image: every attribute UDF keeps.
$PYTHON "$MANIFEST" dir tree >want.txt
$PYTHON "$MANIFEST" udf full-1.02.img >got.txt
diff -u want.txt got.txt >&2 || fail "pycdlib sees another tree in the UDF 1.02 image"
[ "$(wc -l <got.txt)" -gt 5000 ] || fail "pycdlib manifest too short"
# 2.60 is 2.50 with another revision number: udfinfo must accept it too.
"$UDFIMAGE" -r 2.60 -V v260 -o full-2.60.img tree >/dev/null
udf_check_info full-2.60.img 2.60 v260 "$files" "$dirs"
