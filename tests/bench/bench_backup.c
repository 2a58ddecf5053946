/* bench_backup.c - a hot backup of a large registry while issuance goes
 * on: the backup's seconds and MB/s, the issuance rate during the backup
 * against the rate just before it (same run, same process, same env),
 * then the restore with its full log audit.
 *   bench_backup [TOTAL [ROSTER]]  (defaults 1000000 1000) */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "skillcert/issue/issue.h"
#include "skillcert/store/backup.h"
#include "skillcert/store/logview.h"

struct bench_backup_job {
	struct registry *r;
	char path[96];
	struct backup_manifest m;
	double secs;
	int rc;
	atomic_int done;
};

/* Issues one roster of per rows from first; 0 or -1. */
static int
bench_issue_one(struct registry *r, struct buf *b, unsigned first,
    unsigned per, int32_t today)
{
	struct issue_opts o;
	struct issue_result res;
	struct err e;

	gen_roster(b, first, per);
	memset(&o, 0, sizeof(o));
	o.org = GEN_ORG;
	o.roster_data = (const char *)b->data;
	o.roster_len = b->len;
	o.today = today;
	if (issue_roster(r, &o, &res, &e) != 0 || res.issued != per) {
		fprintf(stderr, "bench: roster at %u: %s\n", first, e.msg);
		return -1;
	}
	issue_result_free(&res);
	return 0;
}

static void *
bench_backup_run(void *arg)
{
	struct bench_backup_job *j = arg;
	struct err e;
	double t0 = gen_now();

	j->rc = backup_write_registry(j->r, j->path, &j->m, &e);
	if (j->rc)
		fprintf(stderr, "bench: backup: %s\n", e.msg);
	j->secs = gen_now() - t0;
	atomic_store(&j->done, 1);
	return NULL;
}

/* Issues rosters while the backup thread runs; returns certificates/s. */
static double
bench_issue_during(struct bench_backup_job *j, struct buf *b, unsigned *next,
    unsigned per, int32_t today)
{
	pthread_t t;
	unsigned n = 0;
	double t0 = gen_now(), spent;

	if (pthread_create(&t, NULL, bench_backup_run, j) != 0)
		return -1;
	while (!atomic_load(&j->done)) {
		if (bench_issue_one(j->r, b, *next, per, today) != 0)
			exit(1);
		*next += per;
		n += per;
	}
	spent = gen_now() - t0;
	pthread_join(t, NULL);
	return j->rc ? -1 : n / spent;
}

static int
bench_restore(const char *backup, const char *dir, double *secs,
    long *problems)
{
	struct backup_restore_opts o = { dir, 0, NULL, 0 };
	struct backup_manifest m;
	struct buf b = BUF_INIT;
	struct json j;
	struct err e;
	double t0 = gen_now();
	int rc;

	json_init(&j, &b);
	json_obj_begin(&j);
	json_key(&j, "audit");
	rc = backup_restore_registry(backup, &o, &m, problems, &j, &e);
	*secs = gen_now() - t0;
	if (rc)
		fprintf(stderr, "bench: restore: %s\n", e.msg);
	buf_free(&b);
	return rc;
}

int
main(int argc, char **argv)
{
	unsigned total = argc > 1 ? (unsigned)atoi(argv[1]) : 1000000;
	unsigned per = argc > 2 ? (unsigned)atoi(argv[2]) : 1000;
	char dir[] = "/tmp/scbenchXXXXXX", path[64], rdir[96], cmd[96];
	struct bench_backup_job j;
	struct buf b = BUF_INIT;
	unsigned next = 0, before = 0;
	double t0, base, during, rsecs;
	int32_t today;
	long problems = 0;

	if (mkdtemp(dir) == NULL || per == 0 || total < per)
		return 1;
	snprintf(path, sizeof(path), "%s/reg", dir);
	date_from_ymd(2024, 6, 1, &today);
	memset(&j, 0, sizeof(j));
	j.r = gen_registry(path);
	printf("issuing %u certificates in rosters of %u...\n", total, per);
	t0 = gen_now();
	for (; next < total; next += per)
		if (bench_issue_one(j.r, &b, next, per, today) != 0)
			return 1;
	printf("filled:          %u certificates in %.1f s\n", total,
	    gen_now() - t0);
	/* The rate without a backup, just before (as many rosters as 2 s). */
	t0 = gen_now();
	while (gen_now() - t0 < 2.0) {
		if (bench_issue_one(j.r, &b, next, per, today) != 0)
			return 1;
		next += per;
		before += per;
	}
	base = before / (gen_now() - t0);
	snprintf(j.path, sizeof(j.path), "%s/backup.scbak", dir);
	if ((during = bench_issue_during(&j, &b, &next, per, today)) < 0)
		return 1;
	printf("backup:          %.2f s, %.1f MB, %.0f MB/s; its log covers %llu "
	    "certificates\n", j.secs, j.m.copy_bytes / 1e6,
	    j.m.copy_bytes / 1e6 / j.secs, (unsigned long long)j.m.log_size);
	printf("issuance:        %.0f certificates/s without a backup, %.0f/s "
	    "during it (%.0f%%)\n", base, during, 100.0 * during / base);
	registry_close(j.r);
	snprintf(rdir, sizeof(rdir), "%s/restored", dir);
	if (bench_restore(j.path, rdir, &rsecs, &problems) != 0 || problems)
		return 1;
	printf("restore + audit: %.1f s (%llu certificates, audit clean)\n", rsecs,
	    (unsigned long long)j.m.certs);
	buf_free(&b);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) != 0;
}
