/* checkpoint.h - C2SP tlog-checkpoint v1 (c2sp.org/tlog-checkpoint) in a
 * signed note: origin line, tree size in decimal, base64 root hash, each
 * ending in a newline; signed by the log key under the origin as key
 * name, and cosigned by witnesses (c2sp.org/tlog-cosignature, Ed25519
 * "cosignature/v1", timestamped). */
#ifndef SKILLCERT_CHECKPOINT_H
#define SKILLCERT_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>
#include "skillcert/base/buf.h"
#include "skillcert/base/err.h"
#include "skillcert/model/keys.h"
#include "skillcert/model/merkle.h"
#include "skillcert/model/note.h"

#define CHECKPOINT_ORIGIN_MAX NOTE_NAME_MAX

struct checkpoint {
	char origin[CHECKPOINT_ORIGIN_MAX + 1];
	uint64_t size;
	uint8_t root[MERKLE_HASH_LEN];
	int nextensions;           /* extension lines after the root */
};

/* The note text of a checkpoint, appended to out. */
int checkpoint_body(const char *origin, uint64_t size,
    const uint8_t root[MERKLE_HASH_LEN], struct buf *out);
/* The whole signed note: body, blank line, the log's Ed25519 signature
 * under the origin as key name. */
int checkpoint_sign(const char *origin, uint64_t size,
    const uint8_t root[MERKLE_HASH_LEN], const struct key *logkey,
    struct buf *out, struct err *e);
/* Parses a note's text as a checkpoint (no leading zeros in the size,
 * canonical base64 of 32 bytes, non-empty extension lines). */
int checkpoint_parse_text(const char *text, size_t n, struct checkpoint *c,
    struct err *e);
/* Parses the note p[0..n) and its text, and verifies the log's signature
 * (key name = origin, key ID from logkey). origin NULL: any origin. */
int checkpoint_open(const char *p, size_t n, const char *origin,
    const struct key *logkey, struct note *nt, struct checkpoint *c,
    struct err *e);
/* Appends a cosignature line by witness key k (name; Ed25519) at time t
 * over nt's text. */
int checkpoint_cosign(const struct note *nt, const char *name,
    const struct key *k, uint64_t t, struct buf *line, struct err *e);
/* The cosignature of witness w on nt: 1 verified (*t its time), 0 none
 * from w, ERR_CRYPTO if there is one and it does not verify. */
int checkpoint_cosig_verify(const struct note *nt, const struct note_vkey *w,
    uint64_t *t, struct err *e);

#endif
