/* password.c - Argon2id password hashes (libargon2, PHC strings) and the
 * password policy every account's password must meet. */
#include <string.h>
#include <strings.h>
#include <argon2.h>

#include "skillcert/auth/auth.h"
#include "skillcert/base/utf8.h"

#define SALT_LEN 16
#define TAG_LEN 32

int
auth_password_hash_cost(const char *pw, uint32_t m_kib, uint32_t t,
    char out[AUTH_HASH_MAX], struct err *e)
{
	uint8_t salt[SALT_LEN];
	size_t n = strlen(pw);
	int rc;

	if (n > AUTH_PW_MAX)
		return err_set(e, ERR_INVALID, "password longer than %d bytes",
		    AUTH_PW_MAX);
	if (m_kib < 8 || t < 1)
		return err_set(e, ERR_INVALID, "argon2id cost m=%u KiB t=%u "
		    "below libargon2's minimum", m_kib, t);
	if ((rc = auth_random(salt, sizeof(salt), e)) != 0)
		return rc;
	rc = argon2id_hash_encoded(t, m_kib, 1, pw, n, salt, sizeof(salt),
	    TAG_LEN, out, AUTH_HASH_MAX);
	explicit_bzero(salt, sizeof(salt));
	if (rc != ARGON2_OK)
		return err_set(e, rc == ARGON2_MEMORY_ALLOCATION_ERROR ?
		    ERR_NOMEM : ERR_CRYPTO, "argon2id: %s", argon2_error_message(rc));
	return 0;
}

int
auth_password_hash(const char *pw, char out[AUTH_HASH_MAX], struct err *e)
{
	return auth_password_hash_cost(pw, AUTH_ARGON2_M_KIB, AUTH_ARGON2_T,
	    out, e);
}

int
auth_password_verify(const char *hash, const char *pw, struct err *e)
{
	size_t n = strlen(pw);
	int rc;

	/* Only our own kind of hash: an argon2i or argon2d string would be
	 * accepted by a generic verify, and is never one we wrote. */
	if (strncmp(hash, "$argon2id$", 10) != 0 ||
	    strnlen(hash, AUTH_HASH_MAX) >= AUTH_HASH_MAX)
		return err_set(e, ERR_INVALID, "stored password hash is not an "
		    "argon2id PHC string");
	if (n > AUTH_PW_MAX)
		return err_set(e, ERR_DENIED, "password longer than %d bytes",
		    AUTH_PW_MAX);
	rc = argon2id_verify(hash, pw, n);
	if (rc == ARGON2_OK)
		return 0;
	if (rc == ARGON2_VERIFY_MISMATCH)
		return err_set(e, ERR_DENIED, "password does not match");
	if (rc == ARGON2_MEMORY_ALLOCATION_ERROR)
		return err_set(e, ERR_NOMEM, "argon2id: out of memory");
	return err_set(e, ERR_INVALID, "stored password hash: %s",
	    argon2_error_message(rc));
}

int
auth_password_check(const char *pw, const char *account, struct err *e)
{
	size_t n = strlen(pw), bad;

	if (n > AUTH_PW_MAX)
		return err_set(e, ERR_INVALID, "password is %zu bytes; at most "
		    "%d allowed", n, AUTH_PW_MAX);
	if ((bad = utf8_check((const uint8_t *)pw, n)) != 0)
		return err_set(e, ERR_INVALID, "password is not valid UTF-8 "
		    "(byte %zu)", bad);
	if (utf8_count(pw) < AUTH_PW_MIN)
		return err_set(e, ERR_INVALID, "password has %zu characters; at "
		    "least %d needed", utf8_count(pw), AUTH_PW_MIN);
	if (account && account[0] && strcasestr(pw, account) != NULL)
		return err_set(e, ERR_INVALID, "password contains the account "
		    "name %s", account);
	return 0;
}
