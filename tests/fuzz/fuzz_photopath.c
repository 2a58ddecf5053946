/* fuzz_photopath.c - the photo path resolver on arbitrary paths, against a
 * folder with links out, a FIFO and files outside: whatever it opens must
 * be one of the files inside (they hold "IN"; outside ones "OUT"). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "skillcert/roster/photo.h"

static char base[64], top[40];

static void
cleanup(void)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", top);
}

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		abort();
	fputs(text, f);
	fclose(f);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char p[160];

	snprintf(top, sizeof(top), "/tmp/sc-fuzzpath.XXXXXX");
	if (mkdtemp(top) == NULL)
		abort();
	atexit(cleanup);
	snprintf(base, sizeof(base), "%s/in", top);
	snprintf(p, sizeof(p), "%s/out", top);
	if (mkdir(base, 0700) != 0 || mkdir(p, 0700) != 0)
		abort();
	snprintf(p, sizeof(p), "%s/out/secret", top);
	put(p, "OUT");
	snprintf(p, sizeof(p), "%s/photo", base);
	put(p, "IN");
	snprintf(p, sizeof(p), "%s/sub", base);
	if (mkdir(p, 0700) != 0)
		abort();
	snprintf(p, sizeof(p), "%s/sub/photo", base);
	put(p, "IN");
	snprintf(p, sizeof(p), "%s/up", base);
	if (symlink("../out", p) != 0)
		abort();
	snprintf(p, sizeof(p), "%s/secret", base);
	if (symlink("../out/secret", p) != 0)
		abort();
	snprintf(p, sizeof(p), "%s/abs", base);
	snprintf(p + 100, 60, "%s/out/secret", top);
	if (symlink(p + 100, p) != 0)
		abort();
	snprintf(p, sizeof(p), "%s/fifo", base);
	if (mkfifo(p, 0600) != 0)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out = BUF_INIT;
	struct err e;
	char rel[512];
	size_t n = size < sizeof(rel) - 1 ? size : sizeof(rel) - 1;

	memcpy(rel, data, n);
	rel[n] = '\0';
	if (photo_read(base, rel, 64, &out, &e) == 0 &&
	    (out.len != 2 || memcmp(out.data, "IN", 2) != 0))
		abort();
	buf_free(&out);
	return 0;
}
