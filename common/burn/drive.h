/* Recorders through libburn: scan, grab, media info, write, blank, format, verify, cancel,
 * release.  Also libburn's stdio: pseudo-drives (files, block devices). */
#ifndef IMG_DRIVE_H
#define IMG_DRIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/base/digest.h"
#include "common/base/error.h"

enum img_write_mode { IMG_WRITE_AUTO, IMG_WRITE_TAO, IMG_WRITE_SAO };

enum img_media_state {
	IMG_MEDIA_NONE,        /* no media loaded */
	IMG_MEDIA_BLANK,
	IMG_MEDIA_APPENDABLE,
	IMG_MEDIA_CLOSED,      /* written and closed */
	IMG_MEDIA_UNSUITABLE,  /* loaded but libburn cannot write it */
	IMG_MEDIA_UNKNOWN
};

/* Word for a media state: "none", "blank", "appendable", "closed", "unsuitable", "unknown". */
const char *img_media_state_name(enum img_media_state s);

/* What a job is doing, as reported by img_drive_poll. */
enum img_drive_phase {
	IMG_PHASE_IDLE, IMG_PHASE_START, IMG_PHASE_WRITE, IMG_PHASE_LEADIN, IMG_PHASE_LEADOUT,
	IMG_PHASE_CLOSE, IMG_PHASE_SYNC, IMG_PHASE_BLANK, IMG_PHASE_FORMAT, IMG_PHASE_VERIFY
};

/* Word for a phase ("idle", "start", "write", ...), used in progress output. */
const char *img_drive_phase_name(enum img_drive_phase p);

#define IMG_DRIVE_MAX_PROFILES 32
#define IMG_DRIVE_MAX_SPEEDS 32

/* One recorder and its loaded media. */
struct img_drive_info {
	char address[1024];      /* "/dev/sr0" or "stdio:/path" */
	char vendor[16];
	char product[32];
	char revision[8];
	bool is_stdio;           /* libburn pseudo-drive on a file or block device */
	bool grabbed;            /* false: the drive was busy, media fields are unknown */
	int num_profiles;        /* media types the drive can write */
	char profiles[IMG_DRIVE_MAX_PROFILES][80];
	bool tao, sao, raw;      /* write modes the drive offers */
	int media_profile;       /* MMC profile number, 0 = none, 0xffff = stdio file */
	char media_profile_name[80];
	enum img_media_state media_state;
	bool media_erasable;
	int64_t capacity_blocks; /* 2048-byte blocks readable; -1 unknown */
	int64_t free_bytes;      /* writable bytes left; -1 unknown */
	int num_speeds;
	int write_speeds[IMG_DRIVE_MAX_SPEEDS]; /* kB/s (1000 bytes), fastest first */
};

/* Speed of "1x" for a media profile in kB/s (CD 176.4, DVD 1385, BD 4495.5 rounded). */
double img_drive_speed_unit(int profile);

/* Starts libburn (once per process), with its messages queued for us instead of printed and its
 * own signal handlers off (the program handles signals and calls img_drive_cancel).
 * Errors: IMG_EBURN. */
int img_burn_init(struct img_error *err);
/* Shuts libburn down; every drive must be closed first. */
void img_burn_finish(void);

/* Lists the optical recorders on the system (stdio: pseudo-drives are never listed): *out is a
 * malloc'd array of *count entries (free with free()); *count 0 means no drive.  Busy drives are
 * listed with grabbed false.  Errors: IMG_ENOMEM, IMG_EBURN. */
int img_drive_scan(struct img_drive_info **out, int *count, struct img_error *err);

struct img_drive;

/* Grabs the drive at address ("/dev/sr0", "stdio:/path/file"); load closes the tray first.
 * Errors: IMG_EDRIVE (no such drive, busy, refused), IMG_ENOMEM. */
int img_drive_open(const char *address, bool load, struct img_drive **out,
		   struct img_error *err);

/* Releases the drive (ejecting if asked) and frees d.  Safe on NULL.  Waits for a running job
 * to end after cancelling it. */
void img_drive_close(struct img_drive *d, bool eject);

/* The drive's last error. */
const struct img_error *img_drive_error(const struct img_drive *d);

/* Fills *out for the grabbed drive. */
void img_drive_get_info(struct img_drive *d, struct img_drive_info *out);

/* libburn's role for a drive: true for a stdio: pseudo-drive. */
bool img_drive_is_stdio(const struct img_drive *d);

/* The write mode of the last write started: the one asked for, or the one libburn chose for
 * IMG_WRITE_AUTO (IMG_WRITE_AUTO when none was chosen). */
enum img_write_mode img_drive_write_mode(const struct img_drive *d);

/* After img_drive_job_result failed a write (not a cancel): true when the drive failed before
 * libburn asked for a single byte of input, so nothing was written to the media and every input
 * fd is where it was: the same write can be started again, e.g. in the other write mode (a
 * drive that refuses SAO's RESERVE TRACK, such as tgt's emulated DVD+R, fails this way). */
bool img_drive_nothing_written(const struct img_drive *d);

struct img_write_opts {
	enum img_write_mode mode;
	bool dummy;     /* simulate: the laser stays off */
	bool close;     /* finalize the media; else leave it appendable where it can be */
	bool padding;   /* append 300 KiB of zeros (CD readers' read-ahead), as cdrecord -pad */
	bool hash;      /* compute the SHA-256 of the bytes sent (for verification) */
	double speed;   /* in x of the media's 1x; 0 = fastest */
	int64_t start_byte; /* > 0: write the track at this byte address (a multiple of 2048) of
			     * random-access media and stdio: targets; 0: where libburn says */
};

/* Starts writing one data track read from fd (a file or a pipe) in the background.
 * size is the exact number of bytes of the stream, or -1 when unknown: only media that take a
 * track of open length accept that (CD TAO, DVD-R incremental, overwritable media, stdio).
 * A stream that turns out longer or shorter than size fails the write.  Checks media state and
 * free space before anything is written.  The caller keeps fd open until the job has ended.
 * Errors: IMG_EDRIVE (no writable media), IMG_ETOOBIG, IMG_EINVAL (size needed), IMG_EBURN. */
int img_drive_write_start(struct img_drive *d, int fd, int64_t size,
			  const struct img_write_opts *o);

/* Starts writing CD-DA tracks in track-at-once mode (or SAO when o->mode asks): fds[i] is
 * positioned at the samples of track i, sizes[i] its byte count (16-bit stereo, little-endian
 * as in WAV).  Errors as img_drive_write_start. */
int img_drive_write_audio_start(struct img_drive *d, const int *fds, const int64_t *sizes,
				int n, const struct img_write_opts *o);

/* Starts writing the session a CUE sheet describes (libburn reads it), in SAO.
 * Errors: IMG_ECORRUPT (CUE sheet rejected), as img_drive_write_start otherwise. */
int img_drive_write_cue_start(struct img_drive *d, const char *cue_path,
			      const struct img_write_opts *o);

/* Starts blanking rewritable media (fast: only the table of contents) or formatting it
 * (DVD-RW to overwritable, DVD+RW, BD-RE).  Errors: IMG_EDRIVE (media cannot be blanked). */
int img_drive_blank_start(struct img_drive *d, bool fast);
int img_drive_format_start(struct img_drive *d);

struct img_drive_progress {
	enum img_drive_phase phase;
	int64_t bytes_done;      /* bytes written to the media in this job */
	int64_t bytes_total;     /* 0 when unknown */
	int64_t lba;             /* block being written */
	int track, tracks;       /* 1-based */
	unsigned buffer_capacity, buffer_available; /* drive buffer, bytes (0 for stdio) */
	int fifo_size, fifo_free;                   /* input ring buffer, bytes */
};

/* Reports progress of the running job; returns true while it is busy. */
bool img_drive_poll(struct img_drive *d, struct img_drive_progress *p);

/* Asks the running job to stop (safe from the control thread at any time; not from a signal
 * handler: set a flag there and call this from the loop). */
void img_drive_cancel(struct img_drive *d);

/* After img_drive_poll returned false: did the job succeed?  For writes: *bytes gets the
 * number of bytes taken from the input and, when hashing, md their SHA-256.  A stdio: target
 * that is a regular file is cut to exactly the bytes written (libburn rounds up to its write
 * block).  Errors: IMG_ECANCELED, IMG_ETOOBIG / IMG_EINVAL (stream longer or shorter than its
 * size), IMG_EIO (input read error), IMG_EBURN (libburn's message in the detail). */
int img_drive_job_result(struct img_drive *d, int64_t *bytes, unsigned char md[IMG_SHA256_LEN]);

/* Reads size bytes back from the start of the last written track and compares their SHA-256
 * with want.  tick (may be NULL) is called after every chunk with the bytes read; returning
 * nonzero cancels.  Errors: IMG_EMISMATCH (both hashes in the detail), IMG_EIO (read error with
 * the byte offset), IMG_ECANCELED. */
int img_drive_verify(struct img_drive *d, int64_t size, const unsigned char want[IMG_SHA256_LEN],
		     int (*tick)(void *ctx, int64_t done, int64_t total), void *ctx);

#define IMG_TOC_MAX_TRACKS 256

/* One track of a disc's table of contents (libburn's, read from the drive). */
struct img_toc_track {
	int session, number;     /* 1-based */
	int64_t start;           /* first block */
	int64_t blocks;          /* size in blocks, -1 when the drive did not say */
};

struct img_disc_toc {
	enum img_media_state state;
	int sessions;
	int ntracks;
	struct img_toc_track tracks[IMG_TOC_MAX_TRACKS];
	int64_t last_session_start; /* appendable media: the last session's start (msinfo's
				     * first number), else -1 */
	int64_t next;               /* appendable media: next writable address, else -1 */
};

/* The table of contents of the loaded media as the drive reports it, and the multisession
 * info of appendable media (cdrecord -msinfo's two numbers).  Never fails for lack of media
 * (state says so). */
int img_drive_get_toc(struct img_drive *d, struct img_disc_toc *out);

#endif
