/* MD5 checks and cross-view comparison. */
#include "common/inspect/verify.h"

#include <inttypes.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/base/grow.h"

int img_problems_add(struct img_problems *p, const char *fmt, ...)
{
	if (img_grow((void **)&p->msg, &p->cap, p->count, sizeof(*p->msg), 16) != IMG_OK)
		return IMG_ENOMEM;
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if ((p->msg[p->count] = strdup(buf)) == NULL)
		return IMG_ENOMEM;
	p->count++;
	return IMG_OK;
}

void img_problems_free(struct img_problems *p)
{
	for (size_t i = 0; i < p->count; i++)
		free(p->msg[i]);
	free(p->msg);
	memset(p, 0, sizeof(*p));
}

void img_md5_hex(const unsigned char md5[16], char out[33])
{
	for (int i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", md5[i]);
}

struct md5 {
	EVP_MD_CTX *ctx;
	unsigned char buf[1 << 16];
};

static int md5_start(struct md5 **m)
{
	*m = malloc(sizeof(**m));
	if (*m == NULL)
		return IMG_ENOMEM;
	(*m)->ctx = EVP_MD_CTX_new();
	if ((*m)->ctx == NULL || EVP_DigestInit_ex((*m)->ctx, EVP_md5(), NULL) != 1) {
		EVP_MD_CTX_free((*m)->ctx);
		free(*m);
		return IMG_ENOMEM;
	}
	return IMG_OK;
}

static int md5_add(struct md5 *m, struct img_source *src, uint64_t off, uint64_t len,
		   struct img_error *err)
{
	while (len > 0) {
		size_t n = len < sizeof(m->buf) ? (size_t)len : sizeof(m->buf);
		int rc = img_source_read(src, off, m->buf, n, "MD5 range", err);
		if (rc != IMG_OK)
			return rc;
		EVP_DigestUpdate(m->ctx, m->buf, n);
		off += n;
		len -= n;
	}
	return IMG_OK;
}

static void md5_end(struct md5 *m, unsigned char out[16])
{
	unsigned int n = 16;
	EVP_DigestFinal_ex(m->ctx, out, &n);
	EVP_MD_CTX_free(m->ctx);
	free(m);
}

int img_md5_range(struct img_source *src, uint64_t off, uint64_t len, unsigned char out[16],
		  struct img_error *err)
{
	struct md5 *m;
	if (md5_start(&m) != IMG_OK)
		return img_error_set(err, IMG_ENOMEM, "MD5");
	int rc = md5_add(m, src, off, len, err);
	md5_end(m, out);
	return rc;
}

int img_md5_node(struct img_source *src, const struct img_fnode *n, unsigned char out[16],
		 struct img_error *err)
{
	struct md5 *m;
	if (md5_start(&m) != IMG_OK)
		return img_error_set(err, IMG_ENOMEM, "MD5");
	uint64_t left = n->size;
	int rc = IMG_OK;
	for (size_t i = 0; i < n->nextents && left > 0 && rc == IMG_OK; i++) {
		uint64_t len = n->extents[i].length < left ? n->extents[i].length : left;
		rc = md5_add(m, src, n->extents[i].offset, len, err);
		left -= len;
	}
	md5_end(m, out);
	if (rc == IMG_OK && left > 0)
		rc = img_error_set(err, IMG_ECORRUPT, "%s: extents shorter than its size", n->name);
	return rc;
}

struct fileref {
	uint64_t offset;
	const struct img_fnode *node;
};

struct collect {
	struct fileref *v;
	size_t n, cap;
};

static int collect_files(struct img_fnode *n, void *arg)
{
	struct collect *c = arg;
	if (!S_ISREG(n->mode) || n->size == 0 || n->nextents == 0)
		return IMG_OK;
	if (img_grow((void **)&c->v, &c->cap, c->n, sizeof(*c->v), 256) != IMG_OK)
		return IMG_ENOMEM;
	c->v[c->n++] = (struct fileref){n->extents[0].offset, n};
	return IMG_OK;
}

static int cmp_ref(const void *x, const void *y)
{
	const struct fileref *a = x, *b = y;
	return a->offset < b->offset ? -1 : a->offset > b->offset;
}

static bool same_extents(const struct img_fnode *a, const struct img_fnode *b)
{
	if (a->size != b->size)
		return false;
	/* Compare the byte runs that hold the data, ignoring how they are split. */
	size_t i = 0, j = 0;
	uint64_t ai = 0, bj = 0, left = a->size;
	while (left > 0) {
		while (i < a->nextents && ai >= a->extents[i].length)
			i++, ai = 0;
		while (j < b->nextents && bj >= b->extents[j].length)
			j++, bj = 0;
		if (i == a->nextents || j == b->nextents)
			return false;
		if (a->extents[i].offset + ai != b->extents[j].offset + bj)
			return false;
		uint64_t ra = a->extents[i].length - ai, rb = b->extents[j].length - bj;
		uint64_t step = ra < rb ? ra : rb;
		if (step > left)
			step = left;
		ai += step;
		bj += step;
		left -= step;
	}
	return true;
}

/* Each file of other against ref.  A file of other that ref lacks is a mismatch, or, when
 * only is given, counted there. */
static int compare_one_way(struct collect *ref, const char *rname, struct collect *other,
			   const char *oname, struct img_problems *out, size_t max_msgs,
			   size_t *mismatches, struct img_view_only *only)
{
	char p1[4096], p2[4096];
	for (size_t k = 0; k < other->n; k++) {
		const struct img_fnode *b = other->v[k].node;
		struct fileref key = {other->v[k].offset, NULL};
		struct fileref *hit = ref->n == 0 ? NULL :
			bsearch(&key, ref->v, ref->n, sizeof(*ref->v), cmp_ref);
		const char *why = NULL;
		if (hit == NULL)
			why = "is missing from";
		else if (!same_extents(hit->node, b))
			why = "has a different size or extents in";
		if (why == NULL)
			continue;
		if (hit == NULL && only != NULL) {
			if (only->count++ == 0)
				img_fnode_path(b, only->first, sizeof(only->first));
			continue;
		}
		(*mismatches)++;
		if (*mismatches > max_msgs)
			continue;
		img_fnode_path(b, p1, sizeof(p1));
		if (hit)
			img_fnode_path(hit->node, p2, sizeof(p2));
		int rc = hit ? img_problems_add(out, "%s file %s (%" PRIu64 " bytes at byte %" PRIu64
						") %s the %s view (%s: %" PRIu64 " bytes)",
						oname, p1, b->size, b->extents[0].offset, why,
						rname, p2, hit->node->size)
			     : img_problems_add(out, "%s file %s (%" PRIu64 " bytes at byte %" PRIu64
						") %s the %s view", oname, p1, b->size,
						b->extents[0].offset, why, rname);
		if (rc != IMG_OK)
			return rc;
	}
	return IMG_OK;
}

static int compare_views(const struct img_filetree *a, const char *aname,
			 const struct img_filetree *b, const char *bname,
			 struct img_problems *out, size_t max_msgs, size_t *mismatches,
			 struct img_view_only *only_a, struct img_view_only *only_b)
{
	struct collect ca = {0}, cb = {0};
	int rc = img_filetree_walk(a->root, collect_files, &ca);
	if (rc == IMG_OK)
		rc = img_filetree_walk(b->root, collect_files, &cb);
	if (rc == IMG_OK) {
		if (ca.n > 1)
			qsort(ca.v, ca.n, sizeof(*ca.v), cmp_ref);
		if (cb.n > 1)
			qsort(cb.v, cb.n, sizeof(*cb.v), cmp_ref);
		rc = compare_one_way(&ca, aname, &cb, bname, out, max_msgs, mismatches, only_b);
		if (rc == IMG_OK)
			rc = compare_one_way(&cb, bname, &ca, aname, out, max_msgs, mismatches,
					     only_a);
	}
	free(ca.v);
	free(cb.v);
	return rc;
}

int img_verify_views(const struct img_filetree *a, const char *aname, const struct img_filetree *b,
		     const char *bname, struct img_problems *out, size_t max_msgs,
		     size_t *mismatches)
{
	return compare_views(a, aname, b, bname, out, max_msgs, mismatches, NULL, NULL);
}

int img_verify_views_shared(const struct img_filetree *a, const char *aname,
			    const struct img_filetree *b, const char *bname,
			    struct img_problems *out, size_t max_msgs, size_t *mismatches,
			    struct img_view_only *only_a, struct img_view_only *only_b)
{
	memset(only_a, 0, sizeof(*only_a));
	memset(only_b, 0, sizeof(*only_b));
	return compare_views(a, aname, b, bname, out, max_msgs, mismatches, only_a, only_b);
}
