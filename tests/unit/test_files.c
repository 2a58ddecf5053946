/* test_files.c - files the project writes: atomic replacement that never
 * follows a link an attacker placed, owner-only by default, nothing left
 * behind. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "skillcert/base/buf.h"
#include "test.h"

static int
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void
test_symlinks_not_followed(const char *dir)
{
	char path[512], victim[512], link[512], got[64];
	struct buf b = BUF_INIT;
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/out.csv", dir);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	f = fopen(victim, "w");
	fputs("precious", f);
	fclose(f);
	/* Where the old code put its temporary file: PATH.tmp.PID. */
	snprintf(link, sizeof(link), "%s.tmp.%ld", path, (long)getpid());
	CHECK_EQ_INT(symlink(victim, link), 0);
	buf_append_str(&b, "new contents");
	CHECK_EQ_INT(buf_write_file_atomic(&b, path, 0600), 0);
	f = fopen(victim, "r");
	memset(got, 0, sizeof(got));
	CHECK(fread(got, 1, sizeof(got) - 1, f) > 0);
	fclose(f);
	CHECK_STR(got, "precious");
	CHECK_EQ_INT(stat(path, &st), 0);
	CHECK_EQ_INT(st.st_mode & 0777, 0600);
	CHECK_EQ_INT(st.st_size, 12);
	unlink(link);

	/* A symlink at the target itself is replaced, not written through. */
	unlink(path);
	CHECK_EQ_INT(symlink(victim, path), 0);
	CHECK_EQ_INT(buf_write_file_atomic(&b, path, 0600), 0);
	CHECK_EQ_INT(lstat(path, &st), 0);
	CHECK(S_ISREG(st.st_mode));
	f = fopen(victim, "r");
	memset(got, 0, sizeof(got));
	CHECK(fread(got, 1, sizeof(got) - 1, f) > 0);
	fclose(f);
	CHECK_STR(got, "precious");
	buf_free(&b);
}

static void
test_modes_and_leftovers(const char *dir)
{
	char sub[512], path[512];
	struct buf b = BUF_INIT;
	struct stat st;
	mode_t old = umask(0);

	snprintf(sub, sizeof(sub), "%s/m", dir);
	CHECK_EQ_INT(mkdir(sub, 0700), 0);
	snprintf(path, sizeof(path), "%s/bundle", sub);
	buf_append_str(&b, "x");
	CHECK_EQ_INT(buf_write_file_atomic(&b, path, 0644), 0);
	CHECK_EQ_INT(stat(path, &st), 0);
	CHECK_EQ_INT(st.st_mode & 0777, 0644);
	CHECK_EQ_INT(buf_write_file_atomic(&b, path, 0600), 0);
	CHECK_EQ_INT(stat(path, &st), 0);
	CHECK_EQ_INT(st.st_mode & 0777, 0600);
	CHECK_EQ_INT(count_entries(sub), 1);  /* no temporary left behind */
	/* A directory that cannot be written: an error, nothing created. */
	CHECK_EQ_INT(chmod(sub, 0500), 0);
	if (geteuid() != 0) {  /* root writes anyway */
		CHECK(buf_write_file_atomic(&b, path, 0600) != 0);
		CHECK_EQ_INT(count_entries(sub), 1);
	}
	chmod(sub, 0700);
	snprintf(path, sizeof(path), "%s/no/such/dir/file", dir);
	CHECK(buf_write_file_atomic(&b, path, 0600) != 0);
	CHECK_EQ_INT(errno, ENOENT);
	umask(old);
	buf_free(&b);
}

int
main(void)
{
	char dir[] = "/tmp/sc-files.XXXXXX", cmd[64];

	if (mkdtemp(dir) == NULL)
		return 2;
	test_symlinks_not_followed(dir);
	test_modes_and_leftovers(dir);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	TEST_END();
}
