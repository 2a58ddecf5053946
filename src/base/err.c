/* err.c - error codes with messages a user can act on. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "skillcert/base/err.h"

int
err_set(struct err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return code;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}

int
err_prefix(struct err *e, const char *fmt, ...)
{
	char pre[256], old[sizeof(e->msg)];
	va_list ap;

	if (e == NULL)
		return ERR_INTERNAL;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	snprintf(e->msg, sizeof(e->msg), "%s%s", pre, old);
	return e->code;
}

void
err_clear(struct err *e)
{
	if (e != NULL) {
		e->code = ERR_OK;
		e->msg[0] = '\0';
	}
}

const char *
err_name(int code)
{
	switch (code) {
	case ERR_OK: return "ok";
	case ERR_INVALID: return "invalid";
	case ERR_USAGE: return "usage";
	case ERR_NOTFOUND: return "not_found";
	case ERR_EXISTS: return "exists";
	case ERR_DENIED: return "denied";
	case ERR_IO: return "io";
	case ERR_DB: return "db";
	case ERR_CRYPTO: return "crypto";
	case ERR_FULL: return "full";
	case ERR_NOMEM: return "nomem";
	default: return "internal";
	}
}
