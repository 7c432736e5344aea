/* Mac hybrids: HFS+ and the Apple Partition Map through libisofs, with codes and blessings. */
#include "common/build/hfsplus.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/base/grow.h"
#include "common/build/image_ext.h"
#include "common/build/tree.h"

void img_hfsplus_config_free(struct img_hfsplus_config *cfg)
{
	for (size_t i = 0; i < cfg->n_codes; i++)
		free(cfg->codes[i].path);
	free(cfg->codes);
	for (size_t i = 0; i < cfg->n_blesses; i++)
		free(cfg->blesses[i].path);
	free(cfg->blesses);
	memset(cfg, 0, sizeof(*cfg));
}

int img_hfsplus_parse_block_size(const char *text, int *out)
{
	/* libisofs takes 0 (its own choice), 512 or 2048, as xorriso's check says. */
	if (strcmp(text, "0") == 0)
		*out = 0;
	else if (strcmp(text, "512") == 0)
		*out = 512;
	else if (strcmp(text, "2048") == 0)
		*out = 2048;
	else
		return IMG_EINVAL;
	return IMG_OK;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int img_hfsplus_parse_serial(const char *text, uint8_t serial[8])
{
	if (strlen(text) != 16)
		return IMG_EINVAL;
	for (size_t i = 0; i < 8; i++) {
		int hi = hexval((unsigned char)text[2 * i]);
		int lo = hexval((unsigned char)text[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return IMG_EINVAL;
		serial[i] = (uint8_t)(hi << 4 | lo);
	}
	return IMG_OK;
}

int img_hfsplus_add_code(struct img_hfsplus_config *cfg, const char *creator,
			 const char *type, const char *path, struct img_error *err)
{
	/* Classic Mac OS codes are four bytes (OSType), stored as they are. */
	if (strlen(creator) != 4 || strlen(type) != 4)
		return img_error_set(err, IMG_EINVAL,
				     "-hfsplus-file-creator-type %s %s %s: creator and type must be "
				     "exactly 4 characters", creator, type, path);
	size_t cap = cfg->n_codes;
	if (img_reserve((void **)&cfg->codes, &cap, cap + 1, sizeof(*cfg->codes)) != IMG_OK)
		return img_error_set(err, IMG_ENOMEM, NULL);
	struct img_hfsplus_code *c = &cfg->codes[cfg->n_codes];
	c->path = strdup(path);
	if (c->path == NULL)
		return img_error_set(err, IMG_ENOMEM, NULL);
	memcpy(c->creator, creator, 4);
	memcpy(c->type, type, 4);
	cfg->n_codes++;
	return IMG_OK;
}

int img_hfsplus_add_bless(struct img_hfsplus_config *cfg, const char *kind, const char *path,
			  bool by_disk, struct img_error *err)
{
	static const struct {
		const char *name, *letters;
		enum img_hfsplus_blessing kind;
	} kinds[] = {
		{"ppc_bootdir", "pP", IMG_HFSPLUS_BLESS_PPC_BOOTDIR},
		{"intel_bootfile", "iI", IMG_HFSPLUS_BLESS_INTEL_BOOTFILE},
		{"show_folder", "sS", IMG_HFSPLUS_BLESS_SHOW_FOLDER},
		{"os9_folder", "9", IMG_HFSPLUS_BLESS_OS9_FOLDER},
		{"osx_folder", "xX", IMG_HFSPLUS_BLESS_OSX_FOLDER},
	};
	int found = -1;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kind, kinds[i].name) == 0 ||
		    (strlen(kind) == 1 && strchr(kinds[i].letters, kind[0]) != NULL))
			found = (int)kinds[i].kind;
	if (found < 0)
		return img_error_set(err, IMG_EINVAL,
				     "-hfs-bless-by %s: not ppc_bootdir, intel_bootfile, show_folder, "
				     "os9_folder or osx_folder (or p, i, s, 9, x)", kind);
	size_t cap = cfg->n_blesses;
	if (img_reserve((void **)&cfg->blesses, &cap, cap + 1, sizeof(*cfg->blesses)) != IMG_OK)
		return img_error_set(err, IMG_ENOMEM, NULL);
	struct img_hfsplus_bless *b = &cfg->blesses[cfg->n_blesses];
	b->path = strdup(path);
	if (b->path == NULL)
		return img_error_set(err, IMG_ENOMEM, NULL);
	b->kind = (enum img_hfsplus_blessing)found;
	b->by_disk = by_disk;
	cfg->n_blesses++;
	return IMG_OK;
}

/* Whether the disk path src names the directory want (resolved with realpath: the tree keeps
 * paths as the command line gave them, -hfs-bless may spell them otherwise). */
static bool same_dir(const char *src, const char *want, const char *want_real)
{
	if (src == NULL)
		return false;
	if (strcmp(src, want) == 0)
		return true;
	char real[PATH_MAX];
	return want_real != NULL && realpath(src, real) != NULL && strcmp(real, want_real) == 0;
}

/* The image path of the directory below dir (whose image path is buf[0..used)) that stems
 * from disk directory want, into buf; false when none does. */
static bool find_disk_dir(const struct img_tree_node *dir, const char *want,
			  const char *want_real, char *buf, size_t len, size_t used)
{
	for (size_t i = 0; i < img_node_count(dir); i++) {
		const struct img_tree_node *k = img_node_child(dir, i);
		if (!S_ISDIR(img_node_stat(k)->st_mode))
			continue;
		const char *name = img_node_name(k);
		size_t n = strlen(name);
		if (used + 1 + n >= len)
			continue;
		buf[used] = '/';
		memcpy(buf + used + 1, name, n + 1);
		if (same_dir(img_node_source(k), want, want_real))
			return true;
		if (find_disk_dir(k, want, want_real, buf, len, used + 1 + n))
			return true;
	}
	buf[used] = '\0';
	return false;
}

static bool bless_path_by_disk(struct img_image *img, const char *disk, char *buf, size_t len)
{
	const struct img_tree *t = img_image_tree(img);
	if (t == NULL || len < 2)
		return false;
	char want_real[PATH_MAX];
	const char *real = realpath(disk, want_real);
	const struct img_tree_node *root = img_tree_root(t);
	if (same_dir(img_node_source(root), disk, real)) {
		snprintf(buf, len, "/");
		return true;
	}
	buf[0] = '\0';
	return find_disk_dir(root, disk, real, buf, len, 0);
}

static int node_at(struct img_image *img, const char *what, const char *path, IsoNode **node)
{
	*node = NULL;
	if (iso_tree_path_to_node(img_image_isofs(img), path, node) != 1 || *node == NULL)
		return img_error_set(img_image_err(img), IMG_ENOENT, "%s %s: not in the image",
				     what, path);
	return IMG_OK;
}

static int apply_code(struct img_image *img, const struct img_hfsplus_code *c)
{
	IsoNode *node;
	int rc = node_at(img, "-hfsplus-file-creator-type", c->path, &node);
	if (rc)
		return rc;
	/* A later code for the same file replaces the earlier one, as with xorriso. */
	iso_node_remove_xinfo(node, iso_hfsplus_xinfo_func);
	struct iso_hfsplus_xinfo_data *x = iso_hfsplus_xinfo_new(0);
	if (x == NULL)
		return img_error_set(img_image_err(img), IMG_ENOMEM, NULL);
	memcpy(x->creator_code, c->creator, 4);
	memcpy(x->type_code, c->type, 4);
	int ret = iso_node_add_xinfo(node, iso_hfsplus_xinfo_func, x);
	if (ret < 0) {
		iso_hfsplus_xinfo_func(x, 1);
		return img_image_isofs_error(img, ret, c->path);
	}
	return IMG_OK;
}

static int apply_bless(struct img_image *img, const struct img_hfsplus_bless *b)
{
	char found[4096];
	const char *path = b->path;
	if (b->by_disk) {
		if (!bless_path_by_disk(img, b->path, found, sizeof(found)))
			return img_error_set(img_image_err(img), IMG_ENOENT,
					     "-hfs-bless %s: no directory of the image stems from "
					     "that disk directory (-hfs-bless-by p IMAGEPATH names one "
					     "by its image path)", b->path);
		path = found;
	}
	IsoNode *node;
	int rc = node_at(img, b->by_disk ? "-hfs-bless" : "-hfs-bless-by", path, &node);
	if (rc)
		return rc;
	/* libisofs's enum IsoHfsplusBlessings has our order. */
	int ret = iso_image_hfsplus_bless(img_image_isofs(img),
					  (enum IsoHfsplusBlessings)b->kind, node, 0);
	if (ret < 0)
		return img_image_isofs_error(img, ret, path);
	if (ret == 0)
		return img_error_set(img_image_err(img), IMG_EINVAL,
				     "HFS+ blessing of %s: it bears another blessing, or is not a "
				     "%s", path, b->kind == IMG_HFSPLUS_BLESS_INTEL_BOOTFILE
						? "regular file" : "directory");
	return IMG_OK;
}

int img_hfsplus_apply(struct img_image *img, const struct img_hfsplus_config *cfg)
{
	if (!cfg->enabled) {
		if (cfg->n_codes || cfg->n_blesses || cfg->has_serial || cfg->block_size)
			return img_error_set(img_image_err(img), IMG_EINVAL,
					     "HFS+ codes, blessings, serial number and block size "
					     "need -hfsplus");
	}
	IsoWriteOpts *w = img_image_write_opts(img);
	int ret;
	if (cfg->enabled && (ret = iso_write_opts_set_hfsplus(w, 1)) < 0)
		return img_image_isofs_error(img, ret, "-hfsplus");
	if (cfg->block_size || cfg->apm_block_size) {
		if ((ret = iso_write_opts_set_hfsp_block_size(w, cfg->block_size,
							      cfg->apm_block_size)) < 0)
			return img_image_isofs_error(img, ret, "HFS+/APM block size");
	}
	if (cfg->has_serial) {
		uint8_t serial[8];
		memcpy(serial, cfg->serial, sizeof(serial));
		if ((ret = iso_write_opts_set_hfsp_serial_number(w, serial)) < 0)
			return img_image_isofs_error(img, ret, "-hfsplus-serial-no");
	}
	for (size_t i = 0; i < cfg->n_codes; i++) {
		int rc = apply_code(img, &cfg->codes[i]);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < cfg->n_blesses; i++) {
		int rc = apply_bless(img, &cfg->blesses[i]);
		if (rc)
			return rc;
	}
	return IMG_OK;
}
