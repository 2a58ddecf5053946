/* api_token.c - API tokens for tests/cli/portal_api.sh, made through the
 * account service as an organization admin's page would:
 *   api_token DB create ORG SECONDS   prints "ID TOKEN" (0 = no expiry)
 *   api_token DB revoke ORG ID
 *   api_token DB audit - -          the audit trail, one event a line:
 *                                   "WHO ROLE ORG ACTION OBJECT OUTCOME" */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "skillcert/account/account.h"
#include "skillcert/store/registry.h"

static int
api_token_print_event(const struct audit_event *ev, void *arg)
{
	printf("%s %s %s %s %s %s\n", ev->who, ev->role, ev->org[0] ? ev->org :
	    "-", ev->action, ev->object[0] ? ev->object : "-", ev->outcome);
	return 0;
}

static int
api_token_audit(struct registry *r, struct err *e)
{
	MDB_txn *txn;
	int rc;

	if ((rc = registry_txn_begin(r, 1, &txn, e)) != 0)
		return rc;
	rc = audit_each(r, txn, 0, api_token_print_event, NULL, e);
	mdb_txn_abort(txn);
	return rc;
}

static int
api_token_run(struct acct_service *s, int argc, char **argv, struct err *e)
{
	struct acct_actor adm;
	char token[64], id[17];
	long secs;

	memset(&adm, 0, sizeof(adm));
	snprintf(adm.name, sizeof(adm.name), "test-admin");
	adm.role = ACCT_ADMIN;
	snprintf(adm.org, sizeof(adm.org), "%s", argv[3]);
	snprintf(adm.client, sizeof(adm.client), "127.0.0.1");
	if (strcmp(argv[2], "create") == 0) {
		secs = strtol(argv[4], NULL, 10);
		if (acct_token_create(s, &adm, "test", secs ? (int64_t)time(NULL) +
		    secs : 0, token, id, e) != 0)
			return e->code;
		printf("%s %s\n", id, token);
		explicit_bzero(token, sizeof(token));
		return 0;
	}
	if (strcmp(argv[2], "revoke") == 0)
		return acct_token_revoke(s, &adm, argv[4], e);
	return err_set(e, ERR_USAGE, "create or revoke");
}

int
main(int argc, char **argv)
{
	struct registry *r;
	struct acct_service *s;
	struct acct_config c;
	struct err e;
	int rc;

	if (argc != 5) {
		fprintf(stderr, "usage: api_token DB create ORG SECONDS | "
		    "DB revoke ORG ID | DB audit - -\n");
		return ERR_USAGE;
	}
	acct_config_defaults(&c);
	if ((rc = registry_open(&r, argv[1], NULL, &e)) != 0) {
		fprintf(stderr, "api_token: %s\n", e.msg);
		return rc;
	}
	if (strcmp(argv[2], "audit") == 0)
		rc = api_token_audit(r, &e);
	else if ((rc = acct_service_open(&s, r, &c, &e)) == 0) {
		rc = api_token_run(s, argc, argv, &e);
		acct_service_close(s);
	}
	registry_close(r);
	if (rc != 0)
		fprintf(stderr, "api_token: %s\n", e.msg);
	return rc;
}
