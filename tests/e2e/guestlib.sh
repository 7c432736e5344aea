# A QEMU guest for the end-to-end tests (bash, sourced after lib.sh): the host's distribution
# kernel (linux-image-cloud-amd64) and an initramfs of busybox, the programs under test with
# their shared libraries, and the kernel modules for virtio-scsi CD drives.  The test writes
# DIR/init (or lets guest_root's caller add files) and packs it with guest_initrd.
#
#   guest_kernel                sets GUEST_KERNEL and GUEST_MODULES (skips when missing)
#   guest_root DIR PROGRAM...   busybox, PROGRAMs (in DIR/bin) with their libraries, and the
#                               modules as DIR/mods/NN.ko in load order (dependencies first)
#   guest_initrd DIR OUT        packs DIR as a gzip'd newc cpio initramfs
#
# The guest's init loads the modules with: for m in /mods/*.ko; do insmod "$m"; done

guest_kernel() {
	need busybox gzip ldd
	GUEST_KERNEL=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 || true)
	[ -n "$GUEST_KERNEL" ] || cannot_test "missing a guest kernel in /boot (package linux-image-cloud-amd64)"
	GUEST_MODULES=/lib/modules/${GUEST_KERNEL#/boot/vmlinuz-}
	[ -f "$GUEST_MODULES/modules.dep" ] || cannot_test "missing the modules of $GUEST_KERNEL"
}

# The modules for virtio-scsi CD drives and SCSI generic devices, dependencies first (from
# modules.dep), one path a line.
guest_module_list() {
	$PYTHON - "$GUEST_MODULES" <<'PY'
import sys
base = sys.argv[1]
dep = {}
for line in open(base + "/modules.dep"):
    path, _, rest = line.partition(":")
    name = path.rsplit("/", 1)[-1].split(".ko")[0].replace("-", "_")
    dep[name] = (path, rest.split())
by_path = {p: n for n, (p, _) in dep.items()}
order = []
def add(n):
    if n in order or n not in dep:
        return
    for d in dep[n][1]:
        add(by_path[d])
    order.append(n)
for want in ("virtio_pci", "virtio_scsi", "sr_mod", "sg"):
    add(want)
for n in order:
    print(base + "/" + dep[n][0])
PY
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
	guest_module_list >"$gr_dir.mods"
	[ -s "$gr_dir.mods" ] || fail "no modules found in $GUEST_MODULES"
	gr_i=0
	while read -r m; do
		gr_to=$gr_dir/mods/$(printf %02d $gr_i).ko
		case "$m" in
		*.ko) cp "$m" "$gr_to" ;;
		*.ko.xz) xz -dc "$m" >"$gr_to" ;;
		*.ko.zst) zstd -qdc "$m" >"$gr_to" ;;
		*) fail "unknown module format: $m" ;;
		esac
		gr_i=$((gr_i + 1))
	done <"$gr_dir.mods"
	rm -f "$gr_dir.mods"
}

guest_initrd() {
	(cd "$1" && find . | busybox cpio -o -H newc 2>/dev/null) | gzip -1 >"$2"
}
