/* pending.c - stand-ins for interfaces other branches implement (XLSX
 * rosters), compiled only while their sources are
 * absent from this tree (see CMakeLists.txt); each refuses clearly. */
#include <string.h>
#include "portal_int.h"
#include "skillcert/roster/xlsx.h"
#include "skillcert/render/batch.h"

#ifdef PORTAL_STUB_XLSX
int roster_xlsx_sniff(const uint8_t *p, size_t n) { return n >= 4 && p[0] == 'P' && p[1] == 'K' && p[2] == 3 && p[3] == 4; }
int
roster_xlsx_to_csv(const uint8_t *p, size_t n, struct buf *out, struct err *e)
{
	return err_set(e, ERR_INVALID, "XLSX rosters are not supported in this "
	    "build yet");
}
#endif
