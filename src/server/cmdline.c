/* cmdline.c - the command line of skillcertd and `skillcert serve`: one
 * parser, so the daemon and the subcommand take the same options. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/store/registry.h"
#include "skillcert/server/server.h"

void
server_usage(const char *prog, int full)
{
	fprintf(full ? stdout : stderr,
	    "usage: %s [--db DIR] [--listen ADDR:PORT] [--threads N]\n"
	    "       [--tls-cert FILE --tls-key FILE] [--rate N/s|N/m|0] [--burst N]\n"
	    "       [--access-log FILE|-] [--max-conns N] [--max-conns-per-addr N]\n"
	    "       [--timeout SECONDS] [--head-timeout SECONDS]\n"
	    "       [--trust-proxy CIDR] [--keys DIR] [--quiet]\n", prog);
	if (!full)
		return;
	fputs("\n"
	    "Public lookup server for skill-level certificates: read-only over the\n"
	    "registry (no private key is loaded), HTTP/1.1 with keep-alive.\n"
	    "\n"
	    "  --db DIR            registry directory (default $SKILLCERT_DB or\n"
	    "                      ./var/registry)\n"
	    "  --listen ADDR:PORT  default 127.0.0.1:8080; [::1]:8080 for IPv6;\n"
	    "                      port 0 picks a free port (printed on stderr)\n"
	    "  --threads N         worker threads, each with its own listener\n"
	    "                      (SO_REUSEPORT) and event loop (default 1)\n"
	    "  --tls-cert FILE     PEM certificate chain; with --tls-key: HTTPS\n"
	    "  --tls-key FILE      PEM private key of the TLS certificate\n"
	    "  --rate N/s          lookups per client address per second on\n"
	    "                      /v1/certificates, /v1/verify, /search, /v/,\n"
	    "                      /v1/log/* and /v1/trust (default 10/s, burst\n"
	    "                      20); N/m per minute; 0 turns the limit off.\n"
	    "                      Excess gets 429 with Retry-After. One limit\n"
	    "                      for all threads; IPv6 counted per /64.\n"
	    "  --burst N           token-bucket size (default max(2 x rate, 10))\n"
	    "  --access-log FILE   one line per request (route pattern, status,\n"
	    "                      bytes, microseconds; never names, ID numbers\n"
	    "                      or tokens); - for stdout; default none\n"
	    "  --max-conns N       open connections in all (default 65536, fitted\n"
	    "                      under the open-file limit, which is raised);\n"
	    "                      when full, idle keep-alive ones are closed\n"
	    "  --max-conns-per-addr N  per client address (default 256; 0 any)\n"
	    "  --timeout S         idle keep-alive and write timeout (default 15)\n"
	    "  --head-timeout S    for a whole request head, from its first byte\n"
	    "                      (default 10; 408 then close)\n"
	    "  --trust-proxy CIDR  peers in CIDR are reverse proxies: the client\n"
	    "                      is the rightmost X-Forwarded-For hop outside it\n"
	    "  --keys DIR          keys directory (public keys only are read)\n"
	    "  --quiet             no startup and shutdown lines\n"
	    "\n"
	    "Stops cleanly on SIGTERM or SIGINT. Exit status: 0 after a clean stop,\n"
	    "64 bad usage, 66 no registry, 74 cannot listen or read a TLS file,\n"
	    "75 registry error, 71 out of memory.\n", stdout);
}

/* "10", "10/s", "600/m", "0": requests per second. */
static int
parse_rate(const char *s, double *rate)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v < 0 || v > 1e9)
		return -1;
	if (*end == '\0' || strcmp(end, "/s") == 0)
		*rate = v;
	else if (strcmp(end, "/m") == 0)
		*rate = v / 60.0;
	else
		return -1;
	return 0;
}

static int
parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static const struct option server_opts[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "keys", required_argument, NULL, 'k' },
	{ "listen", required_argument, NULL, 'l' },
	{ "threads", required_argument, NULL, 't' },
	{ "tls-cert", required_argument, NULL, 'C' },
	{ "tls-key", required_argument, NULL, 'K' },
	{ "rate", required_argument, NULL, 'r' },
	{ "burst", required_argument, NULL, 'b' },
	{ "access-log", required_argument, NULL, 'a' },
	{ "max-conns", required_argument, NULL, 'm' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "head-timeout", required_argument, NULL, 'H' },
	{ "max-conns-per-addr", required_argument, NULL, 'A' },
	{ "trust-proxy", required_argument, NULL, 'P' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

int
server_main(int argc, char **argv)
{
	const char *prog = argc > 0 && argv[0] != NULL ? argv[0] : "skillcertd";
	struct server_config c;
	struct err e;
	long v;
	int ch, rc;

	server_config_defaults(&c);
	optind = 0;   /* glibc: full re-initialization (serve is a subcommand) */
	while ((ch = getopt_long(argc, argv, "h", server_opts, NULL)) != -1) {
		switch (ch) {
		case 'd': c.db_dir = optarg; break;
		case 'k': c.keys_dir = optarg; break;
		case 'l': c.listen = optarg; break;
		case 'C': c.tls_cert = optarg; break;
		case 'K': c.tls_key = optarg; break;
		case 'a': c.access_log = optarg; break;
		case 'q': c.quiet = 1; break;
		case 'P': c.trust_proxy = optarg; break;
		case 'H':
			if (parse_int(optarg, 1, 3600, &v) != 0)
				goto bad;
			c.head_timeout_s = (int)v;
			break;
		case 'A':
			if (parse_int(optarg, 0, 1000000, &v) != 0)
				goto bad;
			c.max_conns_per_addr = (int)v;
			break;
		case 't':
			if (parse_int(optarg, 1, 256, &v) != 0)
				goto bad;
			c.threads = (int)v;
			break;
		case 'm':
			if (parse_int(optarg, 1, 1000000, &v) != 0)
				goto bad;
			c.max_conns = (int)v;
			break;
		case 'T':
			if (parse_int(optarg, 1, 3600, &v) != 0)
				goto bad;
			c.timeout_s = (int)v;
			break;
		case 'r':
			if (parse_rate(optarg, &c.rate) != 0)
				goto bad;
			c.burst = 0;   /* derived from the rate unless --burst */
			break;
		case 'b':
			if (parse_int(optarg, 1, 1000000, &v) != 0)
				goto bad;
			c.burst = (double)v;
			break;
		case 'h':
			server_usage(prog, 1);
			return 0;
		default:
			server_usage(prog, 0);
			return ERR_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected argument %s\n", prog, argv[optind]);
		server_usage(prog, 0);
		return ERR_USAGE;
	}
	err_clear(&e);
	if ((rc = server_run(&c, &e)) != 0) {
		fprintf(stderr, "%s: %s\n", prog, e.msg);
		return rc;
	}
	return 0;
bad:
	fprintf(stderr, "%s: bad option value: %s\n", prog, optarg);
	server_usage(prog, 0);
	return ERR_USAGE;
}
