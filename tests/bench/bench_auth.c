/* bench_auth.c - one password hash and one verify at the production cost
 * (Argon2id m=19 MiB, t=2, p=1), against libargon2's raw hash of the same
 * cost in the same run (the peer: what our PHC wrapper adds).
 *   bench_auth [N]  (default 20 of each) */
#include <argon2.h>
#include <stdio.h>
#include <stdlib.h>

#include "gen.h"
#include "skillcert/auth/auth.h"

#define PW "correct horse battery staple"

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20;
	char h[AUTH_HASH_MAX];
	uint8_t salt[16] = { 1 }, out[32];
	struct err e;
	double t0, ours, verify, raw;

	if (n < 1)
		n = 1;
	t0 = gen_now();
	for (int i = 0; i < n; i++)
		if (auth_password_hash(PW, h, &e) != 0)
			return 1;
	ours = (gen_now() - t0) / n;
	t0 = gen_now();
	for (int i = 0; i < n; i++)
		if (auth_password_verify(h, PW, &e) != 0)
			return 1;
	verify = (gen_now() - t0) / n;
	t0 = gen_now();
	for (int i = 0; i < n; i++)
		if (argon2id_hash_raw(AUTH_ARGON2_T, AUTH_ARGON2_M_KIB, 1, PW,
		    sizeof(PW) - 1, salt, sizeof(salt), out, sizeof(out)) != ARGON2_OK)
			return 1;
	raw = (gen_now() - t0) / n;
	printf("argon2id m=%u KiB t=%u p=1: hash %.1f ms, verify %.1f ms; "
	    "libargon2 raw %.1f ms (ratio %.2f)\n", AUTH_ARGON2_M_KIB,
	    AUTH_ARGON2_T, ours * 1e3, verify * 1e3, raw * 1e3, ours / raw);
	return 0;
}
