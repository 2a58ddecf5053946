/* person.h - checks of the person a certificate names. */
#ifndef SKILLCERT_PERSON_H
#define SKILLCERT_PERSON_H

#include "skillcert/base/err.h"

/* GB 11643 18-digit resident ID: digits, birth date, MOD 11-2 check char
 * (lower x accepted and normalised to X in place). */
int person_check_idcard(char *id, struct err *e);
/* A person's name: valid UTF-8, 1..CERT_NAME_MAX bytes, letters of CJK
 * (incl. Ext A-G), Latin letters, space, middle dot U+00B7/U+30FB/U+2022
 * normalised to U+00B7; no controls, digits or symbols. */
int person_check_name(const char *name, struct err *e);
#endif
