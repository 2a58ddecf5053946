/* verdict.h - the decision on a QR token, for the API and the QR page. */
#ifndef SKILLCERT_SRV_VERDICT_H
#define SKILLCERT_SRV_VERDICT_H

#include "ctx.h"

enum srv_verdict { V_VALID = 1, V_REVOKED, V_INVALID, V_UNKNOWN };

struct srv_check {
	const char *code;                 /* stable, English */
	const char *cn;                   /* for the page */
	char detail[200];                 /* English detail, no personal data */
};

struct srv_verdict_result {
	int verdict;
	const char *verdict_name;         /* "valid" ... */
	int nreasons;
	struct srv_check reasons[4];
	int have_cert;                    /* token decoded: claimed fields */
	struct cert claimed;
	int have_rec, have_org, have_key;
	int credential_ok, signature_ok, key_ok, registry_ok;
};
const char *srv_verdict_name(int v);
/* Decides a token; fills x->rec/x->org/x->okey along the way. */
int srv_verify_token(struct srv_ctx *x, const char *tok, size_t n,
    struct srv_verdict_result *v);
/* 1 if the token is exactly a stored record (photo access), x->rec set. */
int srv_token_is_record(struct srv_ctx *x, const char *tok, size_t n);

#endif
