#!/bin/sh
# Builds every libFuzzer target (tests/fuzz/fuzz_<parser>.c) with clang and ASan+UBSan and runs
# each for a bounded time: FUZZ_SECONDS (default 60) per target.  Seed corpora are cut at run
# time from good images made with xorriso.  Exit status is non-zero if a target crashes.
# FUZZ_SEED fixes libFuzzer's random seed: make check sets it, so that a short run explores the
# same inputs on every machine (a gate that passes here passes in CI, and a failure there can be
# replayed here); make fuzz leaves it unset, to explore.
# Usage: tests/fuzz/run.sh [TARGET...]   (default: all)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
secs=${FUZZ_SECONDS:-60}
work=${FUZZ_DIR:-$top/build/fuzz}
CC=${FUZZ_CC:-clang}
mkdir -p "$work"
cd "$work"
export LSAN_OPTIONS="suppressions=$here/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

pkgs="libisofs-1 libburn-1 popt json-c libcrypto zlib"
cflags="-g -O1 -std=c11 -D_XOPEN_SOURCE=700 -D_FILE_OFFSET_BITS=64 -I$top $(pkg-config --cflags $pkgs)"
libs="$(pkg-config --libs $pkgs)"
common="$top/common/base/error.c $top/common/inspect/source.c $top/common/inspect/voldesc.c $top/common/inspect/eltorito.c \
	$top/common/inspect/sysarea.c $top/common/inspect/iso_read.c $top/common/inspect/filetree.c $top/common/udf/udf_read.c \
	$top/common/burn/wav.c $top/common/base/unicode.c $top/common/udf/udf_desc.c"
common="$common $top/common/inspect/extract.c $top/common/base/grow.c $top/common/udf/udf_partmap.c \
	$top/common/udf/udf_isoscan.c $top/common/inspect/map.c $top/common/build/isofs_realign.c \
	$top/common/inspect/diff.c $top/common/inspect/zisofs_read.c $top/common/inspect/sessions.c \
	$top/common/build/appendable_scan.c"
common="$common $top/common/build/boot_replay_scan.c $top/common/inspect/joliet_index.c"

# Seeds: a hybrid BIOS+EFI image and a plain one.
seeds="$work/seeds"
if [ ! -f "$seeds/done" ]; then
	rm -rf "$seeds" && mkdir -p "$seeds/tree/isolinux" "$seeds/tree/d/e"
	echo hello >"$seeds/tree/d/e/f.txt"
	ln -s e/f.txt "$seeds/tree/d/link"
	cp /usr/lib/ISOLINUX/isolinux.bin "$seeds/tree/isolinux/"
	mkfs.vfat -C "$seeds/tree/efi.img" 1440 >/dev/null
	xorriso -as mkisofs -R -J --md5 -isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin \
		-b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 \
		-boot-info-table -eltorito-alt-boot -e efi.img -no-emul-boot \
		-isohybrid-gpt-basdat -o "$seeds/hyb.iso" "$seeds/tree" 2>/dev/null
	rm "$seeds/tree/efi.img"
	xorriso -as mkisofs -R -J -o "$seeds/plain.iso" "$seeds/tree" 2>/dev/null
	for t in eltorito sysarea voldesc udf_read wav; do mkdir -p "$seeds/$t"; done
	# wav: a short valid CD-DA header and silence
	printf "RIFF\044\020\000\000WAVEfmt \020\000\000\000\001\000\002\000\104\254\000\000\020\261\002\000\004\000\020\000data\000\020\000\000" >"$seeds/wav/cdda.wav"
	head -c 4096 /dev/zero >>"$seeds/wav/cdda.wav"
	# voldesc: the images cut just after their directories (first 128 KiB)
	head -c 131072 "$seeds/hyb.iso" >"$seeds/voldesc/hyb"
	head -c 131072 "$seeds/plain.iso" >"$seeds/voldesc/plain"
	# sysarea: the first 64 KiB (MBR, GPT header and entries)
	head -c 65536 "$seeds/hyb.iso" >"$seeds/sysarea/hyb"
	# eltorito: the catalog sector followed by the start of the boot image
	cat=$(od -An -tu4 -j $((17 * 2048 + 71)) -N4 "$seeds/hyb.iso" | tr -d ' ')
	dd if="$seeds/hyb.iso" of="$seeds/eltorito/cat" bs=2048 skip="$cat" count=1 status=none
	touch "$seeds/done"
fi
# udf_read: sparse images (tests/fuzz/sparse.h; whole ones are half a megabyte and more) of a
# UDF 1.02 image from genisoimage, UDF 2.50 with a metadata partition (mkimage, once built), an
# empty write-once UDF 2.50 volume with a VAT and one of 512-byte blocks (mkudffs), so that the
# partition map and block size code is reached.  A corpus of whole images is dropped.
if [ ! -f "$seeds/done-udf-sparse" ]; then
	rm -rf "$seeds/udf" "$seeds/udf_read" "$work/corpus_udf_read"
	mkdir -p "$seeds/udf" "$seeds/udf_read"
	genisoimage -quiet -R -udf -o "$seeds/udf/udf.iso" "$seeds/tree/d"
	if [ -x "$top/build/bin/mkimage" ]; then
		"$top/build/bin/mkimage" -quiet -udf --udf-rev 2.50 -o "$seeds/udf/udf250.iso" \
			"$seeds/tree/d"
	fi
	if command -v mkudffs >/dev/null 2>&1; then
		mkudffs --new-file --media-type=bdr --udfrev=2.50 "$seeds/udf/vat250.img" \
			3000 >/dev/null
		mkudffs --new-file --media-type=hd --blocksize=512 "$seeds/udf/hd512.img" \
			1500 >/dev/null
	fi
	for f in "$seeds/udf"/*; do
		python3 "$here/sparse-seed.py" "$f" "$seeds/udf_read/${f##*/}"
	done
	touch "$seeds/done-udf-sparse"
fi

# iso_read: sparse images of the plain and hybrid images and of a genisoimage one with a
# deeper tree.  extract_path: small trees in its record form (kind byte, name, NUL).
if [ ! -f "$seeds/done-iso-read" ]; then
	rm -rf "$seeds/iso_read" "$seeds/extract_path"
	mkdir -p "$seeds/iso_read" "$seeds/extract_path" "$seeds/deep/a/b/c"
	echo deep >"$seeds/deep/a/b/c/f.txt"
	ln -s ../../a "$seeds/deep/a/b/up"
	genisoimage -quiet -R -J -o "$seeds/deep.iso" "$seeds/deep" 2>/dev/null
	for f in plain hyb deep; do
		python3 "$here/sparse-seed.py" "$seeds/$f.iso" "$seeds/iso_read/$f"
		# the same with sizes 1-3 bytes longer, which fuzz_iso_read reads as other views
		for k in 1 2 3; do
			python3 "$here/sparse-seed.py" "$seeds/$f.iso" "$seeds/iso_read/$f+$k" "$k"
		done
	done
	printf '\001dir\000\000f.txt\000\002link\000\005sub\000\000g\000' >"$seeds/extract_path/tree"
	printf '\001a\000\000..\000\000/etc/x\000\001.\000' >"$seeds/extract_path/unsafe"
	touch "$seeds/done-iso-read"
fi

# isoscan: blocks 16 .. of small images up to their file data, in the target's compact form
# (each block's length without its trailing zeros, then its bytes), behind one byte that picks
# the piece size: xorriso's plain and El Torito images of tree/d, and mkimage's UDF bridge
# image (its session from block X, the descriptors at 16 naming it).
if [ ! -f "$seeds/done-isoscan" ]; then
	mkdir -p "$seeds/isoscan"
	head -c 2048 /dev/zero | tr '\0' 'B' >"$seeds/tree/d/boot.img"
	xorriso -as mkisofs -R -J -o "$seeds/scan-plain.iso" "$seeds/tree/d" 2>/dev/null
	xorriso -as mkisofs -R -J -b boot.img -no-emul-boot -o "$seeds/scan-boot.iso" \
		"$seeds/tree/d" 2>/dev/null
	imgs="plain boot"
	if [ -x "$top/build/bin/mkimage" ]; then
		"$top/build/bin/mkimage" -quiet -udf -o "$seeds/scan-udf.iso" "$seeds/tree/d"
		imgs="$imgs udf"
	fi
	rm "$seeds/tree/d/boot.img"
	for img in $imgs; do
		# up to the first block after the directories that holds file data ("hello" or
		# the boot image): the El Torito catalog and the empty-file block come before it
		python3 - "$seeds/scan-$img.iso" "$seeds/isoscan/$img" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
blocks = [data[i:i + 2048] for i in range(16 * 2048, len(data), 2048)]
end = next(i for i, b in enumerate(blocks) if b.startswith(b'hello') or b.startswith(b'BBBB'))
for first, name in ((4, ''), (1, '-7'), (7, '-64k')):
    out = bytearray([first])
    for b in blocks[:end]:
        b = b.rstrip(b'\0')
        out += len(b).to_bytes(2, 'little') + b
    open(sys.argv[2] + name, 'wb').write(out)
PY
		rm -f "$seeds/scan-$img.iso"
	done
	touch "$seeds/done-isoscan"
fi

# zisofs_read: files compressed by mkzftree (a text of several blocks, a sparse one, a tiny one).
if [ ! -d "$seeds/zisofs_read" ] && command -v mkzftree >/dev/null 2>&1; then
	rm -rf "$seeds/zsrc" "$seeds/zout" && mkdir -p "$seeds/zsrc"
	yes 'zisofs seed text' | head -c 100000 >"$seeds/zsrc/text"
	head -c 70000 /dev/zero >"$seeds/zsrc/zeros"
	echo tiny >"$seeds/zsrc/tiny"
	mkzftree -z 9 "$seeds/zsrc" "$seeds/zout"
	mkdir -p "$seeds/zisofs_read" && cp "$seeds/zout"/* "$seeds/zisofs_read"/
fi
# map: the iso_read and udf_read seeds (sparse images of ISO 9660, hybrid and UDF images).
mkdir -p "$seeds/map"
cp -n "$seeds/iso_read"/* "$seeds/udf_read"/* "$seeds/map"/ 2>/dev/null || true
# sessions: the first blocks of images grown by xorriso: three sessions, and one image grown
# from a plain one (each cut after its last session head).
if [ ! -d "$seeds/sessions" ]; then
	mkdir -p "$seeds/sessions" "$seeds/stree/a" "$seeds/stree/b"
	echo one >"$seeds/stree/a/1" && echo two >"$seeds/stree/b/2"
	rm -f "$seeds/grown.iso"
	for d in a b a2; do
		xorriso -dev "$seeds/grown.iso" -map "$seeds/stree/${d%2}" "/$d" -commit \
			>/dev/null 2>&1
	done
	head -c 262144 "$seeds/grown.iso" >"$seeds/sessions/grown3"
	cp "$seeds/plain.iso" "$seeds/plaingrow.iso"
	xorriso -dev "$seeds/plaingrow.iso" -map "$seeds/stree/a" /a -commit >/dev/null 2>&1
	head -c 262144 "$seeds/plaingrow.iso" >"$seeds/sessions/plaingrow"
fi
# realign: the same blocks as isoscan (the walk reads the same volume descriptors, records and
# their System Use fields).
if [ ! -d "$seeds/realign" ]; then
	cp -r "$seeds/isoscan" "$seeds/realign"
fi
# appendable: the iso_read seeds (plain images) and a grown one of three sessions.
if [ ! -d "$seeds/appendable" ]; then
	mkdir -p "$seeds/appendable" && cp "$seeds/iso_read"/* "$seeds/appendable"/
	rm -f "$seeds/grown.iso"
	for d in d isolinux d/e; do
		xorriso -dev "$seeds/grown.iso" -map "$seeds/tree/$d" "/$d" -commit >/dev/null 2>&1
	done
	python3 "$here/sparse-seed.py" "$seeds/grown.iso" "$seeds/appendable/grown"
fi
# boot_replay: the iso_read seeds (a hybrid BIOS+EFI image with an isohybrid GPT among them).
if [ ! -d "$seeds/boot_replay" ]; then
	mkdir -p "$seeds/boot_replay" && cp "$seeds/iso_read"/* "$seeds/boot_replay"/
fi
# import: the iso_read seeds (sparse images of ISO 9660 and hybrid images).
if [ ! -d "$seeds/import" ]; then
	mkdir -p "$seeds/import" && cp "$seeds/iso_read"/* "$seeds/import"/
fi
# joliet_index: the iso_read seeds (sparse images with Joliet trees).
if [ ! -d "$seeds/joliet_index" ]; then
	mkdir -p "$seeds/joliet_index" && cp "$seeds/iso_read"/* "$seeds/joliet_index"/
fi
# diff: the iso_read seeds (fuzz_diff compares each with a copy changed in one byte).
if [ ! -d "$seeds/diff" ]; then
	mkdir -p "$seeds/diff" && cp "$seeds/iso_read"/* "$seeds/diff"/
fi

# Each library source is compiled once per run, with the fuzzer's coverage but not its main;
# a target then compiles only its own file and links (compiling all of them for every target
# took most of make check's fuzz time).
objdir="$work/obj"
rm -rf "$objdir" && mkdir -p "$objdir"
objects() {
	for f in "$@"; do
		o="$objdir/$(printf '%s' "${f#"$top"/}" | tr / _).o"
		if [ ! -f "$o" ]; then
			# shellcheck disable=SC2086
			$CC $cflags $(pkg-config --cflags libjte-2) -fsanitize=fuzzer-no-link,address,undefined \
				-fno-sanitize-recover=all -c -o "$o" "$f" >&2 || return 1
		fi
		printf '%s ' "$o"
	done
}

targets=${*:-$(cd "$here" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')}
status=0 passed=0 failed=0
for t in $targets; do
	echo "== fuzz_$t: building"
	# import builds a whole image: the rest of common/build and common/base, and libjte.
	extra="" extra_flags=""
	if [ "$t" = import ]; then
		# $common's lines start with tabs: compare word by word.
		# shellcheck disable=SC2086
		words=" $(echo $common) "
		for f in "$top"/common/build/*.c "$top"/common/base/*.c; do
			case "$words" in *" $f "*) ;; *) extra="$extra $f" ;; esac
		done
		extra_flags="$(pkg-config --cflags --libs libjte-2)"
	fi
	# shellcheck disable=SC2086
	if ! objs=$(objects $common $extra) ||
		! $CC $cflags -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
			-o "fuzz_$t" "$here/fuzz_$t.c" $objs $libs $extra_flags; then
		status=1 failed=$((failed + 1))
		echo "FAIL fuzz_$t: does not build"
		continue
	fi
	mkdir -p "corpus_$t"
	cp -n "$seeds/$t"/* "corpus_$t"/ 2>/dev/null || true
	echo "== fuzz_$t: running ${secs}s"
	max_len=262144
	if ! ./"fuzz_$t" -max_total_time="$secs" -max_len=$max_len -rss_limit_mb=1024 \
		${FUZZ_SEED:+-seed="$FUZZ_SEED"} -timeout=10 -print_final_stats=1 "corpus_$t" \
		>"fuzz_$t.log" 2>&1; then
		status=1 failed=$((failed + 1))
		echo "FAIL fuzz_$t (log: $work/fuzz_$t.log)"
		tail -n 40 "fuzz_$t.log"
	else
		grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "fuzz_$t.log" || true
		echo "PASS fuzz_$t"
		passed=$((passed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
exit $status
