/* fuzz_auth.c - what the portal reads from a request into auth: the
 * 43-character id (cookie, bearer token; a parsed id must print back the
 * same), a TOTP code, a password against the policy. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/auth/auth.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t sec[AUTH_TOTP_SECRET] = { 7 };
	uint8_t id[AUTH_ID_LEN];
	char s[AUTH_PW_MAX + 2], back[AUTH_ID_TEXT + 1];
	int64_t last = 0;
	struct err e;

	if (size > AUTH_PW_MAX + 1)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (auth_id_parse(s, id) == 0) {
		auth_id_text(id, back);
		if (strcmp(back, s) != 0)
			abort();
	}
	(void)auth_totp_check(sec, sizeof(sec), s, 1700000000, &last);
	(void)auth_password_check(s, "op.wang", &e);
	return 0;
}
