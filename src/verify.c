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

#include "skillcert/verify.h"
#include "skillcert/text.h"

const char *
verdict_name(int v)
{
	static const char *n[] = { "valid", "invalid", "revoked", "unknown" };
	return v >= 0 && v <= 3 ? n[v] : "unknown";
}

const char *
verdict_cn(int v)
{
	static const char *n[] = { "有效", "无效", "已撤销", "无法验证" };
	return v >= 0 && v <= 3 ? n[v] : "无法验证";
}

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
	struct key pub;
	uint8_t occ[4];
	char d1[11], d2[11];
	int bad = 0;

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
	if (org_credential_verify(&res->org->org, ok, &t->authority, &e) != 0) {
		add_check(res, "credential", 0, "%s", e.msg);
		goto out;
	}
	add_check(res, "credential", 1, "key %s certified by the authority",
	    key_alg_name(ok->alg));
	if (key_from_public(ok->alg, ok->pub, (size_t)ok->publen, &pub, &e) != 0) {
		add_check(res, "signature", 0, "%s", e.msg);
		goto out;
	}
	if (cert_verify(res->enc, res->enc_len, res->sig, &pub, &e) != 0) {
		add_check(res, "signature", 0, "the signature does not match the "
		    "fields: the certificate was altered or forged");
		key_free(&pub);
		goto out;
	}
	key_free(&pub);
	add_check(res, "signature", 1, "%s signature valid", key_alg_name(ok->alg));
	occ_code_pack(res->cert.occ_code, occ);
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
		    revoke_reason_name(res->revoke_reason));
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

/* The renderer leaves the QR URL as a link annotation: /URI (HTTP...). */
static int
token_from_pdf(const struct buf *pdf, struct buf *out, struct err *e)
{
	const char *p = (const char *)pdf->data, *end = p + pdf->len;

	for (; p + 6 < end; p++) {
		if (memcmp(p, "/URI", 4) != 0)
			continue;
		const char *q = p + 4;
		while (q < end && (*q == ' ' || *q == '('))
			q++;
		const char *u = q;
		while (q < end && *q != ')')
			q++;
		if (token_from_url(u, (size_t)(q - u), out, NULL) == 0)
			return 0;
	}
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
