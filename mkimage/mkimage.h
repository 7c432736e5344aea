/* mkimage's parts: options (options.c) and the build job (build.c). */
#ifndef MKIMAGE_H
#define MKIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/build/alter_date.h"
#include "common/build/boot.h"
#include "common/build/image.h"
#include "common/build/jigdo.h"
#include "common/cli/cli_options.h"

struct mk_opts {
	const char *output;
	/* What the image gets (levels, views, ids, dates, MD5s): filled here and handed to
	 * img_image_new as it is, so that no option is lost on the way. */
	struct img_image_opts image;
	bool reproducible;           /* also: volume dates from the newest file without an epoch */
	bool graft_points, follow, print_size, md5;
	enum img_cli_progress progress; /* what the write shows: ALWAYS, NEVER or JSON */
	const char **exclude;        /* NULL-terminated (popt argv arrays) or NULL */
	const char **exclude_lists;
	const char **path_lists;
	const char **hide;
	const char **hide_joliet;
	const char **hide_lists;     /* files of -hide GLOBs, one a line */
	const char **hide_joliet_lists;
	const char **hide_udf, **hide_udf_lists; /* -hide-udf, -hide-udf-list */
	const char *sort_file;
	const char **paths;          /* the PATH arguments */
	size_t npaths;
	const struct img_boot_config *boot; /* El Torito, system area, partitions */
	unsigned udf_revision;       /* 0: no UDF view; else an enum img_udf_revision value */
	const char *media;           /* --media name, or NULL */
	unsigned long long capacity; /* blocks of 2048 bytes the image must fit (0: any) */
	/* New sessions: -M PREV (with -C) imports the session of PREV at block c_last; -C alone
	 * addresses a first session to block c_next; --grow IMAGE adds a session in place. */
	const char *prev;
	bool have_c;
	uint32_t c_last, c_next;
	const char *grow;
	bool jigdo_on;               /* -jigdo-jigdo: .jigdo and .template along with the image */
	struct img_jigdo_opts jigdo;
	bool xorriso_replay;         /* xorriso's -boot_image any replay: the old image's volume
					modification date as -volume_date uuid unless given, and
					boot options beside it (but -append_partition) refused */
	const char *xorriso_find;    /* as xorriso: -indev OLD -find PATH lists OLD (find.c) */
	const char *xorriso_find_start; /* PATH absolute and normalised */
	bool xorriso_pkt_output;     /* -pkt_output on */
	bool xorriso_burn_padding;   /* native commands without -as mkisofs: no tail blocks; 300
					KiB of zeros after the whole image (after appended
					partitions), the output rounded up to 64 KiB, as libburn
					writes xorriso's result to a stdio: target */
	struct img_date_change *date_changes; /* -alter_date[_r], in order (owned by the options) */
	size_t ndate_changes;
	/* Remastering (--indev): the old image, the image paths to remove (--rm, --rm-r: each
	 * NULL-terminated or NULL), whether its boot records are dropped (--boot keep-none)
	 * rather than replayed, and whether a Joliet option was given (else Joliet follows
	 * the old image). */
	const char *indev;
	int indev_session;     /* --session N: that session of --indev (0: the newest) */
	const char *blank_volid; /* the role's default volume id, for a blank --grow target */
	bool attrs_on_old;     /* -r, -uid, ... also on imported files (xorriso -as mkisofs -M) */
	const char **rm, **rm_r;
	bool boot_keep_none;
	bool joliet_given;
	bool pad_given;        /* -pad or -no-pad given: a boot replay then keeps to it */
};

/* Parses argv into o.  Returns -1 to go on, else the exit code (after --help, --version or a
 * usage error, which it has reported).  *state is freed by mk_options_free. */
int mk_options_parse(int argc, const char **argv, struct mk_opts *o, void **state);
void mk_options_free(void *state);

/* "a DVD-R" for "dvd": how messages name a --media value. */
const char *mk_media_label(const char *name);

/* Builds the image as o says; returns the exit code. */
int mk_build(const struct mk_opts *o);

/* Lists o->indev's tree below o->xorriso_find_start as xorriso -find does (the volume id on
 * stderr, one quoted path a line on stdout); returns the exit code. */
int mk_xorriso_find(const struct mk_opts *o);

/* Runs argv as osirrox (the name osirrox, or xorriso with -osirrox on): the extraction
 * commands mkksiso gives (mkimage/osirrox.c).  -1 when argv is no such line, else the exit
 * code. */
int mk_osirrox_main(int argc, const char **argv);

#endif
