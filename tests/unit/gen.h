/* gen.h - synthetic rosters for tests and benchmarks: valid, distinct
 * resident ID numbers (GB 11643 check characters) and plausible names. */
#ifndef SKILLCERT_TEST_GEN_H
#define SKILLCERT_TEST_GEN_H

#include <stdio.h>
#include <string.h>
#include <time.h>
#include "skillcert/base/buf.h"
#include "skillcert/store/registry.h"
#include "skillcert/base/date.h"

#define GEN_ORG "S000036000001"

/* Person n (0 .. 15,000,000) gets a unique ID number. */
static inline void
gen_id(unsigned n, char out[19])
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int32_t base, day;
	int y, m, d, sum = 0;

	date_from_ymd(1960, 1, 1, &base);
	day = base + (int32_t)(n % 15000);
	date_to_ymd(day, &y, &m, &d);
	snprintf(out, 19, "360102%04d%02d%02d%03u", y, m, d, (n / 15000) % 1000);
	for (int i = 0; i < 17; i++)
		sum += (out[i] - '0') * w[i];
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

static inline void
gen_name(unsigned n, char *out, size_t cap)
{
	static const char *sur[] = { "王", "李", "张", "刘", "陈", "杨", "黄", "赵",
		"吴", "周", "徐", "孙", "马", "朱", "胡", "郭" };
	static const char *given[] = { "秀英", "桂英", "秀兰", "玉兰", "丽", "敏",
		"静", "建华", "建国", "晓燕", "春梅", "海燕", "淑珍", "红", "芳", "霞" };
	snprintf(out, cap, "%s%s", sur[n % 16], given[(n / 16) % 16]);
}

/* Appends a roster of rows [first, first+count) for 养老护理员, levels
 * cycling 5..1, into b (cleared first). */
static inline void
gen_roster(struct buf *b, unsigned first, unsigned count)
{
	char id[19], name[32];

	buf_reset(b);
	buf_append_str(b, "姓名,证件类型,证件号码,职业,工种,等级,评价方式,考核日期\r\n");
	for (unsigned i = first; i < first + count; i++) {
		gen_id(i, id);
		gen_name(i, name, sizeof(name));
		buf_printf(b, "%s,居民身份证,%s,养老护理员,,%u,过程化考核,2024-03-15\r\n",
		    name, id, 5 - i % 5);
	}
}

/* Files organization `code` (valid 2020-2030) with a new key of `alg`. */
static inline int
gen_org(struct registry *r, MDB_txn *txn, const char *code, const char *scope,
    int alg, struct err *e)
{
	struct org o;

	memset(&o, 0, sizeof(o));
	snprintf(o.code, sizeof(o.code), "%s", code);
	o.type = code[0];
	snprintf(o.name, sizeof(o.name), "江西省康养职业技能评价中心%s", code + 10);
	o.status = ORG_ACTIVE;
	date_from_ymd(2020, 1, 1, &o.valid_from);
	date_from_ymd(2030, 12, 31, &o.valid_to);
	if (org_scope_parse(&r->cat, scope, &o, e) ||
	    registry_org_new_key(r, txn, &o, alg, o.valid_from, NULL, e) ||
	    registry_put_org(r, txn, &o, e))
		return -1;
	return 0;
}

/* Options for tests: SKILLCERT_MAP_GB (set under valgrind, which maps at
 * most ~32 GB) as the map size. */
static inline const struct registry_opts *
gen_opts(int flags)
{
	static struct registry_opts o;
	const char *s = getenv("SKILLCERT_MAP_GB");
	long gb = s ? strtol(s, NULL, 10) : 0;

	o.keysdir = NULL;
	o.flags = flags;
	o.mapsize = gb > 0 && gb <= 1 << 20 ? (size_t)gb << 30 : 0;
	return &o;
}

/* A new registry at dir (province 36, keys unencrypted and loaded) with
 * GEN_ORG filed for 养老护理员 levels 5-1, Ed25519. Exits on failure:
 * only tests and benchmarks use it. */
static inline struct registry *
gen_registry_flags(const char *dir, int flags)
{
	struct registry *r;
	struct err e;
	MDB_txn *txn;

	if (registry_init(dir, gen_opts(0), 36, "https://cert.example.cn", NULL, NULL, &e) ||
	    registry_open(&r, dir, gen_opts(flags), &e) || registry_load_secrets(r, NULL, &e) ||
	    registry_txn_begin(r, 0, &txn, &e) ||
	    gen_org(r, txn, GEN_ORG, "养老护理员:5-1", KEY_ED25519, &e)) {
		fprintf(stderr, "gen_registry %s: %s\n", dir, e.msg);
		exit(2);
	}
	if (mdb_txn_commit(txn) != 0)
		exit(2);
	return r;
}

static inline struct registry *
gen_registry(const char *dir)
{
	return gen_registry_flags(dir, 0);
}

static inline double
gen_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* sign/s (verify = 0) or verify/s (1) of `openssl speed -seconds 3 ALG`,
 * one core: the peer the benchmarks compare against. */
static inline double
gen_openssl_speed(const char *alg, int verify)
{
	char cmd[128], line[512];
	double rate = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "openssl speed -seconds 3 %s 2>/dev/null", alg);
	if ((p = popen(cmd, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), p)) {
		double a, b, s, v;
		char *q = strchr(line, ')');
		if (q && sscanf(q + 1, " %lfs %lfs %lf %lf", &a, &b, &s, &v) == 4)
			rate = verify ? v : s;
	}
	pclose(p);
	return rate;
}

#endif
