/* ckpt.c - the log's C2SP checkpoint, its cosignatures and the witnesses
 * trusted to make them, kept in the registry's meta database. */
#include <stdio.h>
#include <string.h>

#include "skillcert/store/ckpt.h"
#include "meta.h"

#define CKPT_SUFFIX "/skillcert-log"


int
ckpt_origin_from_url(const char *url, char *out, size_t cap)
{
	const char *p = strstr(url, "://");
	size_t n;

	p = p ? p + 3 : url;
	n = strcspn(p, "?#");
	while (n > 0 && p[n - 1] == '/')
		n--;
	if (n == 0 || n + sizeof(CKPT_SUFFIX) > cap)
		return -1;
	snprintf(out, cap, "%.*s%s", (int)n, p, CKPT_SUFFIX);
	return note_name_ok(out, strlen(out)) ? 0 : -1;
}

int
ckpt_sign_put(struct registry *r, MDB_txn *txn, const struct sth *h,
    struct err *e)
{
	struct buf b = BUF_INIT;
	int rc;

	if ((rc = checkpoint_sign(r->origin, h->size, h->root, &r->logkey, &b,
	    e)) == 0)
		rc = registry_meta_put(r, txn, "checkpoint", 10, b.data, b.len, e);
	buf_free(&b);
	return rc;
}

int
ckpt_get(struct registry *r, MDB_txn *txn, const char **p, size_t *n,
    struct err *e)
{
	MDB_val v;
	int rc;

	if ((rc = registry_meta_get(r, txn, "checkpoint", 10, &v)) != 0)
		return rc == MDB_NOTFOUND ? err_set(e, ERR_NOTFOUND, "no checkpoint "
		    "yet: the log's next signed head will have one") :
		    registry_db_error(e, rc, "checkpoint");
	*p = v.mv_data;
	*n = v.mv_size;
	return 0;
}

/* Appends to b the lines of add's signatures that have is lacks. */
static int
ckpt_merge(struct buf *b, const struct note *have, const struct note *add,
    int *added, struct err *e)
{
	int total = have->nsigs;

	*added = 0;
	for (int i = 0; i < add->nsigs; i++) {
		const struct note_sig *s = &add->sigs[i];
		if (note_find_sig(have, s->name, s->id) != NULL)
			continue;
		if (total == NOTE_SIGS_MAX)
			return err_set(e, ERR_FULL, "the checkpoint has %d signatures "
			    "already", NOTE_SIGS_MAX);
		if (s->len > NOTE_SIG_MAX)
			return err_set(e, ERR_INVALID, "signature by %s is too long "
			    "to keep", s->name);
		if (note_append_sig(b, s->name, s->id, s->sig, s->len) != 0)
			return err_set(e, ERR_NOMEM, "out of memory");
		total++;
		(*added)++;
	}
	return 0;
}

int
ckpt_add_cosignatures(struct registry *r, MDB_txn *txn, const char *note,
    size_t n, int *added, struct err *e)
{
	struct note have, add;
	struct buf b = BUF_INIT;
	const char *p;
	size_t len;
	int rc;

	if ((rc = ckpt_get(r, txn, &p, &len, e)) != 0 ||
	    (rc = note_parse(p, len, &have, e)) != 0 ||
	    (rc = note_parse(note, n, &add, e)) != 0)
		return rc;
	if (add.textlen != have.textlen || memcmp(add.text, have.text,
	    have.textlen) != 0)
		return err_set(e, ERR_INVALID, "the note is not the latest "
		    "checkpoint (a newer head may have been signed since)");
	if (buf_append(&b, p, len) != 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	if ((rc = ckpt_merge(&b, &have, &add, added, e)) == 0 && *added > 0)
		rc = registry_meta_put(r, txn, "checkpoint", 10, b.data, b.len, e);
	buf_free(&b);
	return rc;
}

int
ckpt_witness_each(struct registry *r, MDB_txn *txn,
    int (*fn)(const struct note_vkey *, void *), void *arg, struct err *e)
{
	char line[NOTE_VKEY_MAX + 1];
	struct note_vkey v;
	const char *p, *end, *nl;
	MDB_val val;
	int rc;

	if ((rc = registry_meta_get(r, txn, "witnesses", 9, &val)) != 0)
		return rc == MDB_NOTFOUND ? 0 : registry_db_error(e, rc, "witnesses");
	p = val.mv_data;
	end = p + val.mv_size;
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL ||
		    (size_t)(nl - p) > NOTE_VKEY_MAX)
			return err_set(e, ERR_DB, "witnesses: malformed record");
		memcpy(line, p, (size_t)(nl - p));
		line[nl - p] = '\0';
		if ((rc = note_vkey_parse(line, &v, e)) != 0)
			return err_prefix(e, "witnesses: ");
		if (fn(&v, arg) != 0)
			break;
	}
	return 0;
}

struct ckpt_wlist {
	struct buf b;
	const char *skip;            /* a name left out, or NULL */
	const char *name;            /* a name looked for, or NULL */
	int found, count;
};

static int
ckpt_wlist_add(const struct note_vkey *v, void *arg)
{
	struct ckpt_wlist *w = arg;
	char s[NOTE_VKEY_MAX];

	if (w->name != NULL && strcmp(w->name, v->name) == 0)
		w->found = 1;
	if (w->skip != NULL && strcmp(w->skip, v->name) == 0)
		return 0;
	note_vkey_format(v, s);
	buf_printf(&w->b, "%s\n", s);
	w->count++;
	return 0;
}

int
ckpt_witness_add(struct registry *r, MDB_txn *txn, const struct note_vkey *v,
    struct err *e)
{
	struct ckpt_wlist w = { BUF_INIT, NULL, v->name, 0, 0 };
	struct note_vkey c = *v;
	int rc;

	/* Stored as a cosignature key, whatever type it was given as. */
	if ((rc = note_vkey_make(v->name, NOTE_COSIG_V1, v->pub, &c, e)) != 0)
		return rc;
	if ((rc = ckpt_witness_each(r, txn, ckpt_wlist_add, &w, e)) != 0)
		goto out;
	if (w.found)
		rc = err_set(e, ERR_EXISTS, "a witness named %s is listed already",
		    v->name);
	else if (w.count >= CKPT_WITNESSES_MAX)
		rc = err_set(e, ERR_FULL, "%d witnesses are listed already",
		    CKPT_WITNESSES_MAX);
	else if (ckpt_wlist_add(&c, &w) != 0 || w.b.oom)
		rc = err_set(e, ERR_NOMEM, "out of memory");
	else
		rc = registry_meta_put(r, txn, "witnesses", 9, w.b.data, w.b.len, e);
out:
	buf_free(&w.b);
	return rc;
}

int
ckpt_witness_remove(struct registry *r, MDB_txn *txn, const char *name,
    struct err *e)
{
	struct ckpt_wlist w = { BUF_INIT, name, name, 0, 0 };
	int rc;

	if ((rc = ckpt_witness_each(r, txn, ckpt_wlist_add, &w, e)) != 0)
		goto out;
	if (!w.found)
		rc = err_set(e, ERR_NOTFOUND, "no witness named %s", name);
	else if (w.b.oom)
		rc = err_set(e, ERR_NOMEM, "out of memory");
	else
		rc = registry_meta_put(r, txn, "witnesses", 9, w.b.len ? (void *)w.b.data :
		    (void *)"", w.b.len, e);
out:
	buf_free(&w.b);
	return rc;
}
