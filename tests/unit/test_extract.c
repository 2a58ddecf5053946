/* test_extract.c - getting the token out of what a verifier is handed,
 * when what it is handed is hostile or broken: a text file that names
 * itself, a photo with no QR in it, and a fork that fails. */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "skillcert/trust/verify.h"
#include "test.h"

/* fork() as the library sees it: linked into this program, it takes the
 * place of libc's, so the test can make it fail. */
static int fail_fork;

pid_t
fork(void)
{
	pid_t (*real)(void);

	if (fail_fork) {
		errno = EAGAIN;
		return -1;
	}
	real = (pid_t (*)(void))dlsym(RTLD_NEXT, "fork");
	return real();
}

static int
open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/* A valid 1x1 white PNG: an image with no QR code in it. */
static const unsigned char white_png[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
	0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00, 0x00, 0x00, 0x00, 0x3a, 0x7e, 0x9b, 0x55, 0x00, 0x00, 0x00,
	0x0a, 0x49, 0x44, 0x41, 0x54, 0x08, 0xd7, 0x63, 0xf8, 0x0f, 0x00, 0x01,
	0x01, 0x01, 0x00, 0x1b, 0xb6, 0xee, 0x56, 0x00, 0x00, 0x00, 0x00, 0x49,
	0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82
};

static void
write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(p, 1, n, f) != n) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(2);
	}
	fclose(f);
}

int
main(void)
{
	char dir[] = "/tmp/sc-extract.XXXXXX", self[256], png[256], cmd[300];
	struct buf out = BUF_INIT;
	struct err e;
	int before;

	if (mkdtemp(dir) == NULL)
		return 2;
	/* A text file whose content is its own path: read once, taken as a
	 * token (not a file name), no recursion. */
	snprintf(self, sizeof(self), "%s/self.txt", dir);
	write_file(self, self, strlen(self));
	CHECK_EQ_INT(verify_extract_token(self, &out, &e), 0);
	CHECK_STR((const char *)out.data, self);
	/* ... and a text file holding a URL still works. */
	write_file(self, "HTTPS://CERT.EXAMPLE.CN/V/ABCDEF234567\n", 39);
	CHECK_EQ_INT(verify_extract_token(self, &out, &e), 0);
	CHECK_STR((const char *)out.data, "ABCDEF234567");

	/* A photo with no QR code: cannot tell, not invalid. */
	snprintf(png, sizeof(png), "%s/white.png", dir);
	write_file(png, white_png, sizeof(white_png));
	e.code = 0;
	CHECK(verify_extract_token(png, &out, &e) != 0);
	CHECK_EQ_INT(e.code, ERR_NOTFOUND);
	CHECK(strstr(e.msg, "no QR code could be read") != NULL);

	/* fork fails: an error, and no descriptor left open. */
	before = open_fds();
	fail_fork = 1;
	CHECK(verify_extract_token(png, &out, &e) != 0);
	CHECK_EQ_INT(e.code, ERR_IO);
	fail_fork = 0;
	CHECK_EQ_INT(open_fds(), before);

	buf_free(&out);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	TEST_END();
}
