/* fuzz_cert.c - the certificate decoder and the QR token parser: outside
 * input from every scanned QR code. Whatever decodes must re-encode to the
 * same bytes (one canonical encoding). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/model/cert.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cert c;
	struct buf enc = BUF_INIT, re = BUF_INIT;
	uint8_t sig[CERT_SIG_LEN];

	if (cert_decode(data, size, &c, NULL) == 0) {
		if (cert_encode(&c, &re, NULL) != 0 || re.len != size ||
		    memcmp(re.data, data, size) != 0)
			abort();
	}
	if (cert_token_parse((const char *)data, size, &c, &enc, sig, NULL) == 0) {
		if (cert_encode(&c, &re, NULL) != 0 || re.len != enc.len ||
		    memcmp(re.data, enc.data, enc.len) != 0)
			abort();
	}
	buf_free(&enc);
	buf_free(&re);
	return 0;
}
