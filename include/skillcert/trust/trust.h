/* trust.h - the trust bundle: one file, signed by the authority, holding
 * everything an offline verifier needs: the authority and log public keys,
 * every organization with its keys and credentials, the revocation list
 * (sorted, binary-searchable) and the latest signed tree head.
 *
 * Layout (big-endian):
 *   "SCTB" u8 version(3) u8 pad[3] i64 created (unix seconds)
 *   i64 valid_until (unix seconds; version 3, earlier versions are taken
 *     as created + TRUST_VALID_DEFAULT)
 *   u8 alg u8 len pub   authority key      u8 alg u8 len pub   log key
 *   u32 norgs, each: u16 len org_encode, u16 nkeys, each: kid[8] u16 len orgkey_encode
 *     (version 1, still read, had a u8 nkeys and wrote at most 16)
 *   u8 has_head [sth_encode]
 *   version 3: u32 len, a C2SP checkpoint note of that head with any
 *     cosignatures (0: none); u8 nwitnesses, each: u16 len vkey text
 *   u32 nrevoked, each 14 bytes: certno packed[11] u8 reason u16 day (since 2000)
 *   sig[64]  by the authority over "skillcert/trust/v1" || everything before */
#ifndef SKILLCERT_TRUST_H
#define SKILLCERT_TRUST_H

#include <stddef.h>
#include <stdint.h>
#include "skillcert/base/buf.h"
#include "skillcert/base/err.h"
#include "skillcert/model/keys.h"
#include "skillcert/model/org.h"
#include "skillcert/model/sth.h"
#include "skillcert/model/note.h"

#define TRUST_VERSION 3
#define TRUST_VALID_DEFAULT (7 * 86400)
#define TRUST_KEYS_MAX 65535      /* per organization, every key it ever had */
#define TRUST_REV_LEN 14
#define TRUST_MAX_BYTES (256u << 20)

struct trust_org {
	struct org org;
	int nkeys;
	struct org_key *keys;          /* nkeys of each array, owned */
	/* Checked once when the bundle is parsed, not per verification: */
	int *cred_ok;                  /* credential verifies under the authority */
	struct key *pub;               /* ready-to-use public keys */
};

struct trust {
	int64_t created;
	int64_t valid_until;
	struct key authority;
	struct key logkey;
	struct trust_org *orgs;        /* sorted by code */
	size_t norgs;
	const uint8_t *revs;           /* into raw: nrevs x TRUST_REV_LEN, sorted */
	size_t nrevs;
	int has_head;
	struct sth head;
	const char *checkpoint;        /* into raw; NULL if none */
	size_t checkpoint_len;
	struct note_vkey *witnesses;   /* owned */
	size_t nwitnesses;
	struct buf raw;                /* owns the bytes */
};

/* Writes a bundle in order: begin, then each organization followed by its
 * keys, then the head (NULL: none) with its checkpoint note (NULL: none),
 * then the witnesses, then the revocations in number order,
 * then finish, which signs it with the authority's secret key. Calls
 * return 0, -1 when out of memory; trust_builder_key returns 1 when the
 * organization already has TRUST_KEYS_MAX keys (nothing is dropped
 * silently: the caller refuses to export), trust_builder_revoked 1 when
 * the number cannot be packed (skipped). */
struct trust_builder {
	struct buf *out;
	size_t norgs_at, nkeys_at, nrevs_at;
	uint32_t norgs, nrevs;
	int nkeys;
};
int trust_builder_begin(struct trust_builder *b, struct buf *out,
    int64_t created, int64_t valid_until, const struct key *authority,
    const struct key *logkey);
int trust_builder_org(struct trust_builder *b, const struct org *o);
int trust_builder_key(struct trust_builder *b, const struct org_key *k);
int trust_builder_head(struct trust_builder *b, const struct sth *h,
    const char *checkpoint, size_t checkpoint_len);
/* At most NOTE_SIGS_MAX witnesses (1 beyond). */
int trust_builder_witnesses(struct trust_builder *b,
    const struct note_vkey *w, size_t n);
int trust_builder_revoked(struct trust_builder *b, const char *certno,
    int reason, int32_t day);
int trust_builder_finish(struct trust_builder *b, const struct key *authority,
    struct err *e);

/* Parses and checks the authority's signature with the key it carries;
 * callers pin that key by its id (trust.authority.kid) where it matters. */
int trust_parse(const uint8_t *p, size_t n, struct trust *t, struct err *e);
/* The same without the signature check: for fuzzing the parser. */
int trust_parse_unverified(const uint8_t *p, size_t n, struct trust *t,
    struct err *e);
int trust_load(const char *path, struct trust *t, struct err *e);
void trust_free(struct trust *t);
const struct trust_org *trust_find_org(const struct trust *t, const char *code);
const struct org_key *trust_find_key(const struct trust_org *o,
    const uint8_t kid[KEY_ID_LEN]);
/* 1 and fills reason/day if certno is revoked, else 0. */
int trust_find_revoked(const struct trust *t, const char *certno, int *reason,
    int32_t *day);

#endif
