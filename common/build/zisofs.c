/* zisofs through libisofs: marking mkzftree's files and compressing files with its filter. */
#include "common/build/zisofs.h"

#include <fnmatch.h>

#include "common/build/stream.h"

bool img_zisofs_wanted(const struct img_image_opts *o)
{
	return o->zisofs_magic || o->zisofs_all || o->n_zisofs_only > 0;
}

int img_zisofs_available(struct img_error *err)
{
	/* bit2: only ask whether the filter is there (2), the file may be NULL. */
	int ret = iso_file_add_zisofs_filter(NULL, 4);
	if (ret != 2)
		return img_error_set(err, IMG_EUNSUPPORTED, "zisofs: libisofs cannot compress "
				     "(%s)", ret < 0 ? iso_error_to_msg(ret) : "no zlib");
	return IMG_OK;
}

static bool matches(const struct img_image_opts *o, const char *name, const char *ipath,
		    const char *disk)
{
	if (o->zisofs_all)
		return true;
	const char *rel = ipath[0] == '/' ? ipath + 1 : ipath;
	for (size_t i = 0; i < o->n_zisofs_only; i++) {
		const char *g = o->zisofs_only[i];
		if (fnmatch(g, name, 0) == 0 || fnmatch(g, ipath, 0) == 0 ||
		    fnmatch(g, rel, 0) == 0 || (disk != NULL && fnmatch(g, disk, 0) == 0))
			return true;
	}
	return false;
}

/* A read failure of our stream says why (stream.h); libisofs's code says less. */
static int failed(int ret, const char *what, const char *disk, struct img_error *err)
{
	int rc = img_stream_take_error(err);
	if (rc != IMG_OK)
		return rc;
	return img_error_set(err, IMG_EISOFS, "%s: %s: %s", disk, what, iso_error_to_msg(ret));
}

int img_zisofs_apply(IsoFile *f, const struct img_image_opts *o, const char *name,
		     const char *ipath, const char *disk, bool *compressed, struct img_error *err)
{
	*compressed = false;
	if (o->zisofs_magic) {
		/* Flag 0: the file's own header decides, zisofs version 1 only (what mkzftree
		 * writes and what Linux reads), no mark for other files.  1: marked. */
		int ret = iso_node_zf_by_magic((IsoNode *)f, 0);
		if (ret < 0)
			return failed(ret, "reading its zisofs header", disk, err);
		if (ret == 1)
			return IMG_OK; /* compressed already: compressing it again would hide it */
	}
	if (!matches(o, name, ipath, disk))
		return IMG_OK;
	/* bit0: not when the compressed file takes as many 2048-byte blocks as the original
	 * (ret 2): readers would decompress for nothing. */
	int ret = iso_file_add_zisofs_filter(f, 1);
	if (ret < 0)
		return failed(ret, "compressing it", disk, err);
	*compressed = ret == 1;
	return IMG_OK;
}
