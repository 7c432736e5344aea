# Boot-test helpers (bash), sourced after lib.sh by the tests that boot what mkimage made.
# Nested KVM fails on the virtual machines these tests run on ("KVM internal error", and qemu then
# hangs), so KVM is tried only when /dev/kvm is usable and dropped for TCG as soon as the log
# shows a KVM error; a TCG boot takes about 5 seconds.

OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
ISOLINUX_DIR=/usr/lib/ISOLINUX
SYSLINUX_MODULES=/usr/lib/syslinux/modules/bios
need qemu-system-x86_64 timeout grub-mkstandalone mkfs.vfat mmd mcopy
need_file ovmf "$OVMF_CODE" "$OVMF_VARS"
need_file isolinux "$ISOLINUX_DIR/isolinux.bin" "$ISOLINUX_DIR/isohdpfx.bin"
need_file syslinux-common "$SYSLINUX_MODULES/ldlinux.c32" "$SYSLINUX_MODULES/menu.c32"
need_file grub-efi-amd64-bin /usr/lib/grub/x86_64-efi/normal.mod

# make_isolinux_tree DIR TOKEN: an isolinux boot directory DIR/isolinux whose menu title, drawn
# on the serial console, is TOKEN (SAY/DISPLAY text does not reach the serial port).
make_isolinux_tree() {
	mkdir -p "$1/isolinux"
	cp "$ISOLINUX_DIR/isolinux.bin" "$1/isolinux/"
	for m in ldlinux libcom32 libutil menu; do
		cp "$SYSLINUX_MODULES/$m.c32" "$1/isolinux/"
	done
	printf 'SERIAL 0 115200\nUI menu.c32\nMENU TITLE %s\nTIMEOUT 0\nLABEL local\n  LOCALBOOT 0\n' \
		"$2" >"$1/isolinux/isolinux.cfg"
}

# make_grub_efi OUT TOKEN: a small standalone GRUB EFI binary that prints TOKEN on the serial
# console and halts.
make_grub_efi() {
	cfgdir=$(mktemp -d "$SCRATCH/grubcfg.XXXXXX")
	printf 'serial --unit=0 --speed=115200\nterminal_output serial console\necho %s\nhalt\n' \
		"$2" >"$cfgdir/grub.cfg"
	grub-mkstandalone -O x86_64-efi \
		--install-modules="normal echo serial terminal halt configfile" \
		--locales= --fonts= --themes= -o "$1" "boot/grub/grub.cfg=$cfgdir/grub.cfg"
}

# make_esp OUT EFI-BINARY [KIB]: a FAT image holding EFI-BINARY as /EFI/BOOT/BOOTX64.EFI.
make_esp() {
	rm -f "$1"
	mkfs.vfat -C "$1" "${3:-1440}" >/dev/null
	mmd -i "$1" ::/EFI ::/EFI/BOOT
	mcopy -i "$1" "$2" ::/EFI/BOOT/BOOTX64.EFI
}

# boot_qemu MODE IMAGE TOKEN: boots IMAGE in qemu-system-x86_64 and succeeds when TOKEN appears on
# the serial console.  MODE: bios-cd, bios-hd, uefi-cd, uefi-hd.  A hang fails after BOOT_TIMEOUT
# seconds (300: a TCG boot takes 5 s on an idle machine; 120 s were once too few at load 12).
boot_qemu() {
	mode=$1 image=$2 token=$3
	# The sanitizer pass boots too: its images come from the ASan+UBSan build, and are booted
	# like the plain build's.
	# The verdict on KVM is kept per machine boot, so only the first boot test pays for it.
	kvm_verdict="${TMPDIR:-/tmp}/imgtoolkit-kvm-broken.$(cat /proc/sys/kernel/random/boot_id 2>/dev/null)"
	accel=tcg
	if [ -r /dev/kvm ] && [ -w /dev/kvm ] && [ "${BOOT_ACCEL:-auto}" != tcg ] &&
	   [ ! -e "$kvm_verdict" ]; then
		accel=kvm
	fi
	if boot_qemu_once "$accel" "$mode" "$image" "$token"; then return 0; fi
	if [ "$accel" = kvm ] && grep -Eq 'KVM internal error|failed to initialize kvm|kvm: ' "$SCRATCH/boot.log"; then
		note "KVM does not work here; booting with TCG"
		: >"$kvm_verdict"
		boot_qemu_once tcg "$mode" "$image" "$token" && return 0
	fi
	tr -d '\033' <"$SCRATCH/boot.log" | tail -c 2000 >&2
	fail "no boot: '$token' not seen on the serial console ($mode, $image)"
}

# saw_token TOKEN: TOKEN is on the serial console so far.  Terminal control sequences are
# taken out first: menu.c32 redraws its screen with cursor moves, and on a loaded machine they
# fall between the characters of a line ("op<ESC>[18;48H<ESC>[18;49Htion").
saw_token() {
	sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' "$SCRATCH/boot.log" | grep -aq -- "$1"
}

boot_qemu_once() {
	accel=$1 mode=$2 image=$3 token=$4
	set -- -accel "$accel" -m 256 -nographic -no-reboot -nic none -monitor none -serial stdio
	case $mode in
	bios-cd) set -- "$@" -drive "file=$image,format=raw,media=cdrom,readonly=on" ;;
	bios-hd) set -- "$@" -drive "file=$image,format=raw,if=ide,snapshot=on" ;;
	uefi-*)
		# A fresh variable store each time: OVMF remembers the boot order of the last run.
		cp "$OVMF_VARS" "$SCRATCH/ovmf-vars.fd"
		set -- "$@" -drive "if=pflash,format=raw,readonly=on,file=$OVMF_CODE" \
			-drive "if=pflash,format=raw,file=$SCRATCH/ovmf-vars.fd"
		if [ "$mode" = uefi-cd ]; then
			set -- "$@" -drive "file=$image,format=raw,media=cdrom,readonly=on"
		else
			set -- "$@" -drive "file=$image,format=raw,if=ide,snapshot=on"
		fi ;;
	*) fail "boot_qemu: unknown mode $mode" ;;
	esac
	: >"$SCRATCH/boot.log"
	timeout -k 5 "${BOOT_TIMEOUT:-300}" qemu-system-x86_64 "$@" >"$SCRATCH/boot.log" 2>&1 </dev/null &
	qpid=$!
	seen=1
	while kill -0 "$qpid" 2>/dev/null; do
		if saw_token "$token"; then seen=0; break; fi
		if [ "$accel" = kvm ] && grep -Eq 'KVM internal error|failed to initialize kvm' "$SCRATCH/boot.log"; then break; fi
		sleep 0.3
	done
	saw_token "$token" && seen=0
	kill "$qpid" 2>/dev/null || true
	wait "$qpid" 2>/dev/null || true
	[ $seen -eq 0 ] && note "booted $mode with $accel: saw $token"
	return $seen
}

# boot_setup IMAGE: xorriso's account of IMAGE's boot setup (mkisofs options, El Torito entries,
# system area in detail), with what a remaster or a new session moves masked: block addresses
# and sizes, GUIDs, the image's own name in --interval: sources, the volume date.  With
# MASK_GEOMETRY set, also the cylinder alignment and geometry xorriso infers from the sizes.
boot_setup() {
	xorriso -indev "$1" -report_el_torito as_mkisofs -report_el_torito plain \
		-report_system_area plain 2>/dev/null |
		sed -E -e "s/(--interval:[a-z_]+:)[^']*'[^']*'/\1AREA:'IMG'/" \
			-e 's/_start_[0-9]+s_size_[0-9]+d/_start_Ns_size_Nd/g' \
			-e "s/--modification-date='[0-9]+'/--modification-date=DATE/" \
			-e 's/^(ISO image size\/512 *:).*/\1 N/' \
			-e 's/^(MBR partition +: +[0-9]+ +0x[0-9a-f]+ +0x[0-9a-f]+).*/\1 N N/' \
			-e 's/^(GPT disk GUID *:).*/\1 GUID/' \
			-e 's/^(GPT partition GUID *: +[0-9]+).*/\1 GUID/' \
			-e 's/^(GPT lba range *:).*/\1 N/' \
			-e 's/^(GPT start and size *: +[0-9]+).*/\1 N N/' \
			-e 's/^(GPT entry array *: +[0-9]+ +)[0-9]+/\1N/' \
			-e 's/^(APM start and size *: +[0-9]+).*/\1 N N/' \
			-e 's/^(El Torito catalog *:) *[0-9]+/\1 N/' \
			-e 's/^(El Torito boot img *:.*[^ ]) +[0-9]+$/\1 N/' \
			-e 's/^(El Torito img blks *: +[0-9]+).*/\1 N/' |
		if [ -n "${MASK_GEOMETRY:-}" ]; then
			sed -E -e 's/cyl-align-(on|off)/cyl-align-X/' \
				-e 's/^(System area options *:).*/\1 X/' \
				-e 's/^(MBR heads per cyl *:).*/\1 X/' \
				-e 's/^(-partition_cyl_align|-partition_hd_cyl) .*/\1 X/'
		else
			cat
		fi
}

# same_boot_setup OLD NEW: the two reports agree except for addresses, and say something.
# (xorriso's mkisofs options leave a hidden boot image out; its plain report lists it.)
same_boot_setup() {
	boot_setup "$1" >old.rep
	boot_setup "$2" >new.rep
	grep -q '^El Torito boot img' old.rep || fail "$1: xorriso reads no El Torito entry"
	diff -u old.rep new.rep || fail "$2: boot setup differs from $1's"
}
