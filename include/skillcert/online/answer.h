/* answer.h - the lookup server's JSON answers that `verify --online`
 * reads (/v1/log/proof, /v1/status, /v1/log/consistency), parsed with
 * jansson into fixed-size fields. Parsing checks shape only: what the
 * fields prove is checked by online.c. */
#ifndef SKILLCERT_ANSWER_H
#define SKILLCERT_ANSWER_H

#include <stddef.h>
#include <stdint.h>
#include "skillcert/model/logleaf.h"
#include "skillcert/model/merkle.h"
#include "skillcert/model/status.h"
#include "skillcert/model/sth.h"

#define ANSWER_BODY_MAX (1u << 20)   /* a status list is at most 170 kB */

struct answer_leaf {
	uint8_t leaf[LOGLEAF_LEN];
	uint64_t index;
	uint8_t path[MERKLE_PROOF_MAX][MERKLE_HASH_LEN];
	size_t npath;
};

struct answer_proof {
	uint8_t head_enc[STH_LEN];
	struct sth head;
	struct answer_leaf issued;
	int has_revoked;               /* 1: a "revoked" proof was sent */
	struct answer_leaf revoked;
};

struct answer_status {
	uint8_t head_enc[STH_LEN];
	struct status_head st;
	char group[STATUS_GROUP_LEN + 1];
	uint32_t index;
	uint32_t bits;
	uint8_t *bitstring;            /* STATUS_BYTES(bits), owned */
	uint8_t path[MERKLE_PROOF_MAX][MERKLE_HASH_LEN];
	size_t npath;
};

struct answer_consistency {
	uint64_t from, to;
	uint8_t path[MERKLE_PROOF_MAX][MERKLE_HASH_LEN];
	size_t npath;
};

/* Each returns 0, or -1 with why filled; nothing to free on -1. */
int answer_parse_proof(const char *doc, size_t n, struct answer_proof *p,
    char *why, size_t cap);
int answer_parse_status(const char *doc, size_t n, struct answer_status *s,
    char *why, size_t cap);
void answer_status_free(struct answer_status *s);
int answer_parse_consistency(const char *doc, size_t n,
    struct answer_consistency *c, char *why, size_t cap);

#endif
