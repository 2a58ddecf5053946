/* acctenc.h - the byte writer and reader the account records share
 * (account.c, acctlog.c): big-endian integers, u8-length strings. */
#ifndef SKILLCERT_STORE_ACCTENC_H
#define SKILLCERT_STORE_ACCTENC_H
#include <stdint.h>
#include <string.h>
#include "skillcert/base/endian.h"

struct enc { uint8_t *p; size_t n, cap; int bad; };
struct dec { const uint8_t *p; size_t n, at; int bad; };

static inline void
enc_bytes(struct enc *w, const void *v, size_t n)
{
	if (w->bad || w->n + n > w->cap) {
		w->bad = 1;
		return;
	}
	memcpy(w->p + w->n, v, n);
	w->n += n;
}

static inline void enc_u8(struct enc *w, unsigned v)
{ uint8_t b = (uint8_t)v; enc_bytes(w, &b, 1); }
static inline void enc_u32(struct enc *w, uint32_t v)
{ uint8_t b[4]; be_put32(b, v); enc_bytes(w, b, 4); }
static inline void enc_i64(struct enc *w, int64_t v)
{ uint8_t b[8]; be_put64(b, (uint64_t)v); enc_bytes(w, b, 8); }

static inline void
enc_str(struct enc *w, const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	if (n > 255) {
		w->bad = 1;
		return;
	}
	enc_u8(w, (unsigned)n);
	enc_bytes(w, s, n);
}

static inline const uint8_t *
dec_bytes(struct dec *r, size_t n)
{
	const uint8_t *p = r->p + r->at;
	if (r->bad || r->n - r->at < n) {
		r->bad = 1;
		return NULL;
	}
	r->at += n;
	return p;
}

static inline void
dec_copy(struct dec *r, void *out, size_t n)
{
	const uint8_t *p = dec_bytes(r, n);
	if (p)
		memcpy(out, p, n);
	else
		memset(out, 0, n);
}

static inline unsigned dec_u8(struct dec *r)
{ const uint8_t *p = dec_bytes(r, 1); return p ? *p : 0; }
static inline uint32_t dec_u32(struct dec *r)
{ const uint8_t *p = dec_bytes(r, 4); return p ? be_get32(p) : 0; }
static inline int64_t dec_i64(struct dec *r)
{ const uint8_t *p = dec_bytes(r, 8); return p ? (int64_t)be_get64(p) : 0; }

/* A string into out[cap] (cap counts the NUL); too long or holding a NUL
 * marks the record bad. */
static inline void
dec_str(struct dec *r, char *out, size_t cap)
{
	unsigned n = dec_u8(r);
	const uint8_t *p = dec_bytes(r, n);
	out[0] = '\0';
	if (p == NULL)
		return;
	if (n >= cap || memchr(p, 0, n) != NULL) {
		r->bad = 1;
		return;
	}
	memcpy(out, p, n);
	out[n] = '\0';
}
#endif
