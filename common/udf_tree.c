/* UDF writer: the in-memory tree of names and inodes that the layout encodes. */
#include "common/udf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/udf_desc.h"
#include "common/udf_impl.h"

/* The longest name a File Identifier Descriptor holds: L_FI is one byte (ECMA-167 4/14.4.5). */
#define NAME_MAX_CS0 255

int img_udf_new(const struct img_udf_options *opts, struct img_udf **out)
{
	*out = NULL;
	switch (opts->revision) {
	case IMG_UDF_REV_102: case IMG_UDF_REV_150: case IMG_UDF_REV_201:
	case IMG_UDF_REV_250: case IMG_UDF_REV_260:
		break;
	default:
		return IMG_EINVAL;
	}
	const char *label = opts->volume_id != NULL ? opts->volume_id : "UDF Volume";
	if (!img_udf_utf8_valid(label, strlen(label)))
		return IMG_EINVAL;
	struct img_udf *u = calloc(1, sizeof(*u));
	if (u == NULL)
		return IMG_ENOMEM;
	u->rev = opts->revision;
	u->vtime = opts->volume_time;
	u->rvds_at_end = opts->reserve_at_end != 0;
	u->volume_id = strdup(label);
	if (opts->volume_set_unique != NULL) {
		snprintf(u->vs_unique, sizeof(u->vs_unique), "%s", opts->volume_set_unique);
	} else {
		/* UDF 2.2.2.5: the first 16 characters should be unique, the first 8 of them a
		 * hexadecimal time.  Derive the rest from the label so that the image stays
		 * reproducible (no random numbers). */
		uint32_t h = 2166136261u;
		for (const char *p = label; *p; p++)
			h = (h ^ (uint8_t)*p) * 16777619u;
		snprintf(u->vs_unique, sizeof(u->vs_unique), "%08X%08X",
			 (unsigned)(uint32_t)opts->volume_time, (unsigned)h);
	}
	u->nodes_cap = 64;
	u->inodes_cap = 64;
	u->nodes = calloc(u->nodes_cap, sizeof(*u->nodes));
	u->inodes = calloc(u->inodes_cap, sizeof(*u->inodes));
	if (u->volume_id == NULL || u->nodes == NULL || u->inodes == NULL) {
		img_udf_free(u);
		return IMG_ENOMEM;
	}
	struct udf_node *root = &u->nodes[0];
	root->parent = 0;
	root->inode = 0;
	root->first_child = root->last_child = root->next_sibling = UDF_NONE;
	u->nnodes = 1;
	struct udf_inode *ri = &u->inodes[0];
	ri->node = 0;
	ri->mode = S_IFDIR | 0755;
	ri->atime = ri->mtime = ri->ctime = ri->btime = (struct img_udf_time){opts->volume_time, 0};
	u->ninodes = 1;
	u->ndirs = 1;
	*out = u;
	return IMG_OK;
}

void img_udf_free(struct img_udf *u)
{
	if (u == NULL)
		return;
	for (uint32_t i = 0; i < u->nnodes; i++) {
		free(u->nodes[i].utf8);
		free(u->nodes[i].name);
	}
	for (uint32_t i = 0; i < u->ninodes; i++) {
		free(u->inodes[i].symlink);
		free(u->inodes[i].ext);
	}
	free(u->nodes);
	free(u->inodes);
	free(u->hl_keys);
	free(u->hl_vals);
	free(u->volume_id);
	free(u);
}

const struct img_error *img_udf_error(const struct img_udf *u)
{
	return &u->err;
}

void img_udf_node_path(const struct img_udf *u, uint32_t node, char *buf, size_t size)
{
	/* Collect the chain up to the root, then print it from the top. */
	uint32_t chain[4096];
	size_t n = 0;
	while (node != IMG_UDF_ROOT && n < sizeof(chain) / sizeof(chain[0])) {
		chain[n++] = node;
		node = u->nodes[node].parent;
	}
	size_t o = 0;
	buf[0] = '\0';
	while (n-- > 0 && o < size) {
		int k = snprintf(buf + o, size - o, "/%s", u->nodes[chain[n]].utf8);
		if (k < 0)
			break;
		o += (size_t)k;
	}
	if (buf[0] == '\0')
		snprintf(buf, size, "/");
}

/* Path of a name about to be added under parent, for error details. */
static void new_path(const struct img_udf *u, uint32_t parent, const char *name, char *buf,
		     size_t size)
{
	img_udf_node_path(u, parent, buf, size);
	size_t o = strlen(buf);
	if (o == 1)
		o = 0;
	/* Show bytes that are not printable ASCII as \xNN so that the detail stays readable. */
	for (const unsigned char *p = (const unsigned char *)name; *p && o + 5 < size; p++) {
		if (p == (const unsigned char *)name)
			buf[o++] = '/';
		if (*p >= 0x20 && *p < 0x7f)
			buf[o++] = (char)*p;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", *p);
	}
	buf[o < size ? o : size - 1] = '\0';
}

/* Encodes name; a name whose encoding exceeds 255 bytes becomes "<prefix>#XXXX" where XXXX is
 * the CRC of the whole UTF-8 name, so that shortened names of one directory stay distinct
 * (collisions are still caught by the layout).  Returns 1 when the name was shortened, 0 when
 * not, -1 for invalid UTF-8, -2 for no memory. */
static int encode_name(const char *name, uint8_t **out, uint32_t *out_len)
{
	size_t len = strlen(name);
	uint8_t *buf = malloc(2 * len + 16);
	if (buf == NULL)
		return -2;
	int trunc = 0;
	int n = img_udf_cs0_encode(name, len, buf, 2 * len + 16, &trunc);
	if (n < 0) {
		free(buf);
		return -1;
	}
	int shortened = 0;
	if (n > NAME_MAX_CS0) {
		char suffix[8];
		snprintf(suffix, sizeof(suffix), "#%04X",
			 img_udf_crc((const uint8_t *)name, len));
		char *cand = malloc(len + sizeof(suffix));
		if (cand == NULL) {
			free(buf);
			return -2;
		}
		/* Drop whole characters from the end until prefix + suffix fits. */
		size_t keep = len;
		do {
			do
				keep--;
			while (keep > 0 && ((uint8_t)name[keep] & 0xc0) == 0x80);
			memcpy(cand, name, keep);
			memcpy(cand + keep, suffix, strlen(suffix) + 1);
			n = img_udf_cs0_encode(cand, strlen(cand), buf, 2 * len + 16, NULL);
		} while (n > NAME_MAX_CS0 && keep > 0);
		free(cand);
		shortened = 1;
	}
	*out = buf;
	*out_len = (uint32_t)n;
	return shortened;
}

/* Encodes a symlink target as path components (ECMA-167 4/14.16.1): type 2 for a leading '/',
 * 3 for "..", 4 for ".", 5 for a name (OSTA compressed Unicode). */
static int encode_symlink(const char *target, uint8_t **out, uint64_t *out_len)
{
	size_t len = strlen(target);
	/* Each component costs at most 4 header bytes plus twice its bytes plus the ID byte. */
	uint8_t *buf = malloc(3 * len + 8);
	if (buf == NULL)
		return IMG_ENOMEM;
	size_t o = 0;
	const char *p = target;
	if (*p == '/') {
		memset(buf + o, 0, 4);
		buf[o] = 2;
		o += 4;
	}
	while (*p) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		const char *end = strchr(p, '/');
		size_t clen = end != NULL ? (size_t)(end - p) : strlen(p);
		memset(buf + o, 0, 4);
		if (clen == 2 && p[0] == '.' && p[1] == '.') {
			buf[o] = 3;
		} else if (clen == 1 && p[0] == '.') {
			buf[o] = 4;
		} else {
			int trunc = 0;
			int n = img_udf_cs0_encode(p, clen, buf + o + 4, NAME_MAX_CS0, &trunc);
			if (n < 0) {
				free(buf);
				return IMG_EINVAL;
			}
			if (trunc) {
				free(buf);
				return IMG_ETOOBIG;
			}
			buf[o] = 5;
			buf[o + 1] = (uint8_t)n;
			o += (size_t)n;
		}
		o += 4;
		p += clen;
	}
	*out = buf;
	*out_len = o;
	return IMG_OK;
}

static int grow(void **arr, uint32_t *cap, uint32_t count, size_t elem)
{
	if (count < *cap)
		return 0;
	if (*cap > UINT32_MAX / 2 - 1)
		return -1;
	uint32_t ncap = *cap * 2;
	void *n = realloc(*arr, (size_t)ncap * elem);
	if (n == NULL)
		return -1;
	memset((char *)n + (size_t)*cap * elem, 0, (size_t)(ncap - *cap) * elem);
	*arr = n;
	*cap = ncap;
	return 0;
}

static size_t hl_slot(const struct img_udf *u, uint64_t key)
{
	size_t i = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 17) & (u->hl_cap - 1);
	while (u->hl_keys[i] != 0 && u->hl_keys[i] != key)
		i = (i + 1) & (u->hl_cap - 1);
	return i;
}

static int hl_insert(struct img_udf *u, uint64_t key, uint32_t inode)
{
	if ((u->hl_used + 1) * 2 > u->hl_cap) {
		size_t ncap = u->hl_cap ? u->hl_cap * 2 : 64;
		uint64_t *ok = u->hl_keys;
		uint32_t *ov = u->hl_vals;
		size_t ocap = u->hl_cap;
		u->hl_keys = calloc(ncap, sizeof(*u->hl_keys));
		u->hl_vals = calloc(ncap, sizeof(*u->hl_vals));
		if (u->hl_keys == NULL || u->hl_vals == NULL) {
			free(u->hl_keys);
			free(u->hl_vals);
			u->hl_keys = ok;
			u->hl_vals = ov;
			return -1;
		}
		u->hl_cap = ncap;
		for (size_t i = 0; i < ocap; i++)
			if (ok[i] != 0) {
				size_t s = hl_slot(u, ok[i]);
				u->hl_keys[s] = ok[i];
				u->hl_vals[s] = ov[i];
			}
		free(ok);
		free(ov);
	}
	size_t s = hl_slot(u, key);
	u->hl_keys[s] = key;
	u->hl_vals[s] = inode;
	u->hl_used++;
	return 0;
}

static int set_attr(struct udf_inode *ino, const struct img_udf_attr *a, uint32_t type)
{
	ino->mode = type | (a->mode & 07777);
	ino->uid = a->uid;
	ino->gid = a->gid;
	ino->atime = a->atime;
	ino->mtime = a->mtime;
	ino->ctime = a->ctime;
	ino->btime = (a->btime.sec == 0 && a->btime.nsec == 0) ? a->mtime : a->btime;
	return 0;
}

int img_udf_set_root(struct img_udf *u, const struct img_udf_attr *a)
{
	return set_attr(&u->inodes[0], a, S_IFDIR);
}

/* Common part of the add functions: checks, encodes the name, links a new node (and a new inode
 * unless link_inode names an existing one). */
static int add_node(struct img_udf *u, uint32_t parent, const char *name, uint32_t type,
		    const struct img_udf_attr *a, uint32_t link_inode, uint32_t *id)
{
	char path[1024];
	if (u->laid_out)
		return img_error_set(&u->err, IMG_EINVAL, "UDF tree changed after layout");
	if (parent >= u->nnodes || !S_ISDIR(u->inodes[u->nodes[parent].inode].mode)) {
		new_path(u, parent < u->nnodes ? parent : 0, name, path, sizeof(path));
		return img_error_set(&u->err, IMG_EINVAL, "%s: parent is not a directory", path);
	}
	if (name[0] == '\0' || strchr(name, '/') != NULL || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0) {
		new_path(u, parent, name, path, sizeof(path));
		return img_error_set(&u->err, IMG_EINVAL, "%s: not a valid file name", path);
	}
	if (grow((void **)&u->nodes, &u->nodes_cap, u->nnodes, sizeof(*u->nodes)) < 0 ||
	    grow((void **)&u->inodes, &u->inodes_cap, u->ninodes, sizeof(*u->inodes)) < 0)
		return img_error_set(&u->err, IMG_ENOMEM, "UDF tree");
	uint8_t *enc;
	uint32_t enc_len;
	int r = encode_name(name, &enc, &enc_len);
	if (r == -2)
		return img_error_set(&u->err, IMG_ENOMEM, "UDF tree");
	if (r == -1) {
		new_path(u, parent, name, path, sizeof(path));
		return img_error_set(&u->err, IMG_EINVAL, "%s: file name is not valid UTF-8", path);
	}
	char *copy = strdup(name);
	if (copy == NULL) {
		free(enc);
		return img_error_set(&u->err, IMG_ENOMEM, "UDF tree");
	}
	if (r == 1)
		u->renamed++;
	uint32_t n = u->nnodes++;
	struct udf_node *node = &u->nodes[n];
	node->utf8 = copy;
	node->name = enc;
	node->name_len = enc_len;
	node->parent = parent;
	node->first_child = node->last_child = node->next_sibling = UDF_NONE;
	struct udf_node *par = &u->nodes[parent];
	if (par->last_child == UDF_NONE)
		par->first_child = n;
	else
		u->nodes[par->last_child].next_sibling = n;
	par->last_child = n;
	if (link_inode != UDF_NONE) {
		node->inode = link_inode;
	} else {
		node->inode = u->ninodes++;
		struct udf_inode *ino = &u->inodes[node->inode];
		memset(ino, 0, sizeof(*ino));
		ino->node = n;
		set_attr(ino, a, type);
		if (type == S_IFDIR)
			u->ndirs++;
		else
			u->nfiles++;
	}
	if (id != NULL)
		*id = n;
	return IMG_OK;
}

int img_udf_add_dir(struct img_udf *u, uint32_t parent, const char *name,
		    const struct img_udf_attr *a, uint32_t *id)
{
	return add_node(u, parent, name, S_IFDIR, a, UDF_NONE, id);
}

int img_udf_add_file(struct img_udf *u, uint32_t parent, const char *name,
		     const struct img_udf_attr *a, uint64_t size, uint64_t link_group,
		     uint32_t *id)
{
	uint32_t link = UDF_NONE, n;
	if (link_group != 0 && u->hl_cap != 0) {
		size_t s = hl_slot(u, link_group);
		if (u->hl_keys[s] == link_group)
			link = u->hl_vals[s];
	}
	if (link != UDF_NONE && u->inodes[link].size != size) {
		char path[1024];
		new_path(u, parent, name, path, sizeof(path));
		return img_error_set(&u->err, IMG_EINVAL,
				     "%s: hard link with a size different from its group's", path);
	}
	int r = add_node(u, parent, name, S_IFREG, a, link, &n);
	if (r != IMG_OK)
		return r;
	if (link == UDF_NONE) {
		struct udf_inode *ino = &u->inodes[u->nodes[n].inode];
		ino->size = size;
		ino->group = link_group;
		if (link_group != 0 && hl_insert(u, link_group, u->nodes[n].inode) < 0)
			return img_error_set(&u->err, IMG_ENOMEM, "UDF tree");
	}
	if (id != NULL)
		*id = n;
	return IMG_OK;
}

int img_udf_add_symlink(struct img_udf *u, uint32_t parent, const char *name,
			const struct img_udf_attr *a, const char *target, uint32_t *id)
{
	uint8_t *data;
	uint64_t len;
	char path[1024];
	int r = encode_symlink(target, &data, &len);
	if (r != IMG_OK) {
		new_path(u, parent, name, path, sizeof(path));
		return img_error_set(&u->err, r, "%s: symlink target %s", path,
				     r == IMG_EINVAL ? "is not valid UTF-8" :
				     r == IMG_ETOOBIG ? "has a component over 255 bytes" :
				     "cannot be stored");
	}
	uint32_t n;
	r = add_node(u, parent, name, S_IFLNK, a, UDF_NONE, &n);
	if (r != IMG_OK) {
		free(data);
		return r;
	}
	struct udf_inode *ino = &u->inodes[u->nodes[n].inode];
	ino->symlink = data;
	ino->size = len;
	if (id != NULL)
		*id = n;
	return IMG_OK;
}

int img_udf_add_special(struct img_udf *u, uint32_t parent, const char *name,
			const struct img_udf_attr *a, uint32_t major, uint32_t minor, uint32_t *id)
{
	uint32_t type = a->mode & S_IFMT, n;
	if (type != S_IFIFO && type != S_IFSOCK && type != S_IFCHR && type != S_IFBLK) {
		char path[1024];
		new_path(u, parent, name, path, sizeof(path));
		return img_error_set(&u->err, IMG_EINVAL, "%s: not a special file", path);
	}
	int r = add_node(u, parent, name, type, a, UDF_NONE, &n);
	if (r != IMG_OK)
		return r;
	struct udf_inode *ino = &u->inodes[u->nodes[n].inode];
	ino->major = major;
	ino->minor = minor;
	if (id != NULL)
		*id = n;
	return IMG_OK;
}

int img_udf_add_extent(struct img_udf *u, uint32_t file, uint64_t lba, uint64_t length)
{
	char path[1024];
	if (file >= u->nnodes || !S_ISREG(u->inodes[u->nodes[file].inode].mode))
		return img_error_set(&u->err, IMG_EINVAL, "UDF extent given for a non-file");
	struct udf_inode *ino = &u->inodes[u->nodes[file].inode];
	if (length > ino->size - ino->ext_bytes) {
		img_udf_node_path(u, file, path, sizeof(path));
		return img_error_set(&u->err, IMG_EINVAL, "%s: extents exceed the file size", path);
	}
	if (length == 0)
		return IMG_OK;
	if (ino->next > 0) {
		/* Merge with the previous extent when this one continues it on disc. */
		struct udf_extent *last = &ino->ext[ino->next - 1];
		if (last->len % IMG_UDF_BLOCK == 0 && last->lba + last->len / IMG_UDF_BLOCK == lba) {
			last->len += length;
			ino->ext_bytes += length;
			return IMG_OK;
		}
	}
	if (ino->next == ino->ext_cap) {
		uint32_t ncap = ino->ext_cap ? ino->ext_cap * 2 : 1;
		void *p = realloc(ino->ext, ncap * sizeof(*ino->ext));
		if (p == NULL)
			return img_error_set(&u->err, IMG_ENOMEM, "UDF extents");
		ino->ext = p;
		ino->ext_cap = ncap;
	}
	ino->ext[ino->next++] = (struct udf_extent){lba, length};
	ino->ext_bytes += length;
	return IMG_OK;
}

void img_udf_get_stats(const struct img_udf *u, struct img_udf_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->files = u->nfiles;
	st->dirs = u->ndirs;
	st->renamed = u->renamed;
	if (u->ended) {
		st->partition_start = u->part_start;
		st->partition_length = u->part_len;
	}
}
