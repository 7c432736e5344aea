/* The Joliet tree of one session, as lists of entries per directory. */
#include "common/inspect/joliet_index.h"

#include <stdlib.h>
#include <string.h>

#include "common/base/bytes.h"
#include "common/base/grow.h"
#include "common/inspect/iso_read.h"
#include "common/inspect/voldesc.h"

/* One directory: its entries are ix->ent[first .. first + n - 1]. */
struct jdir {
	uint32_t extent;
	size_t first, n;
};

struct img_joliet_index {
	uint32_t root;
	struct img_joliet_entry *ent;
	size_t nent, ent_cap;
	struct jdir *dir;          /* sorted by extent once the walk is done */
	size_t ndir, dir_cap;
	struct img_error *err;
};

/* UTF-16BE (Joliet's UCS-2, or UTF-16 as libisofs writes with -joliet-utf16) to UTF-8; a
 * trailing odd byte is dropped, an unpaired surrogate becomes U+FFFD.  NULL on ENOMEM. */
static char *utf16be_to_utf8(const unsigned char *p, size_t len)
{
	size_t units = len / 2;
	char *out = malloc(units * 3 + 1), *o = out;
	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < units; i++) {
		unsigned c = (unsigned)p[2 * i] << 8 | p[2 * i + 1];
		if (c >= 0xd800 && c < 0xdc00 && i + 1 < units) {
			unsigned lo = (unsigned)p[2 * i + 2] << 8 | p[2 * i + 3];
			if (lo >= 0xdc00 && lo < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
				i++;
			} else {
				c = 0xfffd;
			}
		} else if (c >= 0xd800 && c < 0xe000) {
			c = 0xfffd;
		}
		/* two units of input (4 bytes) give at most 4 bytes of UTF-8: within the
		 * 3 bytes per unit reserved */
		if (c < 0x80) {
			*o++ = (char)c;
		} else if (c < 0x800) {
			*o++ = (char)(0xc0 | c >> 6);
			*o++ = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			*o++ = (char)(0xe0 | c >> 12);
			*o++ = (char)(0x80 | (c >> 6 & 0x3f));
			*o++ = (char)(0x80 | (c & 0x3f));
		} else {
			*o++ = (char)(0xf0 | c >> 18);
			*o++ = (char)(0x80 | (c >> 12 & 0x3f));
			*o++ = (char)(0x80 | (c >> 6 & 0x3f));
			*o++ = (char)(0x80 | (c & 0x3f));
		}
	}
	*o = '\0';
	/* ECMA-119 7.5.1: a file name ends in ";" and its version number; Joliet writers keep
	 * that ("name;1"), the other names of the file do not have it. */
	char *semi = strrchr(out, ';');
	if (semi != NULL && semi[1] != '\0' && strspn(semi + 1, "0123456789") == strlen(semi + 1))
		*semi = '\0';
	return out;
}

/* ECMA-119 9.1.5: years since 1900, month, day, hour, minute, second, offset from GMT in
 * 15-minute steps.  0 for an unset or malformed date. */
static long long record_time(const unsigned char *d)
{
	int y = 1900 + d[0], m = d[1], day = d[2];
	if (m < 1 || m > 12 || day < 1 || day > 31 || d[3] > 23 || d[4] > 59 || d[5] > 60)
		return 0;
	signed char tz = (signed char)d[6];
	if (tz < -48 || tz > 52)
		tz = 0;
	if (m <= 2) {
		y--;
		m += 12;
	}
	/* days from 1970-01-01 (proleptic Gregorian) */
	long long days = 365LL * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 + day -
			 719469;
	return days * 86400 + d[3] * 3600 + d[4] * 60 + d[5] - (long long)tz * 15 * 60;
}

/* img_iso_scan_dirs's visitor: the records of one directory, already checked (each inside its
 * sector and the directory, at least 34 bytes, the name inside the record). */
static int visit_dir(uint32_t extent, uint32_t size, const unsigned char *rec, void *arg)
{
	struct img_joliet_index *ix = arg;
	if (img_grow((void **)&ix->dir, &ix->dir_cap, ix->ndir, sizeof(*ix->dir), 256) != IMG_OK)
		return img_error_set(ix->err, IMG_ENOMEM, "Joliet tree");
	struct jdir *d = &ix->dir[ix->ndir++];
	*d = (struct jdir){ extent, ix->nent, 0 };
	bool continued = false; /* the previous record was flagged multi-extent */
	uint64_t next = 0;      /* ... and where the next extent would start if contiguous */
	for (uint32_t pos = 0; pos < size;) {
		unsigned len = rec[pos];
		if (len == 0) {
			pos = (pos / IMG_ISO_SECTOR + 1) * IMG_ISO_SECTOR;
			continue;
		}
		const unsigned char *r = rec + pos;
		pos += len;
		unsigned nlen = r[32];
		if (nlen == 1 && (r[33] == 0 || r[33] == 1))
			continue; /* "." and ".." */
		uint32_t ext = img_le32(r + 2), dlen = img_le32(r + 10);
		bool dir = r[25] & 0x02;
		if (continued) {
			/* ECMA-119 6.5.1: the next record of a file of several extents */
			struct img_joliet_entry *last = &ix->ent[ix->nent - 1];
			last->size += dlen;
			if (ext != next)
				last->contiguous = false;
			next = (uint64_t)ext + (dlen + IMG_ISO_SECTOR - 1) / IMG_ISO_SECTOR;
			continued = !dir && (r[25] & 0x80);
			continue;
		}
		if (img_grow((void **)&ix->ent, &ix->ent_cap, ix->nent, sizeof(*ix->ent), 1024) !=
		    IMG_OK)
			return img_error_set(ix->err, IMG_ENOMEM, "Joliet tree");
		char *name = utf16be_to_utf8(r + 33, nlen);
		if (name == NULL)
			return img_error_set(ix->err, IMG_ENOMEM, "Joliet tree");
		ix->ent[ix->nent++] = (struct img_joliet_entry){ name, nlen / 2, ext, dlen, dir, true,
								  record_time(r + 18) };
		d->n++;
		next = (uint64_t)ext + (dlen + IMG_ISO_SECTOR - 1) / IMG_ISO_SECTOR;
		continued = !dir && (r[25] & 0x80);
	}
	return IMG_OK;
}

static int cmp_dir(const void *a, const void *b)
{
	const struct jdir *x = a, *y = b;
	return x->extent < y->extent ? -1 : x->extent > y->extent;
}

int img_joliet_index_read(struct img_source *src, uint32_t start_block,
			  struct img_joliet_index **out, struct img_error *err)
{
	*out = NULL;
	unsigned char buf[IMG_ISO_SECTOR];
	struct img_vd vd, joliet;
	bool found = false;
	/* ECMA-119 8.1: the set runs from block 16 of the session to its terminator. */
	for (uint32_t i = 0; i < IMG_VD_MAX; i++) {
		uint64_t sector = (uint64_t)start_block + 16 + i;
		if (sector > UINT32_MAX)
			break;
		int rc = img_source_read(src, sector * IMG_ISO_SECTOR, buf, sizeof(buf),
					 "volume descriptor", err);
		if (rc != IMG_OK)
			return rc;
		if ((rc = img_vd_parse(buf, (uint32_t)sector, &vd, err)) != IMG_OK)
			return rc;
		if (vd.kind == IMG_VD_TERMINATOR)
			break;
		if (vd.kind == IMG_VD_JOLIET && !found) {
			joliet = vd;
			found = true;
		}
	}
	if (!found)
		return IMG_OK;
	struct img_joliet_index *ix = calloc(1, sizeof(*ix));
	if (ix == NULL)
		return img_error_set(err, IMG_ENOMEM, "Joliet tree");
	ix->root = joliet.root_extent;
	ix->err = err;
	struct img_dirscan scan;
	int rc = img_iso_scan_dirs(src, &joliet, &scan, visit_dir, ix, err);
	if (rc != IMG_OK) {
		img_joliet_index_free(ix);
		return rc;
	}
	/* The walk refuses a directory extent met twice, so the extents are distinct. */
	qsort(ix->dir, ix->ndir, sizeof(*ix->dir), cmp_dir);
	ix->err = NULL;
	*out = ix;
	return IMG_OK;
}

uint32_t img_joliet_index_root(const struct img_joliet_index *ix)
{
	return ix->root;
}

const struct img_joliet_entry *img_joliet_index_list(const struct img_joliet_index *ix,
						     uint32_t extent, size_t *n)
{
	struct jdir key = { extent, 0, 0 };
	const struct jdir *d = bsearch(&key, ix->dir, ix->ndir, sizeof(*ix->dir), cmp_dir);
	*n = d ? d->n : 0;
	return d && d->n ? ix->ent + d->first : NULL;
}

void img_joliet_index_free(struct img_joliet_index *ix)
{
	if (ix == NULL)
		return;
	for (size_t i = 0; i < ix->nent; i++)
		free(ix->ent[i].name);
	free(ix->ent);
	free(ix->dir);
	free(ix);
}
