/* exportrun.c - what `skillcert export` and the portal's 数据共享 page
 * share: cutting the exports of one department or all in one write
 * transaction, removing them when that transaction fails, and reading a
 * past export's manifest back for a listing. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "skillcert/store/export.h"

int
export_run(struct registry *r, MDB_txn *txn, const struct export_profiles *ps,
    const char *to, uint64_t since, int format, const char *outdir,
    struct export_result *x, size_t *nx, struct err *e)
{
	const struct export_profile *one = NULL;
	size_t i;
	int rc;

	*nx = 0;
	if (strcmp(to, "all") != 0 && (one = export_profile_find(ps, to)) == NULL)
		return err_set(e, ERR_USAGE, "--to %s: no such department in the "
		    "export profiles", to);
	for (i = 0; i < ps->n; i++) {
		if (one != NULL && one != &ps->p[i])
			continue;
		if ((rc = export_department(r, txn, &ps->p[i], since, format,
		    outdir, &x[*nx], e)) != 0) {
			err_prefix(e, "%s: ", ps->p[i].dept);
			return rc;
		}
		(*nx)++;
	}
	return 0;
}

void
export_unlink(const struct export_result *x, size_t nx)
{
	size_t i;

	for (i = 0; i < nx; i++)
		if (x[i].file[0] != '\0') {
			unlink(x[i].file);
			unlink(x[i].manifest);
		}
}

/* Copies the value of "key: " in the manifest text into out. */
static void
export_info_field(const char *text, const char *key, char *out, size_t cap)
{
	char pat[32];
	const char *p, *nl;
	size_t n;

	out[0] = '\0';
	snprintf(pat, sizeof(pat), "\n%s: ", key);
	if ((p = strstr(text, pat)) == NULL)
		return;
	p += strlen(pat);
	nl = strchr(p, '\n');
	n = nl ? (size_t)(nl - p) : strlen(p);
	if (n >= cap)
		n = cap - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

int
export_info_read(const char *manifest, struct export_info *in,
    struct err *e)
{
	struct buf b = BUF_INIT;
	const char *t;
	char num[32];

	memset(in, 0, sizeof(*in));
	if (buf_read_file(&b, manifest, 65536) != 0 || (t = buf_cstr(&b)) == NULL) {
		buf_free(&b);
		return err_set(e, ERR_NOTFOUND, "%s: %s", manifest, strerror(errno));
	}
	if (strncmp(t, "skillcert-export v1\n", 20) != 0) {
		buf_free(&b);
		return err_set(e, ERR_INVALID, "%s: not an export manifest", manifest);
	}
	export_info_field(t, "department", in->dept, sizeof(in->dept));
	export_info_field(t, "format", in->format, sizeof(in->format));
	export_info_field(t, "file", in->file, sizeof(in->file));
	export_info_field(t, "sha256", in->sha256, sizeof(in->sha256));
	export_info_field(t, "rows", num, sizeof(num));
	in->rows = strtoull(num, NULL, 10);
	export_info_field(t, "log_from", num, sizeof(num));
	in->from = strtoull(num, NULL, 10);
	export_info_field(t, "log_to", num, sizeof(num));
	in->to = strtoull(num, NULL, 10);
	export_info_field(t, "created", num, sizeof(num));
	in->created = strtoll(num, NULL, 10);
	buf_free(&b);
	return 0;
}

static int
export_info_cmp(const void *a, const void *b)
{
	const struct export_info *x = a, *y = b;

	if (x->created != y->created)
		return x->created > y->created ? -1 : 1;
	return strcmp(x->file, y->file);
}

static size_t
export_oldest(const struct export_info *v, size_t n)
{
	size_t k = 0;

	for (size_t i = 1; i < n; i++)
		if (export_info_cmp(&v[i], &v[k]) > 0)
			k = i;
	return k;
}

int
export_list(const char *dir, struct export_info *out, size_t cap, size_t *n,
    struct err *e)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct export_info one;
	struct err ie;
	size_t len, oldest;
	DIR *d;

	*n = 0;
	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 :
		    err_set(e, ERR_IO, "%s: %s", dir, strerror(errno));
	while (cap > 0 && (de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 10 || strcmp(de->d_name + len - 9, ".manifest") != 0 ||
		    de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		err_clear(&ie);
		if (export_info_read(path, &one, &ie) != 0)
			continue;
		if (*n < cap)
			out[(*n)++] = one;
		else if (export_info_cmp(&one, &out[oldest = export_oldest(out,
		    *n)]) < 0)
			out[oldest] = one;       /* full: the newest cap are kept */
	}
	closedir(d);
	qsort(out, *n, sizeof(*out), export_info_cmp);
	return 0;
}
