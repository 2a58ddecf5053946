/* note.h - C2SP signed-note v1 (c2sp.org/signed-note): a text ending in a
 * newline, a blank line, and signature lines "— NAME base64(keyid || sig)".
 *
 * The parser is strict: valid UTF-8, no control character but newline,
 * a final newline, canonical base64, at most NOTE_SIGS_MAX signatures
 * and NOTE_LINE_MAX bytes a line. Signatures from keys the verifier does
 * not know are kept but ignored, as the specification requires. */
#ifndef SKILLCERT_NOTE_H
#define SKILLCERT_NOTE_H

#include <stddef.h>
#include <stdint.h>
#include "skillcert/base/buf.h"
#include "skillcert/base/err.h"
#include "skillcert/model/keys.h"

#define NOTE_MAX 65536         /* a whole note, bytes */
#define NOTE_LINE_MAX 4096     /* one line, bytes, without its newline */
#define NOTE_SIGS_MAX 16
#define NOTE_NAME_MAX 255
#define NOTE_SIG_MAX 128       /* signature bytes kept after the key ID */
#define NOTE_VKEY_MAX (NOTE_NAME_MAX + 1 + 8 + 1 + 48 + 1)

/* Signature types (signed-note "Signature types"). */
enum note_type { NOTE_ED25519 = 0x01, NOTE_COSIG_V1 = 0x04 };

struct note_sig {
	char name[NOTE_NAME_MAX + 1];
	uint32_t id;
	uint8_t sig[NOTE_SIG_MAX];
	size_t len;                /* bytes after the ID; > NOTE_SIG_MAX: not kept */
};

struct note {
	const char *text;          /* into the parsed bytes; ends with '\n' */
	size_t textlen;
	int nsigs;
	struct note_sig sigs[NOTE_SIGS_MAX];
};

/* A verifier key: name, type and 32-byte Ed25519 public key. */
struct note_vkey {
	char name[NOTE_NAME_MAX + 1];
	int type;
	uint32_t id;
	uint8_t pub[32];
};

/* SHA-256(name || 0x0A || type || pub)[:4], big-endian. */
uint32_t note_key_id(const char *name, int type, const uint8_t *pub,
    size_t n);
/* 1 if name is a valid key name: non-empty, UTF-8, no space, no '+'. */
int note_name_ok(const char *name, size_t n);
/* Parses p[0..n); nt->text points into p. */
int note_parse(const char *p, size_t n, struct note *nt, struct err *e);
/* "name+hex(id)+base64(type || pub)"; the ID must match. Types 0x01 and
 * 0x04 with Ed25519 keys. */
int note_vkey_parse(const char *s, struct note_vkey *v, struct err *e);
/* A vkey from its parts (the ID computed). */
int note_vkey_make(const char *name, int type, const uint8_t pub[32],
    struct note_vkey *v, struct err *e);
void note_vkey_format(const struct note_vkey *v, char out[NOTE_VKEY_MAX]);
/* Appends "— name base64(id || sig)\n". */
int note_append_sig(struct buf *out, const char *name, uint32_t id,
    const uint8_t *sig, size_t n);
/* Appends text, the blank line and an Ed25519 (type 0x01) signature by k
 * under name: a complete note. text must end with '\n'. */
int note_sign(const char *text, size_t n, const char *name,
    const struct key *k, struct buf *out, struct err *e);
/* The signature of v's key (name and ID both match) on nt, type 0x01:
 * 1 verified, 0 none from that key, ERR_CRYPTO if it does not verify. */
int note_verify(const struct note *nt, const struct note_vkey *v,
    struct err *e);
/* The signature on nt from name with id, or NULL. */
const struct note_sig *note_find_sig(const struct note *nt, const char *name,
    uint32_t id);

#endif
