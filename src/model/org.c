/* org.c - assessment organizations: scope, stored form, credentials. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/model/org.h"
#include "skillcert/model/cert.h"
#include "skillcert/base/date.h"
#include "skillcert/model/level.h"

#define ORG_VERSION 3            /* 3: stated annual capacity */
#define ORG_VERSION_V2 2         /* 2: region and its history */
#define ORG_VERSION_V1 1
#define ORGKEY_VERSION 1
#define ORG_CRED_CTX "skillcert/org/v1"

/* Operators type the list separator as ',' or as the full-width '，' or
 * '、', and the colon as ':' or '：'. Whole characters, never bytes: the
 * last byte of '，' is also the middle byte of other characters. */
static char *
scope_cut(char *item)
{
	for (char *p = item; *p; p++) {
		if (*p == ',') {
			*p = '\0';
			return p + 1;
		}
		if (strncmp(p, "，", 3) == 0 || strncmp(p, "、", 3) == 0) {
			*p = '\0';
			return p + 3;
		}
	}
	return NULL;
}

/* The colon between occupation and levels, cut off; NULL if none. */
static char *
scope_colon(char *item)
{
	char *p;

	if ((p = strstr(item, "：")) != NULL) {
		*p = '\0';
		memmove(p + 1, p + 3, strlen(p + 3) + 1);
		*p = ':';
		return p;
	}
	return strchr(item, ':');
}

int
org_scope_parse(const struct catalog *cat, const char *s, struct org *o,
    struct err *e)
{
	char copy[1024], *item, *next;

	if (strlen(s) >= sizeof(copy))
		return err_set(e, ERR_INVALID, "--scope too long");
	strcpy(copy, s);
	o->nscope = 0;
	for (item = copy; item != NULL; item = next) {
		char *colon;
		const struct occupation *occ;
		uint8_t mask;

		next = scope_cut(item);
		if (*item == '\0')
			continue;
		if ((colon = scope_colon(item)) == NULL)
			return err_set(e, ERR_INVALID, "scope item '%s' lacks ':levels' "
			    "(e.g. 养老护理员:5-1)", item);
		*colon = '\0';
		occ = catalog_occ_by_name(cat, item);
		if (occ == NULL)
			occ = catalog_occ_by_code(cat, item);
		if (occ == NULL)
			return err_set(e, ERR_INVALID, "scope: occupation '%s' is not in "
			    "the catalog", item);
		if ((mask = level_mask_parse(colon + 1)) == 0)
			return err_set(e, ERR_INVALID, "scope: levels '%s' for %s are not "
			    "like 5-1 or 3", colon + 1, item);
		if ((mask & occ->levels) != mask) {
			char have[8];
			level_mask_format(occ->levels, have);
			return err_set(e, ERR_INVALID, "scope: %s defines levels %s only, "
			    "not %s", occ->name, have, colon + 1);
		}
		if (o->nscope == ORG_SCOPE_MAX)
			return err_set(e, ERR_INVALID, "scope: more than %d occupations",
			    ORG_SCOPE_MAX);
		for (int i = 0; i < o->nscope; i++) {
			uint8_t packed[4];
			cert_occ_pack(occ->code, packed);
			if (memcmp(o->scope[i].occ, packed, 4) == 0)
				return err_set(e, ERR_INVALID, "scope: %s listed twice",
				    occ->name);
		}
		cert_occ_pack(occ->code, o->scope[o->nscope].occ);
		o->scope[o->nscope++].levels = mask;
	}
	if (o->nscope == 0)
		return err_set(e, ERR_INVALID, "scope is empty");
	return 0;
}

void
org_scope_format(const struct catalog *cat, const struct org *o, struct buf *out)
{
	for (int i = 0; i < o->nscope; i++) {
		char code[CERT_OCC_MAX + 1], lv[8];
		const struct occupation *occ;
		cert_occ_unpack(o->scope[i].occ, code);
		occ = catalog_occ_by_code(cat, code);
		level_mask_format(o->scope[i].levels, lv);
		buf_printf(out, "%s%s:%s", i ? "," : "", occ ? occ->name : code, lv);
	}
	buf_cstr(out);
}

int
org_scope_allows(const struct org *o, const uint8_t occ[4], int level)
{
	for (int i = 0; i < o->nscope; i++)
		if (memcmp(o->scope[i].occ, occ, 4) == 0)
			return (o->scope[i].levels & (1u << level)) ? 0 : -1;
	return -1;
}

/* The fields a credential binds, shared by the stored form. */
static void
org_put_core(const struct org *o, struct buf *b)
{
	buf_append(b, o->code, ORGCODE_LEN);
	buf_append_byte(b, (uint8_t)o->type);
	buf_append_str16(b, o->name);
	buf_append_u32(b, (uint32_t)o->valid_from);
	buf_append_u32(b, (uint32_t)o->valid_to);
	buf_append_byte(b, (uint8_t)o->nscope);
	for (int i = 0; i < o->nscope; i++) {
		buf_append(b, o->scope[i].occ, 4);
		buf_append_byte(b, o->scope[i].levels);
	}
}

int
org_encode(const struct org *o, struct buf *out)
{
	buf_reset(out);
	buf_append_byte(out, ORG_VERSION);
	org_put_core(o, out);
	buf_append_byte(out, (uint8_t)o->status);
	buf_append(out, o->kid, KEY_ID_LEN);
	buf_append_u64(out, (uint64_t)o->created);
	buf_append_u64(out, (uint64_t)o->changed);
	buf_append_str16(out, o->note);
	/* A record filed without one (older callers) gets its province. */
	buf_append_u32(out, (uint32_t)(o->region ? o->region :
	    orgcode_province(o->code) * 10000));
	buf_append_str16(out, o->history);
	buf_append_u32(out, o->capacity);
	return out->oom ? -1 : 0;
}

/* Version 2's tail (region, history) and 3's capacity; a version 1
 * record is filed with its province. */
static int
org_decode_region(struct rd *r, uint8_t ver, struct org *o)
{
	uint32_t rg;

	if (ver == ORG_VERSION_V1) {
		o->region = orgcode_province(o->code) * 10000;
		return 0;
	}
	if (rd_u32(r, &rg) != 0 || rg > 999999 ||
	    rd_str16(r, o->history, sizeof(o->history)) != 0)
		return -1;
	o->region = (int32_t)rg;
	return ver == ORG_VERSION_V2 ? 0 : rd_u32(r, &o->capacity);
}

int
org_decode(const uint8_t *p, size_t n, struct org *o, struct err *e)
{
	struct rd r = { p, p + n };
	uint8_t ver, type, ns, st;
	uint32_t vf, vt;
	uint64_t c1, c2;

	memset(o, 0, sizeof(*o));
	if (rd_u8(&r, &ver) != 0 || (ver < ORG_VERSION_V1 || ver > ORG_VERSION) ||
	    rd_bytes(&r, o->code, ORGCODE_LEN) != 0 || rd_u8(&r, &type) != 0 ||
	    rd_str16(&r, o->name, sizeof(o->name)) != 0 ||
	    rd_u32(&r, &vf) != 0 || rd_u32(&r, &vt) != 0 || rd_u8(&r, &ns) != 0 ||
	    ns > ORG_SCOPE_MAX)
		return err_set(e, ERR_DB, "organization record is corrupt");
	o->code[ORGCODE_LEN] = '\0';
	if (orgcode_check(o->code, NULL) != 0 || type != (uint8_t)o->code[0])
		return err_set(e, ERR_DB, "organization record has a bad code");
	o->type = (char)type;
	o->valid_from = (int32_t)vf;
	o->valid_to = (int32_t)vt;
	o->nscope = ns;
	for (int i = 0; i < ns; i++)
		if (rd_bytes(&r, o->scope[i].occ, 4) != 0 ||
		    rd_u8(&r, &o->scope[i].levels) != 0)
			return err_set(e, ERR_DB, "organization scope is corrupt");
	if (rd_u8(&r, &st) != 0 || rd_bytes(&r, o->kid, KEY_ID_LEN) != 0 ||
	    rd_u64(&r, &c1) != 0 || rd_u64(&r, &c2) != 0 ||
	    rd_str16(&r, o->note, sizeof(o->note)) != 0 ||
	    org_decode_region(&r, ver, o) != 0 || r.p != r.end)
		return err_set(e, ERR_DB, "organization record is corrupt");
	o->status = st;
	o->created = (int64_t)c1;
	o->changed = (int64_t)c2;
	return 0;
}

/* Appends line to o->history, dropping the oldest lines to make room. */
static void
org_history_append(struct org *o, const char *line)
{
	size_t need = strlen(line) + 1, have = strlen(o->history);
	char *nl;

	while (have && have + need >= sizeof(o->history)) {
		if ((nl = strchr(o->history, '\n')) == NULL) {
			o->history[0] = '\0';
			break;
		}
		memmove(o->history, nl + 1, strlen(nl + 1) + 1);
		have = strlen(o->history);
	}
	if (need >= sizeof(o->history))
		return;
	if (have)
		strcat(o->history, "\n");
	strcat(o->history, line);
}

int
org_set_region(const struct catalog *cat, struct org *o, int region,
    const char *reason, int32_t today, struct err *e)
{
	char d[11], line[400];
	int prov = orgcode_province(o->code);

	if (region < 110000 || region > 999999)
		return err_set(e, ERR_USAGE, "--region must be a six-digit GB/T "
		    "2260 code, e.g. 360100");
	if (catalog_region_by_code(cat, region) == NULL)
		return err_set(e, ERR_INVALID, "region %06d is not in the region "
		    "catalog", region);
	if (!catalog_region_within(cat, region, prov))
		return err_set(e, ERR_INVALID, "region %06d is not inside province "
		    "%02d of organization %s", region, prov, o->code);
	if (reason != NULL && region == o->region)
		return err_set(e, ERR_EXISTS, "%s is already filed in region %06d",
		    o->code, region);
	if (reason != NULL) {
		if (strchr(reason, '\n') || strlen(reason) > 300)
			return err_set(e, ERR_USAGE, "--reason must be one line of "
			    "at most 300 bytes");
		date_format_iso(today, d);
		snprintf(line, sizeof(line), "%s %06d->%06d %s", d, (int)o->region,
		    region, reason);
		org_history_append(o, line);
	}
	o->region = region;
	return 0;
}

int
orgkey_encode(const struct org_key *k, struct buf *out)
{
	buf_reset(out);
	buf_append_byte(out, ORGKEY_VERSION);
	buf_append_byte(out, (uint8_t)k->alg);
	buf_append_byte(out, (uint8_t)k->status);
	buf_append_byte(out, (uint8_t)k->publen);
	buf_append(out, k->pub, (size_t)k->publen);
	buf_append_u32(out, (uint32_t)k->valid_from);
	buf_append_u32(out, (uint32_t)k->valid_to);
	buf_append_u32(out, (uint32_t)k->compromised_from);
	buf_append(out, k->auth_kid, KEY_ID_LEN);
	buf_append(out, k->cred_sig, KEY_SIG_LEN);
	return out->oom ? -1 : 0;
}

int
orgkey_decode(const uint8_t *p, size_t n, struct org_key *k, struct err *e)
{
	struct rd r = { p, p + n };
	uint8_t ver, alg, st, pl;
	uint32_t a, b, c;
	char org[ORGCODE_LEN + 1];
	uint8_t kid[KEY_ID_LEN];

	/* org and kid come from the database key: keep what the caller set. */
	memcpy(org, k->org, sizeof(org));
	memcpy(kid, k->kid, sizeof(kid));
	memset(k, 0, sizeof(*k));
	memcpy(k->org, org, sizeof(org));
	memcpy(k->kid, kid, sizeof(kid));
	if (rd_u8(&r, &ver) != 0 || ver != ORGKEY_VERSION || rd_u8(&r, &alg) != 0 ||
	    rd_u8(&r, &st) != 0 || rd_u8(&r, &pl) != 0 || pl > KEY_PUB_MAX ||
	    rd_bytes(&r, k->pub, pl) != 0 || rd_u32(&r, &a) != 0 ||
	    rd_u32(&r, &b) != 0 || rd_u32(&r, &c) != 0 ||
	    rd_bytes(&r, k->auth_kid, KEY_ID_LEN) != 0 ||
	    rd_bytes(&r, k->cred_sig, KEY_SIG_LEN) != 0 || r.p != r.end)
		return err_set(e, ERR_DB, "organization key record is corrupt");
	k->alg = alg;
	k->status = st;
	k->publen = pl;
	k->valid_from = (int32_t)a;
	k->valid_to = (int32_t)b;
	k->compromised_from = (int32_t)c;
	return 0;
}

int
org_credential_bytes(const struct org *o, const struct org_key *k,
    struct buf *out)
{
	buf_reset(out);
	org_put_core(o, out);
	buf_append_byte(out, (uint8_t)k->alg);
	buf_append_byte(out, (uint8_t)k->publen);
	buf_append(out, k->pub, (size_t)k->publen);
	buf_append(out, k->kid, KEY_ID_LEN);
	buf_append_u32(out, (uint32_t)k->valid_from);
	buf_append_u32(out, (uint32_t)k->valid_to);
	return out->oom ? -1 : 0;
}

int
org_credential_sign(const struct org *o, struct org_key *k,
    const struct key *authority, struct err *e)
{
	struct buf b = BUF_INIT;
	int rc;

	if (org_credential_bytes(o, k, &b) != 0) {
		buf_free(&b);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	rc = key_sign(authority, ORG_CRED_CTX, b.data, b.len, k->cred_sig, e);
	memcpy(k->auth_kid, authority->kid, KEY_ID_LEN);
	buf_free(&b);
	return rc;
}

int
org_credential_verify(const struct org *o, const struct org_key *k,
    const struct key *authority, struct err *e)
{
	struct buf b = BUF_INIT;
	int rc;

	if (memcmp(k->auth_kid, authority->kid, KEY_ID_LEN) != 0)
		return err_set(e, ERR_CRYPTO, "organization credential was signed by "
		    "another authority key");
	if (org_credential_bytes(o, k, &b) != 0) {
		buf_free(&b);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	rc = key_verify(authority, ORG_CRED_CTX, b.data, b.len, k->cred_sig, e);
	buf_free(&b);
	if (rc != 0)
		return err_set(e, ERR_CRYPTO, "organization credential signature "
		    "does not verify");
	return 0;
}

int
orgkey_allows(const struct org_key *k, int32_t issued, struct err *e)
{
	char d[11];

	if (issued < k->valid_from || issued > k->valid_to) {
		date_format_iso(issued, d);
		return err_set(e, ERR_DENIED, "issued %s, outside the key's validity",
		    d);
	}
	if (k->status == OKEY_COMPROMISED && issued >= k->compromised_from) {
		date_format_iso(k->compromised_from, d);
		return err_set(e, ERR_DENIED, "signed by a key compromised from %s", d);
	}
	return 0;
}

const char *
org_status_name(int s)
{
	return s == ORG_ACTIVE ? "active" : s == ORG_SUSPENDED ? "suspended" : "unknown";
}

const char *
orgkey_status_name(int s)
{
	return s == OKEY_ACTIVE ? "active" : s == OKEY_RETIRED ? "retired" :
	    s == OKEY_COMPROMISED ? "compromised" : "unknown";
}
