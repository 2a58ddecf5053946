/* person.h - checks of the person a certificate names. */
#ifndef SKILLCERT_PERSON_H
#define SKILLCERT_PERSON_H

#include "skillcert/base/err.h"
#include "skillcert/model/catalog.h"

/* GB 11643 18-digit resident ID: digits, birth date, MOD 11-2 check char
 * (lower x accepted and normalised to X in place). */
int person_check_idcard(char *id, struct err *e);
/* A person's name: valid UTF-8, 1..CERT_NAME_MAX bytes, letters of CJK
 * (incl. Ext A-G), Latin letters, space, middle dot U+00B7/U+30FB/U+2022
 * normalised to U+00B7; no controls, digits or symbols. */
int person_check_name(const char *name, struct err *e);
/* The same with rules: PERSON_NAME_LATIN_MARKS also allows ' (or U+2019)
 * and - between two Latin letters and . after one (an initial), as
 * passports and foreign residence cards print names (O'Brien,
 * Jean-Pierre, J. R. Smith); zero-width, bidi and control characters
 * stay refused. */
#define PERSON_NAME_LATIN_MARKS 0x1
int person_check_name_as(const char *name, int rules, struct err *e);
/* The holder's home region: the first six digits of a 居民身份证 number
 * (GB/T 2260, where the number was first issued) in *code; *name the
 * catalog's name for it, else for the prefecture or province above it,
 * NULL when none is listed. -1 when id does not start with a code. */
int person_home_region(const struct catalog *cat, const char *id,
    int *code, const char **name);
#endif
