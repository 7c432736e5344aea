# The imginfo-list test again, on an image mkimage made with the same boot and hybrid options.
BUILDER=mkimage
. "$E2E_DIR/imginfo-list.sh"
