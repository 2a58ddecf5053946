/* bench_tlog.c - the transparency log at a million leaves: appends/s, and
 * inclusion proofs from stored subtrees against recomputing the proof from
 * every leaf (the merkle_root_of way), measured in the same run.
 *
 * usage: bench_tlog [leaves]   (default 1000000; the environment is opened
 * MDB_NOSYNC so the figures are the log's work, not the disk's fsync) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "skillcert/store/tlog.h"

#define HL MERKLE_HASH_LEN
#define BATCH 1000
#define NPROOF 20000
#define NNAIVE 3

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 0x5eed;

static uint64_t
rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
split_of(uint64_t n)
{
	uint64_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

/* RFC 9162 2.1.3.1 by its definition: every sibling rehashed. */
static void
naive_path(const uint8_t (*lh)[HL], uint64_t n, uint64_t m,
    uint8_t (*out)[HL], size_t *np)
{
	uint64_t k;

	if (n <= 1)
		return;
	k = split_of(n);
	if (m < k) {
		naive_path(lh, k, m, out, np);
		merkle_root_of(lh + k, n - k, out[(*np)++]);
	} else {
		naive_path(lh + k, n - k, m - k, out, np);
		merkle_root_of(lh, k, out[(*np)++]);
	}
}

/* The naive proof starts from the leaves as stored: read and hash them
 * all, then build the path. */
static int
naive_prove(MDB_txn *txn, const struct tlog *t, uint64_t size, uint64_t idx,
    uint8_t (*lh)[HL], uint8_t (*out)[HL], size_t *np)
{
	MDB_cursor *c;
	MDB_val k, v;
	uint64_t i = 0;
	int rc;

	if (mdb_cursor_open(txn, t->leaves, &c) != 0)
		return -1;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0 && i < size;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT))
		merkle_hash_leaf(v.mv_data, v.mv_size, lh[i++]);
	mdb_cursor_close(c);
	if (i != size)
		return -1;
	*np = 0;
	naive_path((const uint8_t (*)[HL])lh, size, idx, out, np);
	return 0;
}

static void
cleanup(const char *dir)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/data.mdb", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/lock.mdb", dir);
	unlink(p);
	rmdir(dir);
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/bench_tlog.XXXXXX";
	uint8_t leaf[LOGLEAF_LEN], root[HL];
	uint8_t path[MERKLE_PROOF_MAX][HL], npath[MERKLE_PROOF_MAX][HL];
	uint8_t (*lh)[HL] = NULL;
	const uint8_t *lp;
	struct logleaf l;
	struct tlog t;
	struct err e;
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	uint64_t n = 1000000, i, idx, *q = NULL;
	double t0, t_app, t_prove, t_verify, t_naive, t_audit;
	size_t np, nnp, ln;
	int rc, status = 1;

	if (argc > 1 && (n = strtoull(argv[1], NULL, 10)) < 2) {
		fprintf(stderr, "usage: bench_tlog [leaves >= 2]\n");
		return 2;
	}
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	if ((rc = mdb_env_create(&env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(env, 8)) != 0 ||
	    (rc = mdb_env_set_mapsize(env, (size_t)4 << 30)) != 0 ||
	    (rc = mdb_env_open(env, dir, MDB_NOSYNC, 0600)) != 0) {
		fprintf(stderr, "lmdb: %s\n", mdb_strerror(rc));
		goto out;
	}
	if (mdb_txn_begin(env, NULL, 0, &txn) != 0 ||
	    tlog_open(txn, &t, 1, &e) != 0 || mdb_txn_commit(txn) != 0) {
		fprintf(stderr, "open: %s\n", e.msg);
		txn = NULL;
		goto out;
	}
	txn = NULL;

	memset(&l, 0, sizeof(l));
	l.event = LOGLEAF_ISSUE;
	l.level = 3;
	l.assessed_on = l.issued_on = 19900;
	t0 = now();
	for (i = 0; i < n;) {
		if ((rc = mdb_txn_begin(env, NULL, 0, &txn)) != 0) {
			fprintf(stderr, "txn: %s\n", mdb_strerror(rc));
			goto out;
		}
		do {
			snprintf(l.certno, sizeof(l.certno), "S%014llu3%06llu",
			    (unsigned long long)(i / 999999),
			    (unsigned long long)(i % 999999 + 1));
			l.time = 1700000000 + (int64_t)i;
			memcpy(l.cert_hash, &i, sizeof(i));
			logleaf_encode(&l, leaf);
			if (tlog_append(&t, txn, leaf, sizeof(leaf), &idx, &e)
			    != 0) {
				fprintf(stderr, "append %llu: %s\n",
				    (unsigned long long)i, e.msg);
				goto out;
			}
		} while (++i % BATCH != 0 && i < n);
		rc = mdb_txn_commit(txn);
		txn = NULL;
		if (rc != 0) {
			fprintf(stderr, "commit: %s\n", mdb_strerror(rc));
			goto out;
		}
	}
	t_app = now() - t0;
	printf("append: %llu leaves of %d bytes in txns of %d: %.2f s, "
	    "%.0f appends/s\n", (unsigned long long)n, LOGLEAF_LEN, BATCH,
	    t_app, (double)n / t_app);

	if ((rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) != 0 ||
	    tlog_root(&t, txn, n, root, &e) != 0) {
		fprintf(stderr, "root: %s\n", e.msg);
		goto out;
	}
	if ((q = malloc(NPROOF * sizeof(*q))) == NULL ||
	    (lh = malloc(n * HL)) == NULL)
		goto out;
	for (i = 0; i < NPROOF; i++)
		q[i] = rnd() % n;

	t0 = now();
	for (i = 0; i < NPROOF; i++)
		if (tlog_prove_inclusion(&t, txn, q[i], n, path, &np, &e) != 0) {
			fprintf(stderr, "prove: %s\n", e.msg);
			goto out;
		}
	t_prove = (now() - t0) / NPROOF;

	/* Verification, for scale (leaf fetch and hash included). */
	t0 = now();
	for (i = 0; i < NPROOF; i++) {
		uint8_t h[HL];

		if (tlog_prove_inclusion(&t, txn, q[i], n, path, &np, &e) != 0 ||
		    tlog_get_leaf(&t, txn, q[i], &lp, &ln, &e) != 0)
			goto out;
		merkle_hash_leaf(lp, ln, h);
		if (merkle_verify_inclusion(h, q[i], n,
		    (const uint8_t (*)[HL])path, np, root, &e) != 0) {
			fprintf(stderr, "verify: %s\n", e.msg);
			goto out;
		}
	}
	t_verify = (now() - t0) / NPROOF - t_prove;

	t0 = now();
	for (i = 0; i < NNAIVE; i++) {
		if (naive_prove(txn, &t, n, q[i], lh, npath, &nnp) != 0 ||
		    tlog_prove_inclusion(&t, txn, q[i], n, path, &np, &e) != 0 ||
		    nnp != np || memcmp(path, npath, np * HL) != 0) {
			fprintf(stderr, "naive proof %llu differs\n",
			    (unsigned long long)q[i]);
			goto out;
		}
	}
	/* The stored proofs above take microseconds: noise here. */
	t_naive = (now() - t0) / NNAIVE;

	printf("inclusion proof at size %llu (%zu hashes): %.2f us mean over "
	    "%d random leaves (target < 1000 us)\n", (unsigned long long)n,
	    np, t_prove * 1e6, NPROOF);
	printf("verify (leaf get + hash + %zu node hashes): %.2f us mean\n", np,
	    t_verify * 1e6);
	printf("naive proof (read + rehash all %llu leaves): %.1f ms mean over "
	    "%d\n", (unsigned long long)n, t_naive * 1e3, NNAIVE);
	printf("ratio naive / stored: %.0fx\n", t_naive / t_prove);

	t0 = now();
	if (tlog_audit_tree(&t, txn, &e) != 0) {
		fprintf(stderr, "audit: %s\n", e.msg);
		goto out;
	}
	t_audit = now() - t0;
	printf("audit of %llu leaves: %.2f s\n", (unsigned long long)n, t_audit);
	status = 0;
out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	if (env != NULL)
		mdb_env_close(env);
	cleanup(dir);
	free(lh);
	free(q);
	return status;
}
