/* answer.c - the server's JSON answers, parsed with jansson (answer.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "skillcert/base/base64.h"
#include "skillcert/base/hex.h"
#include "skillcert/online/answer.h"

/* Exactly n bytes of hex in o[k]. */
static int
answer_hex(const json_t *o, const char *k, uint8_t *out, size_t n)
{
	const json_t *v = json_object_get(o, k);

	if (!json_is_string(v) || json_string_length(v) != 2 * n)
		return -1;
	return hex_decode(json_string_value(v), 2 * n, out, n) == (long)n ? 0 : -1;
}

static int
answer_u64(const json_t *o, const char *k, uint64_t *out)
{
	const json_t *v = json_object_get(o, k);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -1;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int
answer_path(const json_t *o, uint8_t (*path)[MERKLE_HASH_LEN], size_t *np)
{
	const json_t *a = json_object_get(o, "path"), *v;
	size_t i;

	if (!json_is_array(a) || json_array_size(a) > MERKLE_PROOF_MAX)
		return -1;
	json_array_foreach(a, i, v) {
		if (!json_is_string(v) || json_string_length(v) != 2 * MERKLE_HASH_LEN ||
		    hex_decode(json_string_value(v), 2 * MERKLE_HASH_LEN, path[i],
		    MERKLE_HASH_LEN) != MERKLE_HASH_LEN)
			return -1;
	}
	*np = json_array_size(a);
	return 0;
}

static int
answer_head(const json_t *doc, uint8_t enc[STH_LEN], struct sth *h)
{
	const json_t *head = json_object_get(doc, "head");

	if (!json_is_object(head) || answer_hex(head, "encoded", enc, STH_LEN) != 0)
		return -1;
	return h == NULL ? 0 : sth_decode(enc, STH_LEN, h, NULL);
}

static int
answer_leaf(const json_t *o, struct answer_leaf *l)
{
	if (!json_is_object(o) || answer_hex(o, "leaf", l->leaf, LOGLEAF_LEN) != 0 ||
	    answer_u64(o, "leaf_index", &l->index) != 0)
		return -1;
	return answer_path(o, l->path, &l->npath);
}

/* The document, an object, or NULL with why filled. */
static json_t *
answer_load(const char *doc, size_t n, char *why, size_t cap)
{
	json_error_t je;
	json_t *root;

	if (n > ANSWER_BODY_MAX) {
		snprintf(why, cap, "the answer is too large");
		return NULL;
	}
	root = json_loadb(doc, n, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL || !json_is_object(root)) {
		snprintf(why, cap, "the answer is not a JSON object (%s)",
		    root == NULL ? je.text : "other JSON");
		json_decref(root);
		return NULL;
	}
	return root;
}

int
answer_parse_proof(const char *doc, size_t n, struct answer_proof *p,
    char *why, size_t cap)
{
	json_t *root, *rv;
	int rc = -1;

	memset(p, 0, sizeof(*p));
	if ((root = answer_load(doc, n, why, cap)) == NULL)
		return -1;
	if (answer_head(root, p->head_enc, &p->head) != 0)
		snprintf(why, cap, "the server's tree head is malformed");
	else if (answer_leaf(json_object_get(root, "issued"), &p->issued) != 0)
		snprintf(why, cap, "the inclusion proof is malformed");
	else if ((rv = json_object_get(root, "revoked")) != NULL &&
	    answer_leaf(rv, &p->revoked) != 0)
		snprintf(why, cap, "the revocation proof is malformed");
	else {
		p->has_revoked = rv != NULL;
		rc = 0;
	}
	json_decref(root);
	return rc;
}

static int
answer_commitment(const json_t *root, struct status_head *st)
{
	const json_t *o = json_object_get(root, "status");
	uint8_t enc[STATUS_LEN];

	if (!json_is_object(o) || answer_hex(o, "encoded", enc, sizeof(enc)) != 0)
		return -1;
	return status_decode(enc, sizeof(enc), st, NULL);
}

/* The group, index, bits and bitstring fields. */
static int
answer_bits(const json_t *root, struct answer_status *s)
{
	const json_t *g = json_object_get(root, "group"),
	    *b = json_object_get(root, "bitstring");
	uint64_t idx, bits;
	size_t nb;

	if (!json_is_string(g) || json_string_length(g) != STATUS_GROUP_LEN ||
	    answer_u64(root, "index", &idx) != 0 || idx > UINT32_MAX ||
	    answer_u64(root, "bits", &bits) != 0 || bits == 0 ||
	    bits > STATUS_BITS_MAX || !json_is_string(b))
		return -1;
	memcpy(s->group, json_string_value(g), STATUS_GROUP_LEN);
	s->group[STATUS_GROUP_LEN] = '\0';
	s->index = (uint32_t)idx;
	s->bits = (uint32_t)bits;
	nb = STATUS_BYTES(bits);
	if ((s->bitstring = malloc(nb)) == NULL)
		return -1;
	if (base64_decode(json_string_value(b), json_string_length(b),
	    s->bitstring, nb) != (long)nb) {
		free(s->bitstring);
		s->bitstring = NULL;
		return -1;
	}
	return 0;
}

int
answer_parse_status(const char *doc, size_t n, struct answer_status *s,
    char *why, size_t cap)
{
	json_t *root;
	int rc = -1;

	memset(s, 0, sizeof(*s));
	if ((root = answer_load(doc, n, why, cap)) == NULL)
		return -1;
	if (answer_head(root, s->head_enc, NULL) != 0)
		snprintf(why, cap, "the status list's tree head is malformed");
	else if (answer_commitment(root, &s->st) != 0)
		snprintf(why, cap, "the status commitment is malformed");
	else if (answer_path(root, s->path, &s->npath) != 0)
		snprintf(why, cap, "the status list's inclusion path is malformed");
	else if (answer_bits(root, s) != 0)
		snprintf(why, cap, "the status list is malformed");
	else
		rc = 0;
	json_decref(root);
	return rc;
}

void
answer_status_free(struct answer_status *s)
{
	free(s->bitstring);
	s->bitstring = NULL;
}

int
answer_parse_consistency(const char *doc, size_t n,
    struct answer_consistency *c, char *why, size_t cap)
{
	json_t *root;
	int rc = -1;

	memset(c, 0, sizeof(*c));
	if ((root = answer_load(doc, n, why, cap)) == NULL)
		return -1;
	if (answer_u64(root, "from", &c->from) != 0 ||
	    answer_u64(root, "to", &c->to) != 0 ||
	    answer_path(root, c->path, &c->npath) != 0)
		snprintf(why, cap, "the consistency proof is malformed");
	else
		rc = 0;
	json_decref(root);
	return rc;
}
