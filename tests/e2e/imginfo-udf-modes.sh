# imginfo's UDF view keeps the set-user-ID, set-group-ID and sticky bits, which UDF stores in
# the ICB tag's flags (ECMA-167 4/14.6.8), not in the permissions: `imginfo -l --view udf`
# (text and JSON) shows the modes the source tree has, and that pycdlib reads from the same
# image (pycdlib reads UDF 1.02), for the bridge (-udf) and UDF-only images; extraction keeps
# the sticky bit and drops set-user-ID and set-group-ID, as it does for the Rock Ridge view
# (imginfo.1).
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/imginfo_images.sh"
need_pycdlib
MANIFEST="$TOP/tests/tools/udf_manifest.py"

mkdir -p tree/sticky tree/sgid tree/plain
echo suid >tree/suid
echo both >tree/sgid/both
echo sticky >tree/sticky/file
echo plain >tree/plain/file
chmod 4755 tree/suid
chmod 6711 tree/sgid/both
chmod 2750 tree/sgid
chmod 1777 tree/sticky
chmod 1644 tree/sticky/file
chmod 0640 tree/plain/file

# path mode, sorted: from the source tree, from pycdlib (its manifest: path type path mode ...)
# and from imginfo's JSON listing.
$PYTHON - tree >want.txt <<'PY'
import os, stat, sys
top = sys.argv[1]
for root, dirs, files in os.walk(top):
    for n in dirs + files:
        p = os.path.join(root, n)
        print("/" + os.path.relpath(p, top), "%o" % stat.S_IMODE(os.lstat(p).st_mode))
PY
sort -o want.txt want.txt
grep -q '^/suid 4755$' want.txt && grep -q '^/sticky 1777$' want.txt || fail "the source tree lost its modes"

for form in "-udf --udf-rev 1.02" "--udf-only --udf-rev 1.02" "-udf --udf-rev 2.50" "--udf-only --udf-rev 2.60"; do
	note "mkimage $form"
	# shellcheck disable=SC2086
	"$MKIMAGE" -quiet $form -o m.iso tree || fail "mkimage $form"
	case $form in
	*2.[56]0)	;;
	*)	$PYTHON "$MANIFEST" udf m.iso | awk '{ print $1, $4 }' | sort >pycdlib.txt
		diff -u want.txt pycdlib.txt >&2 || fail "$form: pycdlib reads other modes than the tree's" ;;
	esac
	"$IMGINFO" -l --view udf --json m.iso >l.json || fail "$form: -l --view udf --json"
	jq_py l.json '"\n".join("%s %s" % (e["path"], e["mode"].lstrip("0")) for e in d["entries"] if e["path"] != "/")' |
		sort >ours.txt
	diff -u want.txt ours.txt >&2 || fail "$form: imginfo's UDF view shows other modes than the tree's"
	"$IMGINFO" -l --view udf m.iso >l.txt || fail "$form: -l --view udf"
	grep -Eq '^-rwsr-xr-x .* /suid$' l.txt && grep -Eq '^-rws--s--x .* /sgid/both$' l.txt &&
		grep -Eq '^drwxr-s--- .* /sgid$' l.txt && grep -Eq '^drwxrwxrwt .* /sticky$' l.txt &&
		grep -Eq '^-rw-r--r-T .* /sticky/file$' l.txt ||
		{ cat l.txt >&2; fail "$form: the text listing lacks s, S, t or T"; }

	# Extraction: the UDF view gives what the Rock Ridge view gives (with -udf), and both
	# what the tree is without set-user-ID and set-group-ID.
	rm -rf udf-out rr-out nosuid
	cp -a tree nosuid
	chmod u-s,g-s nosuid/suid nosuid/sgid/both nosuid/sgid
	"$IMGINFO" --view udf -x / -C udf-out m.iso || fail "$form: -x --view udf"
	same_tree nosuid udf-out mode
	case $form in
	-udf*)
		"$IMGINFO" --view rr -x / -C rr-out m.iso || fail "$form: -x --view rr"
		same_tree rr-out udf-out mode ;;
	esac
done
