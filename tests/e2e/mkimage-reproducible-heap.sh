# Byte-identical images whatever the heap: the same tree content and SOURCE_DATE_EPOCH give the
# same bytes under other allocators (jemalloc, tcmalloc) and malloc tunables, when no thread can
# be made (the shim refuses the program's pthread_create), on one CPU, with another TZ, locale
# and umask, into a pipe, and from two copies of the tree made in different orders at paths of
# different lengths; default, --md5, -udf and boot images.  pycdlib (not our reader) checks the
# Rock Ridge PX serials: hard links share one, everything else has its own, none is 0.
# Under the ASan build (make e2e-asan) the whole test runs again with ASan's allocator; the
# jemalloc and tcmalloc runs are left out there (ASan must own malloc).
. "$E2E_DIR/lib.sh"
need taskset cmp
[ -x "$PYTHON" ] || fail "no $PYTHON"
"$PYTHON" -c 'import pycdlib' || fail "pycdlib missing"
shim="$(dirname "$BIN")/tools/no_program_threads.so"
[ -f "$shim" ] || fail "no $shim (make all builds it)"
jemalloc=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
tcmalloc=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
if [ -z "${E2E_SANITIZED:-}" ]; then
	[ -f "$jemalloc" ] || fail "no $jemalloc (package libjemalloc2)"
	[ -f "$tcmalloc" ] || fail "no $tcmalloc (package libtcmalloc-minimal4)"
fi
export SOURCE_DATE_EPOCH=1700000000

# make_copy DIR fwd|rev: 20 x 15 directories (and a 12-level chain: deeper than ECMA-119's 8),
# each with files, symlinks (to files, to directories, dangling) and hard links across
# directories, a FIFO, and a boot image; created in the given order.
make_copy() {
	"$PYTHON" - "$1" "$2" <<'EOF'
import os, sys
root, order = sys.argv[1], sys.argv[2]
dirs = ['d%02d/e%02d' % (i, j) for i in range(20) for j in range(15)]
dirs.append('/'.join('deep%d' % k for k in range(12)))
# Hard links: families of 2 and 3 across directories.
pairs = [(dirs[k], dirs[(k + 37) % len(dirs)]) for k in range(0, len(dirs), 3)]
links = [(a, os.path.join(b, 'hard-' + a.replace('/', '-'))) for a, b in pairs]
links += [(a, 'top-' + a.replace('/', '-')) for a, _b in pairs[::5]]
seq = list(enumerate(dirs))
if order == 'rev':   # the same content, created the other way round
    seq.reverse()
    links.reverse()
os.makedirs(root)
for _n, d in seq:
    os.makedirs(os.path.join(root, d), exist_ok=True)
for n, d in seq:
    p = os.path.join(root, d)
    with open(os.path.join(p, 'f.txt'), 'w') as f:
        f.write('file in %s\n' % d)
    os.symlink('f.txt', os.path.join(p, 'to-file'))
    os.symlink('..', os.path.join(p, 'to-parent'))
    os.symlink('nowhere/%d' % n, os.path.join(p, 'dangling'))
for a, name in links:
    os.link(os.path.join(root, a, 'f.txt'), os.path.join(root, name))
os.mkfifo(os.path.join(root, 'fifo'))
os.makedirs(os.path.join(root, 'boot'))
with open(os.path.join(root, 'boot', 'boot.img'), 'wb') as f:
    f.write(bytes(range(256)) * 8)
EOF
	find "$1" -exec touch -h -d @1600000000 {} +
}

make_copy one fwd
long=$(printf 'a-rather-long-directory-name-%s/' 1 2 3 4 5)
(umask 077; make_copy "$long/two" rev)
find "$long/two" -type d -exec chmod 755 {} +
find "$long/two" -type f -exec chmod 644 {} +
chmod 644 "$long/two/fifo"
find "$long/two" -exec touch -h -d @1600000000 {} +

boot="-b boot/boot.img -no-emul-boot -c boot/boot.cat"
sets=("" "--md5" "-udf" "$boot --md5 -udf")

# build NAME OPTS SRC [ENV...]: mkimage OPTS -o NAME.iso SRC, with ENV set for it alone.
build() {
	name=$1 opts=$2 src=$3
	shift 3
	env "$@" "$MKIMAGE" -quiet $opts -o "$name.iso" "$src" 2>"$name.err" \
		|| { cat "$name.err" >&2; fail "$name: mkimage $opts failed"; }
}

# same NAME: NAME.iso is ref.iso, byte for byte.
same() {
	cmp "ref.iso" "$1.iso" || fail "$1 differs from the first image ($cond_opts)"
}

for s in "${!sets[@]}"; do
	cond_opts=${sets[$s]}
	note "options: ${cond_opts:-(none)}"
	build ref "$cond_opts" one
	"$PYTHON" "$TOP/tests/tools/px_serials.py" check ref.iso one || fail "PX serials ($cond_opts)"
	build copy2 "$cond_opts" "$SCRATCH/$long/two"; same copy2
	build again "$cond_opts" one; same again
	build arena "$cond_opts" one MALLOC_ARENA_MAX=1; same arena
	build tun1 "$cond_opts" one GLIBC_TUNABLES=glibc.malloc.arena_max=1; same tun1
	build tun2 "$cond_opts" one GLIBC_TUNABLES=glibc.malloc.mmap_threshold=0; same tun2
	build tun3 "$cond_opts" "$SCRATCH/$long/two" \
		GLIBC_TUNABLES=glibc.malloc.arena_max=1:glibc.malloc.mmap_threshold=0; same tun3
	if [ -z "${E2E_SANITIZED:-}" ]; then
		for i in 1 2 3; do
			build jem$i "$cond_opts" one LD_PRELOAD="$jemalloc"; same jem$i
		done
		build jem4 "$cond_opts" "$SCRATCH/$long/two" LD_PRELOAD="$jemalloc"; same jem4
		build tcm "$cond_opts" one LD_PRELOAD="$tcmalloc"; same tcm
		build tcm2 "$cond_opts" "$SCRATCH/$long/two" LD_PRELOAD="$tcmalloc"; same tcm2
	fi
	# No thread for the tree: the shim must have refused at least one pthread_create.
	rm -f shim.log
	build nothread "$cond_opts" "$SCRATCH/$long/two" LD_PRELOAD="$shim" \
		NO_PROGRAM_THREADS_LOG="$SCRATCH/shim.log" \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}verify_asan_link_order=0"
	[ -s shim.log ] || fail "the shim refused no thread: the fallback was not taken"
	same nothread
	taskset -c 0 "$MKIMAGE" -quiet $cond_opts -o cpu0.iso one 2>cpu0.err \
		|| { cat cpu0.err >&2; fail "taskset -c 0 build"; }
	same cpu0
	mkdir -p elsewhere
	(cd elsewhere && umask 077 && TZ=Asia/Kolkata LC_ALL=C.UTF-8 \
		"$MKIMAGE" -quiet $cond_opts -o ../env.iso "$SCRATCH/$long/two") 2>env.err \
		|| { cat env.err >&2; fail "TZ/locale/umask build"; }
	same env
	(cd "$long/two" && "$MKIMAGE" -quiet $cond_opts -o - .) >pipe.iso 2>pipe.err \
		|| { cat pipe.err >&2; fail "pipe build"; }
	same pipe
done
