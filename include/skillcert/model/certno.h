/* certno.h - the national 22-character certificate number (人社鉴发〔2019〕2号).
 *   [SY] body(4) province(2) site(6) year(2) level(1) seq(6)
 * The first 13 characters are the issuing organization's code. */
#ifndef SKILLCERT_CERTNO_H
#define SKILLCERT_CERTNO_H

#include <stdint.h>
#include "skillcert/base/err.h"

#define CERTNO_LEN 22
#define ORGCODE_LEN 13
#define CERTNO_SEQ_MAX 999999u

struct certno {
	char type;       /* 'S' or 'Y' */
	char org[ORGCODE_LEN + 1]; /* e.g. S000036000001 */
	int year2;       /* 0..99 */
	int level;       /* 1..5 */
	uint32_t seq;    /* 1..999999 */
};

/* Strict parse of ^[SY][0-9]{15}[1-5][0-9]{6}$ (seq 000000 rejected). */
int certno_parse(const char *s, struct certno *out, struct err *e);
void certno_format(const struct certno *c, char out[CERTNO_LEN + 1]);
/* Checks an organization code ^[SY][0-9]{12}$; province digits 11..82. */
int orgcode_check(const char *s, struct err *e);
/* Province (GB/T 2260 two digits) of an org code or cert number. */
int orgcode_province(const char *code);

/* Compact binary form used inside signed encodings: 11 bytes. */
#define CERTNO_PACKED_LEN 11
void certno_pack(const struct certno *c, uint8_t out[CERTNO_PACKED_LEN]);
int certno_unpack(const uint8_t in[CERTNO_PACKED_LEN], struct certno *c);

#endif
