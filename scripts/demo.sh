#!/bin/sh
# Builds a demo image from examples/demo-tree with mkimage and shows what is in it.
# Usage: scripts/demo.sh BINDIR   (make demo calls it after building)
set -eu
bin=$1
top=$(cd "$(dirname "$0")/.." && pwd)
out=${DEMO_DIR:-$top/build/demo}
mkdir -p "$out"
img=$out/demo.iso
# A fixed date: the demo image is the same bytes on every machine.
SOURCE_DATE_EPOCH=1700000000 "$bin/mkimage" -V DEMO -A "disc image toolkit demo" \
	-o "$img" "$top/examples/demo-tree"
echo "== built $img ($(wc -c <"$img") bytes)"
# imginfo will show this once it exists; until then, readers we did not write.
echo "== isoinfo -d"
isoinfo -d -i "$img"
echo "== xorriso -find / (Rock Ridge names, modes, symlinks)"
xorriso -indev "$img" -find / -exec lsdl 2>/dev/null
