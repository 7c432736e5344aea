/* UDF reader: volume structures, file entries, directories. */
#include "common/udf_read.h"
#include "common/udf_desc.h"
#include "common/unicode.h"
#include "common/bytes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SECTOR 2048u

static const char *tag_name(unsigned id)
{
	switch (id) {
	case 1: return "primary volume descriptor";
	case 2: return "anchor volume descriptor pointer";
	case 3: return "volume descriptor pointer";
	case 4: return "implementation use volume descriptor";
	case 5: return "partition descriptor";
	case 6: return "logical volume descriptor";
	case 7: return "unallocated space descriptor";
	case 8: return "terminating descriptor";
	case 9: return "logical volume integrity descriptor";
	case 256: return "file set descriptor";
	case 257: return "file identifier descriptor";
	case 258: return "allocation extent descriptor";
	case 259: return "indirect entry";
	case 261: return "file entry";
	case 266: return "extended file entry";
	default: return "descriptor";
	}
}

/* ECMA-167 3/7.2: checksum of bytes 0-15 except 4, CRC over crc_len bytes after the tag, and
 * the recorded location.  len is how many bytes of the descriptor are in buf. */
static int check_tag(const unsigned char *b, size_t len, uint32_t location, bool check_location,
		     uint64_t off, const char *what, struct img_error *err)
{
	if (len < 16)
		return img_error_set(err, IMG_ECORRUPT, "UDF %s at byte %llu: truncated tag", what,
				     (unsigned long long)off);
	unsigned sum = 0;
	for (int i = 0; i < 16; i++)
		if (i != 4)
			sum += b[i];
	if ((sum & 0xff) != b[4])
		return img_error_set(err, IMG_ECORRUPT,
				     "UDF %s at byte %llu: tag checksum 0x%02x, computed 0x%02x",
				     what, (unsigned long long)off, b[4], sum & 0xff);
	size_t crc_len = img_le16(b + 10);
	if (crc_len > len - 16)
		return img_error_set(err, IMG_ECORRUPT,
				     "UDF %s at byte %llu: CRC length %zu runs past the descriptor",
				     what, (unsigned long long)off + 10, crc_len);
	uint16_t crc = img_udf_crc(b + 16, crc_len);
	if (crc != img_le16(b + 8))
		return img_error_set(err, IMG_ECORRUPT,
				     "UDF %s at byte %llu: descriptor CRC 0x%04x, computed 0x%04x",
				     what, (unsigned long long)off + 8, img_le16(b + 8), crc);
	if (check_location && img_le32(b + 12) != location)
		return img_error_set(err, IMG_ECORRUPT,
				     "UDF %s at byte %llu: tag location %u, expected %u", what,
				     (unsigned long long)off + 12, img_le32(b + 12), location);
	return IMG_OK;
}

/* OSTA compressed unicode (UDF 2.1.1) to UTF-8. */
static void dchars(const unsigned char *p, size_t n, char *out, size_t size)
{
	size_t len = 0;
	out[0] = '\0';
	if (n == 0)
		return;
	unsigned comp = p[0];
	size_t step = (comp == 16 || comp == 255) ? 2 : 1;
	if (comp != 8 && comp != 16 && comp != 254 && comp != 255)
		return;
	for (size_t i = 1; i + step <= n; i += step) {
		unsigned c = step == 2 ? (unsigned)p[i] << 8 | p[i + 1] : p[i];
		if (c == 0 && step == 1)
			break;
		if (c < 0x20 || c == '/' || (c >= 0xd800 && c < 0xe000))
			c = c == 0 ? 0 : '_';
		if (c == 0)
			break;
		size_t grown = img_utf8_append(out, len, size, c);
		if (grown == len)
			break;
		len = grown;
	}
	out[len] = '\0';
}

/* dstring (UDF 2.1.3): the last byte holds the used length. */
static void dstring(const unsigned char *p, size_t n, char *out, size_t size)
{
	size_t used = p[n - 1];
	if (used > n - 1)
		used = n - 1;
	dchars(p, used, out, size);
}

int img_udf_read_info(struct img_source *src, struct img_udf_info *info, struct img_error *err)
{
	memset(info, 0, sizeof(*info));
	unsigned char b[SECTOR];
	const uint64_t aoff = 256ull * SECTOR;
	if (img_source_read(src, aoff, b, sizeof(b), "UDF anchor", NULL) != IMG_OK ||
	    img_le16(b) != 2)
		return img_error_set(err, IMG_ENOENT, "no UDF anchor at sector 256");
	int rc = check_tag(b, sizeof(b), 256, true, aoff, tag_name(2), err);
	if (rc != IMG_OK)
		return rc;
	info->anchor_sector = 256;
	info->vds_length = img_le32(b + 16);
	info->vds_sector = img_le32(b + 20);
	if (info->vds_length < SECTOR || info->vds_length > 256 * SECTOR)
		return img_error_set(err, IMG_ECORRUPT,
				     "UDF anchor at byte %llu: volume descriptor sequence length %u "
				     "is not 1-256 sectors", (unsigned long long)aoff + 16,
				     info->vds_length);
	bool lvd = false, pd = false;
	uint32_t n = info->vds_length / SECTOR;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t sec = info->vds_sector + i;
		uint64_t off = (uint64_t)sec * SECTOR;
		if ((rc = img_source_read(src, off, b, sizeof(b), "UDF volume descriptor",
					  err)) != IMG_OK)
			return rc;
		unsigned id = img_le16(b);
		if (id == 0)
			break;
		if ((rc = check_tag(b, sizeof(b), sec, true, off, tag_name(id), err)) != IMG_OK)
			return rc;
		info->descriptors++;
		info->tags_verified++;
		if (id == 8)
			break;
		if (id == 1) {
			dstring(b + 24, 32, info->volume_id, sizeof(info->volume_id));
		} else if (id == 5 && !pd) {
			pd = true;
			info->partition_number = img_le16(b + 22);
			info->partition_start = img_le32(b + 188);
			info->partition_length = img_le32(b + 192);
		} else if (id == 6 && !lvd) {
			lvd = true;
			info->block_size = img_le32(b + 212);
			/* Domain entity (UDF 2.1.5): identifier, then the revision in the suffix. */
			memcpy(info->domain, b + 217, 23);
			info->domain[23] = '\0';
			for (int k = 0; k < 23; k++)
				if (info->domain[k] && (info->domain[k] < 0x20 || info->domain[k] > 0x7e))
					info->domain[k] = '?';
			info->revision = img_le16(b + 240);
			dstring(b + 84, 128, info->logical_volume_id,
				sizeof(info->logical_volume_id));
			uint32_t nmaps = img_le32(b + 268);
			if (nmaps >= 1 && b[440] != 1)
				return img_error_set(err, IMG_EUNSUPPORTED,
						     "UDF logical volume descriptor at byte %llu: "
						     "partition map type %u (only type 1 is read)",
						     (unsigned long long)off + 440, b[440]);
		}
	}
	if (!lvd || !pd)
		return img_error_set(err, IMG_ECORRUPT,
				     "UDF volume descriptor sequence at sector %u: no %s descriptor",
				     info->vds_sector, lvd ? "partition" : "logical volume");
	if (info->block_size != SECTOR)
		return img_error_set(err, IMG_EUNSUPPORTED, "UDF logical block size %u (only 2048 "
				     "is read)", info->block_size);
	uint64_t end = (uint64_t)info->partition_start + info->partition_length;
	if (end * SECTOR > img_source_size(src) + SECTOR * 512ull)
		return img_error_set(err, IMG_ECORRUPT,
				     "UDF partition descriptor: partition %u+%u sectors lies past "
				     "the end of the image", info->partition_start,
				     info->partition_length);
	return IMG_OK;
}

/* ---- tree ---- */

struct reader {
	struct img_source *src;
	struct img_udf_info *info;
	struct img_filetree *tree;
	struct img_error *err;
	unsigned char block[SECTOR];
	uint32_t *dirs_seen;
	size_t ndirs_seen, cap_seen;
};

static uint64_t part_off(const struct reader *r, uint32_t lbn)
{
	return ((uint64_t)r->info->partition_start + lbn) * SECTOR;
}

/* ECMA-167 1/7.3 timestamp to seconds since the epoch (UTC). */
static int64_t timestamp(const unsigned char *p)
{
	int tz = img_le16(p) & 0x0fff;
	if (tz & 0x800)
		tz -= 0x1000;
	if ((img_le16(p) >> 12) != 1 || tz == -2047)
		tz = 0;
	int64_t y = (int16_t)img_le16(p + 2), m = p[4], d = p[5];
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	/* days from civil (Howard Hinnant's algorithm) */
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = era * 146097 + doe - 719468;
	return days * 86400 + p[6] * 3600 + p[7] * 60 + p[8] - (int64_t)tz * 60;
}

static bool seen_dir(struct reader *r, uint32_t lbn, int *rc)
{
	for (size_t i = 0; i < r->ndirs_seen; i++)
		if (r->dirs_seen[i] == lbn)
			return true;
	if (r->ndirs_seen == r->cap_seen) {
		size_t cap = r->cap_seen ? r->cap_seen * 2 : 64;
		uint32_t *s = realloc(r->dirs_seen, cap * sizeof(*s));
		if (s == NULL) {
			*rc = IMG_ENOMEM;
			return false;
		}
		r->dirs_seen = s;
		r->cap_seen = cap;
	}
	r->dirs_seen[r->ndirs_seen++] = lbn;
	return false;
}

/* Adds the allocation descriptors in ads (len bytes, type 0 short or 1 long) to n, following
 * "next extent of allocation descriptors" (ECMA-167 4/14.6, 4/12) a bounded number of times. */
static int read_ads(struct reader *r, struct img_fnode *n, const unsigned char *ads, size_t len,
		    int type, uint64_t where)
{
	unsigned char buf[SECTOR];
	size_t step = type == 0 ? 8 : 16;
	for (int hops = 0;; hops++) {
		uint32_t next = 0;
		bool more = false;
		size_t next_len = 0;
		for (size_t i = 0; i + step <= len; i += step) {
			uint32_t raw = img_le32(ads + i), elen = raw & 0x3fffffff, etype = raw >> 30;
			uint32_t lbn = img_le32(ads + i + 4);
			if (elen == 0)
				break;
			if (etype == 3) {
				more = true;
				next = lbn;
				next_len = elen;
				break;
			}
			if (etype != 0)
				continue; /* allocated or unallocated but unrecorded: a hole */
			uint64_t off = part_off(r, lbn);
			if (off + elen > img_source_size(r->src))
				return img_error_set(r->err, IMG_ECORRUPT,
						     "UDF allocation descriptor at byte %llu: extent "
						     "of %u bytes at byte %llu lies past the end of "
						     "the image", (unsigned long long)where + i, elen,
						     (unsigned long long)off);
			if (n->nextents >= IMG_UDF_MAX_EXTENTS)
				return img_error_set(r->err, IMG_ECORRUPT,
						     "UDF allocation descriptors at byte %llu: more "
						     "than %d extents", (unsigned long long)where,
						     IMG_UDF_MAX_EXTENTS);
			if (img_fnode_add_extent(n, off, elen) != IMG_OK)
				return img_error_set(r->err, IMG_ENOMEM, "UDF extents");
		}
		if (!more)
			return IMG_OK;
		if (hops >= IMG_UDF_MAX_AD_HOPS)
			return img_error_set(r->err, IMG_ECORRUPT,
					     "UDF allocation extent chain at byte %llu: more than %d "
					     "links, it loops", (unsigned long long)where,
					     IMG_UDF_MAX_AD_HOPS);
		where = part_off(r, next);
		int rc = img_source_read(r->src, where, buf, sizeof(buf),
					 "UDF allocation extent descriptor", r->err);
		if (rc == IMG_OK)
			rc = check_tag(buf, sizeof(buf), next, true, where, tag_name(258), r->err);
		if (rc != IMG_OK)
			return rc;
		r->info->tags_verified++;
		size_t l = img_le32(buf + 20);
		if (img_le16(buf) != 258 || l > sizeof(buf) - 24 || l > next_len)
			return img_error_set(r->err, IMG_ECORRUPT,
					     "UDF allocation extent descriptor at byte %llu: bad "
					     "identifier or length %zu", (unsigned long long)where, l);
		memcpy(buf, buf + 24, l);
		ads = buf;
		len = l;
		where += 24;
	}
}

/* Reads the (extended) file entry at partition block lbn into n. */
static int read_entry(struct reader *r, uint32_t lbn, struct img_fnode *n, int *file_type)
{
	unsigned char *b = r->block;
	uint64_t off = 0;
	for (int hops = 0;; hops++) {
		off = part_off(r, lbn);
		int rc = img_source_read(r->src, off, b, SECTOR, "UDF file entry", r->err);
		if (rc != IMG_OK)
			return rc;
		unsigned id = img_le16(b);
		if (id != 261 && id != 266 && id != 259)
			return img_error_set(r->err, IMG_ECORRUPT,
					     "UDF ICB at byte %llu: tag identifier %u is not a file "
					     "entry", (unsigned long long)off, id);
		if ((rc = check_tag(b, SECTOR, lbn, true, off, tag_name(id), r->err)) != IMG_OK)
			return rc;
		r->info->tags_verified++;
		if (id != 259)
			break;
		/* 4/14.7 indirect entry (strategy 4096): follow it, a bounded number of times. */
		if (hops >= IMG_UDF_MAX_AD_HOPS)
			return img_error_set(r->err, IMG_ECORRUPT,
					     "UDF indirect entry at byte %llu: chain of more than %d "
					     "entries, it loops", (unsigned long long)off,
					     IMG_UDF_MAX_AD_HOPS);
		lbn = img_le32(b + 36 + 4);
	}
	bool efe = img_le16(b) == 266;
	*file_type = b[16 + 11];
	unsigned flags = img_le16(b + 16 + 18);
	n->uid = img_le32(b + 36);
	n->gid = img_le32(b + 40);
	uint32_t p = img_le32(b + 44);
	mode_t perm = (mode_t)((((p >> 10) & 7) << 6) | (((p >> 5) & 7) << 3) | (p & 7));
	n->size = img_le64(b + 56);
	n->atime = timestamp(b + (efe ? 80 : 72));
	n->mtime = timestamp(b + (efe ? 92 : 84));
	n->ctime = n->mtime;
	size_t lea = img_le32(b + (efe ? 208 : 168)), lad = img_le32(b + (efe ? 212 : 172));
	size_t start = efe ? 216 : 176;
	if (lea > SECTOR || lad > SECTOR || start + lea + lad > SECTOR)
		return img_error_set(r->err, IMG_ECORRUPT,
				     "UDF %s at byte %llu: extended attributes (%zu) and allocation "
				     "descriptors (%zu) overrun the block", tag_name(img_le16(b)),
				     (unsigned long long)off, lea, lad);
	switch (*file_type) {
	case 4: n->mode = S_IFDIR | perm; break;
	case 5: n->mode = S_IFREG | perm; break;
	case 12: n->mode = S_IFLNK | perm; break;
	case 6: n->mode = S_IFBLK | perm; break;
	case 7: n->mode = S_IFCHR | perm; break;
	case 9: n->mode = S_IFIFO | perm; break;
	case 10: n->mode = S_IFSOCK | perm; break;
	default: n->mode = S_IFREG | perm; break;
	}
	int atype = flags & 7;
	const unsigned char *ads = b + start + lea;
	if (atype == 3) {
		/* Data embedded in the entry itself. */
		if (n->size > lad)
			return img_error_set(r->err, IMG_ECORRUPT,
					     "UDF %s at byte %llu: %llu bytes of embedded data in a "
					     "%zu-byte area", tag_name(img_le16(b)), (unsigned long long)off,
					     (unsigned long long)n->size, lad);
		return lad ? img_fnode_add_extent(n, off + start + lea, lad) : IMG_OK;
	}
	if (atype != 0 && atype != 1)
		return img_error_set(r->err, IMG_EUNSUPPORTED,
				     "UDF %s at byte %llu: allocation descriptor type %d",
				     tag_name(img_le16(b)), (unsigned long long)off, atype);
	unsigned char copy[SECTOR];
	memcpy(copy, ads, lad);
	return read_ads(r, n, copy, lad, atype, off + start + lea);
}

/* Reads a node's data (bounded) into a new buffer. */
static int read_data(struct reader *r, const struct img_fnode *n, uint64_t max,
		     unsigned char **out, size_t *outlen)
{
	if (n->size > max)
		return img_error_set(r->err, IMG_ECORRUPT, "UDF directory or link of %llu bytes "
				     "exceeds %llu", (unsigned long long)n->size,
				     (unsigned long long)max);
	unsigned char *buf = malloc(n->size ? (size_t)n->size : 1);
	if (buf == NULL)
		return img_error_set(r->err, IMG_ENOMEM, "UDF directory");
	uint64_t pos = 0;
	for (size_t i = 0; i < n->nextents && pos < n->size; i++) {
		uint64_t len = n->extents[i].length;
		if (len > n->size - pos)
			len = n->size - pos;
		int rc = img_source_read(r->src, n->extents[i].offset, buf + pos, (size_t)len,
					 "UDF directory data", r->err);
		if (rc != IMG_OK) {
			free(buf);
			return rc;
		}
		pos += len;
	}
	if (pos < n->size) {
		free(buf);
		return img_error_set(r->err, IMG_ECORRUPT, "UDF entry: extents hold %llu of %llu "
				     "bytes", (unsigned long long)pos, (unsigned long long)n->size);
	}
	*out = buf;
	*outlen = (size_t)n->size;
	return IMG_OK;
}

/* 4/14.16 path components of a symlink, joined with '/'. */
static int read_symlink(struct reader *r, struct img_fnode *n)
{
	unsigned char *d;
	size_t len;
	int rc = read_data(r, n, 4096, &d, &len);
	if (rc != IMG_OK)
		return rc;
	char target[4096] = "", name[1024];
	size_t tl = 0;
	for (size_t i = 0; i + 4 <= len;) {
		unsigned type = d[i], lci = d[i + 1];
		if (i + 4 + lci > len)
			break;
		const char *part = NULL;
		if (type == 1 || type == 2) {
			tl = (size_t)snprintf(target, sizeof(target), "/");
		} else if (type == 3) {
			part = "..";
		} else if (type == 4) {
			part = ".";
		} else if (type == 5) {
			dchars(d + i + 4, lci, name, sizeof(name));
			part = name;
		}
		if (part != NULL) {
			bool sep = tl > 0 && target[tl - 1] != '/';
			int w = snprintf(target + tl, sizeof(target) - tl, "%s%s", sep ? "/" : "",
					 part);
			if (w < 0 || (size_t)w >= sizeof(target) - tl)
				break;
			tl += (size_t)w;
		}
		i += 4 + lci;
	}
	free(d);
	n->size = tl;
	free(n->extents);
	n->extents = NULL;
	n->nextents = 0;
	return img_fnode_set_link(n, target);
}

struct pending {
	struct img_fnode *dir;
	int depth;
};

static int read_dir(struct reader *r, struct img_fnode *dir, int depth, struct pending **stack,
		    size_t *nstack, size_t *cap)
{
	unsigned char *d;
	size_t len;
	int rc = read_data(r, dir, IMG_UDF_MAX_DIR_BYTES, &d, &len);
	if (rc != IMG_OK)
		return rc;
	uint64_t base = dir->nextents ? dir->extents[0].offset : 0;
	for (size_t pos = 0; pos + 38 <= len && rc == IMG_OK;) {
		const unsigned char *f = d + pos;
		size_t liu = img_le16(f + 36), lfi = f[19];
		size_t flen = (38 + liu + lfi + 3) & ~(size_t)3;
		uint64_t where = base + pos;
		if (img_le16(f) != 257 || pos + 38 + liu + lfi > len) {
			rc = img_error_set(r->err, IMG_ECORRUPT,
					   "UDF file identifier at byte %llu: bad tag or length",
					   (unsigned long long)where);
			break;
		}
		if ((rc = check_tag(f, len - pos, 0, false, where, tag_name(257), r->err)) != IMG_OK)
			break;
		r->info->tags_verified++;
		unsigned chars = f[18];
		pos += flen;
		if (chars & 0x0c)
			continue; /* parent or deleted */
		char name[1024];
		dchars(f + 38 + liu, lfi, name, sizeof(name));
		if (name[0] == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			snprintf(name, sizeof(name), "_unnamed_%llu", (unsigned long long)where);
		uint32_t lbn = img_le32(f + 24);
		struct img_fnode *n;
		if ((rc = img_filetree_add(r->tree, dir, name, &n)) != IMG_OK)
			break;
		int type;
		if ((rc = read_entry(r, lbn, n, &type)) != IMG_OK)
			break;
		if (type == 12) {
			rc = read_symlink(r, n);
			r->info->files++;
		} else if (type == 4) {
			bool dup = seen_dir(r, lbn, &rc);
			if (rc != IMG_OK)
				break;
			if (dup) {
				rc = img_error_set(r->err, IMG_ECORRUPT,
						   "UDF file identifier at byte %llu: directory loop, "
						   "ICB %u is already part of the tree",
						   (unsigned long long)where, lbn);
				break;
			}
			if (depth + 1 > IMG_UDF_MAX_DEPTH) {
				rc = img_error_set(r->err, IMG_ECORRUPT,
						   "UDF file identifier at byte %llu: nesting deeper "
						   "than %d levels", (unsigned long long)where,
						   IMG_UDF_MAX_DEPTH);
				break;
			}
			if (*nstack == *cap) {
				size_t nc = *cap ? *cap * 2 : 64;
				struct pending *s = realloc(*stack, nc * sizeof(*s));
				if (s == NULL) {
					rc = IMG_ENOMEM;
					break;
				}
				*stack = s;
				*cap = nc;
			}
			(*stack)[(*nstack)++] = (struct pending){n, depth + 1};
			r->info->dirs++;
		} else {
			r->info->files++;
		}
	}
	free(d);
	return rc;
}

int img_udf_read_tree(struct img_source *src, struct img_filetree **out, struct img_udf_info *info,
		      struct img_error *err)
{
	int rc = img_udf_read_info(src, info, err);
	if (rc != IMG_OK)
		return rc;
	struct reader r = {.src = src, .info = info, .err = err};
	/* The FSD location: long_ad in the logical volume contents use (3/10.6.13). */
	unsigned char b[SECTOR];
	uint32_t fsd = 0;
	for (uint32_t i = 0; i < info->vds_length / SECTOR; i++) {
		uint64_t off = ((uint64_t)info->vds_sector + i) * SECTOR;
		if ((rc = img_source_read(src, off, b, sizeof(b), "UDF volume descriptor", err)))
			return rc;
		if (img_le16(b) == 6) {
			fsd = img_le32(b + 248 + 4);
			break;
		}
	}
	uint64_t foff = part_off(&r, fsd);
	if ((rc = img_source_read(src, foff, b, sizeof(b), "UDF file set descriptor", err)))
		return rc;
	if (img_le16(b) != 256)
		return img_error_set(err, IMG_ECORRUPT, "UDF file set descriptor at byte %llu: tag "
				     "identifier %u", (unsigned long long)foff, img_le16(b));
	if ((rc = check_tag(b, sizeof(b), fsd, true, foff, tag_name(256), err)) != IMG_OK)
		return rc;
	info->tags_verified++;
	uint32_t root_lbn = img_le32(b + 400 + 4);
	if ((rc = img_filetree_new(&r.tree)) != IMG_OK)
		return img_error_set(err, rc, "UDF tree");
	struct pending *stack = NULL;
	size_t nstack = 0, cap = 0;
	int type;
	rc = read_entry(&r, root_lbn, r.tree->root, &type);
	if (rc == IMG_OK && type != 4)
		rc = img_error_set(err, IMG_ECORRUPT, "UDF root ICB at block %u is not a directory",
				   root_lbn);
	bool dup;
	if (rc == IMG_OK) {
		dup = seen_dir(&r, root_lbn, &rc);
		info->dirs = 1;
	}
	struct pending cur = {r.tree->root, 1};
	while (rc == IMG_OK) {
		rc = read_dir(&r, cur.dir, cur.depth, &stack, &nstack, &cap);
		if (rc != IMG_OK || nstack == 0)
			break;
		cur = stack[--nstack];
	}
	(void)dup;
	free(stack);
	free(r.dirs_seen);
	if (rc != IMG_OK) {
		img_filetree_free(r.tree);
		return rc;
	}
	*out = r.tree;
	return IMG_OK;
}
