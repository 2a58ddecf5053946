/* buf.h - a growable byte buffer: the one owner of bytes built piecemeal. */
#ifndef SKILLCERT_BUF_H
#define SKILLCERT_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	int oom; /* set once an allocation failed; later appends are no-ops */
};

#define BUF_INIT { NULL, 0, 0, 0 }

void buf_init(struct buf *b);
void buf_free(struct buf *b);
/* Zeroes the whole allocation (explicit_bzero) before freeing: buffers
 * that held a secret or personal data. An empty buffer is fine. */
void buf_free_wipe(struct buf *b);
void buf_reset(struct buf *b);            /* len = 0, keeps memory */
int buf_reserve(struct buf *b, size_t extra); /* 0 ok, -1 oom */
int buf_append(struct buf *b, const void *p, size_t n);
int buf_append_str(struct buf *b, const char *s);
int buf_append_byte(struct buf *b, uint8_t c);
int buf_append_uint(struct buf *b, uint64_t v);   /* decimal, no printf */
int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Big-endian fixed-width integers, the byte order of every on-disk format. */
int buf_append_u16(struct buf *b, uint16_t v);
int buf_append_u32(struct buf *b, uint32_t v);
int buf_append_u64(struct buf *b, uint64_t v);
/* Length-prefixed strings (u8 or u16 length, no NUL) of stored formats. */
int buf_append_str8(struct buf *b, const char *s);   /* -1 if over 255 */
int buf_append_str16(struct buf *b, const char *s);  /* -1 if over 65535 */
/* NUL-terminates without counting the NUL in len; returns data or NULL. */
char *buf_cstr(struct buf *b);
/* Writes to path atomically: a new temporary file beside it (unpredictable
 * name, O_EXCL|O_NOFOLLOW, created 0600, then given mode), fsync, rename,
 * fsync of the directory. A symlink at path is replaced, never followed. */
int buf_write_file_atomic(const struct buf *b, const char *path, int mode);
/* Reads a whole file, refusing more than max bytes; 0 ok, -1 errno set,
 * -2 too large. */
int buf_read_file(struct buf *b, const char *path, size_t max);

/* Readers of big-endian integers with bounds: advance *p, return -1 short. */
struct rd {
	const uint8_t *p;
	const uint8_t *end;
};
int rd_u8(struct rd *r, uint8_t *v);
int rd_u16(struct rd *r, uint16_t *v);
int rd_u32(struct rd *r, uint32_t *v);
int rd_u64(struct rd *r, uint64_t *v);
int rd_bytes(struct rd *r, void *out, size_t n);
int rd_skip(struct rd *r, size_t n, const uint8_t **start);
/* Reads a length-prefixed string into out (NUL-terminated); -1 if short
 * or if it does not fit in cap. */
int rd_str8(struct rd *r, char *out, size_t cap);
int rd_str16(struct rd *r, char *out, size_t cap);

#endif
