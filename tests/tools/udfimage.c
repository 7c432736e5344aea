/* udfimage: writes a UDF image of a directory with common/udf (test tool, not installed).
 * The file data goes right after the UDF metadata, as the bridge puts libisofs's data area
 * there; a minimal ISO 9660 volume (empty root) precedes the VRS so that readers which insist
 * on a PVD (pycdlib) open the image, exactly as in a bridge image.
 * Usage: udfimage [-r 1.02|1.50|2.01|2.50|2.60] [-V label] [-t epoch] [-s] [-g] -o OUT DIR
 *   -t  volume time (seconds since the epoch)
 *   -s  clamp file times to the volume time, as SOURCE_DATE_EPOCH asks (ctime cannot be set)
 *   -g  leave 256 blocks after the closing anchor (anchor at N-257), as with a backup GPT. */

/* SEEK_DATA/SEEK_HOLE (Linux, glibc under _GNU_SOURCE) let big sparse files copy quickly. */
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "common/udf/udf.h"

struct data_file {
	char *path;
	uint64_t size;
	uint64_t lba;
};

static struct data_file *files;
static size_t nfiles, files_cap;
static struct img_udf *udf;
static int out_fd;
static int clamp_times;
static int64_t volume_time;

static void die(const char *what)
{
	const struct img_error *e = udf != NULL ? img_udf_error(udf) : NULL;
	fprintf(stderr, "udfimage: %s: %s\n", what,
		e != NULL && e->detail[0] ? e->detail : strerror(errno));
	exit(1);
}

static void fill_attr(const struct stat *st, struct img_udf_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->mode = st->st_mode;
	a->uid = st->st_uid;
	a->gid = st->st_gid;
	a->atime = (struct img_udf_time){st->st_atim.tv_sec, (int32_t)st->st_atim.tv_nsec};
	a->mtime = (struct img_udf_time){st->st_mtim.tv_sec, (int32_t)st->st_mtim.tv_nsec};
	a->ctime = (struct img_udf_time){st->st_ctim.tv_sec, (int32_t)st->st_ctim.tv_nsec};
	struct img_udf_time *t[3] = {&a->atime, &a->mtime, &a->ctime};
	for (int i = 0; clamp_times && i < 3; i++)
		if (t[i]->sec >= volume_time)
			*t[i] = (struct img_udf_time){volume_time, 0};
}

static void walk(const char *dir, uint32_t parent)
{
	struct dirent **list;
	int n = scandir(dir, &list, NULL, alphasort);
	if (n < 0)
		die(dir);
	for (int i = 0; i < n; i++) {
		const char *name = list[i]->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
			free(list[i]);
			continue;
		}
		size_t plen = strlen(dir) + strlen(name) + 2;
		char *path = malloc(plen);
		if (path == NULL)
			die("memory");
		snprintf(path, plen, "%s/%s", dir, name);
		struct stat st;
		if (lstat(path, &st) < 0)
			die(path);
		struct img_udf_attr a;
		fill_attr(&st, &a);
		uint32_t id;
		if (S_ISDIR(st.st_mode)) {
			if (img_udf_add_dir(udf, parent, name, &a, &id) != IMG_OK)
				die("adding a directory");
			walk(path, id);
			free(path);
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t k = readlink(path, target, sizeof(target) - 1);
			if (k < 0)
				die(path);
			target[k] = '\0';
			if (img_udf_add_symlink(udf, parent, name, &a, target, &id) != IMG_OK)
				die("adding a symlink");
			free(path);
		} else if (S_ISREG(st.st_mode)) {
			/* Hard links: one group per inode; only the first name carries data. */
			uint64_t group = st.st_nlink > 1 ? (uint64_t)st.st_ino + 1 : 0;
			struct img_udf_stats before, after;
			img_udf_get_stats(udf, &before);
			if (img_udf_add_file(udf, parent, name, &a, (uint64_t)st.st_size, group,
					     &id) != IMG_OK)
				die("adding a file");
			img_udf_get_stats(udf, &after);
			if (after.files == before.files || st.st_size == 0) {
				free(path);
			} else {
				if (nfiles == files_cap) {
					files_cap = files_cap ? 2 * files_cap : 256;
					files = realloc(files, files_cap * sizeof(*files));
					if (files == NULL)
						die("memory");
				}
				files[nfiles++] = (struct data_file){path, (uint64_t)st.st_size, id};
			}
		} else {
			if (img_udf_add_special(udf, parent, name, &a, major(st.st_rdev),
						minor(st.st_rdev), &id) != IMG_OK)
				die("adding a special file");
			free(path);
		}
		free(list[i]);
	}
	free(list);
}

static void put_at(const void *buf, size_t len, uint64_t off)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t k = pwrite(out_fd, p, len, (off_t)off);
		if (k < 0)
			die("writing the image");
		p += k;
		len -= (size_t)k;
		off += (uint64_t)k;
	}
}

struct meta_out {
	uint64_t off;
};

static int write_meta(void *ctx, const void *buf, size_t len)
{
	struct meta_out *m = ctx;
	put_at(buf, len, m->off);
	m->off += len;
	return 0;
}

/* Copies a file's data to its extent, skipping holes so that the image stays sparse. */
static void copy_file(const struct data_file *f)
{
	int fd = open(f->path, O_RDONLY);
	if (fd < 0)
		die(f->path);
	static char buf[1 << 20];
	off_t pos = 0, end = (off_t)f->size;
	while (pos < end) {
		off_t data = lseek(fd, pos, SEEK_DATA);
		if (data < 0 || data >= end)
			break;
		off_t hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0 || hole > end)
			hole = end;
		for (pos = data; pos < hole;) {
			size_t want = (size_t)(hole - pos) < sizeof(buf) ? (size_t)(hole - pos)
									 : sizeof(buf);
			ssize_t k = pread(fd, buf, want, pos);
			if (k <= 0)
				die(f->path);
			put_at(buf, (size_t)k, f->lba * IMG_UDF_BLOCK + (uint64_t)pos);
			pos += k;
		}
	}
	close(fd);
}

static void both16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void both32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		p[i] = (unsigned char)(v >> (8 * i));
		p[7 - i] = (unsigned char)(v >> (8 * i));
	}
}

/* A directory record of the empty ISO 9660 root (ECMA-119 9.1) for "." (0) or ".." (1). */
static void iso_dir_record(unsigned char *r, unsigned char name, uint32_t root,
			   const struct tm *tm)
{
	memset(r, 0, 34);
	r[0] = 34;
	both32(r + 2, root);
	both32(r + 10, 2048);
	r[18] = (unsigned char)tm->tm_year;
	r[19] = (unsigned char)(tm->tm_mon + 1);
	r[20] = (unsigned char)tm->tm_mday;
	r[21] = (unsigned char)tm->tm_hour;
	r[22] = (unsigned char)tm->tm_min;
	r[23] = (unsigned char)tm->tm_sec;
	r[25] = 2;
	both16(r + 28, 1);
	r[32] = 1;
	r[33] = name;
}

/* Blocks 16..23: PVD, terminator, VRS (3), L and M path tables, root directory. */
static void write_iso_stub(uint32_t total, time_t when, const char *label)
{
	enum { PVD = 16, TERM = 17, VRS = 18, LPT = 21, MPT = 22, ROOT = 23 };
	unsigned char b[2048];
	struct tm tm;
	gmtime_r(&when, &tm);
	char date[64];
	snprintf(date, sizeof(date), "%04d%02d%02d%02d%02d%02d00", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);

	memset(b, 0, sizeof(b));
	b[0] = 1;
	memcpy(b + 1, "CD001", 5);
	b[6] = 1;
	memset(b + 8, ' ', 64);
	for (size_t i = 0; i < 32 && label[i]; i++) {
		char c = label[i];
		b[40 + i] = (c >= 'a' && c <= 'z') ? (unsigned char)(c - 32) :
			    ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) ? (unsigned char)c : '_';
	}
	both32(b + 80, total);
	both16(b + 120, 1);
	both16(b + 124, 1);
	both16(b + 128, 2048);
	both32(b + 132, 10);
	b[140] = LPT;
	b[151] = MPT;
	iso_dir_record(b + 156, 0, ROOT, &tm);
	memset(b + 190, ' ', 813 - 190);
	memcpy(b + 813, date, 16);
	memcpy(b + 830, date, 16);
	memset(b + 847, '0', 16);
	memset(b + 864, '0', 16);
	b[881] = 1;
	put_at(b, sizeof(b), PVD * 2048ull);

	memset(b, 0, sizeof(b));
	b[0] = 255;
	memcpy(b + 1, "CD001", 5);
	b[6] = 1;
	put_at(b, sizeof(b), TERM * 2048ull);

	uint8_t vrs[3 * IMG_UDF_BLOCK];
	img_udf_vrs(udf, vrs);
	put_at(vrs, sizeof(vrs), VRS * 2048ull);

	memset(b, 0, sizeof(b));
	b[0] = 1;
	b[2] = ROOT;
	b[6] = 1;
	put_at(b, sizeof(b), LPT * 2048ull);
	memset(b, 0, sizeof(b));
	b[0] = 1;
	b[5] = ROOT;
	b[7] = 1;
	put_at(b, sizeof(b), MPT * 2048ull);

	memset(b, 0, sizeof(b));
	iso_dir_record(b, 0, ROOT, &tm);
	iso_dir_record(b + 34, 1, ROOT, &tm);
	put_at(b, sizeof(b), ROOT * 2048ull);
}

int main(int argc, char **argv)
{
	struct img_udf_options o = {IMG_UDF_REV_102, "UDFTEST", NULL, 0, 0};
	const char *out = NULL;
	int gpt_tail = 0, c;
	while ((c = getopt(argc, argv, "r:V:t:o:gs")) != -1) {
		switch (c) {
		case 'r':
			o.revision = (unsigned)strtoul(optarg, NULL, 16);
			if (strchr(optarg, '.') != NULL)
				o.revision = (unsigned)(strtoul(optarg, NULL, 10) << 8 |
							strtoul(strchr(optarg, '.') + 1, NULL, 16));
			break;
		case 'V':
			o.volume_id = optarg;
			break;
		case 't':
			o.volume_time = strtoll(optarg, NULL, 10);
			break;
		case 'o':
			out = optarg;
			break;
		case 'g':
			gpt_tail = 1;
			break;
		case 's':
			clamp_times = 1;
			break;
		default:
			return 2;
		}
	}
	if (out == NULL || optind != argc - 1) {
		fprintf(stderr, "usage: udfimage [-r REV] [-V LABEL] [-t EPOCH] [-s] [-g] -o OUT DIR\n");
		return 2;
	}
	volume_time = o.volume_time;
	if (img_udf_new(&o, &udf) != IMG_OK) {
		fprintf(stderr, "udfimage: bad revision or label\n");
		return 2;
	}
	struct stat st;
	if (stat(argv[optind], &st) < 0 || !S_ISDIR(st.st_mode))
		die(argv[optind]);
	struct img_udf_attr ra;
	fill_attr(&st, &ra);
	img_udf_set_root(udf, &ra);
	walk(argv[optind], IMG_UDF_ROOT);

	uint32_t nblocks;
	if (img_udf_layout(udf, IMG_UDF_FIRST_BLOCK, &nblocks) != IMG_OK)
		die("layout");
	uint64_t cursor = IMG_UDF_FIRST_BLOCK + (uint64_t)nblocks;
	for (size_t i = 0; i < nfiles; i++) {
		uint32_t node = (uint32_t)files[i].lba;
		files[i].lba = cursor;
		if (img_udf_add_extent(udf, node, cursor, files[i].size) != IMG_OK)
			die("extent");
		cursor += (files[i].size + IMG_UDF_BLOCK - 1) / IMG_UDF_BLOCK;
	}
	uint64_t anchor = cursor, total = cursor + 1 + (gpt_tail ? 256 : 0);
	if (total > UINT32_MAX)
		die("image too large");
	if (img_udf_set_end(udf, (uint32_t)anchor) != IMG_OK)
		die("end");

	out_fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out_fd < 0)
		die(out);
	write_iso_stub((uint32_t)total, (time_t)o.volume_time,
		       o.volume_id != NULL ? o.volume_id : "");
	uint8_t blk[IMG_UDF_BLOCK];
	img_udf_anchor(udf, 256, blk);
	put_at(blk, sizeof(blk), 256ull * IMG_UDF_BLOCK);
	struct meta_out m = {IMG_UDF_FIRST_BLOCK * (uint64_t)IMG_UDF_BLOCK};
	if (img_udf_write(udf, write_meta, &m) != IMG_OK)
		die("writing UDF metadata");
	for (size_t i = 0; i < nfiles; i++) {
		copy_file(&files[i]);
		free(files[i].path);
	}
	free(files);
	img_udf_anchor(udf, (uint32_t)anchor, blk);
	put_at(blk, sizeof(blk), anchor * IMG_UDF_BLOCK);
	if (ftruncate(out_fd, (off_t)(total * IMG_UDF_BLOCK)) < 0 || close(out_fd) < 0)
		die(out);
	struct img_udf_stats s;
	img_udf_get_stats(udf, &s);
	printf("files %llu dirs %llu renamed %llu blocks %llu partition %u+%u\n",
	       (unsigned long long)s.files, (unsigned long long)s.dirs,
	       (unsigned long long)s.renamed, (unsigned long long)total, s.partition_start,
	       s.partition_length);
	img_udf_free(udf);
	return 0;
}
