/* verify.c - offline certificate verification against a trust bundle. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "skillcert/model/sha256.h"
#include "skillcert/trust/verify.h"
#include "skillcert/base/hex.h"
#include "skillcert/base/date.h"

const char *
verify_verdict_name(int v)
{
	static const char *n[] = { "valid", "invalid", "revoked", "unknown" };
	return v >= 0 && v <= 3 ? n[v] : "unknown";
}

const char *
verify_verdict_cn(int v)
{
	static const char *n[] = { "有效", "无效", "已撤销", "无法验证" };
	return v >= 0 && v <= 3 ? n[v] : "无法验证";
}

static void
add_check(struct verify_result *res, const char *name, int ok, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
add_check(struct verify_result *res, const char *name, int ok, const char *fmt, ...)
{
	struct verify_check *c;
	va_list ap;

	if (res->nchecks >= VERIFY_CHECKS_MAX)
		return;
	c = &res->checks[res->nchecks++];
	c->name = name;
	c->ok = ok;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

void
verify_token(const struct trust *t, const char *token, size_t len,
    struct verify_result *res)
{
	struct buf enc = BUF_INIT;
	struct err e;
	const struct org_key *ok;
	uint8_t occ[4];
	char d1[11], d2[11];
	int bad = 0, kix;

	memset(res, 0, sizeof(*res));
	res->verdict = VERDICT_INVALID;
	if (cert_token_parse(token, len, &res->cert, &enc, res->sig, &e) != 0) {
		add_check(res, "token", 0, "%s", e.msg);
		goto out;
	}
	res->have_cert = 1;
	memcpy(res->enc, enc.data, enc.len);
	res->enc_len = enc.len;
	add_check(res, "token", 1, "decodes to certificate %s", res->cert.no);

	if ((res->org = trust_find_org(t, res->cert.org)) == NULL) {
		add_check(res, "organization", -1, "organization %s is not in the "
		    "trust bundle (a newer bundle may know it)", res->cert.org);
		res->verdict = VERDICT_UNKNOWN;
		goto out;
	}
	add_check(res, "organization", 1, "%s %s", res->org->org.code,
	    res->org->org.name);
	if ((ok = trust_find_key(res->org, res->cert.kid)) == NULL) {
		char hex[17];
		key_id_hex(res->cert.kid, hex);
		add_check(res, "key", 0, "signed with key %s, which %s never had",
		    hex, res->org->org.code);
		goto out;
	}
	kix = (int)(ok - res->org->keys);
	if (!res->org->cred_ok[kix]) {
		add_check(res, "credential", 0, "the organization's credential for "
		    "this key is not signed by the authority");
		goto out;
	}
	add_check(res, "credential", 1, "key %s certified by the authority",
	    key_alg_name(ok->alg));
	if (cert_verify(res->enc, res->enc_len, res->sig, &res->org->pub[kix],
	    &e) != 0) {
		add_check(res, "signature", 0, "the signature does not match the "
		    "fields: the certificate was altered or forged");
		goto out;
	}
	add_check(res, "signature", 1, "%s signature valid", key_alg_name(ok->alg));
	cert_occ_pack(res->cert.occ_code, occ);
	if (org_scope_allows(&res->org->org, occ, res->cert.level) != 0) {
		add_check(res, "scope", 0, "occupation %s level %d is outside the "
		    "organization's filed scope", res->cert.occ_code, res->cert.level);
		bad = 1;
	} else {
		add_check(res, "scope", 1, "occupation and level within scope");
	}
	if (orgkey_allows(ok, res->cert.issued_on, &e) != 0) {
		add_check(res, "key validity", 0, "%s", e.msg);
		bad = 1;
	} else {
		date_format_iso(ok->valid_from, d1);
		date_format_iso(ok->valid_to, d2);
		add_check(res, "key validity", 1, "issued within the key's validity "
		    "(%s to %s)", d1, d2);
	}
	if (bad)
		goto out;
	if (trust_find_revoked(t, res->cert.no, &res->revoke_reason,
	    &res->revoked_on)) {
		date_format_iso(res->revoked_on, d1);
		add_check(res, "revocation", 0, "revoked on %s (%s)", d1,
		    cert_reason_name(res->revoke_reason));
		res->verdict = VERDICT_REVOKED;
		goto out;
	}
	{
		time_t c = (time_t)t->created;
		struct tm tm;
		char when[32];
		gmtime_r(&c, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
		add_check(res, "revocation", 1, "not revoked as of the bundle (%s)",
		    when);
	}
	res->verdict = VERDICT_VALID;
out:
	buf_free(&enc);
}

/* Reads a file whole (PDFs and photos are small). */
static int
slurp(const char *path, struct buf *b, struct err *e)
{
	int rc = buf_read_file(b, path, 64u << 20);
	if (rc != 0)
		return err_set(e, rc == -2 ? ERR_INVALID : ERR_NOTFOUND,
		    "cannot read %s: %s", path, rc == -2 ? "too large" : strerror(errno));
	return 0;
}

static int
token_from_url(const char *s, size_t n, struct buf *out, struct err *e)
{
	const char *v = NULL;

	for (size_t i = 0; i + 3 <= n; i++)
		if (s[i] == '/' && (s[i + 1] == 'V' || s[i + 1] == 'v') && s[i + 2] == '/')
			v = s + i + 3;
	if (v == NULL)
		return err_set(e, ERR_INVALID, "no /V/ in the URL");
	buf_reset(out);
	while (v < s + n && ((*v >= 'A' && *v <= 'Z') || (*v >= 'a' && *v <= 'z') ||
	    (*v >= '2' && *v <= '7')))
		buf_append_byte(out, (uint8_t)*v++);
	buf_cstr(out);
	if (out->len == 0)
		return err_set(e, ERR_INVALID, "the URL holds no token");
	return 0;
}

/* The renderer leaves the QR URL as a link annotation: /URI (HTTP...),
 * a PDF literal string whose '/' libharu writes as \057. */
static int
token_from_pdf(const struct buf *pdf, struct buf *out, struct err *e)
{
	const char *p = (const char *)pdf->data, *end = p + pdf->len;
	struct buf url = BUF_INIT;

	for (; p + 6 < end; p++) {
		const char *q;
		if (memcmp(p, "/URI", 4) != 0)
			continue;
		for (q = p + 4; q < end && *q == ' '; q++)
			;
		if (q >= end || *q != '(')
			continue;
		buf_reset(&url);
		for (q++; q < end && *q != ')' && url.len < 1024; q++) {
			if (*q != '\\') {
				buf_append_byte(&url, (uint8_t)*q);
				continue;
			}
			if (++q >= end)
				break;
			if (*q >= '0' && *q <= '7') {
				int v = 0;
				for (int k = 0; k < 3 && q < end && *q >= '0' && *q <= '7'; k++)
					v = v * 8 + (*q++ - '0');
				q--;
				buf_append_byte(&url, (uint8_t)v);
			} else {
				buf_append_byte(&url, (uint8_t)*q);
			}
		}
		if (url.len && token_from_url((char *)url.data, url.len, out, NULL) == 0) {
			buf_free(&url);
			return 0;
		}
	}
	buf_free(&url);
	return err_set(e, ERR_INVALID, "the PDF holds no verification link (was it "
	    "made by skillcert render?)");
}

/* zbarimg decodes the QR of a photo; run without a shell. */
static int
token_from_image(const char *path, struct buf *out, struct err *e)
{
	int fds[2], status;
	char tmp[4096];
	struct buf txt = BUF_INIT;
	ssize_t n;
	pid_t pid;

	if (pipe(fds) != 0)
		return err_set(e, ERR_IO, "pipe: %s", strerror(errno));
	if ((pid = fork()) < 0)
		return err_set(e, ERR_IO, "fork: %s", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(fds[1], 1);
		if (null >= 0)
			dup2(null, 2);
		close(fds[0]);
		execlp("zbarimg", "zbarimg", "--raw", "-q", "-Sdisable",
		    "-Sqrcode.enable", path, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], tmp, sizeof(tmp))) > 0)
		buf_append(&txt, tmp, (size_t)n);
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		buf_free(&txt);
		return err_set(e, ERR_IO, "reading a QR from a photo needs zbarimg "
		    "(Debian package zbar-tools)");
	}
	int rc = txt.len ? token_from_url((char *)txt.data, txt.len, out, e) :
	    err_set(e, ERR_INVALID, "no QR code found in %s", path);
	buf_free(&txt);
	return rc;
}

int
verify_extract_token(const char *input, struct buf *out, struct err *e)
{
	struct stat st;
	struct buf f = BUF_INIT;
	int rc;

	if (stat(input, &st) == 0 && S_ISREG(st.st_mode)) {
		if ((rc = slurp(input, &f, e)) != 0)
			goto out;
		if (f.len > 5 && memcmp(f.data, "%PDF-", 5) == 0)
			rc = token_from_pdf(&f, out, e);
		else if ((f.len > 8 && memcmp(f.data, "\x89PNG", 4) == 0) ||
		    (f.len > 3 && f.data[0] == 0xFF && f.data[1] == 0xD8))
			rc = token_from_image(input, out, e);
		else {
			/* A text file holding a URL or token. */
			while (f.len && (f.data[f.len - 1] == '\n' || f.data[f.len - 1] == '\r'))
				f.len--;
			buf_cstr(&f);
			rc = verify_extract_token((char *)f.data, out, e);
		}
		goto out;
	}
	if (strstr(input, "://") != NULL || strstr(input, "/V/") || strstr(input, "/v/")) {
		rc = token_from_url(input, strlen(input), out, e);
		goto out;
	}
	buf_reset(out);
	buf_append_str(out, input);
	buf_cstr(out);
	rc = 0;
out:
	buf_free(&f);
	return rc;
}

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

