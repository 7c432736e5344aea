/* UDF writer: the in-memory tree of names and inodes that the layout encodes. */
#include "common/udf/udf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/base/grow.h"
#include "common/udf/udf_desc.h"
#include "common/udf/udf_impl.h"

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
	for (int k = 0; k < 4; k++)
		ri->sec[k] = opts->volume_time;
	u->ninodes = 1;
	u->ndirs = 1;
	*out = u;
	return IMG_OK;
}

void img_udf_free(struct img_udf *u)
{
	if (u == NULL)
		return;
	for (uint32_t i = 0; i < u->ninodes; i++)
		if (S_ISREG(u->inodes[i].mode))
			free(u->inodes[i].ext);
	while (u->pool != NULL) {
		struct udf_pool_chunk *next = u->pool->next;
		free(u->pool);
		u->pool = next;
	}
	free(u->scratch);
	free(u->nodes);
	free(u->inodes);
	free(u->hl_keys);
	free(u->hl_vals);
	free(u->volume_id);
	free(u);
}

int img_udf_reserve(struct img_udf *u, uint32_t nodes)
{
	if (img_reserve((void **)&u->nodes, &u->nodes_cap, nodes, sizeof(*u->nodes)) != IMG_OK ||
	    img_reserve((void **)&u->inodes, &u->inodes_cap, nodes, sizeof(*u->inodes)) != IMG_OK)
		return IMG_ENOMEM;
	return IMG_OK;
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

/* n bytes from the string pool (unaligned: strings only), or NULL. */
static void *pool_alloc(struct img_udf *u, size_t n)
{
	struct udf_pool_chunk *c = u->pool;
	if (c == NULL || c->cap - c->used < n) {
		size_t cap = n > 60 * 1024 ? n : 64 * 1024 - sizeof(*c);
		c = malloc(sizeof(*c) + cap);
		if (c == NULL)
			return NULL;
		c->used = 0;
		c->cap = cap;
		c->next = u->pool;
		u->pool = c;
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

/* A copy of n bytes in the pool, or NULL. */
static void *pool_copy(struct img_udf *u, const void *src, size_t n)
{
	void *p = pool_alloc(u, n ? n : 1);
	if (p != NULL && n > 0)
		memcpy(p, src, n);
	return p;
}

/* The encoding buffer, at least n bytes, or NULL. */
static uint8_t *scratch(struct img_udf *u, size_t n)
{
	if (img_reserve((void **)&u->scratch, &u->scratch_cap, n < 1024 ? 1024 : n, 1) != IMG_OK)
		return NULL;
	return u->scratch;
}

/* Encodes name; a name whose encoding exceeds 255 bytes becomes "<prefix>#XXXX" where XXXX is
 * the CRC of the whole UTF-8 name, so that shortened names of one directory stay distinct
 * (collisions are still caught by the layout).  Returns 1 when the name was shortened, 0 when
 * not, -1 for invalid UTF-8, -2 for no memory. */
static int encode_name(struct img_udf *u, const char *name, uint8_t **out, uint32_t *out_len)
{
	size_t len = strlen(name);
	uint8_t *buf = scratch(u, 2 * len + 16);
	if (buf == NULL)
		return -2;
	int trunc = 0;
	int n = img_udf_cs0_encode(name, len, buf, 2 * len + 16, &trunc);
	if (n < 0)
		return -1;
	int shortened = 0;
	if (n > NAME_MAX_CS0) {
		char suffix[8];
		snprintf(suffix, sizeof(suffix), "#%04X",
			 img_udf_crc((const uint8_t *)name, len));
		char *cand = malloc(len + sizeof(suffix));
		if (cand == NULL)
			return -2;
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
	if ((*out = pool_copy(u, buf, (size_t)n)) == NULL)
		return -2;
	*out_len = (uint32_t)n;
	return shortened;
}

/* Encodes a symlink target as path components (ECMA-167 4/14.16.1): type 2 for a leading '/',
 * 3 for "..", 4 for ".", 5 for a name (OSTA compressed Unicode). */
static int encode_symlink(struct img_udf *u, const char *target, uint8_t **out,
			  uint64_t *out_len)
{
	size_t len = strlen(target);
	/* Each component costs at most 4 header bytes plus twice its bytes plus the ID byte. */
	uint8_t *buf = scratch(u, 3 * len + 8);
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
			if (n < 0)
				return IMG_EINVAL;
			if (trunc)
				return IMG_ETOOBIG;
			buf[o] = 5;
			buf[o + 1] = (uint8_t)n;
			o += (size_t)n;
		}
		o += 4;
		p += clen;
	}
	if ((*out = pool_copy(u, buf, o)) == NULL)
		return IMG_ENOMEM;
	*out_len = o;
	return IMG_OK;
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
	const struct img_udf_time *bt = (a->btime.sec == 0 && a->btime.nsec == 0) ? &a->mtime :
					&a->btime;
	ino->sec[UDF_ATIME] = a->atime.sec;
	ino->nsec[UDF_ATIME] = a->atime.nsec;
	ino->sec[UDF_MTIME] = a->mtime.sec;
	ino->nsec[UDF_MTIME] = a->mtime.nsec;
	ino->sec[UDF_CTIME] = a->ctime.sec;
	ino->nsec[UDF_CTIME] = a->ctime.nsec;
	ino->sec[UDF_BTIME] = bt->sec;
	ino->nsec[UDF_BTIME] = bt->nsec;
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
	/* Node numbers are 32-bit (UINT32_MAX means none). */
	if (u->nnodes >= UINT32_MAX - 1 || u->ninodes >= UINT32_MAX - 1)
		return img_error_set(&u->err, IMG_ETOOBIG, "UDF tree: too many entries");
	/* New entries are not zeroed: add_node sets every field of one, and untouched pages of
	 * the spare capacity cost no memory. */
	if (img_grow((void **)&u->nodes, &u->nodes_cap, u->nnodes, sizeof(*u->nodes), 64) ||
	    img_grow((void **)&u->inodes, &u->inodes_cap, u->ninodes, sizeof(*u->inodes), 64))
		return img_error_set(&u->err, IMG_ENOMEM, "UDF tree");
	uint8_t *enc;
	uint32_t enc_len;
	int r = encode_name(u, name, &enc, &enc_len);
	if (r == -2)
		return img_error_set(&u->err, IMG_ENOMEM, "UDF tree");
	if (r == -1) {
		new_path(u, parent, name, path, sizeof(path));
		return img_error_set(&u->err, IMG_EINVAL, "%s: file name is not valid UTF-8", path);
	}
	char *copy = pool_copy(u, name, strlen(name) + 1);
	if (copy == NULL)
		return img_error_set(&u->err, IMG_ENOMEM, "UDF tree");
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
		if (link_group != 0 && hl_insert(u, link_group, u->nodes[n].inode) < 0)
			return img_error_set(&u->err, IMG_ENOMEM, "UDF tree");
	}
	if (id != NULL)
		*id = n;
	return IMG_OK;
}

int img_udf_add_link(struct img_udf *u, uint32_t parent, const char *name, uint32_t file,
		     uint32_t *id)
{
	if (file >= u->nnodes || !S_ISREG(u->inodes[u->nodes[file].inode].mode)) {
		char path[1024];
		new_path(u, parent < u->nnodes ? parent : 0, name, path, sizeof(path));
		return img_error_set(&u->err, IMG_EINVAL, "%s: hard link to a non-file", path);
	}
	return add_node(u, parent, name, S_IFREG, NULL, u->nodes[file].inode, id);
}

int img_udf_add_symlink(struct img_udf *u, uint32_t parent, const char *name,
			const struct img_udf_attr *a, const char *target, uint32_t *id)
{
	uint8_t *data;
	uint64_t len;
	char path[1024];
	int r = encode_symlink(u, target, &data, &len);
	if (r != IMG_OK) {
		new_path(u, parent, name, path, sizeof(path));
		return img_error_set(&u->err, r, "%s: symlink target %s", path,
				     r == IMG_EINVAL ? "is not valid UTF-8" :
				     r == IMG_ETOOBIG ? "has a component over 255 bytes" :
				     "cannot be stored");
	}
	uint32_t n;
	r = add_node(u, parent, name, S_IFLNK, a, UDF_NONE, &n);
	if (r != IMG_OK)
		return r;
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

uint64_t img_udf_inode_ext_bytes(const struct udf_inode *ino)
{
	const struct udf_extent *ext = udf_extents(ino);
	uint64_t sum = 0;
	for (uint32_t e = 0; e < ino->next; e++)
		sum += ext[e].len;
	return sum;
}

int img_udf_add_extent(struct img_udf *u, uint32_t file, uint64_t lba, uint64_t length)
{
	char path[1024];
	if (file >= u->nnodes || !S_ISREG(u->inodes[u->nodes[file].inode].mode))
		return img_error_set(&u->err, IMG_EINVAL, "UDF extent given for a non-file");
	struct udf_inode *ino = &u->inodes[u->nodes[file].inode];
	uint64_t given = img_udf_inode_ext_bytes(ino);
	if (length > ino->size - given) {
		img_udf_node_path(u, file, path, sizeof(path));
		return img_error_set(&u->err, IMG_EINVAL, "%s: extents exceed the file size", path);
	}
	if (length == 0)
		return IMG_OK;
	u->extents_checked = 0;
	if (ino->next > 0) {
		/* Merge with the previous extent when this one continues it on disc. */
		struct udf_extent *last = (ino->ext != NULL ? ino->ext : &ino->ext1) + ino->next - 1;
		if (last->len % IMG_UDF_BLOCK == 0 && last->lba + last->len / IMG_UDF_BLOCK == lba) {
			last->len += length;
			return IMG_OK;
		}
	}
	/* The first extent is kept in the inode; more go to an array of their own. */
	size_t cap = ino->ext != NULL ? ino->ext_cap : 1;
	if (ino->next == cap) {
		bool first = ino->ext == NULL;
		if (cap >= UINT32_MAX / 2 ||
		    img_grow((void **)&ino->ext, &cap, ino->next, sizeof(*ino->ext), 2) != IMG_OK)
			return img_error_set(&u->err, IMG_ENOMEM, "UDF extents");
		if (first)
			ino->ext[0] = ino->ext1;
		ino->ext_cap = (uint32_t)cap; /* 32 bits: the inode stays small */
	}
	(ino->ext != NULL ? ino->ext : &ino->ext1)[ino->next++] = (struct udf_extent){lba, length};
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
