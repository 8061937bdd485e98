/*
 * cmd_log.c - `bouncewhy log [FILE|-]...`: read a mail server's own log,
 * diagnose every failed delivery and tell its operator what is wrong,
 * grouped by provider, reason and provider code.  The command is the
 * library's bw_log_run() (bouncewhy/log.h); this file reads its argv.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <bouncewhy/log.h>

#include "cli.h"
#include "commands.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int stop(void *payload)
{
	(void)payload;
	return stop_requested;
}

static int write_to(FILE *f, const char *data, size_t len)
{
	fwrite(data, 1, len, f);
	fflush(f);
	return 0;
}

static int write_stdout(const char *data, size_t len, void *payload)
{
	(void)payload;
	return write_to(stdout, data, len);
}

static int write_stderr(const char *data, size_t len, void *payload)
{
	(void)payload;
	return write_to(stderr, data, len);
}

static void log_usage(FILE *f)
{
	fputs(
"Usage: bouncewhy log [OPTION]... [FILE|-]...\n"
"\n"
"Reads a mail server's log (Postfix, Exim main log, Sendmail, OpenSMTPD;\n"
"plain or .gz; - or no operand: standard input), diagnoses every failed\n"
"delivery attempt and summarises the problems for a person: grouped by\n"
"provider, reason and provider code, sender-side problems first.\n"
"\n"
"  -f, --format=FMT     text (default: the summary), json (the summary as\n"
"                       data) or ndjson (one record per delivery attempt)\n"
"  -F, --follow         keep reading the last FILE as it grows, through log\n"
"                       rotation (like tail -F); stop with Ctrl-C or SIGTERM,\n"
"                       which prints the summary (text: failures are also\n"
"                       printed as they happen)\n"
"      --since=TIME     only attempts at or after TIME\n"
"      --until=TIME     only attempts at or before TIME\n"
"                       TIME: 2026-12-01, \"2026-12-01 09:30[:00]\",\n"
"                       2026-12-01T09:30:00Z, @EPOCH, or an age: 30m, 24h, 7d\n"
"      --year=YYYY      the year of classic syslog stamps (\"Dec  1 09:12:03\"),\n"
"                       which have none; default: inferred from each file's\n"
"                       modification time (the latest year that does not put\n"
"                       a line in the future)\n"
"      --fail-on=FAULT  exit 1 when a problem of that side is seen: sender,\n"
"                       recipient, receiver, transit or any\n"
"  -e, --explain        ndjson: add each verdict's evidence chain\n"
"\n"
"Exit status: 0 done (and --fail-on saw nothing), 1 --fail-on matched or a\n"
"FILE could not be read, 2 bad usage, 3 the rules could not be loaded.\n", f);
}

int bw_cli_log(int argc, char **argv, const bw_rules_options *ropts)
{
	enum { OPT_SINCE = 256, OPT_UNTIL, OPT_FAIL_ON, OPT_YEAR };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "follow", no_argument, NULL, 'F' },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "year", required_argument, NULL, OPT_YEAR },
		{ "explain", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bw_log_run_options o = BW_LOG_RUN_OPTIONS_INIT;
	bw_rules *rules = NULL;
	struct sigaction sa;
	int opt, rc, fault = 0;

	optind = 0;     /* re-initialise getopt: options may follow operands here */
	while ((opt = getopt_long(argc, argv, "f:Feh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'F': o.follow = 1; break;
		case 'e': o.explain = 1; break;
		case 'f':
		case OPT_SINCE:
		case OPT_UNTIL:
		case OPT_YEAR:
		case OPT_FAIL_ON:
			/* the option's long name, as the library knows it */
			if (bw_log_run_option(&o, opt == 'f' ? "format" : opt == OPT_SINCE ? "since" :
			                      opt == OPT_UNTIL ? "until" : opt == OPT_YEAR ? "year" : "fail-on",
			                      optarg) < 0) {
				fprintf(stderr, "bouncewhy log: %s\n", bw_error_message());
				return 2;
			}
			break;
		case 'h': log_usage(stdout); return 0;
		default: log_usage(stderr); return 2;
		}
	}
	if (cli_rules_open(&rules, ropts) < 0) {
		fprintf(stderr, "bouncewhy: cannot load the rules: %s\n", bw_error_message());
		return 3;
	}
	o.write = write_stdout;
	o.diag = write_stderr;
	if (o.follow) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;     /* no SA_RESTART: the pause ends at once */
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		o.stop = stop;
	}
	rc = bw_log_run(&fault, rules, (const char *const *)argv + optind, (size_t)(argc - optind), &o);
	bw_rules_free(rules);
	return rc < 0 || fault ? 1 : 0;
}
