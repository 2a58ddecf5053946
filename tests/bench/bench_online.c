/* bench_online.c - online verifications per second against a running
 * skillcertd (token, bundle, then the log's proofs over HTTP: inclusion,
 * consistency with the bundle's head, status list) and the bytes fetched
 * per check, next to plain libcurl GETs of the same URLs with no parsing
 * or checking (the transport alone), in the same run.
 *   bench_online BUNDLE URL TOKEN [SECONDS]      (tools/bench-online) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>
#include <jansson.h>

#include "skillcert/online/online.h"

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t
bench_sink(char *p, size_t size, size_t n, void *arg)
{
	*(size_t *)arg += size * n;
	return size * n;
}

static size_t
bench_keep(char *p, size_t size, size_t n, void *arg)
{
	return buf_append(arg, p, size * n) == 0 ? size * n : 0;
}

/* The same GETs one online check makes, on one fresh handle. */
static int
bench_curl(const char *const *urls, int nurls, size_t *bytes)
{
	CURL *c = curl_easy_init();
	int rc = 0;

	if (c == NULL)
		return -1;
	for (int i = 0; i < nurls && rc == 0; i++) {
		curl_easy_setopt(c, CURLOPT_URL, urls[i]);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, bench_sink);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, bytes);
		if (curl_easy_perform(c) != CURLE_OK)
			rc = -1;
	}
	curl_easy_cleanup(c);
	return rc;
}

/* The server's tree size now (GET /v1/log/head), or 0. */
static unsigned long long
bench_tree_size(const char *base)
{
	char url[600];
	struct buf b = BUF_INIT;
	CURL *c = curl_easy_init();
	json_t *j;
	unsigned long long n = 0;

	if (c == NULL)
		return 0;
	snprintf(url, sizeof(url), "%s/v1/log/head", base);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, bench_keep);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	if (curl_easy_perform(c) == CURLE_OK && b.data != NULL &&
	    (j = json_loadb((const char *)b.data, b.len, 0, NULL)) != NULL) {
		n = (unsigned long long)json_integer_value(json_object_get(j,
		    "tree_size"));
		json_decref(j);
	}
	curl_easy_cleanup(c);
	buf_free(&b);
	return n;
}

/* One online check; its verdict. */
static int
bench_online_once(const struct trust *t, const char *tok, const char *base,
    struct online_stats *st)
{
	struct verify_result res;

	verify_token(t, tok, strlen(tok), &res);
	online_verify(t, &res, base, NULL, st);
	return res.verdict;
}

int
main(int argc, char **argv)
{
	double secs = argc > 4 ? atof(argv[4]) : 3, t0, on, pl;
	struct online_stats st = { 0, 0 };
	struct trust t;
	struct verify_result res;
	struct err e;
	char u[3][600];
	const char *urls[3] = { u[0], u[1], u[2] };
	size_t pbytes = 0;
	long n = 0, m = 0;

	if (argc < 4 || trust_load(argv[1], &t, &e) != 0) {
		fprintf(stderr, "usage: bench_online BUNDLE URL TOKEN [SECONDS]\n");
		return 2;
	}
	verify_token(&t, argv[3], strlen(argv[3]), &res);
	if (bench_online_once(&t, argv[3], argv[2], NULL) != VERDICT_VALID) {
		fprintf(stderr, "bench_online: the check is not valid\n");
		return 1;
	}
	snprintf(u[0], sizeof(u[0]), "%s/v1/log/proof/%s", argv[2], res.cert.no);
	snprintf(u[1], sizeof(u[1]), "%s/v1/log/consistency?from=%llu&to=%llu",
	    argv[2], (unsigned long long)t.head.size, bench_tree_size(argv[2]));
	snprintf(u[2], sizeof(u[2]), "%s/v1/status/%s", argv[2], res.cert.no);
	for (t0 = bench_now(); bench_now() - t0 < secs; n++)
		if (bench_online_once(&t, argv[3], argv[2], &st) != VERDICT_VALID)
			return 1;
	on = n / (bench_now() - t0);
	for (t0 = bench_now(); bench_now() - t0 < secs; m++)
		if (bench_curl(urls, 3, &pbytes) != 0)
			return 1;
	pl = m / (bench_now() - t0);
	printf("online verify:  %8.0f checks/s  %6.0f bytes/check  %.1f requests/check\n",
	    on, (double)st.bytes / n, (double)st.requests / n);
	printf("plain curl GETs:%8.0f sets/s    %6.0f body bytes/set (the same 3 URLs)\n",
	    pl, (double)pbytes / m);
	printf("ratio online/plain: %.2f\n", on / pl);
	trust_free(&t);
	return 0;
}
