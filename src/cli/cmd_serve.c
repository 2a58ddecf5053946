/* cmd_serve.c - skillcert serve: the lookup server, the same as skillcertd,
 * so that one binary is enough where one is wanted. */
#include "cli.h"
#include "skillcert/server/server.h"

int
cmd_serve(int argc, char **argv)
{
	return server_main(argc, argv);
}
