# Names UDF cannot hold as given: a 255-character Latin-1 name needs 256 bytes of OSTA CS0
# (the limit is 255) and is stored shortened but unique; invalid UTF-8 is refused naming the path.
. "$E2E_DIR/lib.sh"
need 7z
UDFIMAGE="$(dirname "$BIN")/tools/udfimage"

mkdir tree
n254=$(printf 'n%.0s' $(seq 254))
printf 'fits\n' >"tree/$n254"
printf 'long\n' >"tree/${n254}x"
printf 'longer\n' >"tree/${n254}y"
"$UDFIMAGE" -o names.img tree >out.txt
grep -q 'renamed 2 ' out.txt || { cat out.txt >&2; fail "two names should be shortened"; }
rm -rf x
LC_ALL=C.UTF-8 7z x -tudf -ox names.img >7z.log 2>&1 || { cat 7z.log >&2; fail "7z x"; }
[ "$(cat "x/$n254")" = fits ] || fail "the 254-byte name did not stay as it was"
ls x >names.txt
[ "$(grep -c -E '^n+#[0-9A-F]{4}$' names.txt)" = 2 ] || { cat names.txt >&2; fail "no shortened names"; }
# Both shortened names are distinct and hold their own data.
cat x/n*#* | sort | tr '\n' ' ' | grep -qx 'long longer ' || fail "shortened names lost data"
awk 'length($0) > 254 { exit 1 }' names.txt || fail "a name longer than 254 characters"

mkdir bad
printf 'x' >"bad/ok-$(printf '\377')"
expect_fail 1 '/ok-\\xff: file name is not valid UTF-8' "$UDFIMAGE" -o bad.img bad
