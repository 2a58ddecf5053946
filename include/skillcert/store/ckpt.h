/* ckpt.h - the log's C2SP checkpoint and its witnesses, in the registry.
 *
 * meta "origin"     the checkpoint origin, derived from the public URL at
 *                   init ("cert.example.cn/skillcert-log"); registries
 *                   made before it derive it on open
 * meta "checkpoint" the latest checkpoint note: signed by the log key
 *                   with each tree head, then any cosignatures added
 * meta "witnesses"  the witnesses' vkeys (type 0x04), one a line */
#ifndef SKILLCERT_CKPT_H
#define SKILLCERT_CKPT_H

#include "skillcert/model/checkpoint.h"
#include "skillcert/model/sth.h"
#include "skillcert/store/registry.h"

#define CKPT_WITNESSES_MAX 16

/* "https://cert.example.cn/x/" -> "cert.example.cn/x/skillcert-log". */
int ckpt_origin_from_url(const char *url, char *out, size_t cap);
/* Signs h as a checkpoint with the log key (loaded) and stores it,
 * replacing the previous one and its cosignatures. */
int ckpt_sign_put(struct registry *r, MDB_txn *txn, const struct sth *h,
    struct err *e);
/* The latest checkpoint note (into the map, valid while txn);
 * ERR_NOTFOUND before the first head signed with this version. */
int ckpt_get(struct registry *r, MDB_txn *txn, const char **p, size_t *n,
    struct err *e);
/* Adds the signature lines of note (the latest checkpoint as a witness
 * returns it) that the stored one lacks, at most NOTE_SIGS_MAX in all;
 * the note's text must be the latest checkpoint's. *added: how many. */
int ckpt_add_cosignatures(struct registry *r, MDB_txn *txn, const char *note,
    size_t n, int *added, struct err *e);
/* Witnesses, by name (unique). */
int ckpt_witness_add(struct registry *r, MDB_txn *txn,
    const struct note_vkey *v, struct err *e);
int ckpt_witness_remove(struct registry *r, MDB_txn *txn, const char *name,
    struct err *e);
/* Calls fn for each witness in the order added; fn non-zero stops. */
int ckpt_witness_each(struct registry *r, MDB_txn *txn,
    int (*fn)(const struct note_vkey *, void *), void *arg, struct err *e);

#endif
