/* Converting imported names from UTF-8 to the input charset. */
#include "common/build/import_charset.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/inspect/iso_read.h"

struct conv {
	struct img_image *img;
	iconv_t cd;
	const char *charset, *old_name;
	char path[4096];
};

bool img_charset_is_utf8(const char *charset)
{
	return charset == NULL || strcasecmp(charset, "UTF-8") == 0 ||
	       strcasecmp(charset, "UTF8") == 0;
}

/* Whether s is valid UTF-8 with at least one byte above ASCII (else nothing to convert). */
static bool non_ascii_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	bool high = false;
	while (*p) {
		unsigned c = *p;
		int n = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2
			: (c & 0xf8) == 0xf0 ? 3 : -1;
		if (n < 0 || (n == 1 && c < 0xc2))
			return false;
		for (int i = 1; i <= n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return false;
		high |= n > 0;
		p += n + 1;
	}
	return high;
}

/* s converted (malloc'd), or NULL with errno: EILSEQ when charset cannot hold it. */
static char *convert(struct conv *c, const char *s)
{
	size_t inleft = strlen(s), cap = inleft * 4 + 8, outleft = cap - 1;
	char *out = malloc(cap), *o = out, *in = (char *)s;
	if (out == NULL)
		return NULL;
	iconv(c->cd, NULL, NULL, NULL, NULL);
	if (iconv(c->cd, &in, &inleft, &o, &outleft) == (size_t)-1 ||
	    iconv(c->cd, NULL, NULL, &o, &outleft) == (size_t)-1) {
		int e = errno == E2BIG ? ENOMEM : EILSEQ;
		free(out);
		errno = e;
		return NULL;
	}
	*o = '\0';
	return out;
}

static int failed(struct conv *c, const char *what)
{
	if (errno == ENOMEM)
		return img_error_set(img_image_err(c->img), IMG_ENOMEM, "%s: names", c->old_name);
	return img_error_set(img_image_err(c->img), IMG_EINVAL,
			     "%s: %s: %s not representable in input charset %s (the old image's "
			     "names are UTF-8; -input-charset UTF-8 keeps them)", c->old_name,
			     c->path, what, c->charset);
}

static int convert_dir(struct conv *c, IsoDir *dir, size_t plen, int depth)
{
	if (depth > IMG_ISO_MAX_DEPTH)
		return IMG_OK;
	IsoDirIter *it = NULL;
	if (iso_dir_get_children(dir, &it) < 0)
		return img_error_set(img_image_err(c->img), IMG_ENOMEM, "%s: names", c->old_name);
	IsoNode *kid;
	int rc = IMG_OK;
	while (rc == IMG_OK && iso_dir_iter_next(it, &kid) == 1) {
		const char *name = iso_node_get_name(kid);
		snprintf(c->path + plen, sizeof(c->path) - plen, "/%s", name);
		size_t len = strlen(c->path);
		if (non_ascii_utf8(name)) {
			char *conv = convert(c, name);
			if (conv == NULL) {
				rc = failed(c, "name");
				break;
			}
			int ret = iso_image_set_node_name(img_image_isofs(c->img), kid, conv, 0);
			free(conv);
			if (ret < 0) {
				rc = img_image_isofs_error(c->img, ret, c->path);
				break;
			}
		}
		enum IsoNodeType t = iso_node_get_type(kid);
		if (t == LIBISO_SYMLINK) {
			const char *dest = iso_symlink_get_dest((IsoSymlink *)kid);
			if (dest != NULL && non_ascii_utf8(dest)) {
				char *conv = convert(c, dest);
				if (conv == NULL) {
					rc = failed(c, "link target");
					break;
				}
				int ret = iso_symlink_set_dest((IsoSymlink *)kid, conv);
				free(conv);
				if (ret < 0)
					rc = img_image_isofs_error(c->img, ret, c->path);
			}
		} else if (t == LIBISO_DIR) {
			rc = convert_dir(c, (IsoDir *)kid, len, depth + 1);
		}
		c->path[plen] = '\0';
	}
	iso_dir_iter_free(it);
	return rc;
}

int img_import_names_to_charset(struct img_image *img, IsoDir *root, const char *charset,
				const char *old_name)
{
	if (img_charset_is_utf8(charset))
		return IMG_OK;
	struct conv *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return img_error_set(img_image_err(img), IMG_ENOMEM, "%s: names", old_name);
	c->img = img;
	c->charset = charset;
	c->old_name = old_name;
	c->cd = iconv_open(charset, "UTF-8");
	if (c->cd == (iconv_t)-1) {
		free(c);
		return img_error_set(img_image_err(img), IMG_EINVAL,
				     "input charset %s: not known to iconv", charset);
	}
	int rc = convert_dir(c, root, 0, 1);
	iconv_close(c->cd);
	free(c);
	return rc;
}
