/* Measuring driver for `imginfo -l`: what libisofs alone costs to read an image's tree.
 *   isolist --import IMAGE   iso_image_import with imginfo's read options, nothing printed: the
 *                            floor of any listing that reads through the import
 *   isolist --fs IMAGE       the image filesystem under the import (iso_image_filesystem_new,
 *                            one directory at a time, no tree kept), printing mode, owner, size,
 *                            mtime and path of every entry as imginfo -l does, but no LBA: an
 *                            image file source has no public call that gives its extents
 * Not a test: tests/bench/NOTES.md (run 5) quotes its figures. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/base/isofs.h"

static int fail(const char *what, int code)
{
	fprintf(stderr, "isolist: %s: %d %s\n", what, code, code < 0 ? iso_error_to_msg(code) : "");
	return 1;
}

/* Depth-first over the image filesystem; path holds the parent's path, len its length. */
static int walk(IsoFileSource *dir, char *path, size_t len, size_t size)
{
	int r = iso_file_source_open(dir);
	if (r < 0)
		return r;
	IsoFileSource *c;
	while ((r = iso_file_source_readdir(dir, &c)) == 1) {
		struct stat st;
		char *name = iso_file_source_get_name(c);
		size_t n = name ? strlen(name) : 0;
		if ((r = iso_file_source_lstat(c, &st)) < 0 || name == NULL || len + n + 2 > size) {
			free(name);
			iso_file_source_unref(c);
			break;
		}
		path[len] = '/';
		memcpy(path + len + 1, name, n + 1);
		free(name);
		char when[32];
		struct tm tm;
		if (gmtime_r(&st.st_mtime, &tm) == NULL ||
		    strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm) == 0)
			snprintf(when, sizeof(when), "?");
		printf("%06o %5u %5u %12" PRIu64 " %s %s\n", (unsigned)st.st_mode,
		       (unsigned)st.st_uid, (unsigned)st.st_gid, (uint64_t)st.st_size, when, path);
		if (S_ISDIR(st.st_mode) && (r = walk(c, path, len + 1 + n, size)) < 0) {
			iso_file_source_unref(c);
			break;
		}
		iso_file_source_unref(c);
	}
	iso_file_source_close(dir);
	return r < 0 ? r : 0;
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "--import") != 0 && strcmp(argv[1], "--fs") != 0)) {
		fprintf(stderr, "usage: isolist --import|--fs IMAGE\n");
		return 2;
	}
	int r;
	IsoDataSource *ds;
	IsoReadOpts *opts;
	if ((r = iso_init()) < 0)
		return fail("iso_init", r);
	iso_set_msgs_severities("NEVER", "NEVER", "isolist");
	if ((r = iso_data_source_new_from_file(argv[2], &ds)) < 0)
		return fail(argv[2], r);
	if ((r = iso_read_opts_new(&opts, 0)) < 0)
		return fail("read options", r);
	/* as common/inspect/iso_read.c for the default view */
	iso_read_opts_set_ecma119_map(opts, 1);
	iso_read_opts_set_joliet_map(opts, 1);
	iso_read_opts_set_no_aaip(opts, 0);
	iso_read_opts_set_no_md5(opts, 2);
	iso_read_opts_set_no_iso1999(opts, 1);
	if (strcmp(argv[1], "--import") == 0) {
		IsoImage *image;
		IsoReadImageFeatures *feat = NULL;
		if ((r = iso_image_new("isolist", &image)) < 0)
			return fail("image", r);
		if ((r = iso_image_import(image, ds, opts, &feat)) < 0)
			return fail("iso_image_import", r);
		iso_read_image_features_destroy(feat);
		iso_image_unref(image);
	} else {
		IsoImageFilesystem *fs;
		IsoFileSource *root;
		char path[8192] = "";
		if ((r = iso_image_filesystem_new(ds, opts, 1, &fs)) < 0)
			return fail("iso_image_filesystem_new", r);
		if ((r = fs->get_root(fs, &root)) < 0)
			return fail("root", r);
		r = walk(root, path, 0, sizeof(path));
		iso_file_source_unref(root);
		iso_filesystem_unref(fs);
		if (r < 0)
			return fail("walk", r);
	}
	iso_read_opts_free(opts);
	iso_data_source_unref(ds);
	iso_finish();
	return 0;
}
