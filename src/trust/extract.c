/* extract.c - the token out of what a verifier is handed: a QR URL, a bare
 * token, a PDF the renderer made (its link annotation) or a photo of the
 * QR code (decoded by zbarimg). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "skillcert/trust/verify.h"

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

	if (pipe2(fds, O_CLOEXEC) != 0)
		return err_set(e, ERR_IO, "pipe: %s", strerror(errno));
	if ((pid = fork()) < 0) {
		int saved = errno;
		close(fds[0]);
		close(fds[1]);
		return err_set(e, ERR_IO, "fork: %s", strerror(saved));
	}
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
	/* A QR holds at most a few kilobytes: more is not one of ours. */
	while ((n = read(fds[0], tmp, sizeof(tmp))) > 0 ||
	    (n < 0 && errno == EINTR))
		if (n > 0 && txt.len < 65536)
			buf_append(&txt, tmp, (size_t)n);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		buf_free(&txt);
		return err_set(e, ERR_IO, "reading a QR from a photo needs zbarimg "
		    "(Debian package zbar-tools)");
	}
	/* No QR read is not evidence against the certificate (the photo may
	 * be blurred): the verdict is "cannot tell", not "invalid". */
	int rc = txt.len ? token_from_url((char *)txt.data, txt.len, out, e) :
	    err_set(e, ERR_NOTFOUND, "no QR code could be read in %s", path);
	buf_free(&txt);
	return rc;
}

/* A URL or a bare token given as text. Never a path: a text file naming
 * itself (or another file) must not send us round again. */
static int
token_from_text(const char *s, size_t n, struct buf *out, struct err *e)
{
	if (memmem(s, n, "://", 3) != NULL || memmem(s, n, "/V/", 3) != NULL ||
	    memmem(s, n, "/v/", 3) != NULL)
		return token_from_url(s, n, out, e);
	buf_reset(out);
	buf_append(out, s, n);
	buf_cstr(out);
	return out->oom ? err_set(e, ERR_NOMEM, "out of memory") : 0;
}

int
verify_extract_token(const char *input, struct buf *out, struct err *e)
{
	struct stat st;
	struct buf f = BUF_INIT;
	int rc;

	if (stat(input, &st) != 0 || !S_ISREG(st.st_mode))
		return token_from_text(input, strlen(input), out, e);
	if ((rc = slurp(input, &f, e)) != 0)
		goto out;
	if (f.len > 5 && memcmp(f.data, "%PDF-", 5) == 0)
		rc = token_from_pdf(&f, out, e);
	else if ((f.len > 8 && memcmp(f.data, "\x89PNG", 4) == 0) ||
	    (f.len > 3 && f.data[0] == 0xFF && f.data[1] == 0xD8))
		rc = token_from_image(input, out, e);
	else {
		/* A text file holding a URL or token, one line. */
		while (f.len && (f.data[f.len - 1] == '\n' ||
		    f.data[f.len - 1] == '\r'))
			f.len--;
		rc = token_from_text((const char *)f.data, f.len, out, e);
	}
out:
	buf_free(&f);
	return rc;
}
