/* The burn job: choose the target, check it, keep the machine awake, blank or format, write,
 * verify, release.  Every way out releases the drive. */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/burn/blockdev.h"
#include "common/cli/cli.h"
#include "common/base/digest.h"
#include "common/burn/inhibit.h"
#include "common/burn/wav.h"
#include "common/inspect/source.h"
#include "imgburn/imgburn.h"

struct input {
	int fd;
	int64_t size;      /* -1 unknown */
	const char *name;
};

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Works out the libburn address for --dev and checks block devices before they are
 * overwritten: not mounted, removable, unless --force.  Returns an exit code or -1 to go on. */
static int resolve_target(const struct imgburn_opts *o, char *addr, size_t n)
{
	const char *path = o->dev;
	bool stdio = strncmp(path, "stdio:", 6) == 0;
	if (stdio)
		path += 6;
	struct stat st;
	if (stat(path, &st) != 0) {
		if (!stdio) {
			/* not a file: maybe an address libburn knows by itself */
			snprintf(addr, n, "%s", o->dev);
			return -1;
		}
		snprintf(addr, n, "%s", o->dev);
		return -1; /* stdio: creates the file */
	}
	if (S_ISREG(st.st_mode) && !stdio) {
		img_cli_usage_error("--dev %s is a file: write to files with --dev stdio:%s", path,
				    path);
		return IMG_EXIT_USAGE;
	}
	if (!S_ISBLK(st.st_mode)) {
		snprintf(addr, n, "%s", o->dev);
		return -1;
	}
	struct img_blockdev_info bi;
	struct img_error err;
	img_error_clear(&err);
	if (img_blockdev_probe(path, &bi, &err) != IMG_OK) {
		img_cli_error("cannot examine the target", &err);
		return IMG_EXIT_USAGE;
	}
	if (bi.optical && !stdio) {
		snprintf(addr, n, "%s", path);
		return -1;
	}
	/* A disk (USB stick, card): libburn writes it as a stdio: pseudo-drive. */
	snprintf(addr, n, "stdio:%s", path);
	fprintf(stderr, "%s: target %s: %s, %.1f %s (%" PRId64 " bytes), %s\n", img_cli_prog(),
		path, bi.model[0] ? bi.model : "unknown model",
		bi.size >= 1000000000 ? bi.size / 1e9 : bi.size / 1e6,
		bi.size >= 1000000000 ? "GB" : "MB", bi.size,
		bi.removable ? "removable" : "not removable");
	if (bi.mounted[0] && !o->force) {
		img_cli_fail("%s is mounted on %s: unmount it first, or give --force", path,
			     bi.mounted);
		return IMG_EXIT_FAIL;
	}
	if (!bi.removable && !o->force) {
		img_cli_fail("%s is not a removable device: give --force to overwrite it", path);
		return IMG_EXIT_FAIL;
	}
	return -1;
}

/* Opens SOURCE: "-" is stdin with --size or of unknown length. */
static int open_input(const struct imgburn_opts *o, const char *name, struct input *in)
{
	in->name = name;
	if (strcmp(name, "-") == 0) {
		in->fd = STDIN_FILENO;
		in->size = o->size;
		return -1;
	}
	in->fd = open(name, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0) {
		img_cli_fail("cannot open %s: %s", name, strerror(errno));
		return IMG_EXIT_USAGE;
	}
	struct stat st;
	if (fstat(in->fd, &st) != 0) {
		img_cli_fail("cannot examine %s: %s", name, strerror(errno));
		close(in->fd);
		return IMG_EXIT_USAGE;
	}
	if (S_ISREG(st.st_mode)) {
		in->size = st.st_size;
	} else if (S_ISBLK(st.st_mode)) {
		off_t end = lseek(in->fd, 0, SEEK_END);
		in->size = end >= 0 ? end : -1;
		lseek(in->fd, 0, SEEK_SET);
	} else {
		in->size = -1; /* a fifo or character device: open length */
	}
	if (S_ISDIR(st.st_mode)) {
		img_cli_fail("%s is a directory: build an image with mkimage first", name);
		close(in->fd);
		return IMG_EXIT_USAGE;
	}
	return -1;
}

/* Opens each WAV file, checks it is CD-DA and positions it at its samples. */
static int open_wav(const char *name, struct input *in)
{
	in->name = name;
	in->fd = open(name, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0) {
		img_cli_fail("cannot open %s: %s", name, strerror(errno));
		return IMG_EXIT_USAGE;
	}
	struct stat st;
	unsigned char *buf = malloc(IMG_WAV_HEADER_MAX);
	if (buf == NULL || fstat(in->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		img_cli_fail("%s: not a regular file", name);
		free(buf);
		return IMG_EXIT_USAGE;
	}
	ssize_t got = 0, r;
	while (got < IMG_WAV_HEADER_MAX &&
	       (r = read(in->fd, buf + got, (size_t)(IMG_WAV_HEADER_MAX - got))) > 0)
		got += r;
	struct img_wav_info wi;
	struct img_error err;
	img_error_clear(&err);
	int rc = img_wav_parse(buf, (size_t)got, (uint64_t)st.st_size, &wi, &err);
	free(buf);
	if (rc == IMG_OK)
		rc = img_wav_check_cdda(&wi, &err);
	if (rc != IMG_OK) {
		char what[4200];
		snprintf(what, sizeof(what), "%s: not usable as CD audio", name);
		img_cli_error(what, &err);
		return IMG_EXIT_USAGE;
	}
	if (lseek(in->fd, (off_t)wi.data_offset, SEEK_SET) < 0) {
		img_cli_fail("%s: cannot seek: %s", name, strerror(errno));
		return IMG_EXIT_USAGE;
	}
	in->size = (int64_t)wi.data_size;
	return -1;
}

/* Polls the running job until it ends, cancelling on SIGINT/SIGTERM. */
static void run_job(struct img_drive *d, struct report *r, struct img_drive_progress *last,
		    bool *interrupted)
{
	struct timespec nap = {0, 20 * 1000 * 1000};
	memset(last, 0, sizeof(*last));
	while (img_drive_poll(d, last)) {
		if (imgburn_signal && !*interrupted) {
			*interrupted = true;
			img_drive_cancel(d);
		}
		report_update(r, last);
		nanosleep(&nap, NULL);
	}
	if (imgburn_signal && !*interrupted) {
		*interrupted = true;
		img_drive_cancel(d);
	}
}

static struct img_drive_progress verify_progress(int64_t done, int64_t total)
{
	struct img_drive_progress p;
	memset(&p, 0, sizeof(p));
	p.phase = IMG_PHASE_VERIFY;
	p.bytes_done = done;
	p.bytes_total = total;
	p.lba = done / 2048;
	p.track = p.tracks = 1;
	return p;
}

static int verify_tick(void *ctx, int64_t done, int64_t total)
{
	struct img_drive_progress p = verify_progress(done, total);
	report_update(ctx, &p);
	return imgburn_signal != 0;
}

/* SHA-256 of the whole input, for --verify-only. */
static int hash_input(struct input *in, unsigned char md[IMG_SHA256_LEN], int64_t *bytes)
{
	struct img_sha256 *h = NULL;
	struct img_error err;
	img_error_clear(&err);
	if (img_sha256_new(&h, &err) != IMG_OK) {
		img_cli_error("hash", &err);
		return IMG_EXIT_FAIL;
	}
	static unsigned char buf[1 << 20];
	int64_t total = 0;
	ssize_t r;
	while ((r = read(in->fd, buf, sizeof(buf))) != 0) {
		if (r < 0) {
			if (errno == EINTR && !imgburn_signal)
				continue;
			img_cli_fail("cannot read %s: %s", in->name, strerror(errno));
			img_sha256_free(h);
			return IMG_EXIT_USAGE;
		}
		img_sha256_update(h, buf, (size_t)r);
		total += r;
		if (in->size >= 0 && total > in->size)
			break;
	}
	img_sha256_final(h, md);
	img_sha256_free(h);
	*bytes = total;
	if (in->size >= 0 && total != in->size) {
		img_cli_fail("%s: got %" PRId64 " bytes, --size said %" PRId64, in->name, total,
			     in->size);
		return IMG_EXIT_FAIL;
	}
	return -1;
}

static const char *signal_name(int sig)
{
	return sig == 2 ? "SIGINT" : sig == 15 ? "SIGTERM" : sig == 1 ? "SIGHUP" : "a signal";
}

/* One run of imgburn: the inputs, the drive, and how the last job ended. */
struct job {
	const struct imgburn_opts *o;
	struct input inputs[99];
	int ninputs;
	struct img_drive *d;
	struct img_drive_progress last; /* the last progress seen, for the final report */
	bool interrupted;               /* a signal cancelled the job */
	const char *doing;              /* what the signal interrupted */
	/* --multi on a stdio: target (imgburn/sessions.c): where the session goes, and whether
	 * the first 64 KiB are rewritten after it */
	const char *grow_path;
	int64_t start_byte, old_size;
	bool grow;
};

/* Opens the WAV files of --audio or the one SOURCE; every input opened is counted in
 * j->ninputs so that it is closed afterwards.  Returns an exit code or -1 to go on. */
static int open_inputs(struct job *j)
{
	const struct imgburn_opts *o = j->o;
	int rc = -1;
	if (o->audio) {
		if (o->nargs > 99) {
			img_cli_usage_error("a CD holds at most 99 tracks");
			return IMG_EXIT_USAGE;
		}
		for (int i = 0; i < o->nargs && rc < 0; i++, j->ninputs++)
			rc = open_wav(o->args[i], &j->inputs[i]);
		if (rc >= 0)
			j->ninputs--;
	} else if (o->nargs == 1) {
		rc = open_input(o, o->args[0], &j->inputs[0]);
		if (rc < 0)
			j->ninputs = 1;
	}
	return rc;
}

/* The stream of a pipe whose first bytes were taken to look at (--multi): a thread hands the
 * pipe's reader those bytes, then the rest of the input. */
struct pump {
	int from, to;
	unsigned char *prefix;
	size_t len;
};

static bool write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w, n -= (size_t)w;
	}
	return true;
}

static void *pump_run(void *arg)
{
	struct pump *pu = arg;
	static unsigned char buf[1 << 16];
	bool ok = write_all(pu->to, pu->prefix, pu->len);
	while (ok) {
		ssize_t r = read(pu->from, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		ok = write_all(pu->to, buf, (size_t)r);
	}
	close(pu->to);
	free(pu->prefix);
	free(pu);
	return NULL;
}

/* Reads the first IMG_SOURCE_HEAD_BYTES of the input into head without losing them: a regular
 * file is read in place; a pipe is replaced by one that gives those bytes again first.
 * Returns an exit code or -1. */
static int peek_input(struct input *in, unsigned char *head, size_t *len)
{
	struct stat st;
	*len = 0;
	if (fstat(in->fd, &st) == 0 && (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))) {
		ssize_t r = pread(in->fd, head, IMG_SOURCE_HEAD_BYTES, lseek(in->fd, 0, SEEK_CUR));
		*len = r > 0 ? (size_t)r : 0;
		return -1;
	}
	while (*len < IMG_SOURCE_HEAD_BYTES) {
		ssize_t r = read(in->fd, head + *len, IMG_SOURCE_HEAD_BYTES - *len);
		if (r < 0 && errno == EINTR && !imgburn_signal)
			continue;
		if (r < 0) {
			img_cli_fail("cannot read %s: %s", in->name, strerror(errno));
			return IMG_EXIT_USAGE;
		}
		if (r == 0)
			break;
		*len += (size_t)r;
	}
	int p[2];
	struct pump *pu = calloc(1, sizeof(*pu));
	unsigned char *copy = malloc(*len ? *len : 1);
	pthread_t t;
	if (pu == NULL || copy == NULL || pipe(p) != 0) {
		img_cli_fail("cannot set up the input: %s", strerror(errno));
		free(pu), free(copy);
		return IMG_EXIT_FAIL;
	}
	memcpy(copy, head, *len);
	*pu = (struct pump){.from = in->fd, .to = p[1], .prefix = copy, .len = *len};
	if (pthread_create(&t, NULL, pump_run, pu) != 0) {
		img_cli_fail("cannot start the input thread");
		close(p[0]), close(p[1]), free(pu), free(copy);
		return IMG_EXIT_FAIL;
	}
	pthread_detach(t);
	in->fd = p[0];
	return -1;
}

/* --multi on a stdio: target: look at the input's head and plan where it goes. */
static int plan_multi(struct job *j, const char *addr)
{
	if (!j->o->multi || j->ninputs != 1 || strncmp(addr, "stdio:", 6) != 0)
		return -1;
	unsigned char *head = malloc(IMG_SOURCE_HEAD_BYTES);
	if (head == NULL) {
		img_cli_fail("out of memory");
		return IMG_EXIT_FAIL;
	}
	size_t len;
	int rc = peek_input(&j->inputs[0], head, &len);
	if (rc < 0) {
		j->grow_path = addr + 6;
		rc = imgburn_multi_plan(j->grow_path, head, len, &j->start_byte, &j->grow,
					&j->old_size);
	}
	free(head);
	return rc;
}

/* Writing a file onto itself would destroy the source while it is read.  Returns an exit code
 * or -1 to go on. */
static int refuse_source_as_target(const struct job *j, const char *addr)
{
	struct stat tst;
	if (j->o->verify_only || strncmp(addr, "stdio:", 6) != 0 || stat(addr + 6, &tst) != 0)
		return -1;
	for (int i = 0; i < j->ninputs; i++) {
		struct stat sst;
		if (fstat(j->inputs[i].fd, &sst) == 0 && sst.st_dev == tst.st_dev &&
		    sst.st_ino == tst.st_ino) {
			img_cli_usage_error("%s is both the source and the target", j->inputs[i].name);
			return IMG_EXIT_USAGE;
		}
	}
	return -1;
}

/* -v: what drive, media and tracks were found. */
static void tell_drive_and_tracks(const struct job *j)
{
	if (img_cli_verbosity() <= 0)
		return;
	struct img_drive_info vi;
	img_drive_get_info(j->d, &vi);
	img_cli_verbose("drive %s: %s %s %s, media %s, %s, %" PRId64 " bytes free", vi.address,
			vi.vendor, vi.product, vi.revision,
			vi.media_profile_name[0] ? vi.media_profile_name : "none",
			img_media_state_name(vi.media_state), vi.free_bytes);
	for (int i = 0; i < j->ninputs; i++)
		img_cli_verbose("track %d: %s, %" PRId64 " bytes%s", i + 1, j->inputs[i].name,
				j->inputs[i].size, j->inputs[i].size < 0 ? " (open length)" : "");
}

/* A logind lock against sleep while the media changes; NULL (with a note) when there is none
 * to be had, or when nothing is written. */
static struct img_inhibit *keep_awake(const struct imgburn_opts *o)
{
	struct img_inhibit *lock = NULL;
	bool writes = o->nargs > 0 || o->cue || o->blank != BLANK_NONE || o->format;
	if (!writes || o->verify_only)
		return NULL;
	struct img_error ierr;
	img_error_clear(&ierr);
	if (img_inhibit_take("imgburn", "writing a disc", &lock, &ierr) != IMG_OK)
		fprintf(stderr, "%s: note: no inhibitor lock, the machine may sleep during the burn (%s)\n",
			img_cli_prog(), ierr.detail);
	return lock;
}

/* --blank or --format.  Returns an exit code. */
static int blank_or_format(struct job *j)
{
	const struct imgburn_opts *o = j->o;
	j->doing = o->format ? "format" : "blank";
	struct img_drive_info info;
	img_drive_get_info(j->d, &info);
	if (!o->format && info.media_state == IMG_MEDIA_BLANK)
		img_cli_info("media is already blank");
	int r = o->format ? img_drive_format_start(j->d)
			  : img_drive_blank_start(j->d, o->blank == BLANK_FAST);
	if (r == IMG_OK) {
		struct report *rep = report_new(o->progress);
		run_job(j->d, rep, &j->last, &j->interrupted);
		r = img_drive_job_result(j->d, NULL, NULL);
		report_done(rep, &j->last, o->format ? "formatting failed" : "blanking failed",
			    r == IMG_OK ? NULL : img_drive_error(j->d));
	}
	if (r != IMG_OK) {
		img_cli_error(o->format ? "formatting failed" : "blanking failed",
			      img_drive_error(j->d));
		return IMG_EXIT_FAIL;
	}
	return IMG_EXIT_OK;
}

/* Reads bytes back from the drive and compares their SHA-256 with md, reporting progress.
 * Returns the library's code; the caller words the outcome. */
static int read_back(struct job *j, int64_t bytes, const unsigned char md[IMG_SHA256_LEN])
{
	struct report *rep = report_new(j->o->progress);
	int r = img_drive_verify(j->d, bytes, md, verify_tick, rep);
	struct img_drive_progress vlast = verify_progress(bytes, bytes);
	report_done(rep, &vlast, r == IMG_ECANCELED ? "interrupted" : "verification failed",
		    r == IMG_OK ? NULL : img_drive_error(j->d));
	return r;
}

/* --verify-only: the media against the SOURCE's SHA-256.  Returns an exit code. */
static int verify_only(struct job *j)
{
	j->doing = "verify";
	unsigned char md[IMG_SHA256_LEN];
	int64_t bytes = 0;
	int r = hash_input(&j->inputs[0], md, &bytes);
	if (r >= 0)
		return r;
	r = read_back(j, bytes, md);
	j->last = verify_progress(bytes, bytes);
	if (r != IMG_OK) {
		img_cli_error("verification failed", img_drive_error(j->d));
		return IMG_EXIT_FAIL;
	}
	img_cli_info("verified %" PRId64 " bytes", bytes);
	return IMG_EXIT_OK;
}

/* Starts the write the options ask for, in write mode `mode`: a CUE sheet, audio tracks, or one
 * data track. */
static int start_write(struct job *j, enum img_write_mode mode)
{
	const struct imgburn_opts *o = j->o;
	struct img_write_opts wo = {
		.mode = mode,
		.dummy = o->dummy, .close = o->close, .padding = o->padding,
		.hash = o->verify, .speed = o->speed, .start_byte = j->start_byte,
	};
	if (o->cue)
		return img_drive_write_cue_start(j->d, o->cue, &wo);
	if (o->audio) {
		int fds[99];
		int64_t sizes[99];
		for (int i = 0; i < j->ninputs; i++)
			fds[i] = j->inputs[i].fd, sizes[i] = j->inputs[i].size;
		return img_drive_write_audio_start(j->d, fds, sizes, j->ninputs, &wo);
	}
	return img_drive_write_start(j->d, j->inputs[0].fd, j->inputs[0].size, &wo);
}

/* --verify after a write: the track read back against the SHA-256 of the bytes sent.
 * Returns an exit code. */
static int verify_written(struct job *j, int64_t bytes, const unsigned char md[IMG_SHA256_LEN])
{
	j->doing = "verify";
	int r = read_back(j, bytes, md);
	if (r == IMG_ECANCELED) {
		j->interrupted = true;
		return IMG_EXIT_FAIL;
	}
	if (r != IMG_OK) {
		img_cli_error("verification failed", img_drive_error(j->d));
		return IMG_EXIT_FAIL;
	}
	char hex[IMG_SHA256_HEX_LEN];
	img_sha256_hex(md, hex);
	img_cli_info("verified %" PRId64 " bytes, SHA-256 %s", bytes, hex);
	return IMG_EXIT_OK;
}

/* One write in the given mode, from start to libburn's verdict. */
static int write_once(struct job *j, enum img_write_mode mode, struct report *rep,
		      int64_t *bytes, unsigned char md[IMG_SHA256_LEN])
{
	int r = start_write(j, mode);
	if (r == IMG_OK) {
		run_job(j->d, rep, &j->last, &j->interrupted);
		r = img_drive_job_result(j->d, bytes, md);
		j->last.bytes_done = *bytes;
	}
	return r;
}

/* In --mode=auto libburn picks the write mode from what the drive and media claim, and some
 * drives then refuse it: tgt's emulated DVD+R recorder (and, by reports, some real ones) answer
 * SAO's RESERVE TRACK with "Invalid command operation code".  When the drive fails the write
 * before libburn took a byte of input, nothing is on the media and the input is untouched (even
 * a pipe): try once more in the other mode, and say so.  Anything later is a real failure. */
static bool retry_in_other_mode(struct job *j, int r, enum img_write_mode *mode)
{
	const struct imgburn_opts *o = j->o;
	if (r == IMG_OK || j->interrupted || imgburn_signal || o->mode != MODE_AUTO || o->cue ||
	    !img_drive_nothing_written(j->d))
		return false;
	enum img_write_mode used = img_drive_write_mode(j->d);
	if (used != IMG_WRITE_SAO && used != IMG_WRITE_TAO)
		return false;
	*mode = used == IMG_WRITE_SAO ? IMG_WRITE_TAO : IMG_WRITE_SAO;
	fprintf(stderr, "%s: the drive refused %s before any data was written (%s); trying %s "
		"instead (--mode=%s avoids this)\n", img_cli_prog(),
		used == IMG_WRITE_SAO ? "SAO" : "TAO", img_drive_error(j->d)->detail,
		*mode == IMG_WRITE_SAO ? "SAO" : "TAO", *mode == IMG_WRITE_SAO ? "sao" : "tao");
	return true;
}

/* Writes the tracks, says how fast, and verifies when asked.  Returns an exit code. */
static int write_and_verify(struct job *j)
{
	const struct imgburn_opts *o = j->o;
	enum img_write_mode mode = o->mode == MODE_TAO ? IMG_WRITE_TAO
				   : o->mode == MODE_SAO ? IMG_WRITE_SAO : IMG_WRITE_AUTO;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int64_t bytes = 0;
	unsigned char md[IMG_SHA256_LEN];
	/* one progress report across a retry: front ends see one write that started over */
	struct report *rep = report_new(o->progress);
	int r = write_once(j, mode, rep, &bytes, md);
	if (retry_in_other_mode(j, r, &mode)) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		r = write_once(j, mode, rep, &bytes, md);
	}
	report_done(rep, &j->last, j->interrupted ? "interrupted" : "write failed",
		    r == IMG_OK ? NULL : img_drive_error(j->d));
	if (r != IMG_OK) {
		if (!j->interrupted)
			img_cli_error("write failed", img_drive_error(j->d));
		if (j->grow)
			imgburn_multi_abort(j->grow_path, j->old_size);
		return IMG_EXIT_FAIL;
	}
	double secs = seconds_since(&t0);
	img_cli_info("%s %" PRId64 " bytes in %.1f s (%.1f MB/s)%s",
		     o->dummy ? "simulated writing" : "wrote", bytes, secs,
		     secs > 0 ? bytes / 1e6 / secs : 0, j->grow ? " as a new session" : "");
	if (o->verify && !o->dummy) {
		int v = verify_written(j, bytes, md);
		if (v != IMG_EXIT_OK) {
			if (j->grow)
				imgburn_multi_abort(j->grow_path, j->old_size);
			return v;
		}
	}
	/* the head is rewritten only now, after the whole session is on the target (and read
	 * back, with --verify) */
	if (j->grow && !o->dummy)
		return imgburn_multi_finish(j->grow_path, j->start_byte, j->old_size);
	return IMG_EXIT_OK;
}

/* With the drive open: blank or format, then verify or write.  Returns an exit code. */
static int run_jobs(struct job *j)
{
	const struct imgburn_opts *o = j->o;
	int rc = IMG_EXIT_OK;
	if (o->blank != BLANK_NONE || o->format)
		rc = blank_or_format(j);
	if (rc != IMG_EXIT_OK)
		return rc;
	if (o->verify_only)
		return verify_only(j);
	if (j->ninputs > 0 || o->cue)
		return write_and_verify(j);
	return IMG_EXIT_OK;
}

int imgburn_burn(const struct imgburn_opts *o)
{
	char addr[4200];
	int rc = resolve_target(o, addr, sizeof(addr));
	if (rc >= 0)
		return rc;

	struct job j = {.o = o, .doing = "write"};
	rc = open_inputs(&j);
	if (rc < 0)
		rc = refuse_source_as_target(&j, addr);
	if (rc < 0)
		rc = plan_multi(&j, addr);
	if (rc >= 0)
		goto close_inputs;

	struct img_error err;
	img_error_clear(&err);
	if (img_burn_init(&err) != IMG_OK) {
		img_cli_error("cannot start libburn", &err);
		rc = IMG_EXIT_FAIL;
		goto close_inputs;
	}
	if (img_drive_open(addr, o->load, &j.d, &err) != IMG_OK) {
		img_cli_error("cannot open drive", &err);
		img_burn_finish();
		rc = IMG_EXIT_USAGE;
		goto close_inputs;
	}
	tell_drive_and_tracks(&j);
	struct img_inhibit *lock = keep_awake(o);
	rc = run_jobs(&j);

	img_drive_close(j.d, o->eject);
	img_burn_finish();
	img_inhibit_release(lock);
	if (j.interrupted) {
		img_cli_fail("interrupted by %s: %s cancelled after %" PRId64 " bytes of input; drive %s "
			     "released", signal_name(imgburn_signal), j.doing, j.last.bytes_done, addr);
		rc = IMG_EXIT_FAIL;
	}
close_inputs:
	for (int i = 0; i < j.ninputs; i++)
		if (j.inputs[i].fd != STDIN_FILENO)
			close(j.inputs[i].fd);
	return rc;
}
