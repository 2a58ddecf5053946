/* mk_v1_token.c - for tests/cli/token_v2.sh: stores a certificate made by
 * the version 1 encoder (the full ID number inside, as tokens issued
 * before token v2 are) and prints its QR URL. Usage:
 *   mk_v1_token DB CERTNO NAME ID_NUMBER
 * CERTNO names the organization (its current key signs) and the level. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "skillcert/base/date.h"
#include "skillcert/store/registry.h"

static int
mk_fill(struct registry *r, MDB_txn *txn, char **argv, struct cert_record *rec,
    struct key *k, struct err *e)
{
	struct cert *c = &rec->cert;
	struct org o;
	char path[PATH_MAX];

	memset(rec, 0, sizeof(*rec));
	snprintf(c->no, sizeof(c->no), "%s", argv[2]);
	memcpy(c->org, c->no, ORGCODE_LEN);
	c->level = c->no[15] - '0';
	snprintf(c->name, sizeof(c->name), "%s", argv[3]);
	c->id_type = 1;
	snprintf(c->id_number, sizeof(c->id_number), "%s", argv[4]);
	strcpy(c->occ_code, "4-10-01-05");
	c->method = 1;
	c->issued_on = date_today();
	c->assessed_on = c->issued_on - 7;
	c->version = CERT_VERSION_V1;
	if (registry_get_org(r, txn, c->org, &o, e) != 0)
		return -1;
	registry_org_key_path(r, c->org, o.kid, path);
	if (key_load_secret(path, NULL, k, e) != 0)
		return -1;
	c->alg = k->alg;
	memcpy(c->kid, k->kid, KEY_ID_LEN);
	rec->status = CERT_VALID;
	rec->issued_at = (int64_t)time(NULL);
	snprintf(rec->batch, sizeof(rec->batch), "v1-fixture");
	return 0;
}

int
main(int argc, char **argv)
{
	struct registry *r = NULL;
	struct cert_record rec;
	struct buf enc = BUF_INIT, tok = BUF_INIT, url = BUF_INIT;
	struct key k;
	struct err e;
	MDB_txn *txn = NULL;
	int rc = 1;

	if (argc != 5) {
		fprintf(stderr, "usage: mk_v1_token DB CERTNO NAME ID_NUMBER\n");
		return 64;
	}
	err_clear(&e);
	memset(&k, 0, sizeof(k));
	if (registry_open(&r, argv[1], NULL, &e) != 0 ||
	    registry_txn_begin(r, 0, &txn, &e) != 0 ||
	    mk_fill(r, txn, argv, &rec, &k, &e) != 0)
		goto out;
	if (cert_sign(&rec.cert, &k, &enc, rec.sig, &e) != 0)
		goto out;
	rec.enc = enc.data;
	rec.enc_len = enc.len;
	if (registry_put_cert(r, txn, &rec, NULL, 0, NULL, 0, &e) != 0 ||
	    mdb_txn_commit(txn) != 0)
		goto out;
	txn = NULL;
	if (cert_token(enc.data, enc.len, rec.sig, &tok, &e) != 0 ||
	    buf_cstr(&tok) == NULL ||
	    cert_token_url(r->public_url, (char *)tok.data, &url, &e) != 0)
		goto out;
	printf("%s\n", (char *)url.data);
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "mk_v1_token: %s\n", e.msg);
	if (txn != NULL)
		mdb_txn_abort(txn);
	if (r != NULL)
		registry_close(r);
	buf_free(&enc);
	buf_free(&tok);
	buf_free(&url);
	key_free(&k);
	return rc;
}
