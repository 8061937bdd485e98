/*
 * cmd_ledger.c - `bouncewhy ledger`: feed diagnoses to a bounce ledger and
 * ask it what to do (include/bouncewhy-ledger.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bouncewhy-ledger.h"
#include "cli.h"
#include "commands.h"

#define EXIT_INPUT_ERRORS 1
#define EXIT_USAGE 2
#define EXIT_RULES 3
#define EXIT_LEDGER 4

static void ledger_usage(FILE *f)
{
	fputs(
"Usage: bouncewhy [--ledger FILE|URI] ledger [OPTION]... COMMAND\n"
"\n"
"Commands:\n"
"  add [--ndjson] [FILE|DIR|-]...  record the diagnoses of bounces (messages,\n"
"                          mbox files, Maildirs, standard input) or of NDJSON\n"
"                          records printed by `bouncewhy --format ndjson`\n"
"  status ADDRESS          the address's state, its changes and its entries\n"
"  suppressed              the addresses to stop sending to\n"
"  alerts                  sender-side failures per provider; suspected outages\n"
"  stats                   counts by state, event, reason, provider, domain, day\n"
"  forget ADDRESS          forget an address's history (re-subscribed)\n"
"  policy                  print the effective policy\n"
"\n"
"The ledger is --ledger FILE (SQLite) or URI (postgresql://...), given before\n"
"`ledger`, or $BOUNCEWHY_LEDGER.\n"
"\n"
"Options:\n"
"  -f, --format=FMT     text (default) or json; suppressed also takes csv and\n"
"                       postfix (an access map)\n"
"  -p, --policy=FILE    policy file (default: $BOUNCEWHY_LEDGER_POLICY, else the\n"
"                       built-in policy that `ledger policy` prints)\n"
"      --now=EPOCH      the clock, in seconds since 1970 (replays, tests)\n"
"      --ndjson         add: standard input is NDJSON (files starting with '{'\n"
"                       are recognised by themselves)\n"
"\n"
"Exit status: 0 done; 1 some input could not be read (add), or forget of an\n"
"unknown address; 2 bad usage; 3 the rules could not be loaded; 4 the ledger\n"
"could not be opened or written.\n", f);
}

typedef struct add_ctx {
	const bw_rules_options *ropts;
	bw_rules *rules;     /* opened when the first operand is mail */
	bool progress;
} add_ctx;

static int add_rules(const bw_rules **out, void *payload)
{
	add_ctx *a = payload;
	int rc = cli_rules_open(&a->rules, a->ropts);

	*out = a->rules;
	return rc;
}

static int add_write(const char *data, size_t len, void *payload)
{
	(void)payload;
	fwrite(data, 1, len, stdout);
	return 0;
}

static int add_diag(const char *data, size_t len, void *payload)
{
	add_ctx *a = payload;

	if (a->progress)
		fputc('\n', stderr);      /* after the progress line */
	fwrite(data, 1, len, stderr);
	return 0;
}

static void add_progress(unsigned long messages, unsigned long errors, void *payload)
{
	add_ctx *a = payload;

	cli_progress(a->progress, messages, errors);
}

/* `ledger add`: the library's bw_ledger_add_paths() over the operands. */
static int cmd_add(bw_ledger *l, int argc, char **argv, bool ndjson_stdin,
                   const bw_rules_options *ropts, const bw_parse_options *popts, int progress)
{
	add_ctx a = { ropts, NULL, false };
	bw_ledger_add_options o = BW_LEDGER_ADD_OPTIONS_INIT;
	bw_ledger_add_result res;
	int rc;

	a.progress = progress < 0 ? isatty(STDERR_FILENO) : progress;
	o.ndjson_stdin = ndjson_stdin;
	o.parse = popts;
	o.rules = add_rules;
	o.write = add_write;
	o.diag = add_diag;
	o.progress = add_progress;
	o.payload = &a;
	rc = bw_ledger_add_paths(&res, l, (const char *const *)argv, (size_t)argc, &o);
	cli_progress_end(a.progress, res.messages, res.errors);
	bw_rules_free(a.rules);
	if (rc == BW_ERULES)
		return EXIT_RULES;
	if (rc < 0)
		return EXIT_LEDGER;
	return res.unreadable ? EXIT_INPUT_ERRORS : 0;
}

/* Call as print_result(bw_ledger_x(&out, ...), &out): `out` is read after the call. */
static int print_result(int rc, char **outp)
{
	char *out = *outp;

	if (rc < 0) {
		fprintf(stderr, "bouncewhy: ledger: %s\n", bw_error_message());
		return rc == BW_EINVALID ? EXIT_USAGE : EXIT_LEDGER;
	}
	fputs(out, stdout);
	bw_free(out);
	return 0;
}

int bw_cli_ledger(int argc, char **argv, const char *location, const bw_rules_options *ropts,
                  const bw_parse_options *popts, int progress)
{
	enum { OPT_NOW = 256, OPT_NDJSON };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "policy", required_argument, NULL, 'p' },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "ndjson", no_argument, NULL, OPT_NDJSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bw_ledger_options lopts = BW_LEDGER_OPTIONS_INIT;
	bw_ledger_format format = BW_LEDGER_TEXT;
	bw_ledger *l = NULL;
	bool ndjson = false;
	const char *cmd;
	char *out = NULL;
	long long now;
	int opt, status;

	optind = 0;    /* re-initialise GNU getopt (main() used "+") */
	while ((opt = getopt_long(argc, argv, "f:p:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (bw_ledger_format_from_name(optarg, &format) < 0) {
				fprintf(stderr, "bouncewhy: %s\n", bw_error_message());
				return EXIT_USAGE;
			}
			break;
		case 'p': lopts.policy_path = optarg; break;
		case OPT_NOW:
			if (bw_ledger_clock_from_text(optarg, &now) < 0) {
				fprintf(stderr, "bouncewhy: %s\n", bw_error_message());
				return EXIT_USAGE;
			}
			lopts.now = now;
			break;
		case OPT_NDJSON: ndjson = true; break;
		case 'h': ledger_usage(stdout); return 0;
		default: ledger_usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		ledger_usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind++];
	if (!location || !*location)
		location = getenv("BOUNCEWHY_LEDGER");
	if ((!location || !*location) && !strcmp(cmd, "policy"))
		location = ":memory:";    /* the policy needs no ledger */
	if (!location || !*location) {
		fprintf(stderr, "bouncewhy: ledger: no ledger: give --ledger FILE before `ledger`, or set BOUNCEWHY_LEDGER\n");
		return EXIT_USAGE;
	}
	if (bw_ledger_check_command(cmd, (size_t)(argc - optind), format) < 0) {
		fprintf(stderr, "bouncewhy: %s\n", bw_error_message());
		if (bw_error_code_last() == BW_ENOTFOUND)
			ledger_usage(stderr);
		return EXIT_USAGE;
	}
	if (bw_ledger_open(&l, location, &lopts) < 0) {
		fprintf(stderr, "bouncewhy: ledger: %s\n", bw_error_message());
		return bw_error_code_last() == BW_EINVALID ? EXIT_USAGE : EXIT_LEDGER;
	}
	if (!strcmp(cmd, "add"))
		status = cmd_add(l, argc - optind, argv + optind, ndjson, ropts, popts, progress);
	else if (!strcmp(cmd, "status"))
		status = print_result(bw_ledger_status(&out, l, argv[optind], format), &out);
	else if (!strcmp(cmd, "suppressed"))
		status = print_result(bw_ledger_suppressed(&out, l, format), &out);
	else if (!strcmp(cmd, "alerts"))
		status = print_result(bw_ledger_alerts(&out, l, format), &out);
	else if (!strcmp(cmd, "stats"))
		status = print_result(bw_ledger_stats(&out, l, format), &out);
	else if (!strcmp(cmd, "policy"))
		status = print_result(bw_ledger_policy(&out, l, format), &out);
	else if (bw_ledger_forget(l, argv[optind]) < 0) {
		fprintf(stderr, "bouncewhy: ledger: %s\n", bw_error_message());
		status = bw_error_code_last() == BW_ENOTFOUND ? EXIT_INPUT_ERRORS :
		         bw_error_code_last() == BW_EINVALID ? EXIT_USAGE : EXIT_LEDGER;
	} else {
		printf("%s: forgotten; active again\n", argv[optind]);
		status = 0;
	}
	bw_ledger_free(l);
	fflush(stdout);
	return status;
}
