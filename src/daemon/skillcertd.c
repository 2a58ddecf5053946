/* skillcertd.c - the public lookup server; all of it lives in the
 * library (server_main) so `skillcert serve` runs the very same code. */
#include "skillcert/server/server.h"

int
main(int argc, char **argv)
{
	return server_main(argc, argv);
}
