/* fuzz_text.c - decoders and maskers on arbitrary input; checks the
 * round trips and invariants they promise. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "skillcert/base/buf.h"
#include "skillcert/base/utf8.h"
#include "skillcert/base/base32.h"
#include "skillcert/base/hex.h"
#include "skillcert/base/html.h"
#include "skillcert/base/mask.h"
#include "skillcert/base/date.h"
#include "skillcert/base/json.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf b = BUF_INIT;
	uint8_t *bin;
	char *s, *out, *enc;
	size_t bad, cap;
	long n;
	int32_t days;
	int y, m, d;
	char iso[11];

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	/* base32: what decodes re-encodes to the same text (upper case). */
	cap = size;
	if ((bin = malloc(cap + 1)) != NULL) {
		n = base32_decode(s, size, bin, cap, &bad);
		if (n < 0 && bad > size)
			abort();
		if (n >= 0 && (enc = malloc(base32_encoded_len((size_t)n) + 1))) {
			base32_encode(bin, (size_t)n, enc);
			if (strlen(enc) != size || strncasecmp(enc, s, size) != 0)
				abort();
			free(enc);
		}
		(void)hex_decode(s, size, bin, cap);
		free(bin);
	}

	/* Dates: an accepted date formats back to a date that parses the same. */
	if (date_parse(s, &days) == 0) {
		int32_t again;

		date_to_ymd(days, &y, &m, &d);
		date_format_iso(days, iso);
		if (date_parse(iso, &again) != 0 || again != days)
			abort();
	}

	/* UTF-8: check and decode agree. */
	if (utf8_check(data, size) == 0) {
		size_t i = 0;
		uint32_t cp;
		int l;

		while (i < size) {
			if ((l = utf8_decode(data + i, size - i, &cp)) == 0)
				abort();
			i += (size_t)l;
		}
	}

	/* Masks fit in strlen + 1 and are valid UTF-8. */
	cap = strlen(s) + 1;
	if ((out = malloc(cap)) != NULL) {
		mask_name(s, out, cap);
		if (utf8_check((const uint8_t *)out, strlen(out)) != 0)
			abort();
		mask_id(s, out, cap);
		mask_name(s, out, cap > 3 ? cap / 2 : cap);
		free(out);
	}
	if (json_escape(&b, s) != 0 || html_escape(&b, s) != 0)
		abort();
	buf_free(&b);
	free(s);
	return 0;
}
