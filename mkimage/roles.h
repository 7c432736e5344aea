/* The names mkimage answers to.  basename(argv[0]) mkisofs or genisoimage: genisoimage's
 * command line and defaults (Debian's mkisofs is genisoimage); xorrisofs: xorriso -as
 * mkisofs's; xorriso: native xorriso commands, then -as mkisofs|genisoimage and xorriso -as
 * mkisofs's command line; any other name (mkimage): mkimage's, or after a first argument
 * "-as mkisofs" xorriso -as mkisofs's and after "-as genisoimage" genisoimage's. */
#ifndef MKIMAGE_ROLES_H
#define MKIMAGE_ROLES_H

#include <popt.h>
#include <stddef.h>

#include "common/build/image.h"

enum mk_role {
	MK_ROLE_MKIMAGE,     /* mkimage's own command line and defaults */
	MK_ROLE_GENISOIMAGE, /* genisoimage (and mkisofs, which is genisoimage on Debian) */
	MK_ROLE_XORRISOFS,   /* xorriso -as mkisofs (and xorrisofs) */
	MK_ROLE_XORRISO,     /* xorriso's native image commands (-indev, -map, ...): its own
				defaults, then those of an -as mkisofs that follows */
};

/* What the program was called as, before the arguments are looked at. */
enum mk_role_name {
	MK_NAME_MKIMAGE,
	MK_NAME_GENISOIMAGE,
	MK_NAME_MKISOFS,
	MK_NAME_XORRISOFS,
	MK_NAME_XORRISO,
};

/* The name basename(argv0) calls for. */
enum mk_role_name mk_role_name_of(const char *argv0);

/* A command line as mkimage's option table reads it. */
struct mk_role_line {
	enum mk_role role;
	const char *usage_name; /* "genisoimage", "xorriso -as mkisofs", ...: for -help */
	int argc;
	const char **argv;      /* argv[0], native xorriso commands as the options they mean,
				   then the arguments after -as; malloc'd (mk_role_line_free) */
	char **made;            /* the words translations made (malloc'd, as the array) */
	size_t nmade, made_cap;
	int grafts;             /* IMAGE=DISK words made of -map and -update */
	bool as_graft_points;   /* -graft-points among the -as mkisofs arguments */
	const char *find;       /* -indev OLD -find [PATH]: list OLD's tree (mkimage/find.c) */
	const char *find_start; /* PATH from /, normalised */
	bool pkt_output;        /* -pkt_output on: "R:1: " before each listed path */
	bool burn_padding;      /* native commands make the image, no -as mkisofs: xorriso
				   has libburn pad it (300 KiB after the whole image, the
				   output then a multiple of 64 KiB), not libisofs */
};

enum mk_role_verdict {
	MK_ROLE_OK,
	MK_ROLE_USAGE,   /* why says what is wrong */
	MK_ROLE_REFUSED, /* why is "-NAME: not supported: REASON" */
};

/* Reads the role and, for xorriso, its native commands out of argv.  -no_rc is dropped (we
 * read no startup files), -report_about LEVEL becomes -quiet above UPDATE (xorriso's
 * progress messages), -boot_image any|isolinux|grub KEY=VALUE the -as mkisofs options of the
 * same meaning, -volume_date stays (an option of mkimage's in every role).  xorriso's image
 * model becomes mkimage's remaster job (role MK_ROLE_XORRISO): -indev ADDR --indev ADDR,
 * -outdev ADDR -o PATH (stdio: dropped; -dev, xorriso's growing, is refused), -boot_image any replay|discard --boot
 * replay|keep-none (keep-none when -indev comes without either), -map/-update DISK IMAGE the
 * graft point IMAGE=DISK (with -graft-points; -update of a missing DISK --rm-r IMAGE),
 * -rm/-rm_r PATH... [--] --rm/--rm-r PATH each, -volid -V, -joliet/-rockridge on|off -J/-R
 * or --no-joliet/--no-rock, -append_partition as it is, -alter_date[_r] TYPE TIME PATH...
 * [--] one "-alter_date[_r] TYPE TIME PATH" each, -compliance RULES the -as mkisofs options
 * of the same meaning, -commit and -end nothing (the image is written at the end); -indev OLD
 * [-pkt_output on] -find [PATH] alone sets find, find_start and pkt_output instead (a listing,
 * mkimage/find.c).  Image
 * paths are made absolute (from /) and normalised.  What mkimage would do in another order
 * than xorriso (a removal after an addition it overlaps, an addition below an -alter_date
 * path) and any other native command are refused by name. */
enum mk_role_verdict mk_role_read(int argc, const char **argv, struct mk_role_line *out,
				  char *why, size_t why_len);

void mk_role_line_free(struct mk_role_line *l);

/* Sets the defaults of the original the role stands for (mkimage's own role: nothing) in
 * image and *output (roles.c lists them, as measured). */
void mk_role_defaults(enum mk_role role, struct img_image_opts *image, const char **output);

/* -help in a role: "Usage: NAME [options] file...", each option of table one per line with
 * one dash as the originals list them, then the refused options with their reasons. */
void mk_role_print_help(const struct mk_role_line *line, const struct poptOption *table);

#endif
