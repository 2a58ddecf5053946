/* online.c - the online check: the server's inclusion proof of a
 * certificate's issuance, checked against a head the bundle's log key
 * signed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "skillcert/base/hex.h"
#include "skillcert/model/sha256.h"
#include "skillcert/trust/verify.h"

#define HTTP_MAX (1u << 20)

/* A plain HTTP/1.0 GET of base + path (http:// only: the proof is
 * checked against signed data, so the transport need not be trusted). */
static int
http_get(const char *base, const char *path, struct buf *body, struct err *e)
{
	char host[256], port[8] = "80", req[1024], tmp[8192];
	const char *p, *slash;
	struct addrinfo hints, *ai = NULL;
	struct timeval tv = { 10, 0 };
	struct buf resp = BUF_INIT;
	ssize_t n;
	int fd = -1, rc = 0;
	size_t hl;

	if (strncmp(base, "http://", 7) != 0)
		return err_set(e, ERR_USAGE, "--online takes an http:// URL (put TLS "
		    "in front of it with a proxy; the proof itself is signed)");
	p = base + 7;
	slash = strchr(p, '/');
	hl = slash ? (size_t)(slash - p) : strlen(p);
	if (hl >= sizeof(host))
		return err_set(e, ERR_USAGE, "host name too long");
	memcpy(host, p, hl);
	host[hl] = '\0';
	char *colon = strrchr(host, ':');
	if (colon) {
		snprintf(port, sizeof(port), "%s", colon + 1);
		*colon = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &ai) != 0 || ai == NULL)
		return err_set(e, ERR_IO, "cannot resolve %s", host);
	if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
	    connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		rc = err_set(e, ERR_IO, "cannot connect to %s:%s: %s", host, port,
		    strerror(errno));
		goto out;
	}
	snprintf(req, sizeof(req), "GET %s%s HTTP/1.0\r\nHost: %s\r\n"
	    "Accept: application/json\r\n\r\n", slash ? slash : "", path, host);
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		rc = err_set(e, ERR_IO, "cannot send request");
		goto out;
	}
	while ((n = read(fd, tmp, sizeof(tmp))) > 0 && resp.len < HTTP_MAX)
		buf_append(&resp, tmp, (size_t)n);
	buf_cstr(&resp);
	char *bodyp = resp.data ? strstr((char *)resp.data, "\r\n\r\n") : NULL;
	if (bodyp == NULL || strncmp((char *)resp.data, "HTTP/1.", 7) != 0) {
		rc = err_set(e, ERR_IO, "no HTTP response from %s", base);
		goto out;
	}
	int status = atoi((char *)resp.data + 9);
	buf_reset(body);
	buf_append_str(body, bodyp + 4);
	buf_cstr(body);
	if (status != 200)
		rc = err_set(e, status == 404 ? ERR_NOTFOUND : ERR_IO,
		    "%s%s answered HTTP %d", base, path, status);
out:
	if (fd >= 0)
		close(fd);
	if (ai)
		freeaddrinfo(ai);
	buf_free(&resp);
	return rc;
}

/* Finds "key":"value" (or a number) after *from in our own JSON. */
static int
json_find(const char *doc, const char *from, const char *key, char *out,
    size_t cap, const char **after)
{
	char pat[64];
	const char *p, *q;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	if ((p = strstr(from ? from : doc, pat)) == NULL)
		return -1;
	p += strlen(pat);
	if (*p == '"')
		p++;
	for (q = p; *q && *q != '"' && *q != ',' && *q != '}'; q++)
		;
	if ((size_t)(q - p) >= cap)
		return -1;
	memcpy(out, p, (size_t)(q - p));
	out[q - p] = '\0';
	if (after)
		*after = q;
	return 0;
}

/* The "path":[...] array after *from into hashes. */
static long
json_path(const char *from, uint8_t (*path)[MERKLE_HASH_LEN], size_t max)
{
	const char *p = strstr(from, "\"path\":[");
	size_t n = 0;

	if (p == NULL)
		return -1;
	p += 8;
	while (*p == '"' && n < max) {
		if (hex_decode(p + 1, 64, path[n], MERKLE_HASH_LEN) != MERKLE_HASH_LEN)
			return -1;
		n++;
		p += 66;
		if (*p == ',')
			p++;
	}
	return *p == ']' ? (long)n : -1;
}

int
verify_parse_proof(const char *doc, size_t len, struct sth *h,
    uint8_t leaf[LOGLEAF_LEN], uint64_t *index,
    uint8_t (*path)[MERKLE_HASH_LEN], size_t *npath, char *why, size_t cap)
{
	char hex[2 * STH_LEN + 8], leafhex[2 * LOGLEAF_LEN + 8], idx[32];
	uint8_t hb[STH_LEN];
	const char *iss, *end;
	char *copy;
	long np;
	int rc = -1;

	/* Our own JSON, read by fixed keys; NUL-terminated copy for strstr. */
	if ((copy = malloc(len + 1)) == NULL) {
		snprintf(why, cap, "out of memory");
		return -1;
	}
	memcpy(copy, doc, len);
	copy[len] = '\0';
	if (json_find(copy, NULL, "encoded", hex, sizeof(hex), NULL) != 0 ||
	    hex_decode(hex, strlen(hex), hb, sizeof(hb)) != STH_LEN ||
	    sth_decode(hb, sizeof(hb), h, NULL) != 0) {
		snprintf(why, cap, "the server's tree head is malformed");
		goto out;
	}
	if ((iss = strstr(copy, "\"issued\":")) == NULL ||
	    json_find(copy, iss, "leaf_index", idx, sizeof(idx), NULL) != 0 ||
	    json_find(copy, iss, "leaf", leafhex, sizeof(leafhex), NULL) != 0 ||
	    hex_decode(leafhex, strlen(leafhex), leaf, LOGLEAF_LEN) != LOGLEAF_LEN ||
	    (np = json_path(iss, path, MERKLE_PROOF_MAX)) < 0) {
		snprintf(why, cap, "the inclusion proof is malformed");
		goto out;
	}
	*index = strtoull(idx, (char **)&end, 10);
	if (end == idx || *end != '\0') {
		snprintf(why, cap, "the leaf index is malformed");
		goto out;
	}
	*npath = (size_t)np;
	rc = 0;
out:
	free(copy);
	return rc;
}

void
verify_online(const struct trust *t, struct verify_result *res, const char *base)
{
	struct buf body = BUF_INIT;
	struct err e;
	char path[128];
	uint64_t index;
	size_t np;
	uint8_t leaf[LOGLEAF_LEN], lh[MERKLE_HASH_LEN],
	    ch[MERKLE_HASH_LEN];
	uint8_t proof[MERKLE_PROOF_MAX][MERKLE_HASH_LEN];
	struct sth h;
	struct logleaf l;
	struct verify_check *c;

	if (res->nchecks >= VERIFY_CHECKS_MAX)
		return;
	c = &res->checks[res->nchecks++];
	c->name = "log inclusion";
	c->ok = 0;
	snprintf(path, sizeof(path), "/v1/log/proof/%s", res->cert.no);
	if (http_get(base, path, &body, &e) != 0) {
		c->ok = -1;
		snprintf(c->detail, sizeof(c->detail), "%s", e.msg);
		goto out;
	}
	if (verify_parse_proof((const char *)body.data, body.len, &h, leaf, &index,
	    proof, &np, c->detail, sizeof(c->detail)) != 0)
		goto out;
	if (sth_verify(&h, &t->logkey, &e) != 0) {
		snprintf(c->detail, sizeof(c->detail), "the tree head is not signed by "
		    "the log key in the trust bundle");
		goto out;
	}
	if (logleaf_decode(leaf, sizeof(leaf), &l, &e) != 0) {
		snprintf(c->detail, sizeof(c->detail), "the logged leaf is malformed");
		goto out;
	}
	{
		const void *parts[2] = { res->enc, res->sig };
		size_t lens[2] = { res->enc_len, CERT_SIG_LEN };
		sha256_parts(ch, 2, parts, lens);
	}
	if (l.event != LOGLEAF_ISSUE || strcmp(l.certno, res->cert.no) != 0 ||
	    memcmp(l.cert_hash, ch, MERKLE_HASH_LEN) != 0) {
		snprintf(c->detail, sizeof(c->detail), "the logged issuance is of "
		    "different certificate bytes: this one was never logged");
		goto out;
	}
	merkle_hash_leaf(leaf, sizeof(leaf), lh);
	if (merkle_verify_inclusion(lh, index, h.size,
	    (const uint8_t (*)[MERKLE_HASH_LEN])proof, np, h.root, &e) != 0) {
		snprintf(c->detail, sizeof(c->detail), "inclusion proof fails: %s", e.msg);
		goto out;
	}
	c->ok = 1;
	snprintf(c->detail, sizeof(c->detail), "leaf %llu is in the signed log of "
	    "%llu entries", (unsigned long long)index, (unsigned long long)h.size);
	/* A revocation newer than the bundle. */
	if (strstr((const char *)body.data, "\"revoked\":") != NULL &&
	    res->verdict == VERDICT_VALID &&
	    res->nchecks < VERIFY_CHECKS_MAX) {
		struct verify_check *rv = &res->checks[res->nchecks++];
		rv->name = "online revocation";
		rv->ok = 0;
		snprintf(rv->detail, sizeof(rv->detail), "the log records a revocation "
		    "newer than the trust bundle");
		res->verdict = VERDICT_REVOKED;
	}
out:
	if (c->ok == 0 && res->verdict == VERDICT_VALID)
		res->verdict = VERDICT_INVALID;
	buf_free(&body);
}
