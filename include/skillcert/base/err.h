/* err.h - error codes and messages returned by every skillcert call. */
#ifndef SKILLCERT_ERR_H
#define SKILLCERT_ERR_H

#include <stddef.h>

/* Codes double as CLI exit codes (see README): keep them stable. */
enum err_code {
	ERR_OK = 0,
	ERR_INVALID = 1,   /* input failed validation (row, field, byte named) */
	ERR_USAGE = 64,    /* bad command line (EX_USAGE) */
	ERR_NOTFOUND = 66, /* no such certificate, org, file (EX_NOINPUT) */
	ERR_EXISTS = 67,   /* already present, refused */
	ERR_DENIED = 77,   /* not permitted: suspended org, out of scope, wrong key (EX_NOPERM) */
	ERR_IO = 74,       /* file or socket I/O (EX_IOERR) */
	ERR_DB = 75,       /* LMDB failure (EX_TEMPFAIL) */
	ERR_CRYPTO = 76,   /* key or signature failure */
	ERR_FULL = 73,     /* a sequence or a buffer ran out (EX_CANTCREAT) */
	ERR_NOMEM = 71,    /* allocation failed (EX_OSERR) */
	ERR_INTERNAL = 70  /* bug (EX_SOFTWARE) */
};

struct err {
	int code;
	char msg[512];
};

/* Sets e (if not NULL) and returns code, so callers can `return err_set(...)`. */
int err_set(struct err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefixes e->msg with more context ("line 3: " ...); returns e->code. */
int err_prefix(struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void err_clear(struct err *e);
/* Short stable name for a code ("invalid", "not_found" ...), used in JSON. */
const char *err_name(int code);

#endif
