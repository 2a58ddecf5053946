/* text.h - UTF-8, base32, hex, escaping and masking for what the public sees. */
#ifndef SKILLCERT_TEXT_H
#define SKILLCERT_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include "skillcert/buf.h"

/* Decodes one UTF-8 scalar at s (n bytes available). Returns its length
 * 1..4, or 0 on an invalid / overlong / surrogate / truncated sequence. */
int utf8_decode(const uint8_t *s, size_t n, uint32_t *cp);
/* Returns 0 if s[0..n) is valid UTF-8, else the byte offset + 1 of the
 * first bad byte. */
size_t utf8_check(const uint8_t *s, size_t n);
/* Number of scalars in valid UTF-8. */
size_t utf8_count(const char *s);
int utf8_encode(uint32_t cp, char out[4]);

/* RFC 4648 base32, upper case, no padding (QR alphanumeric safe). */
size_t base32_encoded_len(size_t n);
void base32_encode(const uint8_t *in, size_t n, char *out); /* NUL-terminates */
/* Accepts upper or lower case; returns bytes written or -1 on a bad char
 * (its offset in *bad if not NULL) or non-canonical tail. */
long base32_decode(const char *in, size_t n, uint8_t *out, size_t cap, size_t *bad);

void hex_encode(const uint8_t *in, size_t n, char *out); /* lower, NUL-terminated */
int hex_digit(char c);   /* 0..15, or -1 */
long hex_decode(const char *in, size_t n, uint8_t *out, size_t cap);

/* HTML text/attribute escaping of & < > " ' */
int html_escape(struct buf *b, const char *s);
/* JSON string body escaping (no quotes added); control chars as \u00XX. */
int json_escape(struct buf *b, const char *s);

/* Public masking (DOMAIN.md): name keeps first and last character
 * ("张*华", "李*", "阿****提"); ID keeps first 4 and last 4
 * ("3601**********123X"). Output is NUL-terminated, cap >= input + 1
 * suffices for IDs; names may need up to strlen*1 + 4. */
void mask_name(const char *name, char *out, size_t cap);
void mask_id(const char *id, char *out, size_t cap);

/* Dates are days since 1970-01-01 (UTC calendar, no time zone). */
int date_from_ymd(int y, int m, int d, int32_t *days); /* -1 if invalid */
void date_to_ymd(int32_t days, int *y, int *m, int *d);
void date_format_iso(int32_t days, char out[11]);       /* 2021-03-15 */
void date_format_cn(int32_t days, char out[32]);        /* 2021年3月15日 */
/* Parses 2021-03-15, 2021/3/15, 2021.3.15, 2021年3月15日, 20210315. */
int date_parse(const char *s, int32_t *days);
int32_t date_today(void);

#endif
