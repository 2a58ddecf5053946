/* fetch.c - HTTPS GETs with libcurl for the online check (fetch.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>

#include "skillcert/online/answer.h"
#include "skillcert/online/fetch.h"

struct fetch_sink {
	struct buf *body;
	size_t cap;
	int over;
};

static size_t
fetch_write(char *p, size_t size, size_t n, void *arg)
{
	struct fetch_sink *s = arg;
	size_t len = size * n;

	if (s->body->len + len > s->cap) {
		s->over = 1;
		return 0;                  /* aborts the transfer */
	}
	return buf_append(s->body, p, len) == 0 ? len : 0;
}

/* 1 if host (as a URL spells it, IPv6 in brackets) is a loopback address. */
static int
fetch_is_loopback(const char *host)
{
	char h[64];
	struct in_addr a4;
	struct in6_addr a6;
	size_t n = strlen(host);

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']' && n - 2 < sizeof(h)) {
		memcpy(h, host + 1, n - 2);
		h[n - 2] = '\0';
		return inet_pton(AF_INET6, h, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
	}
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return inet_pton(AF_INET, host, &a4) == 1 &&
	    (ntohl(a4.s_addr) >> 24) == 127;
}

/* The scheme and host rules. */
static int
fetch_check_url(const char *base, struct err *e)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL, *query = NULL;
	int rc = 0;

	if ((u = curl_url()) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		rc = err_set(e, ERR_USAGE, "--online: not a URL: %.200s", base);
	else if (curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK)
		rc = err_set(e, ERR_USAGE, "--online: the URL must not have a query");
	else if (strcasecmp(scheme, "https") == 0)
		rc = 0;
	else if (strcasecmp(scheme, "http") != 0)
		rc = err_set(e, ERR_USAGE, "--online takes an https:// URL");
	else if (!fetch_is_loopback(host))
		rc = err_set(e, ERR_USAGE, "--online refuses plain http:// to %s: "
		    "use https:// (http:// is for loopback addresses only)", host);
	curl_free(scheme);
	curl_free(host);
	curl_free(query);
	curl_url_cleanup(u);
	return rc;
}

int
fetch_open(struct fetch *f, const char *base, const struct fetch_opts *o,
    struct err *e)
{
	size_t n = strlen(base);
	int rc;

	memset(f, 0, sizeof(*f));
	while (n > 0 && base[n - 1] == '/')
		n--;
	if (n == 0 || n >= sizeof(f->base))
		return err_set(e, ERR_USAGE, "--online: the URL is empty or too long");
	memcpy(f->base, base, n);
	f->base[n] = '\0';
	if ((rc = fetch_check_url(f->base, e)) != 0)
		return rc;
	if (o != NULL)
		f->o = *o;
	if (f->o.timeout_ms <= 0)
		f->o.timeout_ms = FETCH_TIMEOUT_DEFAULT_MS;
	if (f->o.connect_ms <= 0 || f->o.connect_ms > f->o.timeout_ms)
		f->o.connect_ms = f->o.timeout_ms < FETCH_CONNECT_DEFAULT_MS ?
		    f->o.timeout_ms : FETCH_CONNECT_DEFAULT_MS;
	if (f->o.max_body == 0)
		f->o.max_body = ANSWER_BODY_MAX;
	if ((f->curl = curl_easy_init()) == NULL)
		return err_set(e, ERR_NOMEM, "cannot start libcurl");
	return 0;
}

/* The options of every request: none of them may fail silently. */
static int
fetch_setup(struct fetch *f, const char *url, struct fetch_sink *s,
    char *ebuf)
{
	CURL *c = f->curl;

	curl_easy_reset(c);
	if (curl_easy_setopt(c, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http") != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, f->o.connect_ms) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, f->o.timeout_ms) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_IPRESOLVE, CURL_IPRESOLVE_WHATEVER) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)f->o.max_body) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_USERAGENT, "skillcert-verify") != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fetch_write) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEDATA, s) != CURLE_OK)
		return -1;
	if (f->o.ca != NULL &&
	    curl_easy_setopt(c, CURLOPT_CAINFO, f->o.ca) != CURLE_OK)
		return -1;
	return 0;
}

/* Counts what came in, whatever the outcome. */
static void
fetch_count(struct fetch *f)
{
	curl_off_t body = 0;
	long hdr = 0;

	f->requests++;
	if (curl_easy_getinfo(f->curl, CURLINFO_SIZE_DOWNLOAD_T, &body) == CURLE_OK &&
	    body > 0)
		f->bytes += (uint64_t)body;
	if (curl_easy_getinfo(f->curl, CURLINFO_HEADER_SIZE, &hdr) == CURLE_OK &&
	    hdr > 0)
		f->bytes += (uint64_t)hdr;
}

int
fetch_get(struct fetch *f, const char *path, struct buf *body, struct err *e)
{
	char url[FETCH_BASE_MAX + 256], ebuf[CURL_ERROR_SIZE];
	struct fetch_sink s = { body, f->o.max_body, 0 };
	CURLcode cc;
	long status = 0;

	buf_reset(body);
	ebuf[0] = '\0';
	if (snprintf(url, sizeof(url), "%s%s", f->base, path) >= (int)sizeof(url))
		return err_set(e, ERR_USAGE, "URL too long");
	if (fetch_setup(f, url, &s, ebuf) != 0)
		return err_set(e, ERR_IO, "libcurl refused an option");
	cc = curl_easy_perform(f->curl);
	fetch_count(f);
	if (s.over || cc == CURLE_FILESIZE_EXCEEDED)
		return err_set(e, ERR_IO, "%s: the answer is over %zu bytes", path,
		    f->o.max_body);
	if (cc != CURLE_OK)
		return err_set(e, ERR_IO, "%s: %s", path, ebuf[0] ? ebuf :
		    curl_easy_strerror(cc));
	if (body->oom)
		return err_set(e, ERR_NOMEM, "out of memory");
	curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 300 && status < 400)
		return err_set(e, ERR_IO, "%s answered a redirect (HTTP %ld): "
		    "refused", path, status);
	if (status != 200)
		return err_set(e, status == 404 ? ERR_NOTFOUND : ERR_IO,
		    "%s answered HTTP %ld", path, status);
	return 0;
}

void
fetch_close(struct fetch *f)
{
	if (f->curl != NULL)
		curl_easy_cleanup(f->curl);
	f->curl = NULL;
}
