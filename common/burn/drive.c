/* Recorders through libburn: scan, grab, media info, write, blank, format, verify, release.
 * libburn runs writes in its own threads; we poll burn_drive_get_status() from the caller.  Each
 * track's input comes through a feed (feed.c): our reader thread and ring buffer. */
#include "common/burn/drive.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/base/isofs.h"
#include "common/burn/feed.h"

#define SECTOR 2048
/* --padding: 300 KiB of zeros after the data, the padding xorriso and cdrskin add by default
 * (old CD readers fail on read-ahead at the end of a TAO track). */
#define PAD_BYTES (300 * 1024)
/* libburn's own fifo for CUE sheets, which libburn reads itself */
#define CUE_FIFO_BYTES (4 * 1024 * 1024)
#define VERIFY_CHUNK (1024 * 1024)
/* How long libburn may take to finish what it reports done (see wait_write_worker) and to go
 * idle after a job: far beyond what it takes, so that only a hung library or drive ends in the
 * error instead of a wait without end. */
#define WORKER_END_MS 10000
#define IDLE_WAIT_MS 60000
#define SCAN_WAIT_MS 120000

/* libburn's drive roles (libburn.h, burn_drive_get_drive_role). */
enum drive_role {
	ROLE_MMC = 1,          /* a recorder spoken to in MMC commands */
	ROLE_STDIO_RW = 2,     /* stdio: regular file or block device, read and write */
	ROLE_STDIO_WO = 3,     /* stdio: sequential, write only (pipe, character device) */
	ROLE_STDIO_RO = 4,     /* stdio: read only */
	ROLE_STDIO_APPEND = 5, /* stdio: random access, write only */
};

/* MMC profiles (MMC-5 5.3.1, libburn.h burn_disc_get_profile) that name media below. */
enum mmc_profile {
	PROF_CD_ROM = 0x08, PROF_CD_R = 0x09, PROF_CD_RW = 0x0a,
	PROF_DVD_R = 0x11, PROF_DVD_RAM = 0x12, PROF_DVD_RW_OVERWRITE = 0x13,
	PROF_DVD_RW_SEQUENTIAL = 0x14, PROF_DVD_R_DL_SEQUENTIAL = 0x15,
	PROF_DVD_R_DL_JUMP = 0x16, PROF_DVD_PLUS_RW = 0x1a, PROF_DVD_PLUS_R = 0x1b,
	PROF_DVD_PLUS_R_DL = 0x2b, PROF_BD_ROM = 0x40, PROF_BD_R_SRM = 0x41,
	PROF_BD_R_RRM = 0x42, PROF_BD_RE = 0x43,
};

/* Codes of libburn messages we act on (libburn/libdax_msgs.h). */
#define MSG_WRITE_THREAD_ENDED 0x00020178 /* DEBUG, the write worker's last message */
#define MSG_DRIVE_STILL_BUSY 0x00020102   /* SORRY, "A drive operation is still going on" */

struct img_drive {
	struct burn_drive_info *info;  /* array of one from burn_drive_scan_and_grab */
	struct burn_drive *drive;
	char address[1024];
	int role;
	struct img_error err;
	/* the running or last job */
	enum { JOB_NONE, JOB_WRITE, JOB_BLANK, JOB_FORMAT } job;
	bool job_started;
	struct burn_disc *disc;
	struct burn_write_opts *opts;
	struct burn_source *fifo;      /* first track's fifo, for fill levels */
	struct burn_source *srcs[100];  /* our track sources over feeds, one per track */
	int nsrc;
	int64_t job_total;
	bool padding;
	int64_t track_start_lba;
	int64_t start_byte;            /* img_write_opts.start_byte of the last write, 0 none */
	_Atomic bool canceled;
	enum img_write_mode mode;      /* the write type of the running or last write */
	bool untouched;                /* the last job failed before libburn asked for input */
	bool created;                  /* the write creates the stdio: file (it did not exist) */
};

const char *img_media_state_name(enum img_media_state s)
{
	static const char *const names[] = {"none", "blank", "appendable", "closed",
					    "unsuitable", "unknown"};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "unknown";
}

const char *img_drive_phase_name(enum img_drive_phase p)
{
	static const char *const names[] = {"idle", "start", "write", "lead-in", "lead-out",
					    "close", "sync", "blank", "format", "verify"};
	return (unsigned)p < sizeof(names) / sizeof(names[0]) ? names[p] : "unknown";
}

double img_drive_speed_unit(int profile)
{
	if (profile >= PROF_CD_ROM && profile <= PROF_CD_RW)
		return 176.4;  /* CD: 75 sectors of 2352 bytes per second */
	if (profile >= PROF_BD_ROM && profile <= PROF_BD_RE)
		return 4495.5; /* BD */
	return 1385.0;         /* DVD and everything else libburn writes */
}

/* libburn's message queue, read only from the program's thread.  Messages of severity SORRY
 * and worse wait in pending until take_burn_messages hands them out; the write worker's last
 * message is counted (wait_write_worker), and so are the refusals of burn_disc_write that start
 * no worker (start_disc_write). */
static struct {
	char pending[BURN_MSGS_MESSAGE_LEN];
	size_t used;
	bool full;
	unsigned long writes_started, writes_ended;
	int refusal;                  /* code of the last refusal pumped, 0 if none */
} msgs;

/* Refusals of burn_disc_write (libburn async.c) that return before any worker exists. */
static bool is_write_refusal(int code)
{
	switch (code) {
	case MSG_DRIVE_STILL_BUSY:
	case 0x0002017c: /* No valid write type selected */
	case 0x00020146: /* Drive is a virtual placeholder */
	case 0x00020181: /* Pseudo-drive is a read-only file */
	case 0x00020113: /* Drive capabilities not inquired yet */
	case 0x00020139: /* Write job parameters are unsuitable */
	case 0x00020168: /* Media not properly formatted */
		return true;
	default:
		return false;
	}
}

/* Moves libburn's queued messages into msgs: every message of severity SORRY or worse, oldest
 * first, each once, joined by "; ", with the system's error where libburn gives one.  A failed
 * MMC command reads e.g. "SCSI error condition on command 53h RESERVE TRACK: [5 20 00] Illegal
 * request. Invalid command operation code; CDB= 53 00 ..." (libburn words the sense key, ASC
 * and ASCQ the drive returned), so the drive's own reason reaches the user instead of a bare
 * "failed".  What does not fit is dropped, marked "...". */
static void pump_burn_messages(void)
{
	char text[BURN_MSGS_MESSAGE_LEN + 200], sev[80];
	int code, os_errno, sorry = 0;
	burn_text_to_sev("SORRY", &sorry, 0);
	while (burn_msgs_obtain("ALL", &code, text, &os_errno, sev) > 0) {
		if (code == MSG_WRITE_THREAD_ENDED) {
			msgs.writes_ended++;
			continue;
		}
		int rank = 0;
		if (burn_text_to_sev(sev, &rank, 0) <= 0 || rank < sorry)
			continue;
		if (is_write_refusal(code))
			msgs.refusal = code;
		size_t len = strlen(text);
		while (len && (text[len - 1] == '\n' || text[len - 1] == ' ' || text[len - 1] == '.'))
			text[--len] = '\0';
		if (os_errno > 0 && len + 100 < sizeof(text) && strstr(text, strerror(os_errno)) == NULL)
			snprintf(text + len, sizeof(text) - len, " (%s)", strerror(os_errno));
		if (len == 0 || msgs.full || strstr(msgs.pending, text) != NULL)
			continue;
		size_t room = sizeof(msgs.pending) - msgs.used;
		int w = snprintf(msgs.pending + msgs.used, room, "%s%s", msgs.used ? "; " : "", text);
		if (w < 0 || (size_t)w >= room) {
			msgs.full = true;
			snprintf(msgs.pending + sizeof(msgs.pending) - 4, 4, "...");
			continue;
		}
		msgs.used += (size_t)w;
	}
}

/* Hands out (into out, n bytes) and forgets the messages pumped so far. */
static void take_burn_messages(char *out, size_t n)
{
	pump_burn_messages();
	if (n) {
		snprintf(out, n, "%s", msgs.pending);
		if (msgs.used >= n && n > 4)
			snprintf(out + n - 4, 4, "...");
	}
	msgs.pending[0] = '\0';
	msgs.used = 0;
	msgs.full = false;
	msgs.refusal = 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Waits until every write worker started has said its last word, at most WORKER_END_MS.
 * libburn reports a write done (BURN_DRIVE_IDLE: a stdio: target sets it when its size is read
 * again) before its write thread is through: the thread then frees the drive's transfer buffer
 * and puts back the one it had replaced (libburn write.c, burn_disc_write_sync), while a
 * burn_read_data started in between has made its own buffer the drive's.  That was "read-back
 * failed at byte N", and a SIGSEGV in burn_read_data, when several --verify runs loaded the
 * machine.  The thread's last message, "Write thread on drive N ended", comes after that; what
 * it does after the message touches only libburn's list of workers (a new job refused in that
 * moment is tried again: start_disc_write). */
static int wait_write_workers(struct img_error *err)
{
	for (long ms = 0;; ms += 2) {
		pump_burn_messages();
		if (msgs.writes_ended >= msgs.writes_started)
			return IMG_OK;
		if (ms >= WORKER_END_MS)
			return img_error_set(err, IMG_EBURN, "libburn's write thread did not end "
					     "within %d s", WORKER_END_MS / 1000);
		sleep_ms(2);
	}
}

/* Sets an IMG_EBURN-style error whose detail ends with libburn's latest complaint. */
static int burn_fail(struct img_error *err, int code, const char *what)
{
	char msg[BURN_MSGS_MESSAGE_LEN];
	take_burn_messages(msg, sizeof(msg));
	if (msg[0])
		return img_error_set(err, code, "%s: %s", what, msg);
	return img_error_set(err, code, "%s", what);
}

int img_burn_init(struct img_error *err)
{
	if (!burn_initialize())
		return img_error_set(err, IMG_EBURN, "libburn failed to initialize");
	/* Messages are queued for us, never printed by the library (library code never prints);
	 * DEBUG too, for the end of the write worker (wait_write_workers). */
	burn_msgs_set_severities("DEBUG", "NEVER", "imgburn: ");
	/* No burn_set_signal_handling(): libburn then installs no handler of its own, and the
	 * program's SIGINT/SIGTERM handlers stay; they end up in img_drive_cancel. */
	return IMG_OK;
}

void img_burn_finish(void)
{
	/* burn_finish() destroys the message queue the write worker's last message goes to (a
	 * SIGSEGV inside libburn, seen once under AddressSanitizer in imgburn-progress). */
	struct img_error ignored;
	wait_write_workers(&ignored);
	burn_finish();
}

static enum img_media_state media_state(struct burn_drive *d)
{
	switch (burn_disc_get_status(d)) {
	case BURN_DISC_EMPTY: return IMG_MEDIA_NONE;
	case BURN_DISC_BLANK: return IMG_MEDIA_BLANK;
	case BURN_DISC_APPENDABLE: return IMG_MEDIA_APPENDABLE;
	case BURN_DISC_FULL: return IMG_MEDIA_CLOSED;
	case BURN_DISC_UNSUITABLE: return IMG_MEDIA_UNSUITABLE;
	default: return IMG_MEDIA_UNKNOWN;
	}
}

/* Profiles libburn can write (libburn.h, burn_disc_get_profile); the drive also lists read-only
 * ones (CD-ROM, DVD-ROM, BD-ROM) which are not what --list promises. */
static bool profile_writable(int p)
{
	switch (p) {
	case PROF_CD_R: case PROF_CD_RW: case PROF_DVD_R: case PROF_DVD_RAM:
	case PROF_DVD_RW_OVERWRITE: case PROF_DVD_RW_SEQUENTIAL: case PROF_DVD_R_DL_SEQUENTIAL:
	case PROF_DVD_R_DL_JUMP: case PROF_DVD_PLUS_RW: case PROF_DVD_PLUS_R:
	case PROF_DVD_PLUS_R_DL: case PROF_BD_R_SRM: case PROF_BD_R_RRM: case PROF_BD_RE:
		return true;
	default:
		return false;
	}
}

/* libburn's reason lists end in ", " */
static void trim_reasons(char *r)
{
	size_t len = strlen(r);
	while (len && (r[len - 1] == ' ' || r[len - 1] == ',' || r[len - 1] == '\n'))
		r[--len] = '\0';
}

static void bounded_copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src);
	/* drive identification is space padded (SCSI INQUIRY) */
	size_t len = strlen(dst);
	while (len && dst[len - 1] == ' ')
		dst[--len] = '\0';
}

static void fill_info(struct burn_drive_info *bi, bool grabbed, struct img_drive_info *out)
{
	struct burn_drive *d = bi->drive;
	memset(out, 0, sizeof(*out));
	char adr[BURN_DRIVE_ADR_LEN];
	if (burn_drive_d_get_adr(d, adr) > 0)
		snprintf(out->address, sizeof(out->address), "%s", adr);
	bounded_copy(out->vendor, sizeof(out->vendor), bi->vendor);
	bounded_copy(out->product, sizeof(out->product), bi->product);
	bounded_copy(out->revision, sizeof(out->revision), bi->revision);
	int role = burn_drive_get_drive_role(d);
	out->is_stdio = role >= ROLE_STDIO_RW;
	out->tao = bi->tao_block_types != 0;
	out->sao = bi->sao_block_types != 0;
	out->raw = bi->raw_block_types != 0;
	out->grabbed = grabbed;
	out->capacity_blocks = -1;
	out->free_bytes = -1;
	out->media_state = IMG_MEDIA_UNKNOWN;

	int nprof = 0, profiles[64];
	char is_current[64];
	if (burn_drive_get_all_profiles(d, &nprof, profiles, is_current) > 0) {
		for (int i = 0; i < nprof && i < 64; i++) {
			char name[80];
			if (!profile_writable(profiles[i]) ||
			    out->num_profiles >= IMG_DRIVE_MAX_PROFILES)
				continue;
			if (burn_obtain_profile_name(profiles[i], name) <= 0 || !name[0])
				snprintf(name, sizeof(name), "0x%04x", profiles[i]);
			snprintf(out->profiles[out->num_profiles++], 80, "%s", name);
		}
	}
	if (out->is_stdio) {
		/* libburn writes stdio: targets as one open-length track, like TAO */
		out->tao = true;
	}
	if (!grabbed)
		return;

	out->media_state = media_state(d);
	int pno = 0;
	char pname[80] = "";
	if (burn_disc_get_profile(d, &pno, pname) > 0) {
		out->media_profile = pno;
		snprintf(out->media_profile_name, sizeof(out->media_profile_name), "%s", pname);
	}
	out->media_erasable = burn_disc_erasable(d) == 1;
	if (out->media_state != IMG_MEDIA_NONE) {
		int cap = 0;
		if (burn_get_read_capacity(d, &cap, 0) > 0)
			out->capacity_blocks = cap;
		if (out->media_state == IMG_MEDIA_CLOSED && !out->is_stdio)
			out->free_bytes = 0;
		else
			out->free_bytes = burn_disc_available_space(d, NULL);
	}
	struct burn_speed_descriptor *list = NULL;
	if (burn_drive_get_speedlist(d, &list) > 0) {
		for (struct burn_speed_descriptor *s = list; s; s = s->next) {
			if (s->write_speed <= 0 || (s->profile_loaded != pno && s->source == 2))
				continue;
			bool dup = false;
			for (int i = 0; i < out->num_speeds; i++)
				dup |= out->write_speeds[i] == s->write_speed;
			if (!dup && out->num_speeds < IMG_DRIVE_MAX_SPEEDS)
				out->write_speeds[out->num_speeds++] = s->write_speed;
		}
		burn_drive_free_speedlist(&list);
	}
	/* fastest first */
	for (int i = 1; i < out->num_speeds; i++)
		for (int j = i; j > 0 && out->write_speeds[j] > out->write_speeds[j - 1]; j--) {
			int t = out->write_speeds[j];
			out->write_speeds[j] = out->write_speeds[j - 1];
			out->write_speeds[j - 1] = t;
		}
}

int img_drive_scan(struct img_drive_info **out, int *count, struct img_error *err)
{
	struct burn_drive_info *infos = NULL;
	unsigned int n = 0;
	*out = NULL;
	*count = 0;
	int ret;
	/* 0 means "scan not complete yet" (libburn.h, burn_drive_scan) */
	for (long ms = 0; (ret = burn_drive_scan(&infos, &n)) == 0; ms += 20) {
		if (ms >= SCAN_WAIT_MS)
			return img_error_set(err, IMG_EBURN, "the drive scan did not end within %d s",
					     SCAN_WAIT_MS / 1000);
		sleep_ms(20);
	}
	if (ret < 0)
		return burn_fail(err, IMG_EBURN, "drive scan failed");
	if (n == 0) {
		burn_drive_info_free(infos);
		return IMG_OK;
	}
	struct img_drive_info *res = calloc(n, sizeof(*res));
	if (res == NULL) {
		burn_drive_info_free(infos);
		return img_error_set(err, IMG_ENOMEM, "drive list");
	}
	for (unsigned int i = 0; i < n; i++) {
		/* Media information needs the drive grabbed; a drive another program holds is
		 * still listed, without media. */
		bool grabbed = burn_drive_grab(infos[i].drive, 0) > 0;
		fill_info(&infos[i], grabbed, &res[i]);
		if (grabbed)
			burn_drive_release(infos[i].drive, 0);
		char dummy[BURN_MSGS_MESSAGE_LEN];
		take_burn_messages(dummy, sizeof(dummy));
	}
	burn_drive_info_free(infos);
	*out = res;
	*count = (int)n;
	return IMG_OK;
}

int img_drive_open(const char *address, bool load, struct img_drive **out, struct img_error *err)
{
	*out = NULL;
	struct img_drive *d = calloc(1, sizeof(*d));
	if (d == NULL)
		return img_error_set(err, IMG_ENOMEM, "drive");
	snprintf(d->address, sizeof(d->address), "%s", address);
	char adr[BURN_DRIVE_ADR_LEN];
	if (strlen(address) >= sizeof(adr)) {
		free(d);
		return img_error_set(err, IMG_EINVAL, "%s: drive address too long", address);
	}
	snprintf(adr, sizeof(adr), "%s", address);
	/* A device path given the way users type it (/dev/cdrom -> /dev/sr0) is converted to the
	 * address libburn enumerates; stdio: addresses pass unchanged. */
	if (strncmp(address, "stdio:", 6) != 0) {
		char conv[BURN_DRIVE_ADR_LEN];
		if (burn_drive_convert_fs_adr((char *)address, conv) > 0)
			snprintf(adr, sizeof(adr), "%s", conv);
	}
	if (burn_drive_scan_and_grab(&d->info, adr, load ? 1 : 0) <= 0 || d->info == NULL) {
		char msg[BURN_MSGS_MESSAGE_LEN];
		take_burn_messages(msg, sizeof(msg));
		free(d);
		return img_error_set(err, IMG_EDRIVE, "%s: %s", address,
				     msg[0] ? msg : "no such drive, or it is busy");
	}
	d->drive = d->info[0].drive;
	d->role = burn_drive_get_drive_role(d->drive);
	*out = d;
	return IMG_OK;
}

const struct img_error *img_drive_error(const struct img_drive *d)
{
	return &d->err;
}

bool img_drive_is_stdio(const struct img_drive *d)
{
	return d->role >= ROLE_STDIO_RW;
}

enum img_write_mode img_drive_write_mode(const struct img_drive *d)
{
	return d->mode;
}

bool img_drive_nothing_written(const struct img_drive *d)
{
	return d->untouched;
}

void img_drive_get_info(struct img_drive *d, struct img_drive_info *out)
{
	fill_info(&d->info[0], true, out);
	snprintf(out->address, sizeof(out->address), "%s", d->address);
}

/* ---- track source: a burn_source over our feed (feed.c) ----
 *
 * libburn's writer thread pulls sectors through read_xt; the feed's reader thread has read them
 * from the input ahead of it. */

struct track_src {
	struct img_feed *feed;
	int64_t declared;        /* exact size promised, -1 unknown */
	int64_t fixed;           /* size libburn set through set_size, 0 none */
	_Atomic bool asked;      /* libburn asked for data: the feed started reading the input */
};

static struct img_feed *feed_of(struct burn_source *bs)
{
	return ((struct track_src *)bs->data)->feed;
}

/* libburn's side: exactly size bytes, or fewer only at the end (libburn.h, struct
 * burn_source.read). */
static int src_read_xt(struct burn_source *bs, unsigned char *buf, int size)
{
	if (size <= 0)
		return 0;
	atomic_store(&((struct track_src *)bs->data)->asked, true);
	return (int)img_feed_read(feed_of(bs), buf, (size_t)size);
}

static off_t src_get_size(struct burn_source *bs)
{
	struct track_src *s = bs->data;
	if (s->fixed > 0)
		return s->fixed;
	return s->declared >= 0 ? s->declared : 0;
}

static int src_set_size(struct burn_source *bs, off_t size)
{
	struct track_src *s = bs->data;
	s->fixed = size;
	return 1;
}

static void src_free(struct burn_source *bs)
{
	struct track_src *s = bs->data;
	img_feed_free(s->feed);
	free(s);
}

/* Also called from the control thread by img_drive_cancel: wakes both sides. */
static int src_cancel(struct burn_source *bs)
{
	img_feed_cancel(feed_of(bs));
	return 1;
}

/* A version-1 burn_source (libburn.h, struct burn_source) over fd. */
static struct burn_source *src_new(int fd, int64_t declared, bool hash, struct img_error *err)
{
	struct track_src *s = calloc(1, sizeof(*s));
	struct burn_source *bs = calloc(1, sizeof(*bs));
	if (s == NULL || bs == NULL) {
		free(s);
		free(bs);
		img_error_set(err, IMG_ENOMEM, "track source");
		return NULL;
	}
	if (img_feed_new(fd, declared, hash, IMG_FEED_RING_SIZE, IMG_FEED_READ_CHUNK, &s->feed,
			 err) != IMG_OK) {
		free(s);
		free(bs);
		return NULL;
	}
	s->declared = declared;
	bs->refcount = 1;
	bs->read = NULL;
	bs->read_sub = NULL;
	bs->get_size = src_get_size;
	bs->set_size = src_set_size;
	bs->free_data = src_free;
	bs->data = s;
	bs->version = 1;
	bs->read_xt = src_read_xt;
	bs->cancel = src_cancel;
	return bs;
}

/* ---- jobs ---- */

static void job_clear(struct img_drive *d)
{
	for (int i = 0; i < d->nsrc; i++)
		burn_source_free(d->srcs[i]);
	d->nsrc = 0;
	if (d->fifo)
		burn_source_free(d->fifo);
	d->fifo = NULL;
	if (d->disc)
		burn_disc_free(d->disc);
	d->disc = NULL;
	if (d->opts)
		burn_write_opts_free(d->opts);
	d->opts = NULL;
	d->job = JOB_NONE;
	d->job_started = false;
	d->job_total = 0;
	atomic_store(&d->canceled, false);
}

/* Media must take new data: blank, appendable, or overwritable (which libburn reports as
 * blank after formatting). */
static int check_writable_media(struct img_drive *d)
{
	enum img_media_state st = media_state(d->drive);
	switch (st) {
	case IMG_MEDIA_BLANK:
	case IMG_MEDIA_APPENDABLE:
		return IMG_OK;
	case IMG_MEDIA_NONE:
		return img_error_set(&d->err, IMG_EDRIVE, "%s: no media loaded", d->address);
	case IMG_MEDIA_CLOSED:
		return img_error_set(&d->err, IMG_EDRIVE,
				     "%s: media is closed%s", d->address,
				     burn_disc_erasable(d->drive) == 1 ? " (try --blank)" : "");
	default:
		return img_error_set(&d->err, IMG_EDRIVE, "%s: media cannot be written (%s)",
				     d->address, img_media_state_name(st));
	}
}

static int setup_opts(struct img_drive *d, const struct img_write_opts *o)
{
	d->opts = burn_write_opts_new(d->drive);
	if (d->opts == NULL)
		return burn_fail(&d->err, IMG_ENOMEM, "write options");
	burn_write_opts_set_simulate(d->opts, o->dummy ? 1 : 0);
	burn_write_opts_set_underrun_proof(d->opts, 1);
	burn_write_opts_set_perform_opc(d->opts, 1);
	/* Leave the media appendable unless asked to close it, where the media can be appended
	 * to at all (libburn refuses multi-session on overwritable media and stdio:). */
	struct burn_multi_caps *caps = NULL;
	int multi = 0;
	if (!o->close && burn_disc_get_multi_caps(d->drive, BURN_WRITE_NONE, &caps, 0) > 0 && caps)
		multi = caps->multi_session;
	burn_disc_free_multi_caps(&caps);
	burn_write_opts_set_multi(d->opts, multi);
	/* Random-access media and stdio: take the track at any 2 KiB address (a new session
	 * of a grown image goes to its NEXT block). */
	d->start_byte = o->start_byte > 0 ? o->start_byte : 0;
	if (d->start_byte > 0)
		burn_write_opts_set_start_byte(d->opts, (off_t)d->start_byte);
	struct stat st;
	bool regular = false;
	if (d->role >= ROLE_STDIO_RW && strncmp(d->address, "stdio:", 6) == 0) {
		/* a path that does not exist yet becomes a regular file */
		if (stat(d->address + 6, &st) == 0)
			regular = S_ISREG(st.st_mode);
		else
			regular = errno == ENOENT;
	}
	if (regular) {
		/* A stdio: regular file is written like cp or dd do: through the page cache, no
		 * fsync (libburn's default is one every 16 MB, which halves throughput here).  Block
		 * devices such as USB sticks keep libburn's rhythm, so that memory does not fill
		 * with dirty pages and the data is on the stick when we say "wrote". */
		burn_write_opts_set_stdio_fsync(d->opts, -1);
	}
	if (o->speed > 0) {
		int pno = 0;
		char pname[80];
		burn_disc_get_profile(d->drive, &pno, pname);
		burn_drive_set_speed(d->drive, 0, (int)(o->speed * img_drive_speed_unit(pno) + 0.5));
	} else {
		burn_drive_set_speed(d->drive, 0, 0);
	}
	return IMG_OK;
}

static int precheck(struct img_drive *d);

/* Picks the write type: the user's, else libburn's advice for this disc and media. */
static int choose_write_type(struct img_drive *d, const struct img_write_opts *o, int block_tao)
{
	if (o->mode == IMG_WRITE_TAO) {
		burn_write_opts_set_write_type(d->opts, BURN_WRITE_TAO, block_tao);
	} else if (o->mode == IMG_WRITE_SAO) {
		burn_write_opts_set_write_type(d->opts, BURN_WRITE_SAO, BURN_BLOCK_SAO);
	} else {
		char reasons[BURN_REASONS_LEN] = "";
		enum burn_write_types t = burn_write_opts_auto_write_type(d->opts, d->disc, reasons, 0);
		if (t == BURN_WRITE_NONE) {
			trim_reasons(reasons);
			return img_error_set(&d->err, IMG_EDRIVE,
					     "%s: no write mode fits this media: %s", d->address,
					     reasons);
		}
		d->mode = t == BURN_WRITE_SAO ? IMG_WRITE_SAO
			  : t == BURN_WRITE_TAO ? IMG_WRITE_TAO : IMG_WRITE_AUTO;
		return precheck(d);
	}
	d->mode = o->mode;
	return precheck(d);
}

/* libburn's own check of the options against the disc and media, before anything is sent. */
static int precheck(struct img_drive *d)
{
	char reasons[BURN_REASONS_LEN] = "";
	if (burn_precheck_write(d->opts, d->disc, reasons, 1) <= 0) {
		trim_reasons(reasons);
		return img_error_set(&d->err, IMG_EDRIVE, "%s: cannot write this media: %s",
				     d->address, reasons);
	}
	return IMG_OK;
}

/* Where the new track will start, for reading it back. */
static void note_track_start(struct img_drive *d)
{
	int lba = 0, nwa = 0;
	d->track_start_lba = d->start_byte / SECTOR;
	if (d->role == ROLE_MMC && d->start_byte == 0 &&
	    burn_disc_track_lba_nwa(d->drive, d->opts, 0, &lba, &nwa) > 0)
		d->track_start_lba = nwa;
}

static int start_disc_write(struct img_drive *d)
{
	char msg[BURN_MSGS_MESSAGE_LEN];
	int rc = wait_write_workers(&d->err);
	if (rc != IMG_OK)
		return rc;
	take_burn_messages(msg, sizeof(msg));
	note_track_start(d);
	d->job = JOB_WRITE;
	/* A worker that has said its last word may still be in libburn's list for a moment
	 * (wait_write_workers): libburn then refuses the job, which is tried again. */
	for (long ms = 0;; ms += 2) {
		burn_disc_write(d->opts, d->disc);
		pump_burn_messages();
		/* A refusal starts no worker and leaves the drive idle; a started worker leaves
		 * it busy, or has ended already (then without a refusal). */
		bool refused = msgs.refusal != 0 &&
			       burn_drive_get_status(d->drive, NULL) == BURN_DRIVE_IDLE;
		if (!refused) {
			msgs.writes_started++;
			break;
		}
		if (msgs.refusal != MSG_DRIVE_STILL_BUSY || ms >= WORKER_END_MS)
			break; /* the job ends at once; job_error gives libburn's words */
		take_burn_messages(msg, sizeof(msg));
		sleep_ms(2);
	}
	d->job_started = true;
	return IMG_OK;
}

static int new_disc_session(struct img_drive *d, struct burn_session **session)
{
	d->disc = burn_disc_create();
	*session = burn_session_create();
	if (d->disc == NULL || *session == NULL) {
		if (*session)
			burn_session_free(*session);
		return img_error_set(&d->err, IMG_ENOMEM, "disc structure");
	}
	burn_disc_add_session(d->disc, *session, BURN_POS_END);
	/* the disc holds its own reference now */
	burn_session_free(*session);
	return IMG_OK;
}

/* Appends to session one track of the given libburn mode (BURN_MODE1 data or BURN_AUDIO) read
 * from fd through a feed: size bytes, or -1 for open length, then tail bytes of zeros.  No
 * padding of libburn's own: the last sector is filled with zeros (data) or silence (CD-DA's 2352
 * byte sectors), and a stdio: file is cut back to size afterwards.  The source is kept in
 * d->srcs for progress and results. */
static int add_track(struct img_drive *d, struct burn_session *session, int fd, int64_t size,
		     int mode, int tail, bool hash)
{
	if (d->nsrc >= (int)(sizeof(d->srcs) / sizeof(d->srcs[0])))
		return img_error_set(&d->err, IMG_EINVAL, "too many tracks");
	struct burn_track *track = burn_track_create();
	if (track == NULL)
		return img_error_set(&d->err, IMG_ENOMEM, "track");
	burn_track_define_data(track, 0, tail, 1, mode);
	/* WAV samples are little-endian; libburn sends audio as it gets it and MMC drives take
	 * little-endian CD-DA (cdrskin swaps only for big-endian .au) */
	burn_track_set_byte_swap(track, 0);
	int rc = IMG_OK;
	struct burn_source *src = src_new(fd, size, hash, &d->err);
	if (src == NULL) {
		rc = d->err.code;
		goto out;
	}
	d->srcs[d->nsrc++] = src;
	if (burn_track_set_source(track, src) != BURN_SOURCE_OK) {
		rc = burn_fail(&d->err, IMG_EBURN, "cannot attach the input to the track");
		goto out;
	}
	/* the payload size alone (libburn.h, burn_track_set_size), as the source reports it */
	if (size >= 0)
		burn_track_set_size(track, size);
	burn_session_add_track(session, track, BURN_POS_END);
out:
	burn_track_free(track); /* the session holds its own reference */
	return rc;
}

/* A stdio: target must be writable before the write starts: libburn finds out only in its
 * writer thread and says "Failed to open device (a pseudo-drive)" without the path or the
 * reason.  Checked the way the write will open it; a file that does not exist yet is created
 * and removed again here, which tells exactly why it could not be (no such directory, read-only
 * file system, permission).  Notes in d->created whether the write creates the file. */
static int check_stdio_target(struct img_drive *d)
{
	d->created = false;
	if (d->role < ROLE_STDIO_RW || strncmp(d->address, "stdio:", 6) != 0)
		return IMG_OK;
	const char *path = d->address + 6;
	struct stat st;
	if (stat(path, &st) != 0) {
		if (errno != ENOENT)
			return img_error_errno(&d->err, IMG_EDRIVE, errno, "%s", d->address);
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd < 0)
			return img_error_errno(&d->err, IMG_EDRIVE, errno, "%s: cannot create it",
					       d->address);
		close(fd);
		unlink(path);
		d->created = true;
		return IMG_OK;
	}
	if (S_ISDIR(st.st_mode))
		return img_error_errno(&d->err, IMG_EDRIVE, EISDIR, "%s", d->address);
	/* not a fifo or a terminal: opening one to try would block, or end a reader's stream */
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return IMG_OK;
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return img_error_errno(&d->err, IMG_EDRIVE, errno, "%s: cannot write to it",
				       d->address);
	close(fd);
	return IMG_OK;
}

/* The start of every write: a fresh error and job, media that takes data, a target that can
 * be written, libburn's write options.  On failure nothing stays set up. */
static int begin_write(struct img_drive *d, const struct img_write_opts *o)
{
	img_error_clear(&d->err);
	job_clear(d);
	d->mode = IMG_WRITE_AUTO;
	d->untouched = false;
	int rc = check_stdio_target(d);
	if (rc != IMG_OK)
		return rc;
	rc = check_writable_media(d);
	if (rc == IMG_OK && (rc = setup_opts(d, o)) != IMG_OK)
		job_clear(d);
	return rc;
}

int img_drive_write_start(struct img_drive *d, int fd, int64_t size,
			  const struct img_write_opts *o)
{
	int rc = begin_write(d, o);
	if (rc != IMG_OK)
		return rc;

	int64_t need = size >= 0 ? (size + SECTOR - 1) / SECTOR * SECTOR : 0;
	if (o->padding)
		need += PAD_BYTES;
	off_t avail = burn_disc_available_space(d->drive, d->opts);
	if (size >= 0 && avail > 0 && need > avail) {
		rc = img_error_set(&d->err, IMG_ETOOBIG,
				   "%s: %" PRId64 " bytes do not fit: %" PRId64 " bytes free",
				   d->address, need, (int64_t)avail);
		goto fail;
	}

	if (size < 0 && d->role == ROLE_MMC) {
		/* Open-length tracks: CD TAO, DVD-R/-RW incremental, overwritable media.
		 * burn_disc_get_multi_caps tells whether TAO needs a size prediction. */
		struct burn_multi_caps *caps = NULL;
		int ok = 0;
		if (burn_disc_get_multi_caps(d->drive, BURN_WRITE_TAO, &caps, 0) > 0 && caps)
			ok = caps->might_do_tao == 2 || caps->might_do_tao == 4;
		burn_disc_free_multi_caps(&caps);
		if (!ok || o->mode == IMG_WRITE_SAO) {
			rc = img_error_set(&d->err, IMG_EINVAL,
					   "%s: this media needs the track size in advance: give --size",
					   d->address);
			goto fail;
		}
	}

	struct burn_session *session;
	rc = new_disc_session(d, &session);
	if (rc != IMG_OK)
		goto fail;
	rc = add_track(d, session, fd, size, BURN_MODE1, o->padding ? PAD_BYTES : 0, o->hash);
	if (rc != IMG_OK)
		goto fail;
	d->job_total = size >= 0 ? size : 0;
	d->padding = o->padding;

	rc = choose_write_type(d, o, BURN_BLOCK_MODE1);
	if (rc != IMG_OK)
		goto fail;
	return start_disc_write(d);
fail:
	job_clear(d);
	return rc;
}

int img_drive_write_audio_start(struct img_drive *d, const int *fds, const int64_t *sizes, int n,
				const struct img_write_opts *o)
{
	if (n <= 0 || n > 99)
		return img_error_set(&d->err, IMG_EINVAL, "a CD holds 1 to 99 tracks, not %d", n);
	int rc = begin_write(d, o);
	if (rc != IMG_OK)
		return rc;
	struct burn_session *session;
	rc = new_disc_session(d, &session);
	if (rc != IMG_OK)
		goto fail;
	int64_t total = 0;
	for (int i = 0; i < n; i++) {
		rc = add_track(d, session, fds[i], sizes[i], BURN_AUDIO, 0, o->hash);
		if (rc != IMG_OK)
			goto fail;
		total += sizes[i];
	}
	d->job_total = total;
	/* Audio is written track-at-once unless SAO is asked for.  The TAO block type is
	 * MODE1 even for audio: libburn takes each sector's size from the track's mode. */
	struct img_write_opts audio_o = *o;
	if (audio_o.mode == IMG_WRITE_AUTO)
		audio_o.mode = IMG_WRITE_TAO;
	rc = choose_write_type(d, &audio_o, BURN_BLOCK_MODE1);
	if (rc != IMG_OK)
		goto fail;
	return start_disc_write(d);
fail:
	job_clear(d);
	return rc;
}

int img_drive_write_cue_start(struct img_drive *d, const char *cue_path,
			      const struct img_write_opts *o)
{
	int rc = begin_write(d, o);
	if (rc != IMG_OK)
		return rc;
	struct burn_session *session;
	rc = new_disc_session(d, &session);
	if (rc != IMG_OK)
		goto fail;
	unsigned char *text_packs = NULL;
	int num_packs = 0;
	char path[4096];
	snprintf(path, sizeof(path), "%s", cue_path);
	/* libburn parses the CUE sheet and opens the files it names, with a fifo of its own. */
	if (burn_session_by_cue_file(session, path, CUE_FIFO_BYTES, &d->fifo, &text_packs,
				     &num_packs, 0) <= 0) {
		rc = burn_fail(&d->err, IMG_ECORRUPT, "CUE sheet rejected");
		goto fail;
	}
	if (text_packs != NULL) {
		burn_write_opts_set_leadin_text(d->opts, text_packs, num_packs, 0);
		free(text_packs);
	}
	burn_write_opts_set_write_type(d->opts, BURN_WRITE_SAO, BURN_BLOCK_SAO);
	d->mode = IMG_WRITE_SAO;
	char reasons[BURN_REASONS_LEN] = "";
	if (burn_precheck_write(d->opts, d->disc, reasons, 1) <= 0) {
		trim_reasons(reasons);
		rc = img_error_set(&d->err, IMG_EDRIVE, "%s: cannot write this CUE sheet here: %s",
				   d->address, reasons);
		goto fail;
	}
	(void)o;
	return start_disc_write(d);
fail:
	job_clear(d);
	return rc;
}

int img_drive_blank_start(struct img_drive *d, bool fast)
{
	img_error_clear(&d->err);
	job_clear(d);
	enum img_media_state st = media_state(d->drive);
	if (st == IMG_MEDIA_BLANK)
		return IMG_OK; /* nothing to do */
	if (burn_disc_erasable(d->drive) != 1 ||
	    (st != IMG_MEDIA_CLOSED && st != IMG_MEDIA_APPENDABLE))
		return img_error_set(&d->err, IMG_EDRIVE, "%s: media cannot be blanked (%s)",
				     d->address, img_media_state_name(st));
	char msg[BURN_MSGS_MESSAGE_LEN];
	take_burn_messages(msg, sizeof(msg));
	d->job = JOB_BLANK;
	burn_disc_erase(d->drive, fast ? 1 : 0);
	d->job_started = true;
	return IMG_OK;
}

int img_drive_format_start(struct img_drive *d)
{
	img_error_clear(&d->err);
	job_clear(d);
	if (d->role != ROLE_MMC)
		return img_error_set(&d->err, IMG_EDRIVE, "%s: only optical media are formatted",
				     d->address);
	int status = 0, num = 0;
	off_t size = 0;
	unsigned bl_sas = 0;
	if (burn_disc_get_formats(d->drive, &status, &size, &bl_sas, &num) <= 0 || num <= 0)
		return img_error_set(&d->err, IMG_EDRIVE, "%s: media cannot be formatted",
				     d->address);
	/* bits 1-2 = 3: format to the default size; bit4: re-format media already formatted
	 * (DVD+RW "de-icing", BD-RE).  libburn.h, burn_disc_format. */
	int flag = 3 << 1;
	if (status == BURN_FORMAT_IS_FORMATTED)
		flag |= 1 << 4;
	char msg[BURN_MSGS_MESSAGE_LEN];
	take_burn_messages(msg, sizeof(msg));
	d->job = JOB_FORMAT;
	burn_disc_format(d->drive, 0, flag);
	d->job_started = true;
	return IMG_OK;
}

static enum img_drive_phase phase_of(enum burn_drive_status s, int job)
{
	switch (s) {
	case BURN_DRIVE_IDLE: return IMG_PHASE_IDLE;
	case BURN_DRIVE_WRITING: return IMG_PHASE_WRITE;
	case BURN_DRIVE_WRITING_LEADIN: return IMG_PHASE_LEADIN;
	case BURN_DRIVE_WRITING_LEADOUT: return IMG_PHASE_LEADOUT;
	case BURN_DRIVE_WRITING_PREGAP: return IMG_PHASE_WRITE;
	case BURN_DRIVE_CLOSING_TRACK:
	case BURN_DRIVE_CLOSING_SESSION: return IMG_PHASE_CLOSE;
	case BURN_DRIVE_WRITING_SYNC: return IMG_PHASE_SYNC;
	case BURN_DRIVE_ERASING: return IMG_PHASE_BLANK;
	case BURN_DRIVE_FORMATTING: return IMG_PHASE_FORMAT;
	default:
		return job == JOB_BLANK ? IMG_PHASE_BLANK
		       : job == JOB_FORMAT ? IMG_PHASE_FORMAT : IMG_PHASE_START;
	}
}

/* Fill levels of the input buffer: our ring of the track being written, or libburn's fifo of a
 * CUE sheet's files. */
static void fill_levels(struct img_drive *d, int track, struct img_drive_progress *p)
{
	if (d->job == JOB_WRITE && d->nsrc > 0) {
		int t = track >= 0 && track < d->nsrc ? track : 0;
		size_t size, used;
		img_feed_fill(feed_of(d->srcs[t]), &size, &used);
		p->fifo_size = (int)size;
		p->fifo_free = (int)(size - used);
	} else if (d->fifo) {
		char *text = NULL;
		int size = 0, free_bytes = 0;
		if (burn_fifo_inquire_status(d->fifo, &size, &free_bytes, &text) >= 0) {
			p->fifo_size = size;
			p->fifo_free = free_bytes;
		}
	}
}

bool img_drive_poll(struct img_drive *d, struct img_drive_progress *p)
{
	struct burn_progress bp;
	memset(&bp, 0, sizeof(bp));
	pump_burn_messages(); /* the queue holds DEBUG messages too: keep it short */
	enum burn_drive_status s = burn_drive_get_status(d->drive, &bp);
	if (p) {
		memset(p, 0, sizeof(*p));
		p->phase = phase_of(s, d->job);
		p->bytes_total = d->job_total;
		if (d->job == JOB_WRITE) {
			int64_t done = 0;
			for (int i = 0; i < d->nsrc; i++)
				done += img_feed_delivered(feed_of(d->srcs[i]));
			/* bytes handed to the drive, never more than were read from the input */
			int64_t sent = (int64_t)bp.sector * SECTOR;
			if (d->nsrc == 1 && bp.sector > 0 && sent < done)
				done = sent;
			p->bytes_done = done;
			p->lba = d->track_start_lba + bp.sector;
		} else if (bp.sectors > 0) {
			/* blank/format: sector counts relative steps out of 0x10000 */
			p->bytes_done = bp.sector;
			p->bytes_total = bp.sectors;
		}
		p->track = bp.track + 1;
		p->tracks = bp.tracks;
		p->buffer_capacity = bp.buffer_capacity;
		p->buffer_available = bp.buffer_available;
		fill_levels(d, bp.track, p);
	}
	return d->job_started && s != BURN_DRIVE_IDLE;
}

void img_drive_cancel(struct img_drive *d)
{
	if (d == NULL || d->job == JOB_NONE)
		return;
	atomic_store(&d->canceled, true);
	for (int i = 0; i < d->nsrc; i++)
		src_cancel(d->srcs[i]);
	burn_drive_cancel(d->drive);
}

/* Waits for libburn to report the drive idle, at most IDLE_WAIT_MS; returns whether it did. */
static bool wait_idle(struct img_drive *d)
{
	for (long ms = 0; burn_drive_get_status(d->drive, NULL) != BURN_DRIVE_IDLE; ms += 20) {
		if (ms >= IDLE_WAIT_MS)
			return false;
		pump_burn_messages();
		sleep_ms(20);
	}
	return true;
}

/* libburn writes whole sectors and, on stdio:, whole output blocks: cut a regular file back to
 * the bytes of the track. */
static int trim_stdio_file(struct img_drive *d, int64_t bytes)
{
	if (d->role < ROLE_STDIO_RW || strncmp(d->address, "stdio:", 6) != 0)
		return IMG_OK;
	const char *path = d->address + 6;
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return IMG_OK;
	if (d->padding)
		bytes += PAD_BYTES;
	bytes += d->start_byte;
	if (st.st_size > bytes && truncate(path, bytes) != 0)
		return img_error_errno(&d->err, IMG_EIO, errno, "%s: cannot cut to %" PRId64
				       " bytes", path, bytes);
	return IMG_OK;
}

/* Bytes the track feeds took from their inputs (the rings may hold some libburn never took)
 * and the first feed failure. */
static int64_t feeds_outcome(struct img_drive *d, enum img_feed_status *status, int *err_no)
{
	int64_t total = 0;
	*status = IMG_FEED_OK;
	*err_no = 0;
	for (int i = 0; i < d->nsrc; i++) {
		struct img_feed *f = feed_of(d->srcs[i]);
		total += img_feed_taken(f);
		int e;
		enum img_feed_status st = img_feed_status(f, &e);
		if (*status == IMG_FEED_OK && st != IMG_FEED_OK) {
			*status = st;
			*err_no = e;
		}
	}
	return total;
}

/* The error of an ended job: a cancel first, then what the input did, then libburn's verdict.
 * libburn's failures are its own words alone (the caller says "write failed"); no byte count,
 * since the input read ahead of the drive: libburn's messages name the block that failed. */
static int job_error(struct img_drive *d, int64_t total, enum img_feed_status status, int err_no)
{
	int64_t declared = d->job_total;
	char msg[BURN_MSGS_MESSAGE_LEN];
	if (atomic_load(&d->canceled)) {
		take_burn_messages(msg, sizeof(msg));
		return img_error_set(&d->err, IMG_ECANCELED, "%s after %" PRId64 " bytes",
				     d->job == JOB_WRITE ? "write cancelled" : "cancelled", total);
	}
	/* The feed cancelled without us: libburn gave up (it cancels its sources when the drive
	 * fails) and its messages say why. */
	if (status == IMG_FEED_CANCELED) {
		take_burn_messages(msg, sizeof(msg));
		return img_error_set(&d->err, IMG_EBURN, "%s",
				     msg[0] ? msg : "libburn gave up without saying why");
	}
	if (status == IMG_FEED_LONG)
		return img_error_set(&d->err, IMG_ETOOBIG,
				     "input is longer than its size of %" PRId64 " bytes", declared);
	if (status == IMG_FEED_SHORT)
		return img_error_set(&d->err, IMG_EINVAL,
				     "input ended after %" PRId64 " bytes, its size was %" PRId64,
				     total, declared);
	if (status == IMG_FEED_IOERR)
		return img_error_errno(&d->err, IMG_EIO, err_no, "reading input after %" PRId64
				       " bytes", total);
	if (d->job == JOB_WRITE && burn_drive_wrote_well(d->drive) != 1) {
		take_burn_messages(msg, sizeof(msg));
		return img_error_set(&d->err, IMG_EBURN, "%s",
				     msg[0] ? msg : "libburn gave up without saying why");
	}
	if (d->job == JOB_BLANK || d->job == JOB_FORMAT) {
		/* burn_drive_wrote_well covers writes only; a failed blank leaves a FAILURE */
		take_burn_messages(msg, sizeof(msg));
		if (msg[0])
			return img_error_set(&d->err, IMG_EBURN, "%s", msg);
	}
	return IMG_OK;
}

int img_drive_job_result(struct img_drive *d, int64_t *bytes, unsigned char md[IMG_SHA256_LEN])
{
	if (bytes)
		*bytes = 0;
	if (d->job == JOB_NONE)
		return IMG_OK; /* e.g. blanking already blank media */
	if (!wait_idle(d)) {
		img_error_set(&d->err, IMG_EBURN, "%s: libburn still reports the drive busy %d s "
			      "after the job", d->address, IDLE_WAIT_MS / 1000);
		return IMG_EBURN; /* the job stays: img_drive_close cancels it */
	}
	if (d->job == JOB_WRITE && wait_write_workers(&d->err) != IMG_OK)
		return IMG_EBURN;
	enum img_feed_status status;
	int err_no;
	int64_t total = feeds_outcome(d, &status, &err_no);
	if (bytes)
		*bytes = total;
	int rc = job_error(d, total, status, err_no);
	/* (a CUE sheet's files are read by libburn's own fifo: never known untouched) */
	d->untouched = rc != IMG_OK && rc != IMG_ECANCELED && d->job == JOB_WRITE && d->role == ROLE_MMC &&
		       d->nsrc > 0;
	for (int i = 0; i < d->nsrc && d->untouched; i++)
		d->untouched = !atomic_load(&((struct track_src *)d->srcs[i]->data)->asked);
	/* a failed write leaves no half-written file that it created itself */
	if (rc != IMG_OK && d->job == JOB_WRITE && d->created) {
		unlink(d->address + 6);
		d->created = false;
	}
	if (rc == IMG_OK && d->job == JOB_WRITE) {
		rc = trim_stdio_file(d, total);
		if (md && d->nsrc == 1)
			img_feed_sha256(feed_of(d->srcs[0]), md);
	}
	job_clear(d);
	return rc;
}

int img_drive_verify(struct img_drive *d, int64_t size, const unsigned char want[IMG_SHA256_LEN],
		     int (*tick)(void *ctx, int64_t done, int64_t total), void *ctx)
{
	img_error_clear(&d->err);
	if (d->role == ROLE_STDIO_WO || d->role == ROLE_STDIO_APPEND)
		return img_error_set(&d->err, IMG_EDRIVE,
				     "%s: target is write-only, nothing to read back", d->address);
	struct img_sha256 *h = NULL;
	int rc = img_sha256_new(&h, &d->err);
	if (rc != IMG_OK)
		return rc;
	char *buf = malloc(VERIFY_CHUNK);
	if (buf == NULL) {
		img_sha256_free(h);
		return img_error_set(&d->err, IMG_ENOMEM, "verify buffer");
	}
	char msg[BURN_MSGS_MESSAGE_LEN];
	take_burn_messages(msg, sizeof(msg));
	off_t base = (off_t)d->track_start_lba * SECTOR;
	int64_t done = 0;
	while (done < size) {
		off_t n = size - done > VERIFY_CHUNK ? VERIFY_CHUNK : size - done;
		off_t got = 0;
		/* bit1: no message of its own on a read error; we report the offset */
		if (burn_read_data(d->drive, base + done, buf, n, &got, 2) <= 0 || got != n) {
			rc = burn_fail(&d->err, IMG_EIO, "read-back failed");
			char tmp[sizeof(d->err.detail)];
			snprintf(tmp, sizeof(tmp), "%s", d->err.detail);
			img_error_set(&d->err, IMG_EIO, "%s at byte %" PRId64, tmp, done + got);
			break;
		}
		img_sha256_update(h, buf, (size_t)n);
		done += n;
		if (tick && tick(ctx, done, size)) {
			rc = img_error_set(&d->err, IMG_ECANCELED, "verification cancelled after %"
					   PRId64 " bytes", done);
			break;
		}
	}
	if (rc == IMG_OK) {
		unsigned char got_md[IMG_SHA256_LEN];
		img_sha256_final(h, got_md);
		if (memcmp(got_md, want, IMG_SHA256_LEN) != 0) {
			char a[IMG_SHA256_HEX_LEN], b[IMG_SHA256_HEX_LEN];
			img_sha256_hex(want, a);
			img_sha256_hex(got_md, b);
			rc = img_error_set(&d->err, IMG_EMISMATCH,
					   "SHA-256 of the %" PRId64 " bytes read back is %s, "
					   "of the data sent %s", size, b, a);
		}
	}
	free(buf);
	img_sha256_free(h);
	return rc;
}

void img_drive_close(struct img_drive *d, bool eject)
{
	if (d == NULL)
		return;
	if (d->job_started && burn_drive_get_status(d->drive, NULL) != BURN_DRIVE_IDLE) {
		img_drive_cancel(d);
		wait_idle(d);
	}
	/* the worker's clean-up must not run into the release (wait_write_workers) */
	struct img_error ignored;
	wait_write_workers(&ignored);
	job_clear(d);
	/* burn_drive_release ends the grab; info array memory goes with it */
	burn_drive_release(d->drive, eject ? 1 : 0);
	burn_drive_info_free(d->info);
	free(d);
}

/* ---- table of contents ---- */

int img_drive_get_toc(struct img_drive *d, struct img_disc_toc *out)
{
	memset(out, 0, sizeof(*out));
	img_error_clear(&d->err);
	out->state = media_state(d->drive);
	out->last_session_start = out->next = -1;
	struct burn_disc *disc = burn_drive_get_disc(d->drive);
	if (disc != NULL) {
		int ns = 0;
		struct burn_session **ss = burn_disc_get_sessions(disc, &ns);
		for (int i = 0; ss && i < ns; i++) {
			int nt = 0;
			struct burn_track **ts = burn_session_get_tracks(ss[i], &nt);
			for (int k = 0; ts && k < nt && out->ntracks < IMG_TOC_MAX_TRACKS; k++) {
				struct burn_toc_entry e;
				memset(&e, 0, sizeof(e));
				burn_track_get_entry(ts[k], &e);
				struct img_toc_track *t = &out->tracks[out->ntracks++];
				t->session = i + 1;
				t->number = out->ntracks;
				/* the DVD/BD extension (bit 0) has the start and size as numbers;
				 * CD entries give them as MSF of the track start only */
				if (e.extensions_valid & 1) {
					t->start = e.start_lba;
					t->blocks = e.track_blocks;
				} else {
					t->start = burn_msf_to_lba(e.pmin, e.psec, e.pframe);
					t->blocks = -1;
				}
			}
		}
		out->sessions = ns;
		burn_disc_free(disc);
	}
	if (out->state == IMG_MEDIA_APPENDABLE) {
		int msc1 = 0, lba = 0, nwa = 0;
		if (burn_disc_get_msc1(d->drive, &msc1) > 0)
			out->last_session_start = msc1;
		if (burn_disc_track_lba_nwa(d->drive, NULL, 0, &lba, &nwa) > 0)
			out->next = nwa;
	}
	return IMG_OK;
}
