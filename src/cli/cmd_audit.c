/* cmd_audit.c - skillcert audit: the portal's audit trail (logins, account
 * changes, issuance through the portal) as a table, CSV or JSON. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "skillcert/base/csv.h"
#include "skillcert/base/date.h"
#include "skillcert/store/account.h"

enum { AF_TABLE, AF_CSV, AF_JSON };

struct cmd_audit_args {
	int64_t since_us;
	const char *action, *who;
	int format;
};

struct cmd_audit_out {
	const struct cmd_audit_args *a;
	struct cli_doc d;
	size_t n;
};

static void
cmd_audit_print_usage(void)
{
	printf("usage: skillcert audit [--since YYYY-MM-DD] [--action A] [--who NAME]\n"
	    "                        [--format table|csv|json]\n\n"
	    "The audit trail, oldest first: every login and failed login, account\n"
	    "and token change, and what the portal did, with who did it (account,\n"
	    "token:ID, cli:USER or - for an unknown name), from which address, and\n"
	    "the outcome (ok, denied, invalid, error). --since is a UTC day. CSV\n"
	    "has a UTF-8 byte order mark (for Excel/WPS); --json = --format json.\n");
}

static int
cmd_audit_parse_args(int argc, char **argv, struct cli *c,
    struct cmd_audit_args *a, struct err *e)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "action", required_argument, NULL, 'a' },
		{ "who", required_argument, NULL, 'w' },
		{ "format", required_argument, NULL, 'f' },
		CLI_COMMON_OPTS, { 0 }
	};
	int32_t day;
	int ch;

	memset(a, 0, sizeof(*a));
	while ((ch = cli_parse_opt(c, argc, argv, opts)) != -1) {
		switch (ch) {
		case 's':
			if (date_parse(optarg, &day) != 0) {
				err_set(e, ERR_USAGE, "--since '%s' is not a date "
				    "(YYYY-MM-DD)", optarg);
				return cli_print_error(c, e);
			}
			a->since_us = (int64_t)day * 86400 * 1000000;
			break;
		case 'a': a->action = optarg; break;
		case 'w': a->who = optarg; break;
		case 'f':
			a->format = strcmp(optarg, "table") == 0 ? AF_TABLE :
			    strcmp(optarg, "csv") == 0 ? AF_CSV :
			    strcmp(optarg, "json") == 0 ? AF_JSON : -1;
			if (a->format < 0) {
				err_set(e, ERR_USAGE, "--format must be table, csv "
				    "or json");
				return cli_print_error(c, e);
			}
			break;
		case 'h': cmd_audit_print_usage(); return 0;
		default: return ERR_USAGE;
		}
	}
	if (optind < argc) {
		err_set(e, ERR_USAGE, "unexpected argument '%s'", argv[optind]);
		return cli_print_error(c, e);
	}
	if (c->json)
		a->format = AF_JSON;
	return CLI_RUN;
}

static void
cmd_audit_time(int64_t us, char out[32])
{
	struct tm tm;
	time_t t = (time_t)(us / 1000000);

	if (gmtime_r(&t, &tm) == NULL)
		snprintf(out, 32, "?");
	else
		strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
cmd_audit_csv(struct buf *b, const struct audit_event *ev, const char *when)
{
	const char *f[9];
	char seq[24];

	snprintf(seq, sizeof(seq), "%llu", (unsigned long long)ev->seq);
	f[0] = seq; f[1] = when; f[2] = ev->who; f[3] = ev->role; f[4] = ev->org;
	f[5] = ev->client; f[6] = ev->action; f[7] = ev->object;
	f[8] = ev->outcome;
	for (int i = 0; i < 9; i++) {
		if (i)
			buf_append_byte(b, ',');
		csv_append_cell(b, f[i]);
	}
	buf_append_str(b, "\r\n");
}

static int
cmd_audit_row(const struct audit_event *ev, void *arg)
{
	struct cmd_audit_out *o = arg;
	struct json *j = &o->d.j;
	char when[32];

	if (ev->time_us < o->a->since_us ||
	    (o->a->action && strcmp(ev->action, o->a->action) != 0) ||
	    (o->a->who && strcmp(ev->who, o->a->who) != 0))
		return 0;
	o->n++;
	cmd_audit_time(ev->time_us, when);
	if (o->a->format == AF_CSV) {
		cmd_audit_csv(&o->d.b, ev, when);
	} else if (o->a->format == AF_TABLE) {
		printf("%6llu %s %-20s %-9s %-13s %-15s %-16s %-7s %s\n",
		    (unsigned long long)ev->seq, when, ev->who, ev->role,
		    ev->org[0] ? ev->org : "-", ev->client, ev->action, ev->outcome,
		    ev->object);
	} else {
		json_obj_begin(j);
		json_key(j, "seq");
		json_uint(j, ev->seq);
		json_kstr(j, "time", when);
		json_kint(j, "time_us", ev->time_us);
		json_kstr(j, "who", ev->who);
		json_kstr(j, "role", ev->role);
		json_kstr(j, "org", ev->org);
		json_kstr(j, "client", ev->client);
		json_kstr(j, "action", ev->action);
		json_kstr(j, "object", ev->object);
		json_kstr(j, "outcome", ev->outcome);
		json_obj_end(j);
	}
	return 0;
}

int
cmd_audit(int argc, char **argv)
{
	struct cli c;
	struct cmd_audit_args a;
	struct cmd_audit_out o;
	struct registry *r = NULL;
	MDB_txn *txn = NULL;
	struct err e;
	int rc;

	cli_init(&c);
	err_clear(&e);
	if ((rc = cmd_audit_parse_args(argc, argv, &c, &a, &e)) != CLI_RUN)
		return cli_end_cmd(&c, NULL, NULL, rc, NULL);
	if ((rc = cli_open_txn(&c, REG_RDONLY, &r, &txn, &e)) != 0)
		return cli_end_cmd(&c, r, txn, rc, &e);
	memset(&o, 0, sizeof(o));
	o.a = &a;
	cli_begin_doc(&o.d);
	if (a.format == AF_CSV)
		buf_append_str(&o.d.b, "\xef\xbb\xbf" "seq,time,who,role,org,client,"
		    "action,object,outcome\r\n");
	else if (a.format == AF_JSON)
		json_arr_begin(&o.d.j);
	else
		printf("%6s %-20s %-20s %-9s %-13s %-15s %-16s %-7s %s\n", "SEQ",
		    "TIME (UTC)", "WHO", "ROLE", "ORG", "CLIENT", "ACTION", "OUTCOME",
		    "OBJECT");
	rc = audit_each(r, txn, 1, cmd_audit_row, &o, &e);
	if (rc == 0 && a.format == AF_JSON) {
		json_arr_end(&o.d.j);
		cli_print_doc(&o.d);
	} else if (rc == 0 && a.format == AF_CSV) {
		fwrite(o.d.b.data, 1, o.d.b.len, stdout);
	}
	cli_free_doc(&o.d);
	return cli_end_cmd(&c, r, txn, rc, rc ? &e : NULL);
}
