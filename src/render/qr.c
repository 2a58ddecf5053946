/* qr.c - QR code for a certificate URL (libqrencode), level M.
 *
 * Certificate URLs are upper case so the whole payload fits the
 * alphanumeric mode (5.5 bits a character instead of 8): a smaller symbol
 * with bigger modules, easier for an old phone camera. libqrencode does
 * not take QR_MODE_AN as a hint, so that mode is forced with an explicit
 * segment; anything else goes through the automatic segmenter in 8-bit. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "skillcert/render/qr.h"

#define QR_TEXT_MAX 2048 /* far above a version-10 URL; bounds the work */

/* The 45 characters of the QR alphanumeric set (ISO/IEC 18004 7.4.4). */
static int
qr_is_an(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))
		return 1;
	return c != '\0' && strchr(" $%*+-./:", c) != NULL;
}

static QRcode *
qr_encode_an(const char *text, size_t n)
{
	QRinput *in;
	QRcode *code;

	if ((in = QRinput_new2(0, QR_ECLEVEL_M)) == NULL)
		return NULL;
	if (QRinput_append(in, QR_MODE_AN, (int)n,
	    (const unsigned char *)text) != 0) {
		QRinput_free(in);
		return NULL;
	}
	code = QRcode_encodeInput(in);
	QRinput_free(in);
	return code;
}

int
qr_encode(const char *text, struct qr *q, struct err *e)
{
	QRcode *code;
	size_t n, i;
	int all_an = 1;

	memset(q, 0, sizeof(*q));
	if (text == NULL || (n = strlen(text)) == 0)
		return err_set(e, ERR_INVALID, "QR text is empty");
	if (n > QR_TEXT_MAX)
		return err_set(e, ERR_INVALID,
		    "QR text is %zu bytes, more than %d", n, QR_TEXT_MAX);
	for (i = 0; i < n; i++)
		if (!qr_is_an((unsigned char)text[i])) {
			all_an = 0;
			break;
		}
	errno = 0;
	if (all_an)
		code = qr_encode_an(text, n);
	else /* case-sensitive: a lower-case byte must stay lower case */
		code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (code == NULL) {
		if (errno == ERANGE)
			return err_set(e, ERR_INVALID,
			    "QR text of %zu bytes does not fit a QR code", n);
		if (errno == ENOMEM)
			return err_set(e, ERR_NOMEM, "QR encoding: out of "
			    "memory");
		return err_set(e, ERR_INTERNAL, "QR encoding failed: %s",
		    strerror(errno ? errno : EINVAL));
	}
	if ((q->modules = malloc((size_t)code->width * code->width)) == NULL) {
		QRcode_free(code);
		return err_set(e, ERR_NOMEM, "QR modules: out of memory");
	}
	/* bit 0 of each libqrencode byte is the module colour; the rest
	 * describe how it was made. */
	for (i = 0; i < (size_t)code->width * code->width; i++)
		q->modules[i] = code->data[i] & 1;
	q->width = code->width;
	q->version = code->version;
	QRcode_free(code);
	return ERR_OK;
}

void
qr_free(struct qr *q)
{
	if (q == NULL)
		return;
	free(q->modules);
	memset(q, 0, sizeof(*q));
}
