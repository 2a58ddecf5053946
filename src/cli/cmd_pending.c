/* cmd_pending.c - subcommands whose modules are still being written. */
#include <stdio.h>

#include "cli.h"

static int
pending(const char *what)
{
	fprintf(stderr, "skillcert %s: not available in this build yet\n", what);
	return ERR_INTERNAL;
}

int cmd_serve(int argc, char **argv) { return pending("serve"); }
