/* fuzz_roster.c - roster_parse on arbitrary bytes, plus the field checks
 * on NUL-terminated copies of the input and of every parsed field. */
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct roster r;
	struct err e;
	char *s;
	size_t i;
	int c;

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
