# Sourced by the tests/e2e/udf-*.sh tests: builds the tree of every case issue 4 lists.
# make_udf_tree DIR: UTF-8 and 255-byte names, deep directories, symlinks, hard links, empty
# files, a directory of 5,000 entries, modes with setuid/setgid/sticky, other owners; fixed
# times so that two trees built alike give the same image.
make_udf_tree() {
	t=$1
	mkdir -p "$t/sub" "$t/many" "$t/Ünïcödé 日本" "$t/sticky"
	printf 'hello\n' >"$t/a.txt"
	printf 'x%.0s' $(seq 2048) >"$t/sub/one-block"
	head -c 6145 /dev/urandom >"$t/sub/three-blocks-and-one"
	: >"$t/empty"
	: >"$t/sub/also-empty"
	ln "$t/a.txt" "$t/sub/hard-1"
	ln "$t/a.txt" "$t/Ünïcödé 日本/hard-2"
	ln -s ../a.txt "$t/sub/rel-link"
	ln -s /etc/passwd "$t/abs-link"
	ln -s "./Ünïcödé 日本/../sub/one-block" "$t/messy-link"
	ln -s "Ünïcödé 日本" "$t/utf8-link"
	# Over 1,900 bytes of path components: too long to embed in the File Entry.  Rock Ridge
	# through libisofs holds at most 1,024 bytes (mkimage then fails, naming the link), so
	# trees for mkimage (UDF_TREE_FOR_ISO=1) get a 1,000-byte one.
	n=10
	[ -n "${UDF_TREE_FOR_ISO:-}" ] && n=5
	ln -s "$(for i in $(seq $n); do printf '%0200d/' $i; done)end" "$t/long-link"
	printf 'u\n' >"$t/Ünïcödé 日本/ü.txt"
	printf 'e\n' >"$t/smile😀.txt"
	# 255-byte UTF-8 names: 127 é + a (8-bit OSTA form) and 85 CJK (16-bit form).
	printf 'l\n' >"$t/$(printf 'é%.0s' $(seq 127))a"
	printf 'c\n' >"$t/$(printf '日%.0s' $(seq 85))"
	p="$t/deep"
	for i in $(seq 1 30); do p="$p/level$i"; done
	mkdir -p "$p"
	printf 'bottom\n' >"$p/file"
	# Special files: FIFO, socket, character and block devices (with their numbers).
	mkdir "$t/special"
	mkfifo "$t/special/fifo"
	mknod "$t/special/null" c 1 3
	mknod "$t/special/loop" b 7 200
	$PYTHON -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$t/special/sock"
	for i in $(seq 1 5000); do printf '%s\n' "$i" >"$t/many/entry-$i"; done
	chmod 0600 "$t/sub/one-block"
	chmod 0755 "$t/sub/three-blocks-and-one"
	chmod 4755 "$t/smile😀.txt"
	chmod 2750 "$t/sub"
	chmod 1777 "$t/sticky"
	chown 1234:5678 "$t/sub/one-block"
	chown -h 42:43 "$t/sub/rel-link"
	find "$t" -exec touch -h -d '2021-02-03 04:05:06 UTC' {} +
}

# udf_expected_counts DIR: "files dirs" as udfinfo reports them (one File Entry per inode,
# symlinks included; directories include the root).
udf_expected_counts() {
	echo "$(find "$1" ! -type d -printf '%i\n' | sort -u | wc -l) $(find "$1" -type d | wc -l)"
}

# udf_check_info IMG REV LABEL FILES DIRS: udfinfo (udftools) sees a closed volume of that
# revision, label and counts.
udf_check_info() {
	udfinfo "$1" >udfinfo.out 2>udfinfo.err || { cat udfinfo.err >&2; fail "udfinfo rejects $1"; }
	# udfrev is the minimum read revision: at most 2.50 for a 2.60 volume (UDF 2.60, Basic
	# Restrictions), which keeps 2.60 in its write revision.
	uci_rev="udfrev=$2" uci_wrev="udfwriterev=$2"
	[ "$2" = 2.60 ] && uci_rev="udfrev=2.50"
	for want in "$uci_rev" "$uci_wrev" "label=$3" "numfiles=$4" "numdirs=$5" "integrity=closed" \
		"impid=*mkimage (img toolkit)"; do
		grep -qxF "$want" udfinfo.out || { cat udfinfo.out >&2; fail "udfinfo: no '$want' in $1"; }
	done
	# The partition covers everything up to the closing anchor, not a block less or more
	# (Windows refuses files over 4 GiB when a partition length is off by one).
	pspace=$(sed -n 's/^start=\([0-9]*\), blocks=\([0-9]*\), type=PSPACE$/\1 \2/p' udfinfo.out)
	anchor=$(sed -n 's/^start=\([0-9]*\), blocks=1, type=ANCHOR$/\1/p' udfinfo.out | tail -n 1)
	set -- $pspace
	[ $(($1 + $2)) = "$anchor" ] || { cat udfinfo.out >&2; fail "partition $1+$2, closing anchor $anchor"; }
}
