/* form.c - request parsing for the portal: query strings, urlencoded and
 * multipart/form-data bodies, cookies. Outside input: every length is
 * bounded and the fuzzer (tests/fuzz/fuzz_portal_form.c) drives it. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "portal_int.h"
#include "skillcert/base/hex.h"

void
form_init(struct form *f)
{
	memset(f, 0, sizeof(*f));
}

void
form_free(struct form *f)
{
	for (size_t i = 0; i < f->n; i++) {
		if (f->f[i].value) {
			explicit_bzero(f->f[i].value, f->f[i].len);
			free(f->f[i].value);
		}
	}
	memset(f, 0, sizeof(*f));
}

int
url_decode(const char *s, size_t n, char *out, size_t cap, int plus)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%') {
			int h, l;
			if (i + 2 >= n || (h = hex_digit(s[i + 1])) < 0 ||
			    (l = hex_digit(s[i + 2])) < 0)
				return -1;
			c = (char)(h << 4 | l);
			i += 2;
		} else if (c == '+' && plus) {
			c = ' ';
		}
		if (o + 1 >= cap)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return (int)o;
}

int
url_encode(struct buf *b, const char *s)
{
	static const char hx[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
		    c == '~')
			buf_append_byte(b, c);
		else {
			buf_append_byte(b, '%');
			buf_append_byte(b, (uint8_t)hx[c >> 4]);
			buf_append_byte(b, (uint8_t)hx[c & 15]);
		}
	}
	return b->oom ? -1 : 0;
}

/* Adds a field with a copy of value (len bytes, NUL added). */
static int
form_add(struct form *f, const char *name, size_t nlen, const char *value,
    size_t len, struct err *e)
{
	struct form_field *x;

	if (f->n >= FORM_MAX_FIELDS)
		return err_set(e, ERR_INVALID, "form: more than %d fields",
		    FORM_MAX_FIELDS);
	if (nlen == 0 || nlen > FORM_MAX_NAME)
		return err_set(e, ERR_INVALID, "form: a field name is empty or "
		    "longer than %d bytes", FORM_MAX_NAME);
	x = &f->f[f->n];
	memset(x, 0, sizeof(*x));
	memcpy(x->name, name, nlen);
	if ((x->value = malloc(len + 1)) == NULL)
		return err_set(e, ERR_NOMEM, "form: out of memory");
	if (len)
		memcpy(x->value, value, len);
	x->value[len] = '\0';
	x->len = len;
	f->n++;
	return 0;
}

int
form_add_field(struct form *f, const char *name, size_t nlen,
    const char *value, size_t len, struct err *e)
{
	return form_add(f, name, nlen, value, len, e);
}

/* One name=value pair of an urlencoded text. */
static int
form_pair(struct form *f, const char *s, size_t n, struct err *e)
{
	const char *eq = memchr(s, '=', n);
	size_t nl = eq ? (size_t)(eq - s) : n;
	size_t vl = eq ? n - nl - 1 : 0;
	char name[FORM_MAX_NAME + 1];
	char *val;
	int vn, rc;

	if (nl == 0)
		return 0;
	if (url_decode(s, nl, name, sizeof(name), 1) <= 0)
		return err_set(e, ERR_INVALID, "form: bad field name");
	if ((val = malloc(vl + 1)) == NULL)
		return err_set(e, ERR_NOMEM, "form: out of memory");
	if ((vn = url_decode(eq ? eq + 1 : "", vl, val, vl + 1, 1)) < 0) {
		free(val);
		return err_set(e, ERR_INVALID, "form: bad %%-escape in field %s",
		    name);
	}
	rc = form_add(f, name, strlen(name), val, (size_t)vn, e);
	explicit_bzero(val, vl + 1);
	free(val);
	return rc;
}

int
form_parse_urlencoded(struct form *f, const uint8_t *p, size_t n,
    struct err *e)
{
	const char *s = (const char *)p, *end = s + n;
	int rc;

	while (s < end) {
		const char *amp = memchr(s, '&', (size_t)(end - s));
		size_t len = amp ? (size_t)(amp - s) : (size_t)(end - s);
		if ((rc = form_pair(f, s, len, e)) != 0)
			return rc;
		s += len + (amp ? 1 : 0);
	}
	return 0;
}

const struct form_field *
form_find(const struct form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->f[i].name, name) == 0)
			return &f->f[i];
	return NULL;
}

const char *
form_get(const struct form *f, const char *name)
{
	const struct form_field *x = form_find(f, name);

	return x ? x->value : "";
}

int
cookie_get(const char *h, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);

	if (h == NULL || cap == 0)
		return -1;
	while (*h) {
		while (*h == ' ' || *h == ';' || *h == '\t')
			h++;
		const char *end = strchr(h, ';');
		size_t len = end ? (size_t)(end - h) : strlen(h);
		if (len > nl && strncmp(h, name, nl) == 0 && h[nl] == '=') {
			size_t vl = len - nl - 1;
			if (vl + 1 > cap)
				return -1;
			memcpy(out, h + nl + 1, vl);
			out[vl] = '\0';
			return 0;
		}
		h += len;
	}
	return -1;
}
