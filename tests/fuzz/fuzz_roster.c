/* fuzz_roster.c - roster_parse and the encoding detector on arbitrary
 * bytes, plus the field checks on NUL-terminated copies of the input and
 * of every parsed field. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/base/err.h"
#include "skillcert/roster/roster.h"
#include "skillcert/base/utf8.h"
#include "skillcert/model/person.h"
#include "skillcert/roster/photo.h"

static void
check_fields(const char *s)
{
	struct err e;
	char *copy;
	size_t n = strlen(s);
	int w, h;

	if ((copy = malloc(n + 1)) == NULL)
		return;
	memcpy(copy, s, n + 1);
	(void)person_check_idcard(copy, &e);
	(void)person_check_name(s, &e);
	(void)photo_check((const unsigned char *)s, n, 1 << 20, &w, &h, &e);
	free(copy);
}

/* What the detector promises: UTF-8 only for valid UTF-8 (after a BOM),
 * damage only with the offset of a byte that really is bad. */
static void
check_detector(const uint8_t *data, size_t size)
{
	size_t bad, skip = size >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	uint32_t cp;
	int enc = roster_detect_encoding((const char *)data, size, &bad);

	if (enc == ROSTER_ENC_UTF8 && utf8_check(data + skip, size - skip) != 0)
		abort();
	if (enc == ROSTER_ENC_UTF8_DAMAGED && (bad == 0 || bad > size ||
	    (data[bad - 1] < 0x80) ||
	    utf8_decode(data + bad - 1, size - bad + 1, &cp) != 0))
		abort();
	if (enc == ROSTER_ENC_GB18030 && utf8_check(data, size) == 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct roster r;
	struct err e;
	char *s;
	size_t i;
	int c;

	check_detector(data, size);
	err_clear(&e);
	if (roster_parse((const char *)data, size, &r, &e) == 0) {
		for (i = 0; i < r.nrows; i++) {
			for (c = 0; c < RC_NCOLS; c++) {
				/* Fields must be valid UTF-8 and in bounds. */
				if (utf8_check((const uint8_t *)r.rows[i].f[c],
				    strlen(r.rows[i].f[c])) != 0 ||
				    strlen(r.rows[i].f[c]) > ROSTER_FIELD_MAX)
					abort();
			}
			check_fields(r.rows[i].f[RC_NAME]);
			check_fields(r.rows[i].f[RC_ID_NUMBER]);
		}
	} else if (e.msg[0] == '\0' || r.rows != NULL || r.arena != NULL)
		abort(); /* an error must say why and leave nothing behind */
	roster_free(&r);

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_fields(s);
	(void)photo_check(data, size, 1 << 20, NULL, NULL, &e);
	free(s);
	return 0;
}
