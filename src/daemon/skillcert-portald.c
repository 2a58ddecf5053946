/* skillcert-portald.c - the issuer portal; all of it lives in the library
 * (portal_main) so `skillcert portal` runs the very same code. */
#include "skillcert/portal/portal.h"

int
main(int argc, char **argv)
{
	return portal_main(argc, argv);
}
