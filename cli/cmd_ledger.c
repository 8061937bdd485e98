/*
 * cmd_ledger.c - `bouncewhy ledger`: feed diagnoses to a bounce ledger and
 * ask it what to do (include/bouncewhy-ledger.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bouncewhy-ledger.h"
#include "cli.h"
#include "commands.h"

#define EXIT_INPUT_ERRORS 1
#define EXIT_USAGE 2
#define EXIT_RULES 3
#define EXIT_LEDGER 4

/* Messages per transaction in `add`: a crash loses at most this many, and
 * the next run records them (entries are recorded once). */
#define BATCH 500

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
	bw_ledger *ledger;
	unsigned long since_commit, entries, unreadable;
	int failed;          /* a ledger error: stop recording */
} add_ctx;

static void ledger_fail(add_ctx *a)
{
	if (!a->failed)
		fprintf(stderr, "bouncewhy: ledger: %s\n", bw_error_message());
	a->failed = 1;
}

static void batch_tick(add_ctx *a)
{
	if (a->failed || ++a->since_commit < BATCH)
		return;
	a->since_commit = 0;
	if (bw_ledger_commit(a->ledger) < 0 || bw_ledger_begin(a->ledger) < 0)
		ledger_fail(a);
}

static void add_sink(cli_ctx *c, const char *source, long index, const bw_report *r,
                     int code, const char *message)
{
	add_ctx *a = c->sink_data;
	size_t n = 0;

	if (!r) {
		a->unreadable++;
		if (index >= 0)
			fprintf(stderr, "bouncewhy: %s (message %ld): %s\n", source, index + 1, message);
		else
			fprintf(stderr, "bouncewhy: %s: %s\n", source, message);
		(void)code;
		return;
	}
	if (a->failed)
		return;
	if (bw_ledger_add_report(a->ledger, r, source, &n) < 0) {
		ledger_fail(a);
		return;
	}
	a->entries += n;
	batch_tick(a);
}

/* Reads NDJSON records from fd, one per line. */
static void add_ndjson(cli_ctx *c, add_ctx *a, const char *source, FILE *f)
{
	char *line = NULL;
	size_t cap = 0, n;
	ssize_t len;
	unsigned long lineno = 0;

	c->inputs++;
	while (!a->failed && (len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len == 0 || line[0] == '\n')
			continue;
		c->messages++;
		n = 0;
		if (bw_ledger_add_json(a->ledger, line, (size_t)len, &n) < 0) {
			if (bw_error_code_last() == BW_EPARSE) {
				a->unreadable++;
				c->errors++;
				fprintf(stderr, "bouncewhy: %s:%lu: %s\n", source, lineno, bw_error_message());
				continue;
			}
			ledger_fail(a);
			break;
		}
		a->entries += n;
		batch_tick(a);
	}
	free(line);
}

/* A regular file whose first non-blank byte is '{' holds NDJSON. */
static bool looks_ndjson(const char *path)
{
	struct stat st;
	char buf[64];
	ssize_t n, i;
	int fd;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	for (i = 0; i < n; i++)
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r' && buf[i] != '\n')
			return buf[i] == '{';
	return false;
}

static int cmd_add(bw_ledger *l, int argc, char **argv, bool ndjson_stdin,
                   const bw_rules_options *ropts, const bw_parse_options *popts, int progress)
{
	add_ctx a = { l, 0, 0, 0, 0 };
	cli_ctx c;
	bw_rules *rules = NULL;
	const char *dash = "-";
	char **ops = argc > 0 ? argv : (char **)&dash;
	int i, nops = argc > 0 ? argc : 1;

	memset(&c, 0, sizeof(c));
	c.popts = *popts;
	c.sink = add_sink;
	c.sink_data = &a;
	c.progress = progress < 0 ? isatty(STDERR_FILENO) : progress;
	if (bw_ledger_begin(l) < 0) {
		fprintf(stderr, "bouncewhy: ledger: %s\n", bw_error_message());
		return EXIT_LEDGER;
	}
	for (i = 0; i < nops && !a.failed; i++) {
		if (strcmp(ops[i], "-") == 0 ? ndjson_stdin : looks_ndjson(ops[i])) {
			FILE *f = strcmp(ops[i], "-") == 0 ? stdin : fopen(ops[i], "r");
			if (!f) {
				a.unreadable++;
				fprintf(stderr, "bouncewhy: %s: %s\n", ops[i], strerror(errno));
				continue;
			}
			add_ndjson(&c, &a, ops[i], f);
			if (f != stdin)
				fclose(f);
			continue;
		}
		if (!rules) {
			if (cli_rules_open(&rules, ropts) < 0) {
				fprintf(stderr, "bouncewhy: cannot load the rules: %s\n", bw_error_message());
				bw_ledger_rollback(l);
				return EXIT_RULES;
			}
			c.rules = rules;
		}
		cli_process(&c, ops[i]);
	}
	cli_progress_done(&c);
	if (!a.failed && bw_ledger_commit(l) < 0)
		ledger_fail(&a);
	bw_rules_free(rules);
	if (a.failed) {
		bw_ledger_rollback(l);
		return EXIT_LEDGER;
	}
	printf("%lu messages read, %lu entries recorded, %lu unreadable\n",
	       c.messages, a.entries, a.unreadable);
	return a.unreadable ? EXIT_INPUT_ERRORS : 0;
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
	char *out = NULL, *end;
	int opt, status;

	optind = 0;    /* re-initialise GNU getopt (main() used "+") */
	while ((opt = getopt_long(argc, argv, "f:p:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (!strcmp(optarg, "text"))
				format = BW_LEDGER_TEXT;
			else if (!strcmp(optarg, "json"))
				format = BW_LEDGER_JSON;
			else if (!strcmp(optarg, "csv"))
				format = BW_LEDGER_CSV;
			else if (!strcmp(optarg, "postfix"))
				format = BW_LEDGER_POSTFIX;
			else {
				fprintf(stderr, "bouncewhy: ledger: unknown format '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'p': lopts.policy_path = optarg; break;
		case OPT_NOW:
			errno = 0;
			lopts.now = strtoll(optarg, &end, 10);
			if (*end || errno || lopts.now <= 0) {
				fprintf(stderr, "bouncewhy: ledger: --now wants seconds since 1970\n");
				return EXIT_USAGE;
			}
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
	if (strcmp(cmd, "add") && strcmp(cmd, "status") && strcmp(cmd, "suppressed") &&
	    strcmp(cmd, "alerts") && strcmp(cmd, "stats") && strcmp(cmd, "forget") &&
	    strcmp(cmd, "policy")) {
		fprintf(stderr, "bouncewhy: ledger: unknown command '%s'\n", cmd);
		ledger_usage(stderr);
		return EXIT_USAGE;
	}
	if ((!strcmp(cmd, "status") || !strcmp(cmd, "forget")) && optind + 1 != argc) {
		fprintf(stderr, "bouncewhy: ledger %s wants one ADDRESS\n", cmd);
		return EXIT_USAGE;
	}
	if (format != BW_LEDGER_TEXT && format != BW_LEDGER_JSON && strcmp(cmd, "suppressed")) {
		fprintf(stderr, "bouncewhy: ledger %s: csv and postfix are for `suppressed`\n", cmd);
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
