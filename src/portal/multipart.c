/* multipart.c - multipart/form-data (RFC 7578) for roster uploads, and the
 * choice of body parser by Content-Type: the
 * boundary from the Content-Type, each part's Content-Disposition name and
 * filename, its Content-Type; headers of a part bounded to 4 KiB. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "portal_int.h"

#define MP_BOUNDARY_MAX 70   /* RFC 2046 */
#define MP_HEAD_MAX 4096

static const uint8_t *
mp_find(const uint8_t *p, size_t n, const char *needle, size_t nl)
{
	if (nl == 0 || n < nl)
		return NULL;
	return memmem(p, n, needle, nl);
}

/* The boundary parameter, unquoted. */
static int
mp_boundary(const char *ct, char *out, size_t cap)
{
	const char *b = strcasestr(ct, "boundary=");
	size_t n = 0;

	if (b == NULL)
		return -1;
	b += 9;
	if (*b == '"') {
		const char *q = strchr(++b, '"');
		if (q == NULL)
			return -1;
		n = (size_t)(q - b);
	} else {
		n = strcspn(b, "; \t");
	}
	if (n == 0 || n > MP_BOUNDARY_MAX || n + 1 > cap)
		return -1;
	memcpy(out, b, n);
	out[n] = '\0';
	return 0;
}

/* A parameter (name= or filename=) of a Content-Disposition line. */
static void
mp_param(const char *line, const char *key, char *out, size_t cap)
{
	const char *s = line;
	size_t kl = strlen(key);

	out[0] = '\0';
	while ((s = strcasestr(s, key)) != NULL) {
		/* "name=" must not match inside "filename=" */
		if (s > line && s[-1] != ' ' && s[-1] != ';' && s[-1] != '\t') {
			s += kl;
			continue;
		}
		s += kl;
		size_t n;
		if (*s == '"') {
			const char *q = strchr(++s, '"');
			n = q ? (size_t)(q - s) : strlen(s);
		} else {
			n = strcspn(s, "; \t");
		}
		if (n >= cap)
			n = cap - 1;
		memcpy(out, s, n);
		out[n] = '\0';
		return;
	}
}

/* One part's headers (head, hl bytes) into name, filename, ctype. */
static int
mp_headers(const char *head, size_t hl, struct form_field *x, char *name,
    size_t ncap, struct err *e)
{
	char h[MP_HEAD_MAX + 1];
	char *line, *save = NULL;

	if (hl > MP_HEAD_MAX)
		return err_set(e, ERR_INVALID, "multipart: part headers over %d "
		    "bytes", MP_HEAD_MAX);
	memcpy(h, head, hl);
	h[hl] = '\0';
	name[0] = '\0';
	for (line = strtok_r(h, "\r\n", &save); line;
	    line = strtok_r(NULL, "\r\n", &save)) {
		if (strncasecmp(line, "Content-Disposition:", 20) == 0) {
			mp_param(line + 20, "name=", name, ncap);
			mp_param(line + 20, "filename=", x->filename,
			    sizeof(x->filename));
		} else if (strncasecmp(line, "Content-Type:", 13) == 0) {
			const char *v = line + 13;
			while (*v == ' ')
				v++;
			strncpy(x->ctype, v, sizeof(x->ctype) - 1);
		}
	}
	if (!name[0])
		return err_set(e, ERR_INVALID, "multipart: a part has no name");
	return 0;
}

/* Parses one part (between boundaries) and adds it. */
static int
mp_part(struct form *f, const uint8_t *p, size_t n, struct err *e)
{
	const uint8_t *sep = mp_find(p, n, "\r\n\r\n", 4);
	struct form_field meta;
	char name[FORM_MAX_NAME + 1];
	int rc;

	if (sep == NULL)
		return err_set(e, ERR_INVALID, "multipart: a part has no blank "
		    "line after its headers");
	memset(&meta, 0, sizeof(meta));
	if ((rc = mp_headers((const char *)p, (size_t)(sep - p), &meta, name,
	    sizeof(name), e)) != 0)
		return rc;
	size_t before = f->n;
	const uint8_t *body = sep + 4;
	size_t bl = n - (size_t)(body - p);
	if ((rc = form_add_field(f, name, strlen(name), (const char *)body, bl,
	    e)) != 0)
		return rc;
	if (f->n > before) {
		memcpy(f->f[before].filename, meta.filename, sizeof(meta.filename));
		memcpy(f->f[before].ctype, meta.ctype, sizeof(meta.ctype));
	}
	return 0;
}

int
form_parse_multipart(struct form *f, const char *ct, const uint8_t *p,
    size_t n, struct err *e)
{
	char bd[MP_BOUNDARY_MAX + 5], b[MP_BOUNDARY_MAX + 1];
	const uint8_t *s, *end = p + n;
	int rc;

	if (mp_boundary(ct, b, sizeof(b)) != 0)
		return err_set(e, ERR_INVALID, "multipart: no usable boundary in "
		    "Content-Type");
	size_t bl = (size_t)snprintf(bd, sizeof(bd), "\r\n--%s", b);
	/* the first boundary may open the body without the CRLF */
	if (n >= bl - 2 && memcmp(p, bd + 2, bl - 2) == 0)
		s = p + bl - 2;
	else if ((s = mp_find(p, n, bd, bl)) != NULL)
		s += bl;
	else
		return err_set(e, ERR_INVALID, "multipart: boundary not found");
	for (;;) {
		if (end - s >= 2 && s[0] == '-' && s[1] == '-')
			return 0;                /* closing boundary */
		if (end - s < 2 || s[0] != '\r' || s[1] != '\n')
			return err_set(e, ERR_INVALID, "multipart: bad boundary line");
		s += 2;
		const uint8_t *next = mp_find(s, (size_t)(end - s), bd, bl);
		if (next == NULL)
			return err_set(e, ERR_INVALID, "multipart: body ends inside "
			    "a part (no closing boundary)");
		if ((rc = mp_part(f, s, (size_t)(next - s), e)) != 0)
			return rc;
		s = next + bl;
	}
}

int
form_parse_query(struct form *f, const struct portal_req *rq, struct err *e)
{
	if (rq->query == NULL)
		return 0;
	return form_parse_urlencoded(f, (const uint8_t *)rq->query,
	    strlen(rq->query), e);
}

int
form_parse_body(struct form *f, const struct portal_req *rq, struct err *e)
{
	const char *ct = rq->content_type ? rq->content_type : "";

	if (strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0)
		return form_parse_urlencoded(f, rq->body, rq->body_len, e);
	if (strncasecmp(ct, "multipart/form-data", 19) == 0)
		return form_parse_multipart(f, ct, rq->body, rq->body_len, e);
	if (rq->body_len == 0)
		return 0;
	return err_set(e, ERR_INVALID, "form: Content-Type %.60s is neither "
	    "urlencoded nor multipart/form-data", ct);
}
