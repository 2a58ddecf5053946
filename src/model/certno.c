/* certno.c - the national certificate number and organization code. */
#include <stdio.h>
#include <string.h>

#include "skillcert/model/certno.h"

static uint64_t
digits_value(const char *s, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	return v;
}

int
orgcode_check(const char *s, struct err *e)
{
	size_t n = strlen(s);
	int prov;

	if (n != ORGCODE_LEN)
		return err_set(e, ERR_INVALID,
		    "organization code '%.40s' has %zu characters, expected 13 "
		    "(S or Y, 4-digit body, 2-digit province, 6-digit site)", s, n);
	if (s[0] != 'S' && s[0] != 'Y')
		return err_set(e, ERR_INVALID,
		    "organization code must start with S (社会培训评价组织) or Y "
		    "(用人单位), not '%c'", s[0]);
	for (size_t i = 1; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return err_set(e, ERR_INVALID,
			    "organization code character %zu ('%c') is not a digit",
			    i + 1, s[i]);
	prov = orgcode_province(s);
	if (prov < 11 || prov > 82)
		return err_set(e, ERR_INVALID,
		    "organization code province '%.2s' is not a GB/T 2260 province",
		    s + 5);
	return 0;
}

int
orgcode_province(const char *code)
{
	return (code[5] - '0') * 10 + (code[6] - '0');
}

int
certno_parse(const char *s, struct certno *out, struct err *e)
{
	size_t n = strlen(s);
	char org[ORGCODE_LEN + 1];

	if (n != CERTNO_LEN)
		return err_set(e, ERR_INVALID,
		    "certificate number has %zu characters, expected 22", n);
	if (s[0] != 'S' && s[0] != 'Y')
		return err_set(e, ERR_INVALID,
		    "certificate number must start with S or Y, not byte 1 '%c'", s[0]);
	for (size_t i = 1; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return err_set(e, ERR_INVALID,
			    "certificate number byte %zu is not a digit", i + 1);
	if (s[15] < '1' || s[15] > '5')
		return err_set(e, ERR_INVALID,
		    "certificate number byte 16 (level) must be 1-5, not '%c'", s[15]);
	memcpy(org, s, ORGCODE_LEN);
	org[ORGCODE_LEN] = '\0';
	if (orgcode_check(org, e) != 0)
		return err_prefix(e, "certificate number: ");
	out->type = s[0];
	memcpy(out->org, org, sizeof(org));
	out->year2 = (int)digits_value(s + 13, 2);
	out->level = s[15] - '0';
	out->seq = (uint32_t)digits_value(s + 16, 6);
	if (out->seq == 0)
		return err_set(e, ERR_INVALID,
		    "certificate number sequence 000000 is never issued");
	return 0;
}

void
certno_format(const struct certno *c, char out[CERTNO_LEN + 1])
{
	uint32_t seq = c->seq % 1000000u;

	memcpy(out, c->org, ORGCODE_LEN);
	out[13] = (char)('0' + (c->year2 % 100) / 10);
	out[14] = (char)('0' + c->year2 % 10);
	out[15] = (char)('0' + c->level % 10);
	for (int i = 21; i >= 16; i--, seq /= 10)
		out[i] = (char)('0' + seq % 10);
	out[CERTNO_LEN] = '\0';
}

/* type bit | 12 org digits (40 bits) | year (8) | level (8) | seq (24). */
void
certno_pack(const struct certno *c, uint8_t out[CERTNO_PACKED_LEN])
{
	uint64_t org = digits_value(c->org + 1, 12);

	out[0] = c->type == 'Y' ? 1 : 0;
	for (int i = 0; i < 5; i++)
		out[1 + i] = (uint8_t)(org >> (8 * (4 - i)));
	out[6] = (uint8_t)c->year2;
	out[7] = (uint8_t)c->level;
	out[8] = (uint8_t)(c->seq >> 16);
	out[9] = (uint8_t)(c->seq >> 8);
	out[10] = (uint8_t)c->seq;
}

int
certno_unpack(const uint8_t in[CERTNO_PACKED_LEN], struct certno *c)
{
	uint64_t org = 0;

	if (in[0] > 1 || in[6] > 99 || in[7] < 1 || in[7] > 5)
		return -1;
	for (int i = 0; i < 5; i++)
		org = org << 8 | in[1 + i];
	if (org > 999999999999ull)
		return -1;
	c->type = in[0] ? 'Y' : 'S';
	snprintf(c->org, sizeof(c->org), "%c%012llu", c->type,
	    (unsigned long long)org);
	c->year2 = in[6];
	c->level = in[7];
	c->seq = (uint32_t)in[8] << 16 | (uint32_t)in[9] << 8 | in[10];
	if (c->seq == 0 || c->seq > CERTNO_SEQ_MAX)
		return -1;
	if (orgcode_check(c->org, NULL) != 0)
		return -1;
	return 0;
}
