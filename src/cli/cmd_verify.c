/* cmd_verify.c - skillcert verify: offline checks against a trust bundle,
 * optionally an inclusion proof fetched from a server (--online). */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "cli.h"
#include "skillcert/text.h"
#include "skillcert/verify.h"

#define HTTP_MAX (1u << 20)

/* A plain HTTP/1.0 GET of base + path (http:// only: the proof is
 * checked against signed data, so the transport need not be trusted). */
static int
http_get(const char *base, const char *path, struct buf *body, struct err *e)
{
	char host[256], port[8] = "80", req[1024], tmp[8192];
	const char *p, *slash;
	struct addrinfo hints, *ai = NULL;
	struct timeval tv = { 10, 0 };
	struct buf resp = BUF_INIT;
	ssize_t n;
	int fd = -1, rc = 0;
	size_t hl;

	if (strncmp(base, "http://", 7) != 0)
		return err_set(e, ERR_USAGE, "--online takes an http:// URL (put TLS "
		    "in front of it with a proxy; the proof itself is signed)");
	p = base + 7;
	slash = strchr(p, '/');
	hl = slash ? (size_t)(slash - p) : strlen(p);
	if (hl >= sizeof(host))
		return err_set(e, ERR_USAGE, "host name too long");
	memcpy(host, p, hl);
	host[hl] = '\0';
	char *colon = strrchr(host, ':');
	if (colon) {
		snprintf(port, sizeof(port), "%s", colon + 1);
		*colon = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &ai) != 0 || ai == NULL)
		return err_set(e, ERR_IO, "cannot resolve %s", host);
	if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
	    connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		rc = err_set(e, ERR_IO, "cannot connect to %s:%s: %s", host, port,
		    strerror(errno));
		goto out;
	}
	snprintf(req, sizeof(req), "GET %s%s HTTP/1.0\r\nHost: %s\r\n"
	    "Accept: application/json\r\n\r\n", slash ? slash : "", path, host);
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		rc = err_set(e, ERR_IO, "cannot send request");
		goto out;
	}
	while ((n = read(fd, tmp, sizeof(tmp))) > 0 && resp.len < HTTP_MAX)
		buf_append(&resp, tmp, (size_t)n);
	buf_cstr(&resp);
	char *bodyp = resp.data ? strstr((char *)resp.data, "\r\n\r\n") : NULL;
	if (bodyp == NULL || strncmp((char *)resp.data, "HTTP/1.", 7) != 0) {
		rc = err_set(e, ERR_IO, "no HTTP response from %s", base);
		goto out;
	}
	int status = atoi((char *)resp.data + 9);
	buf_reset(body);
	buf_append_str(body, bodyp + 4);
	buf_cstr(body);
	if (status != 200)
		rc = err_set(e, status == 404 ? ERR_NOTFOUND : ERR_IO,
		    "%s%s answered HTTP %d", base, path, status);
out:
	if (fd >= 0)
		close(fd);
	if (ai)
		freeaddrinfo(ai);
	buf_free(&resp);
	return rc;
}

/* Finds "key":"value" (or a number) after *from in our own JSON. */
static int
json_find(const char *doc, const char *from, const char *key, char *out,
    size_t cap, const char **after)
{
	char pat[64];
	const char *p, *q;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	if ((p = strstr(from ? from : doc, pat)) == NULL)
		return -1;
	p += strlen(pat);
	if (*p == '"')
		p++;
	for (q = p; *q && *q != '"' && *q != ',' && *q != '}'; q++)
		;
	if ((size_t)(q - p) >= cap)
		return -1;
	memcpy(out, p, (size_t)(q - p));
	out[q - p] = '\0';
	if (after)
		*after = q;
	return 0;
}

/* The "path":[...] array after *from into hashes. */
static long
json_path(const char *from, uint8_t (*path)[TLOG_HASH_LEN], size_t max)
{
	const char *p = strstr(from, "\"path\":[");
	size_t n = 0;

	if (p == NULL)
		return -1;
	p += 8;
	while (*p == '"' && n < max) {
		if (hex_decode(p + 1, 64, path[n], TLOG_HASH_LEN) != TLOG_HASH_LEN)
			return -1;
		n++;
		p += 66;
		if (*p == ',')
			p++;
	}
	return *p == ']' ? (long)n : -1;
}

static void
online_check(const struct trust *t, struct verify_result *res, const char *base)
{
	struct buf body = BUF_INIT;
	struct err e;
	char path[128], hex[2 * TLOG_HEAD_LEN + 8], leafhex[2 * TLOG_LEAF_LEN + 8],
	    idx[32];
	uint8_t hb[TLOG_HEAD_LEN], leaf[TLOG_LEAF_LEN], lh[TLOG_HASH_LEN],
	    ch[TLOG_HASH_LEN], both[CERT_ENC_MAX + CERT_SIG_LEN];
	uint8_t proof[TLOG_MAX_PROOF][TLOG_HASH_LEN];
	struct tlog_head h;
	struct tlog_leaf l;
	const char *doc, *iss;
	long np;
	struct verify_check *c;

	if (res->nchecks >= VERIFY_CHECKS_MAX)
		return;
	c = &res->checks[res->nchecks++];
	c->name = "log inclusion";
	c->ok = 0;
	snprintf(path, sizeof(path), "/v1/log/proof/%s", res->cert.no);
	if (http_get(base, path, &body, &e) != 0) {
		c->ok = -1;
		snprintf(c->detail, sizeof(c->detail), "%s", e.msg);
		goto out;
	}
	doc = (const char *)body.data;
	if (json_find(doc, NULL, "encoded", hex, sizeof(hex), NULL) != 0 ||
	    hex_decode(hex, strlen(hex), hb, sizeof(hb)) != TLOG_HEAD_LEN ||
	    tlog_head_decode(hb, sizeof(hb), &h, &e) != 0) {
		snprintf(c->detail, sizeof(c->detail), "the server's tree head is malformed");
		goto out;
	}
	if (tlog_head_verify(&h, &t->logkey, &e) != 0) {
		snprintf(c->detail, sizeof(c->detail), "the tree head is not signed by "
		    "the log key in the trust bundle");
		goto out;
	}
	if ((iss = strstr(doc, "\"issued\":")) == NULL ||
	    json_find(doc, iss, "leaf_index", idx, sizeof(idx), NULL) != 0 ||
	    json_find(doc, iss, "leaf", leafhex, sizeof(leafhex), NULL) != 0 ||
	    hex_decode(leafhex, strlen(leafhex), leaf, sizeof(leaf)) != TLOG_LEAF_LEN ||
	    tlog_leaf_decode(leaf, sizeof(leaf), &l, &e) != 0 ||
	    (np = json_path(iss, proof, TLOG_MAX_PROOF)) < 0) {
		snprintf(c->detail, sizeof(c->detail), "the inclusion proof is malformed");
		goto out;
	}
	memcpy(both, res->enc, res->enc_len);
	memcpy(both + res->enc_len, res->sig, CERT_SIG_LEN);
	SHA256(both, res->enc_len + CERT_SIG_LEN, ch);
	if (l.event != TLOG_ISSUE || strcmp(l.certno, res->cert.no) != 0 ||
	    memcmp(l.cert_hash, ch, TLOG_HASH_LEN) != 0) {
		snprintf(c->detail, sizeof(c->detail), "the logged issuance is of "
		    "different certificate bytes: this one was never logged");
		goto out;
	}
	tlog_hash_leaf(leaf, sizeof(leaf), lh);
	if (tlog_verify_inclusion(lh, strtoull(idx, NULL, 10), h.size,
	    (const uint8_t (*)[TLOG_HASH_LEN])proof, (size_t)np, h.root, &e) != 0) {
		snprintf(c->detail, sizeof(c->detail), "inclusion proof fails: %s", e.msg);
		goto out;
	}
	c->ok = 1;
	snprintf(c->detail, sizeof(c->detail), "leaf %s is in the signed log of %llu "
	    "entries", idx, (unsigned long long)h.size);
	/* A revocation newer than the bundle. */
	if (strstr(doc, "\"revoked\":") != NULL && res->verdict == VERDICT_VALID &&
	    res->nchecks < VERIFY_CHECKS_MAX) {
		struct verify_check *rv = &res->checks[res->nchecks++];
		rv->name = "online revocation";
		rv->ok = 0;
		snprintf(rv->detail, sizeof(rv->detail), "the log records a revocation "
		    "newer than the trust bundle");
		res->verdict = VERDICT_REVOKED;
	}
out:
	if (c->ok == 0 && res->verdict == VERDICT_VALID)
		res->verdict = VERDICT_INVALID;
	buf_free(&body);
}

int
cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "trust", required_argument, NULL, 't' },
		{ "online", required_argument, NULL, 'O' },
		{ "pin", required_argument, NULL, 'p' },
		CLI_COMMON_OPTS, { 0 }
	};
	struct cli c;
	struct err e;
	struct trust t;
	struct verify_result res;
	struct buf tok = BUF_INIT;
	const char *trustf = NULL, *online = NULL, *pin = NULL;
	int ch, rc;

	cli_init(&c);
	err_clear(&e);
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, ch, optarg))
			continue;
		switch (ch) {
		case 't': trustf = optarg; break;
		case 'O': online = optarg; break;
		case 'p': pin = optarg; break;
		case 'h':
			printf("usage: skillcert verify --trust BUNDLE [--pin AUTHORITY_KEY_ID] "
			    "[--online URL] [--json] INPUT\n\n"
			    "INPUT: a QR URL, a token, a certificate PDF, or a PNG/JPEG photo "
			    "of the QR.\nChecks the token, the organization's credential, the "
			    "signature, the scope,\nthe key's validity and the revocation list; "
			    "--online also checks the log.\nExit: 0 valid, 1 invalid, 2 revoked, "
			    "3 cannot tell (e.g. unknown organization).\n");
			return 0;
		default: return ERR_USAGE;
		}
	}
	if (!trustf || optind >= argc) {
		err_set(&e, ERR_USAGE, "usage: skillcert verify --trust BUNDLE INPUT");
		cli_fail(&c, &e);
		return VERDICT_UNKNOWN;
	}
	if (trust_load(trustf, &t, &e) != 0) {
		cli_fail(&c, &e);
		return VERDICT_UNKNOWN;
	}
	if (pin) {
		char hex[17];
		key_id_hex(t.authority.kid, hex);
		if (strcasecmp(pin, hex) != 0) {
			err_set(&e, ERR_CRYPTO, "the bundle is signed by authority key %s, "
			    "not the pinned %s", hex, pin);
			trust_free(&t);
			cli_fail(&c, &e);
			return VERDICT_UNKNOWN;
		}
	}
	if (verify_extract_token(argv[optind], &tok, &e) != 0) {
		trust_free(&t);
		cli_fail(&c, &e);
		return e.code == ERR_INVALID ? VERDICT_INVALID : VERDICT_UNKNOWN;
	}
	verify_token(&t, (char *)tok.data, tok.len, &res);
	if (online && res.have_cert && (res.verdict == VERDICT_VALID ||
	    res.verdict == VERDICT_REVOKED))
		online_check(&t, &res, online);
	rc = res.verdict;

	char d1[32], d2[32], hex[17];
	key_id_hex(t.authority.kid, hex);
	if (c.json) {
		struct buf b = BUF_INIT;
		struct json j;
		json_init(&j, &b);
		json_obj_begin(&j);
		json_kstr(&j, "verdict", verdict_name(res.verdict));
		json_kint(&j, "exit", rc);
		json_kstr(&j, "authority_key", hex);
		json_key(&j, "checks");
		json_arr_begin(&j);
		for (int i = 0; i < res.nchecks; i++) {
			json_obj_begin(&j);
			json_kstr(&j, "check", res.checks[i].name);
			json_kstr(&j, "result", res.checks[i].ok > 0 ? "pass" :
			    res.checks[i].ok == 0 ? "fail" : "unknown");
			json_kstr(&j, "detail", res.checks[i].detail);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		if (res.have_cert) {
			date_format_iso(res.cert.issued_on, d1);
			date_format_iso(res.cert.assessed_on, d2);
			json_key(&j, "certificate");
			json_obj_begin(&j);
			json_kstr(&j, "certno", res.cert.no);
			json_kstr(&j, "name", res.cert.name);
			json_kstr(&j, "id_number", res.cert.id_number);
			json_kstr(&j, "occupation_code", res.cert.occ_code);
			json_kstr(&j, "trade", res.cert.trade[0] ? res.cert.trade : "--");
			json_kint(&j, "level", res.cert.level);
			json_kstr(&j, "level_name", level_full(res.cert.level));
			json_kstr(&j, "org", res.cert.org);
			json_kstr(&j, "org_name", res.org ? res.org->org.name : NULL);
			json_kstr(&j, "issued_on", d1);
			json_kstr(&j, "assessed_on", d2);
			json_kstr(&j, "brand", res.cert.brand);
			json_obj_end(&j);
		}
		json_obj_end(&j);
		cli_print_json(&b);
		buf_free(&b);
	} else {
		printf("%s  %s (%s)\n", res.have_cert ? res.cert.no : "(no certificate)",
		    verdict_cn(res.verdict), verdict_name(res.verdict));
		for (int i = 0; i < res.nchecks; i++)
			printf("  [%s] %-16s %s\n", res.checks[i].ok > 0 ? " ok " :
			    res.checks[i].ok == 0 ? "FAIL" : " ?? ", res.checks[i].name,
			    res.checks[i].detail);
		if (res.have_cert) {
			date_format_cn(res.cert.issued_on, d1);
			printf("  姓名 %s  证件号码 %s\n", res.cert.name, res.cert.id_number);
			printf("  职业代码 %s  工种 %s  等级 %s\n", res.cert.occ_code,
			    res.cert.trade[0] ? res.cert.trade : "--", level_full(res.cert.level));
			printf("  评价机构 %s %s  发证日期 %s%s%s\n", res.cert.org,
			    res.org ? res.org->org.name : "", d1,
			    res.cert.brand[0] ? "  标识 " : "", res.cert.brand);
		}
		printf("  (trust bundle signed by authority key %s)\n", hex);
	}
	buf_free(&tok);
	trust_free(&t);
	cli_done(&c);
	return rc;
}
