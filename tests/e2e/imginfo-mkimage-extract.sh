# The imginfo-extract test again, on an image mkimage made with the same boot and hybrid options.
BUILDER=mkimage
. "$E2E_DIR/imginfo-extract.sh"
