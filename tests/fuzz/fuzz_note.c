/* fuzz_note.c - the C2SP signed-note and checkpoint parsers, and the
 * cosignature check, on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "skillcert/model/checkpoint.h"
#include "skillcert/model/note.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t pub[32] = { 1 };
	struct note nt;
	struct checkpoint c;
	struct note_vkey v;
	struct err e;
	char s[NOTE_VKEY_MAX + 1];

	if (note_parse((const char *)data, size, &nt, &e) == 0) {
		(void)checkpoint_parse_text(nt.text, nt.textlen, &c, &e);
		if (nt.nsigs > 0 && note_vkey_make(nt.sigs[0].name, NOTE_COSIG_V1,
		    pub, &v, NULL) == 0)
			(void)checkpoint_cosig_verify(&nt, &v, NULL, &e);
	}
	if (size <= NOTE_VKEY_MAX) {
		memcpy(s, data, size);
		s[size] = '\0';
		(void)note_vkey_parse(s, &v, &e);
	}
	return 0;
}
