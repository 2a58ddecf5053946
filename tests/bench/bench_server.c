/* bench_server.c - registries for the lookup-server benchmark, and the
 * handler's own cost without sockets.
 *   bench_server gen DIR N [SAMPLE]   issue N synthetic certificates (one
 *       organization, rosters of 10,000) into a new registry DIR and write
 *       SAMPLE (default DIR.sample): 1,000 lookup paths spread over the
 *       registry, "/v1/certificates/NO?name=PERCENT-ENCODED" per line, and
 *       SAMPLE.tokens: the matching /v1/verify paths.
 *   bench_server lookup DIR SAMPLE [SECONDS]   in-process handler: lookups
 *       per second and µs per lookup, then the same for token verifies.
 * tools/bench-server drives both and the HTTP comparison with nginx. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gen.h"
#include "skillcert/issue/issue.h"
#include "skillcert/store/registry.h"
#include "skillcert/server/server.h"

#define ORG "S000036000001"
#define ROSTER 10000
#define NSAMPLE 1000

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
pct(const char *s, char *out, size_t cap)
{
	size_t o = 0;

	for (; *s && o + 4 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		    (c >= 'a' && c <= 'z'))
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, cap - o, "%%%02X", c);
	}
	out[o] = '\0';
}

static int
gen(const char *dir, unsigned total, const char *sample)
{
	struct registry *r;
	struct err e;
	MDB_txn *txn;
	struct org o;
	struct buf b = BUF_INIT, tok = BUF_INIT;
	int32_t today;
	unsigned done = 0, step = total / NSAMPLE ? total / NSAMPLE : 1;
	char samples[640], name[256];
	FILE *fs, *ft;
	double t0 = now();

	date_from_ymd(2024, 6, 1, &today);
	if (registry_init(dir, gen_opts(0), 36, "https://cert.example.cn", NULL, NULL, &e) ||
	    registry_open(&r, dir, gen_opts(0), &e) || registry_load_secrets(r, NULL, &e) ||
	    registry_txn_begin(r, 0, &txn, &e)) {
		fprintf(stderr, "gen: %s\n", e.msg);
		return 1;
	}
	memset(&o, 0, sizeof(o));
	strcpy(o.code, ORG);
	o.type = 'S';
	strcpy(o.name, "江西省康养职业技能评价中心");
	o.status = ORG_ACTIVE;
	date_from_ymd(2020, 1, 1, &o.valid_from);
	date_from_ymd(2030, 12, 31, &o.valid_to);
	if (org_scope_parse(&r->cat, "养老护理员:5-1", &o, &e) ||
	    registry_org_new_key(r, txn, &o, KEY_ED25519, o.valid_from, NULL, &e) ||
	    registry_put_org(r, txn, &o, &e) || mdb_txn_commit(txn)) {
		fprintf(stderr, "gen org: %s\n", e.msg);
		return 1;
	}
	snprintf(samples, sizeof(samples), "%s.tokens", sample);
	if ((fs = fopen(sample, "w")) == NULL || (ft = fopen(samples, "w")) == NULL) {
		perror(sample);
		return 1;
	}
	while (done < total) {
		unsigned n = total - done < ROSTER ? total - done : ROSTER;
		struct issue_opts io;
		struct issue_result res;
		struct cert_record rec;

		gen_roster(&b, done, n);
		memset(&io, 0, sizeof(io));
		io.org = ORG;
		io.roster_data = (const char *)b.data;
		io.roster_len = b.len;
		io.today = today;
		if (issue_roster(r, &io, &res, &e) != 0 || res.issued + res.existing != n) {
			fprintf(stderr, "gen issue at %u: %s\n", done, e.msg);
			return 1;
		}
		if (registry_txn_begin(r, 1, &txn, &e) != 0)
			return 1;
		for (size_t i = 0; i < res.nrows; i++) {
			if ((done + i) % step != 0)
				continue;
			pct(res.rows[i].name, name, sizeof(name));
			fprintf(fs, "/v1/certificates/%s?name=%s\n", res.rows[i].certno, name);
			if (registry_get_cert(r, txn, res.rows[i].certno, &rec, &e) == 0 &&
			    cert_token(rec.enc, rec.enc_len, rec.sig, &tok, &e) == 0)
				fprintf(ft, "/v1/verify?token=%.*s\n", (int)tok.len,
				    (const char *)tok.data);
		}
		mdb_txn_abort(txn);
		issue_result_free(&res);
		done += n;
		fprintf(stderr, "\rgen: %u / %u certificates (%.0f/s)", done, total,
		    done / (now() - t0));
	}
	fprintf(stderr, "\n");
	fclose(fs);
	fclose(ft);
	buf_free(&b);
	buf_free(&tok);
	registry_close(r);
	return 0;
}

static int
load(const char *path, char ***lines, size_t *n)
{
	char line[1024];
	FILE *f = fopen(path, "r");

	*n = 0;
	*lines = NULL;
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		*lines = realloc(*lines, (*n + 1) * sizeof(**lines));
		(*lines)[(*n)++] = strdup(line);
	}
	fclose(f);
	return *n ? 0 : -1;
}

static void
run(struct server_handler *h, char **paths, size_t n, double secs,
    const char *what)
{
	struct server_response r;
	double t0 = now(), t;
	size_t i = 0, ok = 0;

	do {
		for (int k = 0; k < 1000; k++, i++)
			ok += server_handler_request(h, "GET", paths[i % n],
			    "127.0.0.1", &r) == 200;
	} while ((t = now() - t0) < secs);
	printf("%-14s %9.0f req/s  %6.2f µs/req  (%zu of %zu answered 200)\n",
	    what, i / t, t / i * 1e6, ok, i);
}

static int
lookup(const char *dir, const char *sample, double secs)
{
	struct server_handler *h;
	struct server_config c;
	struct err e;
	char **p, **tp, tpath[600];
	size_t n, tn;

	snprintf(tpath, sizeof(tpath), "%s.tokens", sample);
	if (load(sample, &p, &n) != 0 || load(tpath, &tp, &tn) != 0) {
		fprintf(stderr, "cannot read %s\n", sample);
		return 1;
	}
	server_config_defaults(&c);
	c.db_dir = dir;
	c.rate = 0;
	if (server_handler_open(&h, &c, &e) != 0) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	run(h, p, n, secs, "lookup");
	run(h, tp, tn, secs, "verify");
	server_handler_close(h);
	return 0;
}

int
main(int argc, char **argv)
{
	char sample[600];

	if (argc >= 4 && strcmp(argv[1], "gen") == 0) {
		snprintf(sample, sizeof(sample), "%s.sample", argv[2]);
		return gen(argv[2], (unsigned)strtoul(argv[3], NULL, 10),
		    argc > 4 ? argv[4] : sample);
	}
	if (argc >= 4 && strcmp(argv[1], "lookup") == 0)
		return lookup(argv[2], argv[3], argc > 4 ? atof(argv[4]) : 3);
	fprintf(stderr, "usage: bench_server gen DIR N [SAMPLE]\n"
	    "       bench_server lookup DIR SAMPLE [SECONDS]\n");
	return 64;
}
