/* cmd_verify.c - skillcert verify: what an employer runs with only a trust
 * bundle (--online: and a log proof); its exit status is the verdict. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "skillcert/base/date.h"
#include "skillcert/online/online.h"
#include "skillcert/trust/verify.h"
#include "skillcert/model/level.h"

struct cmd_verify_args {
	const char *trust, *online, *pin;
	const char *input;
	int strict;
	struct fetch_opts fo;
};

/* Seconds (1..300) as milliseconds, or -1. */
static long
cmd_verify_ms(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *s != '\0' && *end == '\0' && v >= 1 && v <= 300 ? v * 1000 : -1;
}

static int
cmd_verify_parse_args(int argc, char **argv, struct cli *c,
    struct cmd_verify_args *a, struct err *e)
{
	static const struct option opts[] = {
		{ "trust", required_argument, NULL, 't' },
		{ "online", required_argument, NULL, 'O' },
		{ "pin", required_argument, NULL, 'p' },
		{ "strict", no_argument, NULL, 's' },
		{ "ca", required_argument, NULL, 'C' },
		{ "timeout", required_argument, NULL, 'T' },
		CLI_COMMON_OPTS, { 0 }
	};
	int ch;

	memset(a, 0, sizeof(*a));
	while ((ch = cli_parse_opt(c, argc, argv, opts)) != -1) {
		switch (ch) {
		case 't': a->trust = optarg; break;
		case 'O': a->online = optarg; break;
		case 'p': a->pin = optarg; break;
		case 's': a->strict = 1; break;
		case 'C': a->fo.ca = optarg; break;
		case 'T':
			if ((a->fo.timeout_ms = cmd_verify_ms(optarg)) <= 0) {
				err_set(e, ERR_USAGE, "--timeout takes seconds (1..300)");
				cli_print_error(c, e);
				return VERDICT_UNKNOWN;
			}
			break;
		case 'h':
			printf("usage: skillcert verify --trust BUNDLE [--pin AUTHORITY_KEY_ID] "
			    "[--online URL [--ca FILE] [--timeout SECONDS]] [--strict] "
			    "[--json] INPUT\n\n"
			    "INPUT: a QR URL, a token, a certificate PDF, or a PNG/JPEG photo "
			    "of the QR.\nChecks the token, the organization's credential, the "
			    "signature, the scope,\nthe key's validity and the revocation list; "
			    "--online also checks the log\n(HTTPS; the system's CA store or "
			    "--ca): inclusion, consistency with the\nbundle's head and the "
			    "revocation status, each as a proof.\nExit: 0 valid, 1 invalid, 2 revoked, "
			    "3 cannot tell (e.g. unknown organization).\nThe bundle's freshness, C2SP "
			    "checkpoint and witnesses are reported too;\n--strict: a bundle past "
			    "its valid-until time (or a device clock behind\nits creation) "
			    "turns a valid verdict into 3.\n");
			return 0;
		default: return ERR_USAGE;
		}
	}
	if (!a->trust || optind >= argc) {
		err_set(e, ERR_USAGE, "usage: skillcert verify --trust BUNDLE INPUT");
		cli_print_error(c, e);
		return VERDICT_UNKNOWN;
	}
	a->input = argv[optind];
	return CLI_RUN;
}

/* The time to check the bundle's freshness against: the clock, or, for
 * tests only, SKILLCERT_NOW (unix seconds). */
static int64_t
cmd_verify_now(void)
{
	const char *s = getenv("SKILLCERT_NOW");
	char *end;
	long long v;

	if (s != NULL && *s != '\0') {
		v = strtoll(s, &end, 10);
		if (*end == '\0')
			return (int64_t)v;
	}
	return (int64_t)time(NULL);
}

/* Runs every check of the input against t into res: CLI_RUN, or the
 * exit status once the reason is printed (the bundle is not the pinned
 * authority's, or the input holds no token). */
static int
cmd_verify_check(const struct cli *c, const struct cmd_verify_args *a,
    const struct trust *t, struct verify_result *res, struct err *e)
{
	struct buf tok = BUF_INIT;
	char hex[17];

	key_id_hex(t->authority.kid, hex);
	if (a->pin && strcasecmp(a->pin, hex) != 0) {
		err_set(e, ERR_CRYPTO, "the bundle is signed by authority key %s, "
		    "not the pinned %s", hex, a->pin);
		cli_print_error(c, e);
		return VERDICT_UNKNOWN;
	}
	if (verify_extract_token(a->input, &tok, e) != 0) {
		buf_free(&tok);
		cli_print_error(c, e);
		return e->code == ERR_INVALID ? VERDICT_INVALID : VERDICT_UNKNOWN;
	}
	verify_token(t, (char *)tok.data, tok.len, res);
	buf_free(&tok);
	if (a->online && res->have_cert && (res->verdict == VERDICT_VALID ||
	    res->verdict == VERDICT_REVOKED))
		online_verify(t, res, a->online, &a->fo, NULL);
	verify_bundle(t, cmd_verify_now(), res);
	if (a->strict && !res->fresh && res->verdict == VERDICT_VALID)
		res->verdict = VERDICT_UNKNOWN;
	return CLI_RUN;
}

#define CMD_VERIFY_V1_NOTE "a version 1 token: its QR carries the holder's " \
	"full ID number (shown here masked); reissue for a version 2 QR"

/* Fields are shown only for a certificate that verified (valid or
 * revoked): never what an invalid or unverifiable token claims. */
static int
cmd_verify_shows_cert(const struct verify_result *res)
{
	return res->have_cert && (res->verdict == VERDICT_VALID ||
	    res->verdict == VERDICT_REVOKED);
}

static void
cmd_verify_write_cert(struct json *j, const struct verify_result *res)
{
	char d1[32], d2[32];

	date_format_iso(res->cert.issued_on, d1);
	date_format_iso(res->cert.assessed_on, d2);
	json_key(j, "certificate");
	json_obj_begin(j);
	json_kstr(j, "certno", res->cert.no);
	json_kstr(j, "name", res->cert.name);
	json_kstr(j, "id_number", res->cert.id_masked);   /* never in full */
	json_kstr(j, "occupation_code", res->cert.occ_code);
	json_kstr(j, "trade", res->cert.trade[0] ? res->cert.trade : "--");
	json_kint(j, "level", res->cert.level);
	json_kstr(j, "level_name", level_full(res->cert.level));
	json_kstr(j, "org", res->cert.org);
	json_kstr(j, "org_name", res->org ? res->org->org.name : NULL);
	json_kstr(j, "issued_on", d1);
	json_kstr(j, "assessed_on", d2);
	json_kstr(j, "brand", res->cert.brand);
	json_kint(j, "token_version", res->cert.version);
	if (res->cert.version == CERT_VERSION_V1)
		json_kstr(j, "note", CMD_VERIFY_V1_NOTE);
	json_obj_end(j);
}

static void
cmd_verify_print_json(const struct trust *t, const struct verify_result *res)
{
	struct cli_doc d;
	char hex[17];

	key_id_hex(t->authority.kid, hex);
	cli_begin_doc(&d);
	json_obj_begin(&d.j);
	json_kstr(&d.j, "verdict", verify_verdict_name(res->verdict));
	json_kint(&d.j, "exit", res->verdict);
	json_kstr(&d.j, "authority_key", hex);
	json_kbool(&d.j, "fresh", res->fresh);
	json_kbool(&d.j, "clock_behind", res->clock_behind);
	json_kint(&d.j, "bundle_created", t->created);
	json_kint(&d.j, "bundle_valid_until", t->valid_until);
	json_kbool(&d.j, "checkpoint", res->have_checkpoint);
	json_key(&d.j, "witnesses");
	json_arr_begin(&d.j);
	for (size_t i = 0; i < res->nvouched; i++)
		json_str(&d.j, res->vouched[i]);
	json_arr_end(&d.j);
	json_key(&d.j, "checks");
	json_arr_begin(&d.j);
	for (int i = 0; i < res->nchecks; i++) {
		json_obj_begin(&d.j);
		json_kstr(&d.j, "check", res->checks[i].name);
		json_kstr(&d.j, "result", res->checks[i].ok > 0 ? "pass" :
		    res->checks[i].ok == 0 ? "fail" : "unknown");
		json_kstr(&d.j, "detail", res->checks[i].detail);
		json_obj_end(&d.j);
	}
	json_arr_end(&d.j);
	if (cmd_verify_shows_cert(res))
		cmd_verify_write_cert(&d.j, res);
	json_obj_end(&d.j);
	cli_print_doc(&d);
}

static void
cmd_verify_print_text(const struct trust *t, const struct verify_result *res)
{
	char d1[32], hex[17];

	key_id_hex(t->authority.kid, hex);
	printf("%s  %s (%s)\n", cmd_verify_shows_cert(res) ? res->cert.no :
	    "(no verified certificate)",
	    verify_verdict_cn(res->verdict), verify_verdict_name(res->verdict));
	for (int i = 0; i < res->nchecks; i++)
		printf("  [%s] %-16s %s\n", res->checks[i].ok > 0 ? " ok " :
		    res->checks[i].ok == 0 ? "FAIL" : " ?? ", res->checks[i].name,
		    res->checks[i].detail);
	if (cmd_verify_shows_cert(res)) {
		date_format_cn(res->cert.issued_on, d1);
		printf("  姓名 %s  证件号码 %s\n", res->cert.name, res->cert.id_masked);
		printf("  职业代码 %s  工种 %s  等级 %s\n", res->cert.occ_code,
		    res->cert.trade[0] ? res->cert.trade : "--", level_full(res->cert.level));
		printf("  评价机构 %s %s  发证日期 %s%s%s\n", res->cert.org,
		    res->org ? res->org->org.name : "", d1,
		    res->cert.brand[0] ? "  标识 " : "", res->cert.brand);
		if (res->cert.version == CERT_VERSION_V1)
			printf("  note: %s\n", CMD_VERIFY_V1_NOTE);
	}
	printf("  (trust bundle signed by authority key %s)\n", hex);
}

int
cmd_verify(int argc, char **argv)
{
	struct cmd_verify_args a;
	struct cli c;
	struct err e;
	struct trust t;
	struct verify_result res;
	int rc;

	cli_init(&c);
	err_clear(&e);
	if ((rc = cmd_verify_parse_args(argc, argv, &c, &a, &e)) != CLI_RUN)
		return rc;
	if (trust_load(a.trust, &t, &e) != 0) {
		cli_print_error(&c, &e);
		return VERDICT_UNKNOWN;
	}
	if ((rc = cmd_verify_check(&c, &a, &t, &res, &e)) == CLI_RUN) {
		rc = res.verdict;
		if (c.json)
			cmd_verify_print_json(&t, &res);
		else
			cmd_verify_print_text(&t, &res);
	}
	trust_free(&t);
	cli_free(&c);
	return rc;
}
