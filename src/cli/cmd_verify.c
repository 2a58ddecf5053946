/* cmd_verify.c - skillcert verify: offline checks against a trust bundle,
 * optionally an inclusion proof fetched from a server (--online). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "skillcert/base/date.h"
#include "skillcert/trust/verify.h"
#include "skillcert/model/level.h"

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
		verify_online(&t, &res, online);
	rc = res.verdict;

	char d1[32], d2[32], hex[17];
	key_id_hex(t.authority.kid, hex);
	if (c.json) {
		struct buf b = BUF_INIT;
		struct json j;
		json_init(&j, &b);
		json_obj_begin(&j);
		json_kstr(&j, "verdict", verify_verdict_name(res.verdict));
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
		    verify_verdict_cn(res.verdict), verify_verdict_name(res.verdict));
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
