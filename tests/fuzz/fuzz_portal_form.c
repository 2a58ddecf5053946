/* fuzz_portal_form.c - libFuzzer target for the portal's request parsers
 * (src/portal/form.c, multipart.c): urlencoded bodies and query strings,
 * multipart/form-data with a boundary taken from the input, Cookie
 * headers, percent-decoding. Seeds: tests/fuzz/seeds/portal_form.
 * The first byte picks the parser; the invariants checked here abort on
 * violation (a crash to libFuzzer). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../src/portal/portal_int.h"

/* Every parsed field is bounded and NUL-terminated at its length. */
static void
check_form(const struct form *f)
{
	if (f->n > FORM_MAX_FIELDS)
		abort();
	for (size_t i = 0; i < f->n; i++) {
		const struct form_field *x = &f->f[i];
		if (!x->name[0] || strlen(x->name) > FORM_MAX_NAME || x->value == NULL ||
		    x->value[x->len] != '\0' || strlen(x->filename) >= sizeof(x->filename))
			abort();
		if (form_find(f, x->name) == NULL)
			abort();
	}
}

static void
fuzz_multipart(const uint8_t *p, size_t n)
{
	/* the Content-Type is the input up to the first newline */
	const uint8_t *nl = memchr(p, '\n', n);
	size_t hl = nl ? (size_t)(nl - p) : n;
	char ct[256];
	struct form f;
	struct err e;

	if (hl >= sizeof(ct))
		hl = sizeof(ct) - 1;
	memcpy(ct, p, hl);
	ct[hl] = '\0';
	form_init(&f);
	const uint8_t *body = nl ? nl + 1 : p + n;
	if (form_parse_multipart(&f, ct, body, (size_t)(p + n - body), &e) == 0)
		check_form(&f);
	form_free(&f);
}

static void
fuzz_cookie(const uint8_t *p, size_t n)
{
	char *h = malloc(n + 1), out[80];

	if (h == NULL)
		return;
	memcpy(h, p, n);
	h[n] = '\0';
	if (cookie_get(h, "__Host-skillcert", out, sizeof(out)) == 0 &&
	    strlen(out) >= sizeof(out))
		abort();
	free(h);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form f;
	struct err e;
	char out[512];

	if (size < 1)
		return 0;
	const uint8_t *p = data + 1;
	size_t n = size - 1;
	switch (data[0] % 4) {
	case 0:
		form_init(&f);
		if (form_parse_urlencoded(&f, p, n, &e) == 0)
			check_form(&f);
		form_free(&f);
		break;
	case 1:
		fuzz_multipart(p, n);
		break;
	case 2:
		fuzz_cookie(p, n);
		break;
	default: {
		int r = url_decode((const char *)p, n, out, sizeof(out), 1);
		if (r >= (int)sizeof(out) || (r >= 0 && out[r] != '\0'))
			abort();
		break;
	}
	}
	return 0;
}
