/* buf.c - growable byte buffer and bounded big-endian readers. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/random.h>
#include <unistd.h>

#include "skillcert/base/buf.h"

void
buf_init(struct buf *b)
{
	memset(b, 0, sizeof(*b));
}

void
buf_free(struct buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void
buf_free_wipe(struct buf *b)
{
	if (b->data != NULL)
		explicit_bzero(b->data, b->cap);
	buf_free(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->oom = 0;
}

int
buf_reserve(struct buf *b, size_t extra)
{
	size_t need, cap;
	uint8_t *p;

	if (b->oom)
		return -1;
	if (extra > SIZE_MAX - b->len - 1)
		goto oom;
	need = b->len + extra + 1; /* room for buf_cstr's NUL */
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if ((p = realloc(b->data, cap)) == NULL)
		goto oom;
	b->data = p;
	b->cap = cap;
	return 0;
oom:
	b->oom = 1;
	return -1;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	/* The common case, room already there, without the call. */
	if ((b->oom || n >= b->cap - b->len) && buf_reserve(b, n) != 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

int
buf_append_str(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int
buf_append_byte(struct buf *b, uint8_t c)
{
	if ((b->oom || b->cap - b->len <= 1) && buf_reserve(b, 1) != 0)
		return -1;
	b->data[b->len++] = c;
	return 0;
}

int
buf_append_uint(struct buf *b, uint64_t v)
{
	char d[20];
	int i = (int)sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return buf_append(b, d + i, sizeof(d) - (size_t)i);
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_reserve(b, (size_t)n + 1) != 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int
buf_append_u16(struct buf *b, uint16_t v)
{
	uint8_t x[2] = { v >> 8, v };
	return buf_append(b, x, 2);
}

int
buf_append_u32(struct buf *b, uint32_t v)
{
	uint8_t x[4] = { v >> 24, v >> 16, v >> 8, v };
	return buf_append(b, x, 4);
}

int
buf_append_u64(struct buf *b, uint64_t v)
{
	if (buf_append_u32(b, (uint32_t)(v >> 32)) != 0)
		return -1;
	return buf_append_u32(b, (uint32_t)v);
}

char *
buf_cstr(struct buf *b)
{
	if (buf_reserve(b, 0) != 0)
		return NULL;
	b->data[b->len] = '\0';
	return (char *)b->data;
}

/* Creates a new file beside path with a name nobody can predict, refusing
 * anything already there (O_EXCL) and symlinks (O_NOFOLLOW): a link an
 * attacker placed where the temporary goes is never written through.
 * Returns the descriptor and the name in tmp, or -1 with errno. */
static int
buf_create_temp(const char *path, char *tmp, size_t cap)
{
	static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
	uint8_t rnd[10];
	int fd;

	for (int tries = 0; tries < 64; tries++) {
		char sfx[sizeof(rnd) + 1];
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return -1;
		for (size_t i = 0; i < sizeof(rnd); i++)
			sfx[i] = digits[rnd[i] % (sizeof(digits) - 1)];
		sfx[sizeof(rnd)] = '\0';
		if (snprintf(tmp, cap, "%.*s.%s.%s.tmp", (int)dl, path,
		    path + dl, sfx) >= (int)cap) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

/* fsync of the directory holding path, so the rename survives a crash. */
static int
buf_sync_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, rc;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 :
	    (int)(slash - path), path) >= (int)sizeof(dir))
		return -1;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int
buf_write_file_atomic(const struct buf *b, const char *path, int mode)
{
	char tmp[PATH_MAX];
	size_t off = 0;
	ssize_t w;
	int fd, saved;

	if ((fd = buf_create_temp(path, tmp, sizeof(tmp))) < 0)
		return -1;
	while (off < b->len) {
		w = write(fd, b->data + off, b->len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)w;
	}
	/* Created 0600; widened only when the caller asks for it. */
	if ((mode & 07777) != 0600 && fchmod(fd, (mode_t)(mode & 07777)) != 0)
		goto fail;
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	return buf_sync_dir(path);
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;
	return -1;
}

int
buf_read_file(struct buf *b, const char *path, size_t max)
{
	uint8_t tmp[65536];
	ssize_t r;
	int fd;

	buf_reset(b);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	for (;;) {
		r = read(fd, tmp, sizeof(tmp));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		if (b->len + (size_t)r > max) {
			close(fd);
			return -2;
		}
		if (buf_append(b, tmp, (size_t)r) != 0) {
			close(fd);
			errno = ENOMEM;
			return -1;
		}
	}
	close(fd);
	return 0;
}

int
rd_u8(struct rd *r, uint8_t *v)
{
	if (r->end - r->p < 1)
		return -1;
	*v = *r->p++;
	return 0;
}

int
rd_u16(struct rd *r, uint16_t *v)
{
	if (r->end - r->p < 2)
		return -1;
	*v = (uint16_t)(r->p[0] << 8 | r->p[1]);
	r->p += 2;
	return 0;
}

int
rd_u32(struct rd *r, uint32_t *v)
{
	if (r->end - r->p < 4)
		return -1;
	*v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 |
	    (uint32_t)r->p[2] << 8 | r->p[3];
	r->p += 4;
	return 0;
}

int
rd_u64(struct rd *r, uint64_t *v)
{
	uint32_t hi = 0, lo = 0;

	if (r->end - r->p < 8)
		return -1;
	rd_u32(r, &hi);
	rd_u32(r, &lo);
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

int
rd_bytes(struct rd *r, void *out, size_t n)
{
	if ((size_t)(r->end - r->p) < n)
		return -1;
	memcpy(out, r->p, n);
	r->p += n;
	return 0;
}

int
rd_skip(struct rd *r, size_t n, const uint8_t **start)
{
	if ((size_t)(r->end - r->p) < n)
		return -1;
	if (start)
		*start = r->p;
	r->p += n;
	return 0;
}

int
buf_append_str8(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	if (n > 255)
		return -1;
	buf_append_byte(b, (uint8_t)n);
	return buf_append(b, s, n);
}

int
buf_append_str16(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	if (n > 65535)
		return -1;
	buf_append_u16(b, (uint16_t)n);
	return buf_append(b, s, n);
}

static int
rd_str(struct rd *r, size_t n, char *out, size_t cap)
{
	const uint8_t *p;

	if (n >= cap || rd_skip(r, n, &p) != 0)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

int
rd_str8(struct rd *r, char *out, size_t cap)
{
	uint8_t n;

	return rd_u8(r, &n) != 0 ? -1 : rd_str(r, n, out, cap);
}

int
rd_str16(struct rd *r, char *out, size_t cap)
{
	uint16_t n;

	return rd_u16(r, &n) != 0 ? -1 : rd_str(r, n, out, cap);
}
