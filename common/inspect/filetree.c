/* In-memory file tree of one view of an image. */
#include "common/inspect/filetree.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/base/grow.h"

int img_filetree_new(struct img_filetree **out)
{
	struct img_filetree *t = calloc(1, sizeof(*t));
	if (t == NULL)
		return IMG_ENOMEM;
	t->root = calloc(1, sizeof(*t->root));
	if (t->root == NULL || (t->root->name = strdup("")) == NULL) {
		free(t->root);
		free(t);
		return IMG_ENOMEM;
	}
	t->root->mode = S_IFDIR | 0755;
	t->nodes = 1;
	*out = t;
	return IMG_OK;
}

int img_filetree_add(struct img_filetree *t, struct img_fnode *dir, const char *name,
		 struct img_fnode **out)
{
	if (img_grow((void **)&dir->children, &dir->cap, dir->nchildren, sizeof(*dir->children),
		     8) != IMG_OK)
		return IMG_ENOMEM;
	struct img_fnode *n = calloc(1, sizeof(*n));
	if (n == NULL)
		return IMG_ENOMEM;
	if ((n->name = strdup(name)) == NULL) {
		free(n);
		return IMG_ENOMEM;
	}
	n->parent = dir;
	dir->children[dir->nchildren++] = n;
	t->nodes++;
	*out = n;
	return IMG_OK;
}

int img_fnode_add_extent(struct img_fnode *n, uint64_t offset, uint64_t length)
{
	if (img_grow((void **)&n->extents, &n->ext_cap, n->nextents, sizeof(*n->extents), 4) !=
	    IMG_OK)
		return IMG_ENOMEM;
	n->extents[n->nextents].offset = offset;
	n->extents[n->nextents].length = length;
	n->nextents++;
	return IMG_OK;
}

int img_fnode_set_link(struct img_fnode *n, const char *target)
{
	char *s = strdup(target);
	if (s == NULL)
		return IMG_ENOMEM;
	free(n->link);
	n->link = s;
	return IMG_OK;
}

/* Iterative, so that a deep tree cannot exhaust the stack. */
static void free_nodes(struct img_fnode *root)
{
	struct img_fnode *n = root;
	while (n != NULL) {
		if (n->nchildren > 0) {
			n = n->children[--n->nchildren];
			continue;
		}
		struct img_fnode *parent = n->parent;
		free(n->name);
		free(n->extents);
		free(n->link);
		free(n->children);
		free(n);
		n = (n == root) ? NULL : parent;
	}
}

void img_filetree_free(struct img_filetree *t)
{
	if (t == NULL)
		return;
	if (t->root != NULL)
		free_nodes(t->root);
	free(t);
}

int img_filetree_lookup(const struct img_filetree *t, const char *path, struct img_fnode **out)
{
	struct img_fnode *n = t->root;
	const char *p = path;
	while (*p != '\0') {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		size_t len = strcspn(p, "/");
		if (len == 1 && p[0] == '.') {
			p += len;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.')
			return IMG_EINVAL;
		struct img_fnode *found = NULL;
		for (size_t i = 0; i < n->nchildren && found == NULL; i++) {
			const char *name = n->children[i]->name;
			if (strlen(name) == len && memcmp(name, p, len) == 0)
				found = n->children[i];
		}
		if (found == NULL)
			return IMG_ENOENT;
		n = found;
		p += len;
	}
	*out = n;
	return IMG_OK;
}

bool img_fnode_path(const struct img_fnode *n, char *buf, size_t size)
{
	if (size < 2)
		return false;
	if (n->parent == NULL) {
		buf[0] = '/';
		buf[1] = '\0';
		return true;
	}
	/* Fill from the end, then move to the front. */
	size_t pos = size - 1;
	buf[pos] = '\0';
	for (const struct img_fnode *m = n; m->parent != NULL; m = m->parent) {
		size_t len = strlen(m->name);
		if (len + 1 > pos)
			return false;
		pos -= len;
		memcpy(buf + pos, m->name, len);
		buf[--pos] = '/';
	}
	memmove(buf, buf + pos, size - pos);
	return true;
}

int img_filetree_walk(struct img_fnode *n, int (*visit)(struct img_fnode *n, void *arg), void *arg)
{
	/* Iterative pre-order walk with a heap stack of child indexes, so that a deep tree
	 * cannot exhaust the C stack. */
	size_t *next = NULL, depth = 0, cap = 0;
	struct img_fnode *cur = n;
	int rc = visit(n, arg);
	if (rc != IMG_OK)
		return rc;
	size_t i = 0;
	for (;;) {
		if (i < cur->nchildren) {
			struct img_fnode *c = cur->children[i];
			if ((rc = visit(c, arg)) != IMG_OK)
				break;
			if ((rc = img_grow((void **)&next, &cap, depth, sizeof(*next), 64)) != IMG_OK)
				break;
			next[depth++] = i + 1;
			cur = c;
			i = 0;
			continue;
		}
		if (depth == 0)
			break;
		cur = cur->parent;
		i = next[--depth];
	}
	free(next);
	return rc;
}

bool img_fnode_matches(const struct img_fnode *n, const char *pattern)
{
	if (strchr(pattern, '/') != NULL) {
		char path[4096];
		return img_fnode_path(n, path, sizeof(path)) && fnmatch(pattern, path, 0) == 0;
	}
	return fnmatch(pattern, n->name, 0) == 0;
}
