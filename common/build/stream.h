/* File contents for libisofs: an IsoStream class that reads regular files in few, large reads. */
#ifndef IMG_STREAM_H
#define IMG_STREAM_H

#include <sys/stat.h>

#include "common/base/error.h"
#include "common/base/isofs.h"

/* The libisofs error code every failing file stream returns from open() and read().  It has
 * FATAL severity on purpose: libisofs's file writer turns any lesser read error into a MISHAP
 * message and fills the rest of the file with zeros unless the abort threshold is MISHAP or lower
 * (iso_set_abort_severity); a FATAL cause makes it cancel the write whatever the threshold is, so
 * no image is ever written with short or padded file data. */
#define IMG_STREAM_ISO_ERROR ISO_DATA_SOURCE_FATAL

/* Creates an IsoStream for the regular file at path, whose size was st->st_size at walk time;
 * the stream reports that size; reading fails (IMG_STREAM_ISO_ERROR, which the writer turns into
 * IMG_ECHANGED with the path, see img_stream_take_error) if the file's size changed or it cannot
 * be read.
 *
 * The file is opened only between libisofs's open() and close() of the stream, so open
 * descriptors stay bounded however many streams exist (libisofs writes one file at a time).
 * It is opened relative to a descriptor of its directory, kept open from one file to the next
 * (see img_stream_release_cache).  Small files take one read() of their whole size plus one
 * byte: the short count shows where the file ends and that it did not grow; larger files are
 * read in IMG_STREAM_CHUNK pieces.
 * No stat, access or getxattr calls are made: st comes from the caller's walk.
 *
 * Identity (get_id) is not the inode number but a serial number given in creation order, the same
 * one for every path naming the same (st_dev, st_ino) when st_nlink > 1.  libisofs writes file
 * data in id order and stores content once per id, so: hard links share their data and can be
 * recorded as hard links, distinct files never merge, and the data layout follows the order in
 * which the caller created the streams (create them in a sorted walk for reproducible images),
 * not inode numbers, which differ between two copies of a tree.
 *
 * path is copied.  On success *out holds one reference (give it to iso_tree_add_new_file, or
 * drop it with iso_stream_unref).  Errors: IMG_EINVAL (not a regular file, negative size),
 * IMG_ENOMEM; err gets the detail. */
int img_stream_new_file(const char *path, const struct stat *st, IsoStream **out,
			struct img_error *err);

/* The same, for an image that writes jigdo files: libisofs then names the file to libjte
 * (and in its messages), at 40 bytes more per file (stream.c, struct file_stream). */
int img_stream_new_named_file(const char *path, const struct stat *st, IsoStream **out,
			      struct img_error *err);

/* Writes the path a stream of img_stream_new_file (or a filter over one, such as libisofs's
 * zisofs filter) reads into buf (truncated to len - 1 bytes and terminated when len > 0) and
 * returns its whole length; returns 0 for another kind of stream. */
size_t img_stream_path(IsoStream *s, char *buf, size_t len);

/* When a stream of img_stream_new_file (or a filter over one) was last opened: a number that
 * grows with every open of any file stream of the process, 0 if never opened or another kind
 * of stream.  libisofs's writer opens each file once, in the order it writes their data, after
 * any earlier look (boot image patching): the UDF-only view (udf_bridge.c) proves the order of
 * files no directory record lists by these numbers.  A stream opened by another thread since
 * shows a later number, which fails that proof rather than passing a wrong one. */
uint64_t img_stream_open_order(IsoStream *s);

/* Takes the next number of the counter img_stream_open_order's numbers come from: for reads
 * that stand for an open, such as import.c's first read of an old file's data. */
uint64_t img_stream_take_order(void);

/* Closes the directory descriptor that file streams keep open between files and frees their
 * spare read buffer.  Streams reopen and reallocate them when needed: call it when an image is
 * done with. */
void img_stream_release_cache(void);

/* After libisofs reported a failed write: if a file stream failed since the last call, copies
 * its error into err (IMG_ECHANGED when the file vanished, shrank or grew, IMG_EIO when it could
 * not be opened or read; the detail names the path and what was seen) and returns that code;
 * otherwise returns IMG_OK and leaves err alone.  Only the first failure is kept.  The record is
 * process-wide (streams fail on libisofs's writer thread, where no object of ours is at hand);
 * it is protected by a mutex. */
int img_stream_take_error(struct img_error *err);

/* Bytes per read() for files larger than that.  64 KiB, 256 KiB and 1 MiB gave the same CPU time
 * within the noise of a shared machine (0.45-0.65 s per GiB, no MD5); 256 KiB keeps read calls
 * out of the profile and the chunk in the L2 cache while libisofs copies it out 2 KiB at a time. */
#ifndef IMG_STREAM_CHUNK /* overridable only to measure other sizes (tests/bench) */
#define IMG_STREAM_CHUNK (256 * 1024)
#endif

#endif
