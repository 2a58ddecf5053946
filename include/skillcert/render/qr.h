/* qr.h - QR code for a certificate URL (libqrencode), alphanumeric mode. */
#ifndef SKILLCERT_QR_H
#define SKILLCERT_QR_H

#include <stddef.h>
#include <stdint.h>
#include "skillcert/base/err.h"

struct qr {
	int width;          /* modules per side, no quiet zone */
	uint8_t *modules;   /* width*width, 1 = dark */
	int version;
};

/* Encodes an upper-case URL in alphanumeric mode (byte mode only where a
 * character forces it), error correction level M or better. */
int qr_encode(const char *text, struct qr *q, struct err *e);
void qr_free(struct qr *q);

#endif
