/* cmd_serve.c - skillcert serve, the same as skillcertd. */
#include "cli.h"
#include "skillcert/server/server.h"

int
cmd_serve(int argc, char **argv)
{
	return server_main(argc, argv);
}
