/* exportpos.c - what each department last received by `skillcert export`:
 * a log size, kept in the meta database under "exportpos/" DEPT. */
#include <stdio.h>
#include <string.h>

#include "skillcert/base/buf.h"
#include "skillcert/store/export.h"
#include "meta.h"

static int
exportpos_key(const char *dept, char *k, size_t cap)
{
	int n = snprintf(k, cap, "exportpos/%s", dept);

	return n < 0 || (size_t)n >= cap ? -1 : n;
}

int
exportpos_get(struct registry *r, MDB_txn *txn, const char *dept,
    uint64_t *pos, struct err *e)
{
	char k[96];
	MDB_val v;
	struct rd rd;
	int kn, rc;

	*pos = 0;
	if ((kn = exportpos_key(dept, k, sizeof(k))) < 0)
		return err_set(e, ERR_INVALID, "department name too long");
	rc = registry_meta_get(r, txn, k, (size_t)kn, &v);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return registry_db_error(e, rc, "export position");
	rd.p = v.mv_data;
	rd.end = rd.p + v.mv_size;
	if (v.mv_size != 8 || rd_u64(&rd, pos) != 0)
		return err_set(e, ERR_DB, "export position of %s is corrupt", dept);
	return 0;
}

int
exportpos_put(struct registry *r, MDB_txn *txn, const char *dept,
    uint64_t pos, struct err *e)
{
	char k[96];
	uint8_t v[8];
	int kn, i;

	if ((kn = exportpos_key(dept, k, sizeof(k))) < 0)
		return err_set(e, ERR_INVALID, "department name too long");
	for (i = 0; i < 8; i++)
		v[i] = (uint8_t)(pos >> (56 - 8 * i));
	return registry_meta_put(r, txn, k, (size_t)kn, v, sizeof(v), e);
}
