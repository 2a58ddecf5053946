/* pending.c - stand-ins for interfaces other branches implement (accounts,
 * XLSX rosters, batch rendering), compiled only while their sources are
 * absent from this tree (see CMakeLists.txt); each refuses clearly. */
#include <string.h>
#include "portal_int.h"
#include "skillcert/roster/xlsx.h"
#include "skillcert/render/batch.h"

#ifdef PORTAL_STUB_ACCT
void acct_config_defaults(struct acct_config *c) { memset(c, 0, sizeof(*c)); }
int
acct_service_open(struct acct_service **s, struct registry *r,
    const struct acct_config *c, struct err *e)
{
	*s = NULL;
	return 0;
}
void acct_service_close(struct acct_service *s) { }
int
acct_audit(struct acct_service *s, MDB_txn *txn, const struct acct_actor *who,
    const char *action, const char *object, const char *outcome, struct err *e)
{
	return 0;
}
#endif
#ifdef PORTAL_STUB_XLSX
int roster_xlsx_sniff(const uint8_t *p, size_t n) { return n >= 4 && p[0] == 'P' && p[1] == 'K' && p[2] == 3 && p[3] == 4; }
int
roster_xlsx_to_csv(const uint8_t *p, size_t n, struct buf *out, struct err *e)
{
	return err_set(e, ERR_INVALID, "XLSX rosters are not supported in this "
	    "build yet");
}
#endif
