/* libFuzzer target: where extraction puts what an image names (img_extract_walk, the plan
 * img_extract follows), over a file tree built from the input.  Nothing is written to disk.
 *
 * Input: records, each a kind byte then a name up to the next NUL.  The kind's low two bits
 * make the entry a file, a directory, a symlink or a device; the next bits say how many
 * directories to climb before adding it; a new directory becomes the current one.  Names are
 * any bytes: empty, ".", "..", with '/', absolute-looking, long.
 *
 * Checked for every entry the walk hands over: its path is relative, has no empty, "." or ".."
 * component, ends in the entry's own name, which holds no '/', and has as many components as
 * its depth; directories are left in the reverse order they were entered, with the same path;
 * when the walk succeeds it has visited every node below the top exactly once. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/inspect/extract.h"
#include "common/inspect/filetree.h"

#define MAX_OPEN 1024

struct check {
	size_t entered, left;
	const struct img_fnode *open[MAX_OPEN]; /* directories entered and not yet left */
	size_t open_len[MAX_OPEN];              /* and the length of their paths */
	size_t nopen;
};

static int check_entry(const struct img_extract_entry *e, void *arg)
{
	struct check *c = arg;
	const char *rel = e->rel, *name = e->node->name;
	size_t len = strlen(rel), nlen = strlen(name);
	if (len == 0 || rel[0] == '/' || rel[len - 1] == '/' || strchr(name, '/') != NULL ||
	    nlen == 0 || nlen > len || strcmp(rel + len - nlen, name) != 0 ||
	    (len > nlen && rel[len - nlen - 1] != '/'))
		abort();
	int parts = 0;
	for (const char *p = rel; *p != '\0';) {
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			abort();
		parts++;
		p += n;
		if (*p == '/')
			p++;
	}
	if (parts != e->depth || e->depth > IMG_EXTRACT_MAX_DEPTH)
		abort();
	if (e->leave) {
		if (c->nopen == 0 || c->open[c->nopen - 1] != e->node ||
		    c->open_len[c->nopen - 1] != len || !S_ISDIR(e->node->mode))
			abort();
		c->nopen--;
		c->left++;
		return IMG_OK;
	}
	c->entered++;
	if (S_ISDIR(e->node->mode)) {
		if (c->nopen == MAX_OPEN)
			abort();
		c->open_len[c->nopen] = len;
		c->open[c->nopen++] = e->node;
	}
	return IMG_OK;
}

static size_t count_below(const struct img_fnode *n)
{
	size_t k = 0;
	const struct img_fnode *stack[IMG_EXTRACT_MAX_DEPTH + 8];
	size_t idx[IMG_EXTRACT_MAX_DEPTH + 8], depth = 0;
	stack[0] = n;
	idx[0] = 0;
	depth = 1;
	while (depth > 0) {
		const struct img_fnode *d = stack[depth - 1];
		if (idx[depth - 1] < d->nchildren && depth < IMG_EXTRACT_MAX_DEPTH + 8) {
			const struct img_fnode *ch = d->children[idx[depth - 1]++];
			k++;
			stack[depth] = ch;
			idx[depth++] = 0;
		} else {
			depth--;
		}
	}
	return k;
}

static void walk_and_check(const struct img_fnode *top)
{
	static struct check c;
	memset(&c, 0, sizeof(c));
	struct img_error err = {0};
	int rc = img_extract_walk(top, check_entry, &c, &err);
	if (rc == IMG_OK) {
		size_t want = count_below(top) + (top->parent != NULL);
		if (c.entered != want || c.nopen != 0)
			abort();
	} else if (rc != IMG_ECORRUPT && rc != IMG_ETOOBIG && rc != IMG_ENOMEM) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct img_filetree *t;
	if (img_filetree_new(&t) != IMG_OK)
		return 0;
	struct img_fnode *cur = t->root, *first = NULL;
	size_t pos = 0;
	while (pos < size) {
		unsigned kind = data[pos++];
		const uint8_t *end = memchr(data + pos, 0, size - pos);
		size_t nlen = end ? (size_t)(end - (data + pos)) : size - pos;
		char name[512];
		if (nlen >= sizeof(name))
			nlen = sizeof(name) - 1;
		memcpy(name, data + pos, nlen);
		name[nlen] = '\0';
		pos = end ? (size_t)(end - data) + 1 : size;
		for (unsigned up = kind >> 2 & 7; up > 0 && cur->parent != NULL; up--)
			cur = cur->parent;
		struct img_fnode *n;
		if (img_filetree_add(t, cur, name, &n) != IMG_OK)
			break;
		static const mode_t types[] = {S_IFREG, S_IFDIR, S_IFLNK, S_IFCHR};
		n->mode = types[kind & 3] | 0644;
		if (S_ISLNK(n->mode))
			img_fnode_set_link(n, "/etc/passwd");
		if (first == NULL)
			first = n;
		if (S_ISDIR(n->mode))
			cur = n;
	}
	walk_and_check(t->root);
	if (first != NULL)
		walk_and_check(first);
	if (cur != t->root)
		walk_and_check(cur);
	img_filetree_free(t);
	return 0;
}
