/* cmdline.c - the command line of skillcert-portald and `skillcert portal`
 * (one implementation, so both take the same options). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "portal_int.h"

static const char portal_usage[] =
"usage: skillcert-portald --passphrase-file FILE [options]\n"
"       skillcert portal   (same options)\n"
"Serves the issuer portal (browser pages and the JSON API /api/v1/) over\n"
"HTTPS from the registry opened read-write, with the organizations' keys\n"
"loaded at start.\n"
"  --db DIR               registry (default $SKILLCERT_DB or " REG_DIR_DEFAULT ")\n"
"  --keys DIR             key files (default DB/keys)\n"
"  --passphrase-file FILE decrypts the keys (mode 0600)\n"
"  --listen HOST:PORT     default 127.0.0.1:8443; port 0 picks a free one\n"
"  --tls-cert PEM --tls-key PEM   required unless --insecure-loopback\n"
"  --insecure-loopback    plain HTTP, only on 127.0.0.0/8 or ::1 (demo, tests)\n"
"  --public-origin URL    the origin browsers send (default from --listen)\n"
"  --fonts PATHS          render font chain (':'-separated)\n"
"  --threads N            request threads (default 4)\n"
"  --hash-threads N       password-hashing pool (default 1)\n"
"  --max-body BYTES       upload bound (default 16 MiB)\n"
"  --timeout S            per connection (default 30)\n"
"  --max-conns N          TLS connection cap (default 1024)\n"
"  --quiet\n"
"Prints \"skillcert-portald: listening on URL\" on stderr; stops on SIGTERM.\n";

static int
portal_num(const char *opt, const char *s, long lo, long hi, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "skillcert-portald: %s wants a number %ld..%ld, "
		    "not %s\n", opt, lo, hi, s);
		return ERR_USAGE;
	}
	*out = v;
	return 0;
}

static const struct option portal_opts[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "keys", required_argument, NULL, 'k' },
	{ "passphrase-file", required_argument, NULL, 'P' },
	{ "listen", required_argument, NULL, 'l' },
	{ "tls-cert", required_argument, NULL, 'c' },
	{ "tls-key", required_argument, NULL, 'K' },
	{ "insecure-loopback", no_argument, NULL, 'I' },
	{ "public-origin", required_argument, NULL, 'o' },
	{ "fonts", required_argument, NULL, 'f' },
	{ "threads", required_argument, NULL, 't' },
	{ "hash-threads", required_argument, NULL, 'H' },
	{ "max-body", required_argument, NULL, 'b' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "max-conns", required_argument, NULL, 'm' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* One numeric option into c; 0 or ERR_USAGE. */
static int
portal_set_num(struct portal_config *c, int ch, const char *arg)
{
	long v;
	int rc = 0;

	switch (ch) {
	case 't': if ((rc = portal_num("--threads", arg, 1, 32, &v)) == 0) c->threads = (int)v; break;
	case 'H': if ((rc = portal_num("--hash-threads", arg, 1, 64, &v)) == 0) c->hash_threads = (int)v; break;
	case 'b': if ((rc = portal_num("--max-body", arg, 1024, 1L << 30, &v)) == 0) c->max_body = (size_t)v; break;
	case 'T': if ((rc = portal_num("--timeout", arg, 1, 3600, &v)) == 0) c->timeout_s = (int)v; break;
	case 'm': if ((rc = portal_num("--max-conns", arg, 1, 1 << 20, &v)) == 0) c->max_conns = (int)v; break;
	}
	return rc;
}

static int
portal_parse(int argc, char **argv, struct portal_config *c)
{
	int ch, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", portal_opts, NULL)) != -1) {
		switch (ch) {
		case 'd': c->db_dir = optarg; break;
		case 'k': c->keys_dir = optarg; break;
		case 'P': c->passphrase_file = optarg; break;
		case 'l': c->listen = optarg; break;
		case 'c': c->tls_cert = optarg; break;
		case 'K': c->tls_key = optarg; break;
		case 'I': c->insecure_loopback = 1; break;
		case 'o': c->public_origin = optarg; break;
		case 'f': c->fonts = optarg; break;
		case 'q': c->quiet = 1; break;
		case 'h': printf("%s", portal_usage); return 0;
		case 't': case 'H': case 'b': case 'T': case 'm':
			if ((rc = portal_set_num(c, ch, optarg)) != 0)
				return rc;
			break;
		default: fprintf(stderr, "%s", portal_usage); return ERR_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "skillcert-portald: unexpected argument %s\n",
		    argv[optind]);
		return ERR_USAGE;
	}
	return -1;
}

int
portal_main(int argc, char **argv)
{
	struct portal_config c;
	struct err e;
	int rc;

	portal_config_defaults(&c);
	c.db_dir = getenv("SKILLCERT_DB") && *getenv("SKILLCERT_DB") ?
	    getenv("SKILLCERT_DB") : REG_DIR_DEFAULT;
	if ((rc = portal_parse(argc, argv, &c)) != -1)
		return rc;
	err_clear(&e);
	if ((rc = portal_run(&c, &e)) != 0)
		fprintf(stderr, "skillcert-portald: %s\n", e.msg);
	return rc;
}
