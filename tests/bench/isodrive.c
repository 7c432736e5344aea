/* Throwaway measuring driver (not a product): builds an ISO9660+RR+Joliet level-3 image of a tree
 * with libisofs, with either common/build/stream.c or libisofs's own file streams, to find out where
 * the time goes and which read size and fifo size suit the writer.
 * Usage: isodrive [--stock] [--md5] [--read BYTES] [--fifo BLOCKS] [--poll USEC] -o OUT TREE
 *   --stock   iso_tree_add_dir_rec and libisofs's file streams (the "minimal program")
 *   --md5     iso_write_opts_set_record_md5(opts, 1, 1) as mkimage does
 *             (--md5-session, --md5-files: one of the two)
 *   --read    bytes per read of the burn source (default 65536)
 *   --fifo    ring buffer size in 2 KiB blocks (iso_write_opts_set_fifo_size)
 *   --reverse-add  add each directory's entries in descending name order
 *   --phases  print the seconds spent walking, in libisofs's layout, and writing
 *   --poll    before each read, sleep in steps of USEC until the fifo holds a full read or
 *             the writer ended (the stock reader wakes for every 2 KiB block) */
#define _GNU_SOURCE /* O_DIRECTORY, fstatat/openat and dirfd at this feature level */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/build/stream.h"

static int use_stock, use_md5, reverse_add;

/* seconds since the previous call; phases are printed with --phases */
static double lap(void)
{
	static struct timespec prev;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double d = (double)(now.tv_sec - prev.tv_sec) + (double)(now.tv_nsec - prev.tv_nsec) / 1e9;
	prev = now;
	return d;
}

static void fail(const char *what, int code)
{
	fprintf(stderr, "isodrive: %s: %d %s\n", what, code, code < 0 ? iso_error_to_msg(code) : "");
	exit(1);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void set_attrs(IsoNode *n, const struct stat *st)
{
	iso_node_set_permissions(n, st->st_mode & 07777);
	iso_node_set_uid(n, st->st_uid);
	iso_node_set_gid(n, st->st_gid);
	iso_node_set_mtime(n, st->st_mtime);
	iso_node_set_atime(n, st->st_atime);
	iso_node_set_ctime(n, st->st_ctime);
}

/* One lstat per entry, names sorted, our streams for files. */
static void walk(IsoImage *img, IsoDir *parent, const char *path)
{
	DIR *d = opendir(path);
	if (d == NULL) {
		perror(path);
		exit(1);
	}
	size_t n = 0, cap = 64;
	char **names = malloc(cap * sizeof(*names));
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n == cap)
			names = realloc(names, (cap *= 2) * sizeof(*names));
		names[n++] = strdup(e->d_name);
	}
	qsort(names, n, sizeof(*names), by_name);
	int dfd = dirfd(d);
	for (size_t k = 0; k < n; k++) {
		/* libisofs inserts a child by walking the parent's sorted list from its head:
		 * adding in descending order finds the place at once */
		size_t i = reverse_add ? n - 1 - k : k;
		struct stat st;
		char full[4096];
		snprintf(full, sizeof(full), "%s/%s", path, names[i]);
		if (fstatat(dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0) {
			perror(full);
			exit(1);
		}
		IsoNode *node = NULL;
		int r;
		if (S_ISDIR(st.st_mode)) {
			IsoDir *sub;
			r = iso_image_add_new_dir(img, parent, names[i], &sub);
			if (r < 0)
				fail(full, r);
			node = (IsoNode *)sub;
			walk(img, sub, full);
		} else if (S_ISREG(st.st_mode)) {
			IsoStream *s;
			struct img_error err;
			if (img_stream_new_file(full, &st, &s, &err) != IMG_OK) {
				fprintf(stderr, "isodrive: %s\n", err.detail);
				exit(1);
			}
			IsoFile *f;
			r = iso_image_add_new_file(img, parent, names[i], s, &f);
			if (r < 0)
				fail(full, r);
			node = (IsoNode *)f;
		} else if (S_ISLNK(st.st_mode)) {
			char dest[4096];
			ssize_t l = readlinkat(dfd, names[i], dest, sizeof(dest) - 1);
			if (l < 0) {
				perror(full);
				exit(1);
			}
			dest[l] = 0;
			IsoSymlink *sl;
			r = iso_image_add_new_symlink(img, parent, names[i], dest, &sl);
			if (r < 0)
				fail(full, r);
			node = (IsoNode *)sl;
		}
		if (node != NULL)
			set_attrs(node, &st);
		free(names[i]);
	}
	free(names);
	closedir(d);
}

int main(int argc, char **argv)
{
	size_t readsz = 65536, fifo = 0;
	long poll_us = 0;
	int phases = 0;
	const char *out = NULL;
	int i;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--phases"))
			phases = 1;
		else if (!strcmp(argv[i], "--stock"))
			use_stock = 1;
		else if (!strcmp(argv[i], "--reverse-add"))
			reverse_add = 1;
		else if (!strcmp(argv[i], "--md5"))
			use_md5 = 3;
		else if (!strcmp(argv[i], "--md5-session"))
			use_md5 = 1;
		else if (!strcmp(argv[i], "--md5-files"))
			use_md5 = 2;
		else if (!strcmp(argv[i], "--read") && i + 1 < argc)
			readsz = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--fifo") && i + 1 < argc)
			fifo = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--poll") && i + 1 < argc)
			poll_us = strtol(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else
			break;
	}
	if (out == NULL || i != argc - 1 || readsz == 0) {
		fprintf(stderr, "usage: isodrive [--stock] [--md5] [--read B] [--fifo N] "
				"[--poll US] -o OUT TREE\n");
		return 2;
	}
	const char *tree = argv[i];
	if (iso_init() < 0)
		fail("iso_init", 0);
	iso_set_msgs_severities("NEVER", "FAILURE", "isodrive");

	lap();
	IsoImage *img;
	int r = iso_image_new("BENCH", &img);
	if (r < 0)
		fail("iso_image_new", r);
	iso_tree_set_follow_symlinks(img, 0);
	iso_tree_set_ignore_hidden(img, 0);
	if (use_stock) {
		char abs[4096];
		if (realpath(tree, abs) == NULL) {
			perror(tree);
			return 1;
		}
		r = iso_tree_add_dir_rec(img, iso_image_get_root(img), abs);
		if (r < 0)
			fail("iso_tree_add_dir_rec", r);
	} else {
		walk(img, iso_image_get_root(img), tree);
	}

	double t_walk = lap();
	IsoWriteOpts *opts;
	iso_write_opts_new(&opts, 1);
	iso_write_opts_set_iso_level(opts, 3);
	iso_write_opts_set_rockridge(opts, 1);
	iso_write_opts_set_joliet(opts, 1);
	if (use_md5) {
		iso_write_opts_set_record_md5(opts, use_md5 & 1, use_md5 >> 1);
		/* without AAIP the root lacks the "isofs.ca" pointer and xorriso -check_md5
		 * reports "No session MD5 is recorded" */
		iso_write_opts_set_aaip(opts, 1);
	}
	if (fifo)
		iso_write_opts_set_fifo_size(opts, fifo);
	struct burn_source *bs;
	r = iso_image_create_burn_source(img, opts, &bs);
	if (r < 0)
		fail("create_burn_source", r);

	double t_layout = lap();
	int fd = strcmp(out, "-") ? open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644) : 1;
	if (fd < 0) {
		perror(out);
		return 1;
	}
	off_t size = bs->get_size(bs), done = 0;
	unsigned char *buf = malloc(readsz);
	while (done < size) {
		size_t want = (size_t)(size - done) < readsz ? (size_t)(size - done) : readsz;
		if (poll_us) {
			size_t cap, free_bytes;
			struct timespec ts = { 0, poll_us * 1000 };
			while (iso_ring_buffer_get_status(bs, &cap, &free_bytes) == 1 &&
			       cap - free_bytes < (want < cap ? want : cap))
				nanosleep(&ts, NULL);
		}
		int got = bs->read_xt(bs, buf, (int)want);
		if (got <= 0)
			break;
		for (int w = 0; w < got;) {
			ssize_t k = write(fd, buf + w, (size_t)(got - w));
			if (k < 0) {
				perror(out);
				return 1;
			}
			w += (int)k;
		}
		done += got;
	}
	if (done != size) {
		struct img_error e;
		if (img_stream_take_error(&e))
			fprintf(stderr, "isodrive: %s\n", e.detail);
		fprintf(stderr, "isodrive: image ended at %lld of %lld bytes\n", (long long)done,
			(long long)size);
		return 1;
	}
	if (phases)
		fprintf(stderr, "isodrive: walk %.2f s, layout %.2f s, data %.2f s\n", t_walk,
			t_layout, lap());
	if (fd != 1)
		close(fd);
	bs->free_data(bs);
	free(bs);
	iso_write_opts_free(opts);
	iso_image_unref(img);
	iso_finish();
	free(buf);
	return 0;
}
