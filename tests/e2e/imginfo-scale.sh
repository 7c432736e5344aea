# A 20,000-file image: every entry listed once in each view, the same set xorriso -find sees,
# and --check agrees across views (the bench measures the 100,000-file case).
. "$E2E_DIR/lib.sh"
need xorriso

$PYTHON - <<'PY'
import os
for d in range(20):
    p = "t/dir%02d" % d
    os.makedirs(p)
    for f in range(1000):
        with open("%s/a_file_with_a_long_name_%04d.txt" % (p, f), "w") as fh:
            fh.write("x" * (f % 70))
PY
xorriso -as mkisofs -R -J -o s.iso t 2>/dev/null || fail "xorriso"
"$IMGINFO" -l s.iso | awk '{print $NF}' | sort >ours.rr
xorriso -indev s.iso -find / 2>/dev/null | sed "s/^'//; s/'$//" | sort >xo.rr
[ "$(wc -l <ours.rr)" -eq 20021 ] || fail "rr view lists $(wc -l <ours.rr) entries"
diff xo.rr ours.rr >&2 || fail "rr listing differs from xorriso -find"
[ "$("$IMGINFO" -l --view joliet s.iso | wc -l)" -eq 20021 ] || fail "joliet view count"
[ "$("$IMGINFO" -l --view iso s.iso | wc -l)" -eq 20021 ] || fail "iso view count"
"$IMGINFO" --check s.iso >check.out || { cat check.out >&2; fail "--check"; }
