#!/bin/sh
# Installs the Debian packages a task needs, and returns at once when they are all there.
# Usage: scripts/deps.sh [build|demo|test|bench|fuzz]   (default: build)
set -eu

build="gcc make pkg-config libisofs-dev libburn-dev libjte-dev zlib1g-dev libpopt-dev libjson-c-dev libssl-dev libsystemd-dev libudev-dev"
boot="isolinux syslinux-common"
readers="xorriso genisoimage cloud-image-utils jigit jigdo-file p7zip-full libarchive-tools udftools udfclient python3-pycdlib dumpet fdisk gdisk chromium file"
# Real images no one here wrote: the ISOs these packages ship (tests/e2e/imginfo-real-images.sh).
images="grub-rescue-pc ipxe memtest86+"
qemu="qemu-system-x86 qemu-block-extra tgt ovmf grub-efi-amd64-bin grub-pc-bin grub-common mtools dosfstools busybox-static linux-image-cloud-amd64"
# What the e2e tests run besides readers and QEMU (tests/e2e/lib.sh: package_of): loop devices and
# mounts, ext2, strings, a private D-Bus with systemd-logind for the inhibitor lock.
system="coreutils diffutils libc-bin mount util-linux bsdutils e2fsprogs binutils dbus-daemon systemd"

case "${1:-build}" in
  build) want="$build" ;;
  demo)  want="$build $boot xorriso genisoimage" ;;
  test)  want="$build $boot check $readers $images $qemu $system clang libclang-rt-14-dev libjemalloc2 libtcmalloc-minimal4" ;;
  bench) want="$build xorriso genisoimage time udftools udfclient" ;;
  fuzz)  want="$build clang libclang-rt-14-dev xorriso genisoimage isolinux dosfstools python3" ;;
  *) echo "deps.sh: unknown set '$1' (build, demo, test, bench, fuzz)" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0

echo "deps.sh: installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
