/* person.c - checks of the person a certificate names: the GB 11643
 * resident ID number and the name as it may be printed and signed. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "skillcert/base/date.h"
#include "skillcert/base/utf8.h"
#include "skillcert/model/cert.h"
#include "skillcert/model/person.h"

/* ---- ID number ------------------------------------------------------- */

/* Full-width digits and Ｘ (typed with a Chinese input method) are read
 * as their ASCII forms; the ASCII form is written back only when the
 * whole number is valid. Returns the ASCII length or -1 at the first
 * other non-ASCII character (its 1-based position in *pos). */
static int
idcard_ascii(const char *id, char out[19], size_t *pos)
{
	const uint8_t *p = (const uint8_t *)id;
	size_t n = strlen(id), i = 0, k = 0;
	uint32_t c;
	int l;

	*pos = 0;
	while (i < n) {
		(*pos)++;
		if (p[i] < 0x80) {
			c = p[i];
			l = 1;
		} else if ((l = utf8_decode(p + i, n - i, &c)) == 0)
			return -1;
		if (c >= 0xff10 && c <= 0xff19)
			c = c - 0xff10 + '0';
		else if (c == 0xff38 || c == 0xff58)
			c = 'X';
		if (c >= 0x80)
			return -1;
		if (k < 18)
			out[k] = (char)c;
		k++;
		i += (size_t)l;
	}
	out[k < 18 ? k : 18] = '\0';
	return k > 18 ? 19 : (int)k;
}

int
person_check_idcard(char *id, struct err *e)
{
	static const int wt[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5,
	    8, 4, 2 };
	static const char ck[] = "10X98765432";
	char a[19];
	int32_t birth;
	size_t i, pos;
	int sum = 0, y, m, d, n;

	if (id == NULL || id[0] == '\0')
		return err_set(e, ERR_INVALID, "ID number is empty");
	if ((n = idcard_ascii(id, a, &pos)) < 0)
		return err_set(e, ERR_INVALID, "ID number character %zu is not "
		    "a digit or X", pos);
	if (n != 18)
		return err_set(e, ERR_INVALID, "ID number has %zu characters; "
		    "a resident ID number has 18", utf8_count(id));
	for (i = 0; i < 17; i++) {
		if (a[i] < '0' || a[i] > '9') {
			unsigned char c = (unsigned char)a[i];

			if (c > 0x20 && c < 0x7f)
				return err_set(e, ERR_INVALID, "ID number "
				    "character %zu is '%c'; the first 17 must "
				    "be digits", i + 1, c);
			return err_set(e, ERR_INVALID, "ID number character "
			    "%zu is byte 0x%02x; the first 17 must be digits",
			    i + 1, c);
		}
		sum += (a[i] - '0') * wt[i];
	}
	if (a[17] == 'x')
		a[17] = 'X';
	if ((a[17] < '0' || a[17] > '9') && a[17] != 'X')
		return err_set(e, ERR_INVALID, "ID number character 18 must be "
		    "a digit or X");
	y = (a[6] - '0') * 1000 + (a[7] - '0') * 100 + (a[8] - '0') * 10 +
	    (a[9] - '0');
	m = (a[10] - '0') * 10 + (a[11] - '0');
	d = (a[12] - '0') * 10 + (a[13] - '0');
	if (y < 1900)
		return err_set(e, ERR_INVALID, "ID number birth year %d "
		    "(characters 7-10) is before 1900", y);
	if (date_from_ymd(y, m, d, &birth) != 0)
		return err_set(e, ERR_INVALID, "ID number birth date %.8s "
		    "(characters 7-14) is not a real date", a + 6);
	if (birth > date_today())
		return err_set(e, ERR_INVALID, "ID number birth date %.8s "
		    "(characters 7-14) is in the future", a + 6);
	if (ck[sum % 11] != a[17])
		return err_set(e, ERR_INVALID, "ID number check character "
		    "should be %c, not %c (a digit is mistyped)", ck[sum % 11],
		    a[17]);
	memcpy(id, a, 19); /* never longer than the input */
	return 0;
}

/* ---- names ------------------------------------------------------------ */

static int
is_cjk(uint32_t c)
{
	return (c >= 0x4e00 && c <= 0x9fff) ||   /* unified */
	    (c >= 0x3400 && c <= 0x4dbf) ||      /* extension A */
	    c == 0x3007 ||                       /* 〇, used in names */
	    (c >= 0xf900 && c <= 0xfaff) ||      /* compatibility */
	    (c >= 0x20000 && c <= 0x2a6df) ||    /* extension B */
	    (c >= 0x2a700 && c <= 0x2ee5f) ||    /* extensions C-F, I */
	    (c >= 0x2f800 && c <= 0x2fa1f) ||    /* compatibility supplement */
	    (c >= 0x30000 && c <= 0x323af);      /* extensions G-H */
}

/* ASCII and the Latin-1/Extended-A/B letters of passports (Ü, É, Ł). */
static int
is_latin(uint32_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= 0xc0 && c <= 0x24f && c != 0xd7 && c != 0xf7);
}

static int
is_dot(uint32_t c)
{
	return c == 0xb7 || c == 0x30fb || c == 0x2022;
}

/* Describes character number pos (1-based) for a message. */
static int
name_bad(struct err *e, const char *name, size_t off, int len, size_t pos,
    uint32_t c, const char *why)
{
	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
		return err_set(e, ERR_INVALID, "name character %zu (U+%04X) is "
		    "%s", pos, (unsigned)c, why);
	return err_set(e, ERR_INVALID, "name character %zu (U+%04X '%.*s') is "
	    "%s", pos, (unsigned)c, len, name + off, why);
}

/* 1..CERT_NAME_MAX bytes of: CJK ideographs (URO, Ext A-I, compatibility,
 * 〇), Latin letters, a single space between two Latin letters, and the
 * middle dot U+00B7 (U+30FB and U+2022 accepted as the same dot; the
 * roster parser rewrites them to U+00B7, this check cannot since the
 * name is const) between two letters. U+FF0E and '.' are refused. */
/* Why character c (between prev and next) may not stand in a name, or
 * NULL when it may: CJK or Latin letters; one space between Latin words
 * (after an initial's full stop too, for foreign documents); a middle dot
 * between two parts. */
static const char *
person_name_char(uint32_t c, uint32_t prev, uint32_t next, int latin)
{
	if (is_cjk(c) || is_latin(c))
		return NULL;
	if (c == ' ')
		return (is_latin(prev) || (latin && prev == '.')) &&
		    is_latin(next) ? NULL : "a space; spaces may only separate "
		    "Latin words, one at a time";
	if (is_dot(c))
		return prev == 0 || next == 0 || is_dot(prev) || prev == ' ' ||
		    is_dot(next) || next == ' ' ? "a middle dot that does not "
		    "stand between two parts of the name" : NULL;
	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
		return "a control character";
	if ((c >= '0' && c <= '9') || (c >= 0xff10 && c <= 0xff19))
		return "a digit; a name holds letters only";
	if (c == 0x3000 || c == 0xa0 || c == '\t')
		return "a full-width or non-breaking space";
	return latin ? "not a letter allowed in a name (CJK, Latin, space, "
	    "middle dot, or ' - . in a Latin name)" : "not a letter allowed in "
	    "a name (CJK, Latin, space or middle dot)";
}

/* The marks foreign documents print between the parts of a Latin name:
 * O'Brien, Jean-Pierre, J. R. Smith. Never first: a name may not start
 * a spreadsheet formula. */
static const char *
person_latin_mark(uint32_t c, uint32_t prev, uint32_t next)
{
	if ((c == '\'' || c == 0x2019 || c == '-') &&
	    (!is_latin(prev) || !is_latin(next)))
		return "an apostrophe or hyphen that does not stand between two "
		    "Latin letters";
	if (c == '.' && (!is_latin(prev) || (next != 0 && next != ' ')))
		return "a full stop that does not end a Latin initial";
	return NULL;
}

static int
person_is_latin_mark(uint32_t c)
{
	return c == '\'' || c == 0x2019 || c == '-' || c == '.';
}

int
person_check_name(const char *name, struct err *e)
{
	return person_check_name_as(name, 0, e);
}

int
person_check_name_as(const char *name, int rules, struct err *e)
{
	const uint8_t *p = (const uint8_t *)name;
	size_t n, off = 0, pos = 0, bad;
	uint32_t c, prev = 0, next;
	const char *why;
	int l, latin = rules & PERSON_NAME_LATIN_MARKS;

	if (name == NULL || name[0] == '\0')
		return err_set(e, ERR_INVALID, "name is empty");
	n = strlen(name);
	if ((bad = utf8_check(p, n)) != 0)
		return err_set(e, ERR_INVALID, "name byte %zu is not valid "
		    "UTF-8", bad);
	if (n > CERT_NAME_MAX)
		return err_set(e, ERR_INVALID, "name is %zu bytes of UTF-8; "
		    "the limit is %d (20 Chinese characters)", n, CERT_NAME_MAX);
	while (off < n) {
		l = utf8_decode(p + off, n - off, &c);
		pos++;
		next = 0; /* already checked: decoding cannot fail */
		if (off + (size_t)l < n)
			(void)utf8_decode(p + off + l, n - off - l, &next);
		if (latin && person_is_latin_mark(c)) {
			if ((why = person_latin_mark(c, prev, next)) != NULL)
				return name_bad(e, name, off, l, pos, c, why);
		} else if ((why = person_name_char(c, prev, next, latin)) != NULL)
			return name_bad(e, name, off, l, pos, c, why);
		prev = c;
		off += (size_t)l;
	}
	return 0;
}

/* ---- home region ----------------------------------------------------- */

int
person_home_region(const struct catalog *cat, const char *id, int *code,
    const char **name)
{
	char six[7];
	int c;

	*name = NULL;
	if (strlen(id) < 6)
		return -1;
	memcpy(six, id, 6);
	six[6] = '\0';
	if ((c = catalog_region_code_parse(six)) < 0)
		return -1;
	*code = c;
	if ((*name = catalog_region_name(cat, c)) == NULL &&
	    (*name = catalog_region_name(cat, c / 100 * 100)) == NULL)
		*name = catalog_region_name(cat, c / 10000 * 10000);
	return 0;
}
