#!/bin/sh
# make bench: times mkimage against genisoimage, xorriso and the tar floor on generated trees.
# Usage: tests/bench/run.sh BINDIR
#
# Environment:
#   BENCH_DIR    where the trees live, made once and reused (default /var/tmp/imgbench)
#   BENCH_SCALE  0 < SCALE <= 1: fewer files and a smaller big file, for quick runs (default 1)
#   BENCH_RUNS   timed runs per case and tree, the cases taking turns; medians are reported
#                (default 3)
#   BENCH_TREES  which trees (default "small mixed big", and "huge" with BENCH_BIG=1)
#   BENCH_CASES  which cases (default: all below: floor genisoimage xorriso mkimage
#                mkimage_md5 mkimage_udf imginfo_list isoinfo_list
#                xorriso_find dd imgburn mkimage_remaster xorriso_remaster
#                mkimage_udfonly mkimage_udfbridge udfclient); on the huge tree only
#                BENCH_HUGE_CASES (default "datapath mkimage_udfonly")
#   BENCH_SLOW   1: also udfclient on the small tree (it had not finished after 15 minutes)
#   BENCH_BIG    1: also the huge tree (about 25 GB: the mixed tree plus 21 GiB of sparse
#                files of 4.5-6 GiB; 3 GB of disk for the tree, and with BENCH_OUT=file 25 GB
#                more while an image is written; minutes per run)
#   BENCH_OUT    "file": images go to a file in BENCH_DIR, removed after each run (the default,
#                as users run them); "pipe": to stdout through `| cat >/dev/null`, so that no
#                disk writes are timed (the floor writes nothing either).  Never -o /dev/null:
#                genisoimage then skips most of its work (0.1 s for a 1 GiB file, measured).
#
# Adding a case: define three functions and name the case in BENCH_CASES.
#   have_NAME KIND     succeed if the case can run here, else print why not and fail
#   prep_NAME TREE KIND  optional, untimed, run once per tree before the timed runs
#                        (e.g. build the image that `imginfo -l` will list)
#   cmd_NAME TREE KIND OUT  print the shell command to time; OUT is the output path to use,
#                        or "-" for stdout, which the command must then pipe into $(sink -)
# KIND is small, mixed or big.  The page cache is warmed before timing each tree.
set -eu

bindir=${1:?usage: run.sh BINDIR}
here=$(cd "$(dirname "$0")" && pwd)
tools=$(cd "$bindir/.." && pwd)/bench
BENCH_DIR=${BENCH_DIR:-/var/tmp/imgbench}
BENCH_SCALE=${BENCH_SCALE:-1}
BENCH_RUNS=${BENCH_RUNS:-3}
BENCH_BIG=${BENCH_BIG:-0}
if [ "$BENCH_BIG" = 1 ]; then BENCH_TREES=${BENCH_TREES:-small mixed big huge}; fi
BENCH_TREES=${BENCH_TREES:-small mixed big}
BENCH_CASES=${BENCH_CASES:-floor genisoimage xorriso mkimage mkimage_md5 mkimage_udf imginfo_list isoinfo_list xorriso_find dd imgburn mkimage_remaster xorriso_remaster mkimage_udfonly mkimage_udfbridge udfclient}
BENCH_HUGE_CASES=${BENCH_HUGE_CASES:-datapath mkimage_udfonly}
BENCH_OUT=${BENCH_OUT:-file}
export LC_ALL=C TZ=UTC

say() { printf '%s\n' "$*" >&2; }
# what a command writing its image to OUT appends: a pipe into cat when OUT is stdout
sink() { if [ "$1" = - ]; then echo " | cat >/dev/null"; fi; }

# ---- cases ----

have_floor() { command -v tar >/dev/null || { echo "tar missing"; return 1; }; }
# GNU tar skips reading file data when it writes to /dev/null itself: hence the pipe.
cmd_floor() { echo "tar -cf - -C '$1' . | cat >/dev/null"; }

have_genisoimage() { command -v genisoimage >/dev/null || { echo "genisoimage missing"; return 1; }; }
cmd_genisoimage() {
	extra="" o="-o '$3'"
	[ "$2" = big ] && extra="-allow-limited-size"
	[ "$3" = - ] && o="" # its stdout is the default; "-o -" would name a file "-"
	echo "genisoimage -quiet -R -J $extra $o '$1'$(sink "$3")"
}

have_xorriso() { command -v xorriso >/dev/null || { echo "xorriso missing"; return 1; }; }
cmd_xorriso() {
	# level 3 only for files of 4 GiB and more, which level 1 and 2 refuse
	extra=""
	[ "$2" = big ] && extra="-iso-level 3"
	echo "xorriso -as mkisofs -quiet -R -J $extra -o '$3' '$1'$(sink "$3")"
}

have_mkimage() {
	[ -x "$bindir/mkimage" ] || { echo "mkimage is missing from $bindir (not built yet)"; return 1; }
}
cmd_mkimage() { echo "'$bindir/mkimage' -quiet -o '$3' '$1'$(sink "$3")"; }

# The measuring driver on common/build/stream.c (tests/bench/isodrive.c): what the library alone
# costs, with the read and fifo sizes recommended to mkimage's writer; and libisofs's own
# streams for comparison.  Not in the default list.
# mkimage variants: with MD5 recording (--md5: libisofs hashes every data byte twice), and with
# a UDF bridge, whose own cost is mkimage_udf against mkimage (both without MD5).
have_mkimage_md5() { have_mkimage; }
cmd_mkimage_md5() { echo "'$bindir/mkimage' -quiet --md5 -o '$3' '$1'$(sink "$3")"; }
have_mkimage_udf() { have_mkimage; }
cmd_mkimage_udf() { echo "'$bindir/mkimage' -quiet -udf -o '$3' '$1'$(sink "$3")"; }

# Listing a whole image: imginfo -l against isoinfo -l -R -J and xorriso -find.  The image is
# made once per tree (untimed) by mkimage.  All three print to the same sink: a pipe into cat
# with BENCH_OUT=pipe, else /dev/null.
list_image() { echo "$BENCH_DIR/list-$1.iso"; }
list_sink() { if [ "$1" = - ]; then echo " | cat >/dev/null"; else echo " >/dev/null"; fi; }
prep_list() {
	[ -f "$(list_image "$2")" ] ||
		"$bindir/mkimage" -quiet --no-md5 -o "$(list_image "$2")" "$1" ||
		{ say "bench: cannot make the listing image"; return 1; }
}
have_imginfo_list() { [ -x "$bindir/imginfo" ] && [ -x "$bindir/mkimage" ] || { echo "imginfo or mkimage not built"; return 1; }; }
prep_imginfo_list() { prep_list "$@"; }
cmd_imginfo_list() { echo "'$bindir/imginfo' -l '$(list_image "$2")'$(list_sink "$3")"; }
have_isoinfo_list() { command -v isoinfo >/dev/null && [ -x "$bindir/mkimage" ] || { echo "isoinfo or mkimage missing"; return 1; }; }
prep_isoinfo_list() { prep_list "$@"; }
cmd_isoinfo_list() { echo "isoinfo -l -R -J -i '$(list_image "$2")'$(list_sink "$3")"; }
have_xorriso_find() { have_xorriso && [ -x "$bindir/mkimage" ] || { echo "xorriso or mkimage missing"; return 1; }; }
prep_xorriso_find() { prep_list "$@"; }
cmd_xorriso_find() { echo "xorriso -indev '$(list_image "$2")' -find / 2>/dev/null$(list_sink "$3")"; }

# Writing an image to a stdio: pseudo-drive against dd bs=1M of the same image.
have_dd() { [ -x "$bindir/mkimage" ] || { echo "mkimage not built"; return 1; }; }
prep_dd() { prep_list "$@"; }
cmd_dd() { echo "dd if='$(list_image "$2")' of='$BENCH_DIR/burn.out' bs=1M status=none"; }
have_imgburn() { [ -x "$bindir/imgburn" ] && [ -x "$bindir/mkimage" ] || { echo "imgburn or mkimage not built"; return 1; }; }
prep_imgburn() { prep_list "$@"; }
cmd_imgburn() { echo "'$bindir/imgburn' --progress=none --dev 'stdio:$BENCH_DIR/burn.out' '$(list_image "$2")' 2>/dev/null"; }

# Remastering: the tree's image (the listing image above, made once by mkimage, untimed) with
# a file added (1 MiB) and one replaced (the tree's first file, by 4 KiB), written as a complete
# new image whose unchanged data is read from the old one: mkimage --indev against xorriso
# -indev OLD -outdev NEW -map (modifying; Fedora's mkksiso's way).
remaster_files() {
	[ -f "$BENCH_DIR/remaster-add.bin" ] ||
		head -c 1048576 /dev/urandom >"$BENCH_DIR/remaster-add.bin"
	[ -f "$BENCH_DIR/remaster-new.dat" ] ||
		head -c 4096 /dev/urandom >"$BENCH_DIR/remaster-new.dat"
}
# the image path of the tree's first file (sorted, so the same one every time)
remaster_victim() { (cd "$1" && find . -type f | LC_ALL=C sort | head -n 1 | sed 's|^\./|/|'); }
have_mkimage_remaster() { have_mkimage; }
prep_mkimage_remaster() { prep_list "$@" && remaster_files; }
cmd_mkimage_remaster() {
	echo "'$bindir/mkimage' -quiet --indev '$(list_image "$2")' -o '$3' -graft-points" \
	     "'/remaster-add.bin=$BENCH_DIR/remaster-add.bin'" \
	     "'$(remaster_victim "$1")=$BENCH_DIR/remaster-new.dat'$(sink "$3")"
}
have_xorriso_remaster() { have_xorriso && [ -x "$bindir/mkimage" ] || { echo "xorriso or mkimage missing"; return 1; }; }
prep_xorriso_remaster() { prep_list "$@" && remaster_files; }
cmd_xorriso_remaster() {
	echo "xorriso -indev '$(list_image "$2")' -outdev '$3'" \
	     "-map '$BENCH_DIR/remaster-add.bin' /remaster-add.bin" \
	     "-map '$BENCH_DIR/remaster-new.dat' '$(remaster_victim "$1")' 2>/dev/null$(sink "$3")"
}

# UDF only (issue 17): mkimage --udf-only against the bridge image of the same tree (-udf, which
# also writes the ISO 9660, Rock Ridge and Joliet trees; the UDF-only image must not be slower),
# both UDF 2.01, and against the nearest Linux tool that makes a UDF image of a tree: mkudffs
# makes an empty image file, then udfclient (NetBSD's UDF code) copies the tree into it.
# mkudffs and udfclient are timed together, and so is a udfinfo count of the files written
# (milliseconds), because udfclient reports a full disc on its terminal and still exits 0.
# udfclient cannot write to a pipe: it writes an image file even with BENCH_OUT=pipe.  The
# volume is larger than the data needs: udfclient puts File Entries and directories only in
# the first 1/512 of the partition (udf_bmap.c, metadata_granularity = length / 1024, a
# window shifted at most one granularity), so its volume has 600 blocks per metadata block;
# the file is sparse, and udfclient writes only what it uses plus the space bitmap.  Its
# sync at the end counts down with pauses of its own: about 3 s of the wall time, little CPU.
have_mkimage_udfonly() { have_mkimage; }
cmd_mkimage_udfonly() { echo "'$bindir/mkimage' -quiet --udf-only --udf-rev=2.01 -o '$3' '$1'$(sink "$3")"; }
have_mkimage_udfbridge() { have_mkimage; }
cmd_mkimage_udfbridge() {
	extra=""
	[ "$2" = big ] && extra="-iso-level 3"
	echo "'$bindir/mkimage' -quiet -udf --udf-rev=2.01 $extra -o '$3' '$1'$(sink "$3")"
}
have_udfclient() {
	for t in mkudffs udfclient udfinfo; do
		command -v $t >/dev/null || { echo "$t missing (package udftools / udfclient)"; return 1; }
	done
	if [ "$1" = small ] && [ "${BENCH_SLOW:-0}" != 1 ]; then
		echo "udfclient did not finish 100,000 files in 15 minutes (NOTES.md run 14; BENCH_SLOW=1 tries)"
		return 1
	fi
}
prep_udfclient() {
	# the command script: into the volume's root (named after the fixed uuid and label),
	# then every top-level entry of the tree (recursively), from inside it
	{
		echo "cd 0123456789abcdefLinuxUDF:BENCH:BENCH:LinuxUDF"
		# one put a line: its mput takes only so many arguments ("implementation limit")
		(cd "$1" && ls -A) | sed 's/^/put /'
		echo quit
	} >"$BENCH_DIR/udfclient-$2.cmds"
}
cmd_udfclient() {
	img="$BENCH_DIR/out-udfclient.iso"
	set -- "$1" "$2" "$(find "$1" -type f | wc -l)" \
		"$(find "$1" -printf '%s\n' | awk '{ n++; d += int(($1 + 2047) / 2048) }
			END { m = 2 * n + 64; a = int(d * 1.1) + m + 4096; b = m * 600
			      print (a > b ? a : b) }')"
	echo "rm -f '$img' && mkudffs --new-file --blocksize=2048 --media-type=hd --udfrev=2.01" \
	     "--label=BENCH --uuid=0123456789abcdef '$img' $4 >/dev/null &&" \
	     "cd '$1' && udfclient -W -b 2048 '$img' <'$BENCH_DIR/udfclient-$2.cmds' >/dev/null 2>&1 &&" \
	     "udfinfo '$img' 2>/dev/null | grep -qx numfiles=$3"
}

# The speed of the data path (the huge tree): reading every file and writing the same bytes,
# to the image's file or through the same pipe.  `cat >/dev/null` would be the same here (GNU
# cat reads what it copies), but the pipe keeps it like the other cases.
have_datapath() { command -v find >/dev/null || { echo "find missing"; return 1; }; }
cmd_datapath() {
	if [ "$3" = - ]; then
		echo "find '$1' -type f -exec cat {} + | cat >/dev/null"
	else
		echo "find '$1' -type f -exec cat {} + >'$3'"
	fi
}

have_proto() { [ -x "$tools/isodrive" ] || { echo "isodrive not built (make bench-tools)"; return 1; }; }
cmd_proto() { echo "'$tools/isodrive' --md5 --reverse-add --read 262144 --fifo 512 --poll 200 -o '$3' '$1'$(sink "$3")"; }
have_proto_stock() { have_proto; }
cmd_proto_stock() { echo "'$tools/isodrive' --stock --md5 -o '$3' '$1'$(sink "$3")"; }
# the same without MD5 recording, to show what recording checksums costs
have_proto_nomd5() { have_proto; }
cmd_proto_nomd5() { echo "'$tools/isodrive' --reverse-add --read 262144 --fifo 512 --poll 200 -o '$3' '$1'$(sink "$3")"; }

# ---- trees ----

tree_path() { echo "$BENCH_DIR/$1-$BENCH_SCALE"; }

make_tree() {
	t=$(tree_path "$1")
	if [ -f "$t.done" ]; then
		return 0
	fi
	say "bench: generating the $1 tree (scale $BENCH_SCALE) in $t"
	rm -rf "$t"
	"$tools/gentree" "$1" "$t" "$BENCH_SCALE"
	touch "$t.done"
}

# ---- measuring ----

# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# prepare_case CASE KIND TREE: checks that the case can run and prepares it (its prep, its
# command in cmd-CASE); fails, with the reason on stderr, when it cannot run here
prepare_case() {
	name=$1 kind=$2 tree=$3
	if ! why=$("have_$name" "$kind"); then
		say "bench: $name: skipped: $why"
		return 1
	fi
	if [ "$BENCH_OUT" = pipe ]; then out=-; else out="$BENCH_DIR/out-$name.iso"; fi
	if command -v "prep_$name" >/dev/null 2>&1; then "prep_$name" "$tree" "$kind" >&2; fi
	"cmd_$name" "$tree" "$kind" "$out" >"$BENCH_DIR/cmd-$name"
	: >"$BENCH_DIR/times-$name"
}

# run_case CASE KIND: one timed run, its "wall user sys rss_kb" appended to times-CASE; fails
# (saying why) when the command fails
run_case() {
	name=$1 kind=$2
	cmd=$(cat "$BENCH_DIR/cmd-$name")
	out="$BENCH_DIR/out-$name.iso"
	# Images written to files: the previous run's dirty pages go to disk first (untimed), or
	# the run after a 25 GB one pays for its write-back (measured: 27 s for find -exec cat,
	# then 42 s for mkimage --udf-only right after it).
	[ "$BENCH_OUT" = pipe ] || sync
	if ! /usr/bin/time -f '%e %U %S %M' -o "$BENCH_DIR/one" sh -c "$cmd" \
	     >"$BENCH_DIR/log" 2>&1; then
		say "bench: $name on $kind failed: $cmd"
		tail -n 5 "$BENCH_DIR/log" >&2
		rm -f "$out"
		return 1
	fi
	# /usr/bin/time appends a "Command exited" line on failure only; keep the figures
	tail -n 1 "$BENCH_DIR/one" >>"$BENCH_DIR/times-$name"
	rm -f "$out"
}

# medians CASE: "wall cpu rss_kb" of its runs
medians() {
	t="$BENCH_DIR/times-$1"
	echo "$(awk '{ print $1 }' "$t" | median) $(awk '{ print $2 + $3 }' "$t" | median)" \
	     "$(awk '{ print $4 }' "$t" | median)"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else print "-" }'; }

# ---- main ----

command -v /usr/bin/time >/dev/null 2>&1 || { say "bench: /usr/bin/time missing (package time)"; exit 2; }
[ -x "$tools/gentree" ] || { say "bench: $tools/gentree missing: run make bench-tools"; exit 2; }
case "$BENCH_OUT" in file|pipe) ;; *) say "bench: BENCH_OUT must be file or pipe"; exit 2 ;; esac
mkdir -p "$BENCH_DIR"
results="$BENCH_DIR/results-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
	echo "# make bench $(date -u '+%Y-%m-%d %H:%M UTC'), scale $BENCH_SCALE, $BENCH_RUNS runs," \
	     "medians, output to $BENCH_OUT, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
	printf '%-6s %-17s %8s %8s %8s\n' tree case wall_s cpu_s rss_MB
} | tee "$results"

for kind in $BENCH_TREES; do
	make_tree "$kind"
	tree=$(tree_path "$kind")
	# warm the page cache with the tree's data and metadata
	tar -cf - -C "$tree" . | cat >/dev/null
	# The runs of the cases take turns (A B C A B C ...): a machine whose speed drifts
	# within minutes then slows every case alike, and ratios stay fair.
	cases=$BENCH_CASES
	[ "$kind" = huge ] && cases=$BENCH_HUGE_CASES
	for name in $cases; do
		if prepare_case "$name" "$kind" "$tree"; then st=run; else st=skip; fi
		eval "s_${name}=$st"
	done
	i=0
	while [ $i -lt "$BENCH_RUNS" ]; do
		i=$((i + 1))
		for name in $cases; do
			eval "st=\$s_${name}"
			[ "$st" = run ] || continue
			run_case "$name" "$kind" || eval "s_${name}=fail"
		done
	done
	for name in $cases; do
		eval "st=\$s_${name}"
		if [ "$st" != run ]; then
			printf '%-6s %-17s %8s\n' "$kind" "$name" "$st" | tee -a "$results"
			eval "r_${name}=''"
			continue
		fi
		set -- $(medians "$name")
		printf '%-6s %-17s %8s %8s %8s\n' "$kind" "$name" "$1" "$2" \
		       "$(awk -v k="$3" 'BEGIN { printf "%.1f", k / 1024 }')" | tee -a "$results"
		eval "w_${name}=$1 c_${name}=$2 m_${name}=$3 r_${name}=yes"
	done
	# ratios: mkimage (or the measuring driver) against genisoimage and the floor, and each
	# other program against what it competes with
	for who in mkimage mkimage_md5 mkimage_udf proto; do
		eval "ok=\${r_${who}:-}"
		[ -n "$ok" ] || continue
		eval "w=\$w_${who} c=\$c_${who} m=\$m_${who}"
		if [ -n "${r_genisoimage:-}" ]; then
			echo "$kind: $who/genisoimage wall $(ratio "$w" "$w_genisoimage")," \
			     "cpu $(ratio "$c" "$c_genisoimage"), rss $(ratio "$m" "$m_genisoimage")" |
				tee -a "$results"
		fi
		if [ -n "${r_floor:-}" ]; then
			echo "$kind: $who/floor wall $(ratio "$w" "$w_floor")" | tee -a "$results"
		fi
	done
	if [ -n "${r_mkimage_remaster:-}" ] && [ -n "${r_xorriso_remaster:-}" ]; then
		echo "$kind: mkimage_remaster/xorriso_remaster wall" \
		     "$(ratio "$w_mkimage_remaster" "$w_xorriso_remaster")," \
		     "cpu $(ratio "$c_mkimage_remaster" "$c_xorriso_remaster")," \
		     "rss $(ratio "$m_mkimage_remaster" "$m_xorriso_remaster")" | tee -a "$results"
	fi
	for pair in mkimage_udf/mkimage imginfo_list/isoinfo_list \
		    imginfo_list/xorriso_find imgburn/dd; do
		a=${pair%/*} b=${pair#*/}
		eval "oka=\${r_${a}:-} okb=\${r_${b}:-}"
		[ -n "$oka" ] && [ -n "$okb" ] || continue
		eval "wa=\$w_${a} wb=\$w_${b}"
		echo "$kind: $a/$b wall $(ratio "$wa" "$wb")" | tee -a "$results"
	done
	# UDF only: against the bridge, udfclient and the data path, all three figures
	for pair in mkimage_udfonly/mkimage_udfbridge mkimage_udfonly/udfclient \
		    mkimage_udfonly/datapath; do
		a=${pair%/*} b=${pair#*/}
		eval "oka=\${r_${a}:-} okb=\${r_${b}:-}"
		[ -n "$oka" ] && [ -n "$okb" ] || continue
		eval "wa=\$w_${a} wb=\$w_${b} ca=\$c_${a} cb=\$c_${b} ma=\$m_${a} mb=\$m_${b}"
		echo "$kind: $a/$b wall $(ratio "$wa" "$wb"), cpu $(ratio "$ca" "$cb")," \
		     "rss $(ratio "$ma" "$mb")" | tee -a "$results"
	done
	for name in $cases; do eval "r_${name}=''"; done
done
say "bench: results kept in $results"
