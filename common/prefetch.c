/* Reading small files ahead of libisofs's writer thread (see prefetch.h for why). */
#include "common/prefetch.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

enum entry_state {
	WAITING, /* not reached yet */
	LOADING, /* being read by the thread */
	READY,   /* read, waiting for its reader */
	GONE,    /* handed over, claimed by a reader who reads it itself, dropped, or failed */
};

/* 16 bytes a file: the path and size come from the caller's callback when needed. */
struct entry {
	unsigned char *buf;
	uint32_t len;
	uint8_t state; /* an enum entry_state */
};

struct img_prefetch {
	struct entry *e;
	size_t n;
	img_prefetch_file_fn file;
	void *ctx;
	size_t low;      /* entries below this one are GONE */
	size_t budget;   /* bytes that may be held READY */
	size_t max_file; /* larger files are left to their readers */
	size_t held;     /* bytes held READY now */
	bool started, stop;
	bool thread_waits;  /* for memory: woken once half the budget is free again */
	int readers_wait;   /* readers waiting for an entry to leave LOADING */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed; /* an entry left LOADING, memory was released, or stop */
};

int img_prefetch_new(size_t n, img_prefetch_file_fn file, void *ctx, size_t budget,
		     size_t max_file, struct img_prefetch **out)
{
	struct img_prefetch *p = calloc(1, sizeof(*p));
	if (p != NULL)
		p->e = calloc(n ? n : 1, sizeof(*p->e));
	if (p == NULL || p->e == NULL) {
		free(p);
		return IMG_ENOMEM;
	}
	p->n = n;
	p->file = file;
	p->ctx = ctx;
	p->budget = budget;
	p->max_file = max_file < UINT32_MAX - 1 ? max_file : UINT32_MAX - 1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->changed, NULL);
	*out = p;
	return IMG_OK;
}

/* Reads size + 1 bytes at most (the extra byte shows a file that grew); NULL on any error:
 * the stream then meets the same error itself and reports it. */
static unsigned char *read_file(const char *path, off_t size, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t want = (size_t)size + 1, got = 0;
	unsigned char *buf = malloc(want);
	while (buf != NULL && got < want) {
		ssize_t r = read(fd, buf + got, want - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			buf = NULL;
		} else if (r == 0) {
			break;
		} else {
			got += (size_t)r;
		}
	}
	close(fd);
	*len = got;
	return buf;
}

static void *run(void *arg)
{
	struct img_prefetch *p = arg;
	pthread_mutex_lock(&p->lock);
	for (size_t i = 0; i < p->n && !p->stop; i++) {
		struct entry *e = &p->e[i];
		if (e->state != WAITING)
			continue;
		const char *path = NULL;
		off_t size = 0;
		p->file(p->ctx, i, &path, &size);
		if (path == NULL || size < 0 || (size_t)size > p->max_file) {
			e->state = GONE;
			continue;
		}
		size_t need = (size_t)size + 1;
		/* Wait for room, but never for a file the reader already asked for.  Waking
		 * only when half the budget is free again keeps the handovers (a futex call
		 * each way) to one per many files. */
		if (p->held > 0 && p->held + need > p->budget) {
			p->thread_waits = true;
			while (!p->stop && e->state == WAITING && p->held > 0 &&
			       p->held + need > p->budget / 2 + need)
				pthread_cond_wait(&p->changed, &p->lock);
			p->thread_waits = false;
		}
		if (p->stop)
			break;
		if (e->state != WAITING)
			continue;
		e->state = LOADING;
		pthread_mutex_unlock(&p->lock);
		size_t len = 0;
		unsigned char *buf = read_file(path, size, &len);
		pthread_mutex_lock(&p->lock);
		if (buf != NULL) {
			e->buf = buf;
			e->len = (uint32_t)len;
			e->state = READY;
			p->held += len;
		} else {
			e->state = GONE;
		}
		if (p->readers_wait > 0)
			pthread_cond_broadcast(&p->changed);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int img_prefetch_start(struct img_prefetch *p)
{
	if (p->started)
		return IMG_EINVAL;
	if (p->n == 0)
		return IMG_OK;
	if (pthread_create(&p->thread, NULL, run, p) != 0)
		return IMG_ENOMEM;
	p->started = true;
	return IMG_OK;
}

/* Frees entry e if it holds data; the caller holds the lock. */
static void drop(struct img_prefetch *p, struct entry *e)
{
	if (e->state == READY) {
		p->held -= e->len;
		free(e->buf);
		e->buf = NULL;
	}
	e->state = GONE;
}

bool img_prefetch_take(struct img_prefetch *p, size_t idx, unsigned char **buf, size_t *len)
{
	if (p == NULL || idx >= p->n)
		return false;
	pthread_mutex_lock(&p->lock);
	struct entry *e = &p->e[idx];
	while (e->state == LOADING) {
		p->readers_wait++;
		pthread_cond_wait(&p->changed, &p->lock);
		p->readers_wait--;
	}
	bool ready = e->state == READY;
	if (ready) {
		*buf = e->buf;
		*len = e->len;
		p->held -= e->len;
		e->buf = NULL;
	}
	e->state = GONE;
	/* The reader goes through the files in index order (libisofs writes data by our
	 * weights); what it passed without asking is of no use any more. */
	for (; p->low < idx; p->low++)
		if (p->e[p->low].state != LOADING)
			drop(p, &p->e[p->low]);
		else
			break;
	if (p->thread_waits && p->held <= p->budget / 2)
		pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	return ready;
}

void img_prefetch_free(struct img_prefetch *p)
{
	if (p == NULL)
		return;
	if (p->started) {
		pthread_mutex_lock(&p->lock);
		p->stop = true;
		pthread_cond_broadcast(&p->changed);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->thread, NULL);
	}
	for (size_t i = 0; i < p->n; i++)
		free(p->e[i].buf);
	free(p->e);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->changed);
	free(p);
}
