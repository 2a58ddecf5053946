/* fuzz_cert.c - the certificate decoder (versions 1 and 2) and the QR
 * token parser: outside input from every scanned QR code. Whatever decodes
 * must re-encode to the same bytes (one canonical encoding); a v2 decodes
 * to no ID number, only its mask; a v1's mask is mask_id of its number. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/model/cert.h"
#include "skillcert/base/mask.h"

static void
fuzz_check_id(const struct cert *c)
{
	char m[CERT_ID_MAX + 1];
	uint8_t salt[CERT_SALT_LEN] = { 0 };

	if (c->version == CERT_VERSION_V1) {
		mask_id(c->id_number, m, sizeof(m));
		if (strcmp(m, c->id_masked) != 0)
			abort();
	} else if (c->version == CERT_VERSION) {
		if (c->id_number[0] != '\0' || c->id_masked[0] == '\0' ||
		    strlen(c->id_masked) > CERT_ID_MAX)
			abort();
		/* No number to check against: refused, never a match. */
		if (cert_id_check(c, salt, NULL) == 0)
			abort();
	} else
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cert c;
	struct buf enc = BUF_INIT, re = BUF_INIT;
	uint8_t sig[CERT_SIG_LEN];

	if (cert_decode(data, size, &c, NULL) == 0) {
		fuzz_check_id(&c);
		if (cert_encode(&c, &re, NULL) != 0 || re.len != size ||
		    memcmp(re.data, data, size) != 0)
			abort();
	}
	if (cert_token_parse((const char *)data, size, &c, &enc, sig, NULL) == 0) {
		fuzz_check_id(&c);
		if (cert_encode(&c, &re, NULL) != 0 || re.len != enc.len ||
		    memcmp(re.data, enc.data, enc.len) != 0)
			abort();
	}
	buf_free(&enc);
	buf_free(&re);
	return 0;
}
