/* libFuzzer target: the import of an old image (img_image_import: our volume descriptor check,
 * libisofs's importer through our bounded data source, the hard-link and Joliet passes), then
 * a removal, a tree merged on top, the layout and the whole new image written, which reads the
 * old file data through the same source.  The input is a sparse image (tests/fuzz/sparse.h),
 * handed over as a file (a memfd) because the import opens its old image by name. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/build/image.h"
#include "common/build/import.h"
#include "common/build/tree.h"
#include "tests/fuzz/sparse.h"

static struct img_tree *tree; /* a small tree to merge, made once */

static void make_tree(void)
{
	char dir[] = "/tmp/fuzz_import.XXXXXX";
	if (mkdtemp(dir) == NULL)
		abort();
	char path[64];
	snprintf(path, sizeof(path), "%s/added.txt", dir);
	FILE *f = fopen(path, "w");
	if (f == NULL)
		abort();
	fputs("added\n", f);
	fclose(f);
	struct img_tree_opts to = { 0 };
	struct img_error e;
	if (img_tree_new(&to, &tree, &e) != IMG_OK || img_tree_add(tree, NULL, dir) != IMG_OK ||
	    img_tree_finish(tree) != IMG_OK)
		abort();
	/* The tree's stat data is all it needs until an image reads added.txt: keep the file. */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned char *image;
	size_t image_size;
	if (fuzz_sparse_image(data, size, &image, &image_size) != 0)
		return 0;
	if (tree == NULL)
		make_tree();
	int fd = memfd_create("old.iso", 0);
	if (fd < 0)
		abort();
	if (write(fd, image, image_size) != (ssize_t)image_size)
		abort();
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct img_image_opts o;
	img_image_opts_default(&o);
	o.volid = NULL;
	o.md5 = image_size % 2 == 1; /* with and without libisofs's MD5 bookkeeping */
	struct img_image *img = NULL;
	struct img_error e;
	if (img_image_new(&o, NULL, NULL, &img, &e) != IMG_OK)
		abort();
	struct img_import_opts io = { .path = path, .drop_boot = image_size % 4 >= 2,
				      .joliet_as_old = true };
	if (img_image_import(img, &io) == IMG_OK) {
		(void)img_image_remove_path(img, "/a", image_size % 8 >= 4);
		uint64_t blocks, bytes;
		if (img_image_add_tree(img, tree) == IMG_OK && img_image_size(img, &blocks) == IMG_OK &&
		    blocks < 16384 && img_image_start(img, &bytes) == IMG_OK) {
			static unsigned char buf[65536];
			size_t got;
			while (img_image_read(img, buf, sizeof(buf), &got) == IMG_OK && got > 0)
				;
		}
	}
	img_image_free(img);
	close(fd);
	return 0;
}
