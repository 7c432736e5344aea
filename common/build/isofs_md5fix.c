/* libisofs's MD5s made to match a realigned stream (isofs_md5fix.h). */
#include "common/build/isofs_md5fix.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/isofs.h"

#define BLK 2048u
#define ENTRY 16u
/* The superblock tag follows the volume descriptor terminator (ecma119.c): looked for in the
 * session's first blocks only, where no file data lies. */
#define SB_SEARCH 64u
/* iso_util_decode_md5_tag's tag types (libisofs util.c). */
#define TAG_SESSION 1
#define TAG_SB 2
#define TAG_TREE 3

enum stage { WANT_SB, WANT_TREE, WANT_SESSION, DONE };

struct img_md5fix {
	uint32_t session, array_lba, count, array_blocks;
	uint64_t lba;       /* block of the next byte */
	enum stage stage;
	uint32_t next_tag;  /* block of the tag the chain names next */
	void *ctx;          /* MD5 of the stream from the session's block */
	void *actx;         /* MD5 of the array's entries before the last */
};

int img_md5fix_new(uint32_t session, uint32_t array_lba, uint32_t count,
		   struct img_md5fix **out)
{
	*out = NULL;
	if (count < 2 || array_lba < session)
		return IMG_EINVAL;
	struct img_md5fix *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return IMG_ENOMEM;
	f->session = session;
	f->array_lba = array_lba;
	f->count = count;
	f->array_blocks = (uint32_t)(((uint64_t)count * ENTRY + BLK - 1) / BLK);
	f->lba = session;
	if (iso_md5_start(&f->ctx) < 0 || iso_md5_start(&f->actx) < 0) {
		img_md5fix_free(f);
		return IMG_EUNSUPPORTED;
	}
	*out = f;
	return IMG_OK;
}

void img_md5fix_free(struct img_md5fix *f)
{
	if (f == NULL)
		return;
	char sink[16];
	if (f->ctx != NULL)
		iso_md5_end(&f->ctx, sink);
	if (f->actx != NULL)
		iso_md5_end(&f->actx, sink);
	free(f);
}

int img_md5fix_tree_passed(const struct img_md5fix *f)
{
	return f->stage >= WANT_SESSION;
}

int img_md5fix_done(const struct img_md5fix *f)
{
	return f->stage == DONE;
}

/* The MD5 of the stream so far, the stream's context going on. */
static bool md5_so_far(struct img_md5fix *f, char out[16])
{
	void *c = NULL;
	return iso_md5_clone(f->ctx, &c) >= 0 && iso_md5_end(&c, out) >= 0;
}

static void put_hex(char *to, const char md5[16])
{
	for (int i = 0; i < 16; i++)
		sprintf(to + 2 * i, "%2.2x", (unsigned char)md5[i]);
}

/* The tag of type want expected at block b: checked to be libisofs's over blocks session ..
 * b - 1 and rewritten, in iso_md5_write_tag's form, with the MD5 of what went out. */
static int fix_tag(struct img_md5fix *f, uint8_t *blk, int want, struct img_error *err)
{
	const uint32_t b = (uint32_t)f->lba;
	char text[BLK];
	memcpy(text, blk, BLK);
	int type = 0;
	uint32_t pos = 0, start = 0, size = 0, next = 0;
	char md5[16];
	int r = iso_util_decode_md5_tag(text, &type, &pos, &start, &size, &next, md5, 0);
	if (r <= 0)
		return img_error_set(err, IMG_EISOFS, "libisofs stream: %s checksum tag at block "
				     "%u %s", want == TAG_TREE ? "tree" : "session", b,
				     r < 0 ? "damaged (its self MD5 does not match)" : "missing");
	if (type != want || pos != b || start != f->session || size != b - f->session ||
	    (want == TAG_TREE && next <= b) ||
	    (want == TAG_SESSION && b != f->array_lba + f->array_blocks))
		return img_error_set(err, IMG_EISOFS, "libisofs stream: unexpected checksum tag "
				     "at block %u (type %d, pos %u, range %u+%u)", b, type, pos,
				     start, size);
	if (!md5_so_far(f, md5))
		return img_error_set(err, IMG_EUNSUPPORTED, "libisofs computed no MD5");
	const char *magic = want == TAG_TREE ? "libisofs_tree_checksum_tag_v1"
					     : "libisofs_checksum_tag_v1";
	int l = snprintf(text, sizeof(text), "%s pos=%u range_start=%u range_size=%u", magic,
			 pos, start, size);
	if (want == TAG_TREE)
		l += snprintf(text + l, sizeof(text) - (size_t)l, " next=%u", next);
	l += snprintf(text + l, sizeof(text) - (size_t)l, " md5=");
	put_hex(text + l, md5);
	l += 32;
	/* self: the MD5 of the line up to the end of its md5 field. */
	void *c = NULL;
	char self[16];
	if (iso_md5_start(&c) < 0)
		return img_error_set(err, IMG_EUNSUPPORTED, "libisofs computed no MD5");
	iso_md5_compute(c, text, l);
	iso_md5_end(&c, self);
	l += snprintf(text + l, sizeof(text) - (size_t)l, " self=");
	put_hex(text + l, self);
	l += 32;
	text[l++] = '\n';
	memset(blk, 0, BLK);
	memcpy(blk, text, (size_t)l);
	f->next_tag = next;
	return IMG_OK;
}

/* A block of the checksum array: entry 0 is the session's MD5 up to the array, the last
 * entry the MD5 of all entries before it. */
static int fix_array(struct img_md5fix *f, uint8_t *blk, struct img_error *err)
{
	const uint64_t k = f->lba - f->array_lba;
	const uint64_t first = k * (BLK / ENTRY), last = f->count - 1;
	if (k == 0 && !md5_so_far(f, (char *)blk))
		return img_error_set(err, IMG_EUNSUPPORTED, "libisofs computed no MD5");
	uint64_t end = first + BLK / ENTRY < last ? first + BLK / ENTRY : last;
	if (end > first && f->actx != NULL)
		iso_md5_compute(f->actx, (char *)blk, (int)((end - first) * ENTRY));
	if (last >= first && last < first + BLK / ENTRY && f->actx != NULL) {
		char md5[16];
		if (iso_md5_end(&f->actx, md5) < 0)
			return img_error_set(err, IMG_EUNSUPPORTED, "libisofs computed no MD5");
		memcpy(blk + (last - first) * ENTRY, md5, 16);
	}
	return IMG_OK;
}

/* One block of the stream, at f->lba. */
static int pass_block(struct img_md5fix *f, uint8_t *blk, struct img_error *err)
{
	static const char sb_magic[] = "libisofs_sb_checksum_tag_v1 ";
	int rc = IMG_OK;
	if (f->stage == WANT_SB) {
		if (memcmp(blk, sb_magic, sizeof(sb_magic) - 1) == 0) {
			char text[BLK], md5[16];
			int type = 0;
			uint32_t pos = 0, start = 0, size = 0, next = 0;
			memcpy(text, blk, BLK);
			if (iso_util_decode_md5_tag(text, &type, &pos, &start, &size, &next, md5,
						    0) <= 0 ||
			    type != TAG_SB || pos != f->lba || next <= f->lba)
				return img_error_set(err, IMG_EISOFS, "libisofs stream: superblock "
						     "checksum tag at block %llu not as written",
						     (unsigned long long)f->lba);
			f->next_tag = next;
			f->stage = WANT_TREE;
		} else if (f->lba >= (uint64_t)f->session + SB_SEARCH) {
			return img_error_set(err, IMG_EISOFS, "libisofs stream: no superblock "
					     "checksum tag");
		}
	} else if (f->stage == WANT_TREE && f->lba == f->next_tag) {
		rc = fix_tag(f, blk, TAG_TREE, err);
		f->stage = WANT_SESSION;
	} else if (f->stage == WANT_SESSION && f->lba >= f->array_lba &&
		   f->lba < (uint64_t)f->array_lba + f->array_blocks) {
		rc = fix_array(f, blk, err);
	} else if (f->stage == WANT_SESSION && f->lba == f->next_tag) {
		rc = fix_tag(f, blk, TAG_SESSION, err);
		f->stage = DONE;
	}
	if (rc != IMG_OK)
		return rc;
	if (f->stage != DONE || f->lba < f->next_tag)
		iso_md5_compute(f->ctx, (char *)blk, (int)BLK);
	f->lba++;
	return IMG_OK;
}

int img_md5fix_pass(struct img_md5fix *f, uint8_t *buf, size_t n, struct img_error *err)
{
	if (n % BLK != 0)
		return img_error_set(err, IMG_EINVAL, "libisofs stream: checksums are fixed in "
				     "whole blocks, not %zu bytes", n);
	for (size_t i = 0; i < n && f->stage != DONE; i += BLK) {
		int rc = pass_block(f, buf + i, err);
		if (rc != IMG_OK)
			return rc;
	}
	return IMG_OK;
}
