/* mask.h - the masking of names and ID numbers shown to the public (DOMAIN.md). */
#ifndef SKILLCERT_MASK_H
#define SKILLCERT_MASK_H

#include <stddef.h>

/* Public masking (DOMAIN.md): name keeps first and last character
 * ("张*华", "李*", "阿****提"); ID keeps first 4 and last 4
 * ("3601**********123X"). Output is NUL-terminated, cap >= input + 1
 * suffices for IDs; names may need up to strlen*1 + 4. */
void mask_name(const char *name, char *out, size_t cap);
void mask_id(const char *id, char *out, size_t cap);
/* How many leading and trailing characters mask_id keeps of n. */
void mask_id_keep(size_t n, size_t *head, size_t *tail);

#endif
