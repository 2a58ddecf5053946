/* verify.h - offline verification of a certificate token against a trust
 * bundle, with every check and its reason kept for the report. */
#ifndef SKILLCERT_VERIFY_H
#define SKILLCERT_VERIFY_H

#include "skillcert/model/cert.h"
#include "skillcert/model/logleaf.h"
#include "skillcert/trust/trust.h"

/* Also the exit codes of `skillcert verify`. */
enum verdict { VERDICT_VALID = 0, VERDICT_INVALID = 1, VERDICT_REVOKED = 2,
	VERDICT_UNKNOWN = 3 };

#define VERIFY_CHECKS_MAX 16

struct verify_check {
	const char *name;          /* "token", "organization", "credential", ... */
	int ok;                    /* 1 passed, 0 failed, -1 could not tell */
	char detail[256];
};

struct verify_result {
	int verdict;
	int have_cert;
	struct cert cert;
	uint8_t enc[CERT_ENC_MAX];
	size_t enc_len;
	uint8_t sig[CERT_SIG_LEN];
	const struct trust_org *org;
	int revoke_reason;
	int32_t revoked_on;
	int nchecks;
	struct verify_check checks[VERIFY_CHECKS_MAX];
	/* verify_bundle: */
	int fresh;                 /* 1 within created..valid_until */
	int clock_behind;          /* the device's clock is before created */
	int have_checkpoint;       /* the bundle's checkpoint verifies */
	size_t nvouched;           /* listed witnesses whose cosignature verifies */
	const char *vouched[NOTE_SIGS_MAX];  /* their names, into the trust */
};

const char *verify_verdict_name(int v);      /* valid, invalid, revoked, unknown */
const char *verify_verdict_cn(int v);        /* 有效, 无法验证 ... */

/* Runs every check; never fails for bad input (that is a verdict). */
void verify_token(const struct trust *t, const char *token, size_t len,
    struct verify_result *res);
/* The bundle itself, as of now (unix seconds): its freshness (created,
 * valid_until, and a device clock behind the bundle), its C2SP checkpoint
 * against the log key and the bundle's head, and which listed witnesses
 * cosigned it. Adds checks; never changes the verdict. */
void verify_bundle(const struct trust *t, int64_t now,
    struct verify_result *res);
/* From a QR URL (…/V/TOKEN or …/v/TOKEN), a bare token, a PDF the renderer
 * made (its link annotation), or a PNG/JPEG photo of the QR (zbarimg),
 * extracts the token into out. */
int verify_extract_token(const char *input, struct buf *out, struct err *e);

#endif
