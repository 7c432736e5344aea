/* replayimage: builds a new image of a directory with the boot setup of an old image replayed
 * (test tool, not installed): the harness that tests boot replay on a tree extracted from the
 * old image, independently of mkimage --indev.
 * Usage: replayimage OLD DIR NEW [VOLID]
 *   prints the replayed boot configuration's summary to stdout, one line per item. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/build/boot_replay.h"
#include "common/build/image.h"
#include "common/build/tree.h"
#include "common/build/writer.h"
#include "common/inspect/source.h"

static void die(const char *what, const struct img_error *e)
{
	fprintf(stderr, "replayimage: %s: %s\n", what, e->detail[0] ? e->detail : "failed");
	exit(1);
}

static void show(const struct img_boot_config *c)
{
	for (size_t i = 0; i < c->n_entries; i++) {
		const struct img_boot_entry *e = &c->entries[i];
		printf("entry %zu: %s platform=0x%02x emul=%d load_size=%ld load_seg=%ld "
		       "info_table=%d grub2_info=%d no_boot=%d gpt_mark=%d apm_mark=%d\n",
		       i + 1, e->image_path, e->platform, (int)e->emul, e->load_size, e->load_seg,
		       e->info_table, e->grub2_info, e->not_bootable, e->isohybrid_gpt,
		       e->isohybrid_apm);
	}
	printf("catalog: %s hidden=%d\n", c->catalog_path ? c->catalog_path : "-",
	       c->catalog_hidden);
	printf("mbr: kind=%d file=%s protective=%d force_bootable=%d iso_type=%d cyl=%d\n",
	       (int)c->mbr_kind, c->mbr_file ? c->mbr_file : "-", c->protective_msdos,
	       c->mbr_force_bootable, c->iso_mbr_part_type, (int)c->cyl_align);
	for (int i = 0; i < 4; i++)
		if (c->partitions[i].number)
			printf("partition %d: type=0x%02x guid=%d %s\n", c->partitions[i].number,
			       c->partitions[i].mbr_type, c->partitions[i].has_type_guid,
			       c->partitions[i].path);
	printf("appended_as_gpt=%d efi_boot_part_from_eltorito=%d partition_offset=%u\n",
	       c->appended_as_gpt, c->efi_boot_part_from_eltorito, c->partition_offset);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: replayimage OLD DIR NEW [VOLID]\n");
		return 2;
	}
	struct img_error err = {0};
	struct img_source *src = NULL;
	if (img_source_open(argv[1], NULL, &src, &err) != IMG_OK)
		die(argv[1], &err);
	struct img_boot_config cfg;
	img_boot_config_init(&cfg);
	int rc = img_boot_replay(src, argv[1], &cfg, &err);
	img_source_close(src);
	if (rc != IMG_OK)
		die(argv[1], &err);
	show(&cfg);

	struct img_tree_opts topts = {0};
	struct img_tree *tree = NULL;
	if (img_tree_new(&topts, &tree, &err) != IMG_OK || img_tree_add(tree, NULL, argv[2]) ||
	    img_tree_finish(tree))
		die(argv[2], &err);
	struct img_image_opts o;
	img_image_opts_default(&o);
	o.volid = argc > 4 ? argv[4] : "ISOIMAGE";
	struct img_image *img = NULL;
	if (img_image_new(&o, NULL, NULL, &img, &err) != IMG_OK)
		die("image", &err);
	if (img_image_add_tree(img, tree) != IMG_OK)
		die("tree", img_image_error(img));
	if (img_image_set_boot(img, &cfg) != IMG_OK)
		die("boot", img_image_error(img));
	struct img_writer *w = NULL;
	if (img_writer_open(argv[3], &w, &err) != IMG_OK)
		die(argv[3], &err);
	if (img_writer_run(w, img, NULL, NULL, &err) != IMG_OK ||
	    img_writer_commit(w, &err) != IMG_OK)
		die(argv[3], &err);
	img_writer_free(w);
	img_image_free(img);
	img_tree_free(tree);
	img_boot_config_free(&cfg);
	return 0;
}
