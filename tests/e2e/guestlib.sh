# A QEMU guest for the end-to-end tests (bash, sourced after lib.sh): the host's distribution
# kernel (linux-image-cloud-amd64) and an initramfs of busybox, the programs under test with
# their shared libraries, and the kernel modules for virtio-scsi CD drives.  The test writes
# DIR/init (or lets guest_root's caller add files) and packs it with guest_initrd.
#
#   guest_kernel                sets GUEST_KERNEL and GUEST_MODULES (skips when missing)
#   guest_root DIR PROGRAM...   busybox, PROGRAMs (in DIR/bin) with their libraries, and the
#                               modules as DIR/mods/NN.ko in load order (dependencies first)
#   guest_modules DIR NAME...   more modules (isofs, udf, sd_mod ...) with the dependencies
#                               not loaded yet, as the next DIR/mods/NN.ko (fails the test as
#                               cannot-run when the kernel has no such module)
#   guest_init DIR DEV... <BODY writes DIR/init: busybox applets, /proc, /sys, /dev, the
#                               modules loaded, a wait of up to 15 s for each /dev/DEV; then
#                               BODY (the test's own lines, from stdin)
#   guest_initrd DIR OUT        packs DIR as a gzip'd newc cpio initramfs

guest_kernel() {
	need busybox gzip ldd
	GUEST_KERNEL=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 || true)
	[ -n "$GUEST_KERNEL" ] || cannot_test "missing a guest kernel in /boot (package linux-image-cloud-amd64)"
	GUEST_MODULES=/lib/modules/${GUEST_KERNEL#/boot/vmlinuz-}
	[ -f "$GUEST_MODULES/modules.dep" ] || cannot_test "missing the modules of $GUEST_KERNEL"
}

# guest_module_list NAME...: the modules NAME (spelt with - or _) with their dependencies,
# dependencies first (from modules.dep), one path a line, leaving out the modules already in
# GUEST_LOADED (names, one a line); a module built into the kernel needs nothing; fails naming
# a module the kernel does not have.
GUEST_LOADED=
guest_module_list() {
	GUEST_LOADED=$GUEST_LOADED $PYTHON - "$GUEST_MODULES" "$@" <<'PY'
import os, sys
base = sys.argv[1]
dep = {}
for line in open(base + "/modules.dep"):
    path, _, rest = line.partition(":")
    name = path.rsplit("/", 1)[-1].split(".ko")[0].replace("-", "_")
    dep[name] = (path, rest.split())
by_path = {p: n for n, (p, _) in dep.items()}
loaded = set(os.environ["GUEST_LOADED"].split())
builtin = set()
if os.path.exists(base + "/modules.builtin"):
    for line in open(base + "/modules.builtin"):
        builtin.add(line.strip().rsplit("/", 1)[-1].split(".ko")[0].replace("-", "_"))
order = []
def add(n):
    if n in order or n in loaded:
        return
    for d in dep[n][1]:
        add(by_path[d])
    order.append(n)
for want in sys.argv[2:]:
    want = want.replace("-", "_")
    if want in builtin:
        continue
    if want not in dep:
        sys.exit("no module %s in %s" % (want, base))
    add(want)
for n in order:
    print(n, base + "/" + dep[n][0])
PY
}

# guest_modules DIR NAME...: see the top
guest_modules() {
	gm_dir=$1
	shift
	[ -n "${GUEST_KERNEL:-}" ] || guest_kernel
	guest_module_list "$@" >"$gm_dir.mods" 2>"$gm_dir.mods.err" ||
		cannot_test "$(cat "$gm_dir.mods.err")"
	gm_i=$(find "$gm_dir/mods" -name '*.ko' | wc -l)
	while read -r gm_name gm_path; do
		gm_to=$gm_dir/mods/$(printf %02d $gm_i).ko
		case "$gm_path" in
		*.ko) cp "$gm_path" "$gm_to" ;;
		*.ko.xz) xz -dc "$gm_path" >"$gm_to" ;;
		*.ko.zst) zstd -qdc "$gm_path" >"$gm_to" ;;
		*) fail "unknown module format: $gm_path" ;;
		esac
		GUEST_LOADED="$GUEST_LOADED $gm_name"
		gm_i=$((gm_i + 1))
	done <"$gm_dir.mods"
	rm -f "$gm_dir.mods" "$gm_dir.mods.err"
}

# guest_init DIR DEV... <BODY: see the top
guest_init() {
	gi_dir=$1
	shift
	{
		cat <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in /mods/*.ko; do insmod "$m"; done
INIT
		# the drives appear a moment after their modules are loaded
		gi_wait=
		for gi_dev; do gi_wait="$gi_wait[ -e /dev/$gi_dev ] && "; done
		echo "for _ in \$(seq 1 60); do ${gi_wait}break; sleep 0.25; done"
		cat
	} >"$gi_dir/init"
	chmod +x "$gi_dir/init"
}

# guest_copy DIR FILE: FILE into DIR/bin, its libraries (and the loader) at their own paths.
guest_copy() {
	cp "$2" "$1/bin/$(basename "$2")"
	for lib in $(ldd "$2" 2>/dev/null | awk '/=>/ { print $3 } /^\t\/.*ld-linux/ { print $1 }'); do
		mkdir -p "$1$(dirname "$lib")"
		cp -L "$lib" "$1$lib"
	done
}

guest_root() {
	gr_dir=$1
	shift
	[ -n "${GUEST_KERNEL:-}" ] || guest_kernel
	mkdir -p "$gr_dir/bin" "$gr_dir/dev" "$gr_dir/proc" "$gr_dir/sys" "$gr_dir/tmp" "$gr_dir/mods"
	guest_copy "$gr_dir" "$(command -v busybox)"
	for p; do
		guest_copy "$gr_dir" "$p"
	done
	# glibc's iconv: its configuration and the Unicode converters (libisofs converts names to
	# Joliet's UTF-16 through iconv; without them: "Charset conversion error")
	for gr_gconv in /usr/lib/*/gconv; do
		[ -f "$gr_gconv/gconv-modules" ] || continue
		mkdir -p "$gr_dir$gr_gconv"
		cp -r "$gr_gconv/gconv-modules" "$gr_dir$gr_gconv/"
		[ ! -d "$gr_gconv/gconv-modules.d" ] || cp -r "$gr_gconv/gconv-modules.d" "$gr_dir$gr_gconv/"
		for gr_so in UTF-16 UTF-32 UNICODE; do
			[ ! -f "$gr_gconv/$gr_so.so" ] || cp "$gr_gconv/$gr_so.so" "$gr_dir$gr_gconv/"
		done
	done
	# virtio-scsi CD drives and SCSI generic devices
	GUEST_LOADED=
	guest_modules "$gr_dir" virtio_pci virtio_scsi sr_mod sg
}

guest_initrd() {
	(cd "$1" && find . | busybox cpio -o -H newc 2>/dev/null) | gzip -1 >"$2"
}
