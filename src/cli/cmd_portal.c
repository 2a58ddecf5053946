/* cmd_portal.c - skillcert portal: the issuer portal, the same as
 * skillcert-portald, so that one binary is enough where one is wanted. */
#include "cli.h"
#include "skillcert/portal/portal.h"

int
cmd_portal(int argc, char **argv)
{
	return portal_main(argc, argv);
}
