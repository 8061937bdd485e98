/*
 * cmd_log.c - `bouncewhy log [FILE|-]...`: read a mail server's own log,
 * diagnose every failed delivery and tell its operator what is wrong,
 * grouped by provider, reason and provider code (bouncewhy/log.h).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bouncewhy/log.h>

#include "cli.h"
#include "commands.h"
#include "log_source.h"

#define CHUNK ((size_t)128 << 10)
#define POLL_NS 200000000L      /* --follow: look for new data 5 times a second */

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

typedef struct log_run {
	const bw_rules *rules;
	cli_format format;
	bool explain;
	long long since, until;     /* -1: none */
	long long reference;        /* --year: the end of that year; 0: each file's mtime */
	bw_log_summary *sum;
	char *buf;
	int errors;
	bool follow_text;           /* print failures as they come */
} log_run;

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

/* ---- times -------------------------------------------------------------- */

static bool parse_when(const char *s, long long *out)
{
	static const char *const forms[] = { "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
		"%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d" };
	char *end;
	size_t i;

	if (*s == '@') {
		*out = strtoll(s + 1, &end, 10);
		return end != s + 1 && !*end;
	}
	if (*s >= '0' && *s <= '9') {
		long long n = strtoll(s, &end, 10);
		long long unit = 0;
		if (end != s && end[0] && !end[1]) {
			unit = *end == 's' ? 1 : *end == 'm' ? 60 : *end == 'h' ? 3600 : *end == 'd' ? 86400 : 0;
			if (unit) {
				*out = (long long)time(NULL) - n * unit;
				return true;
			}
		}
	}
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		struct tm tm;
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, forms[i], &tm);
		if (!end)
			continue;
		if (*end == 'Z' && !end[1]) {
			*out = (long long)timegm(&tm);
			return true;
		}
		if (*end)
			continue;
		tm.tm_isdst = -1;
		*out = (long long)mktime(&tm);
		return true;
	}
	return false;
}

/* ---- output ------------------------------------------------------------- */

static void print_follow_line(const bw_log_attempt *a)
{
	const bw_report *r = bw_log_attempt_report(a);
	const bw_recipient *rc = r ? bw_report_recipient(r, 0) : NULL;
	long long t = bw_log_attempt_time(a);
	char when[32] = "-";

	if (!rc)
		return;
	if (t >= 0) {
		time_t tt = (time_t)t;
		struct tm tm;
		localtime_r(&tt, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	}
	printf("%s %s %s: %s, %s%s%s%s%s\n", when, bw_log_attempt_get(a, BW_LOG_STATUS),
	       *bw_log_attempt_get(a, BW_LOG_RECIPIENT) ? bw_log_attempt_get(a, BW_LOG_RECIPIENT) : "(unknown)",
	       *bw_recipient_get(rc, BW_RCPT_PROVIDER) ? bw_recipient_get(rc, BW_RCPT_PROVIDER) : "provider unknown",
	       bw_recipient_get(rc, BW_RCPT_REASON),
	       *bw_recipient_get(rc, BW_RCPT_PROVIDER_CODE) ? " " : "",
	       bw_recipient_get(rc, BW_RCPT_PROVIDER_CODE),
	       *bw_recipient_get(rc, BW_RCPT_FAULT) ? ", cause on the side of the " : "",
	       bw_recipient_get(rc, BW_RCPT_FAULT));
	fflush(stdout);
}

/* Reads every attempt the reader has; 0 when it needs more input. */
static int drain(log_run *r, bw_log *log, const char *source)
{
	const bw_log_attempt *a;
	char *json;
	int err;

	while ((err = bw_log_next(log, &a)) == BW_OK) {
		long long t = bw_log_attempt_time(a);
		if (t >= 0 && ((r->since >= 0 && t < r->since) || (r->until >= 0 && t > r->until)))
			continue;
		if ((err = bw_log_summary_add(r->sum, a)) < 0)
			return err;
		if (r->format == FORMAT_NDJSON) {
			if ((err = bw_log_attempt_to_json(&json, a, source, r->explain ? BW_JSON_EVIDENCE : 0)) < 0)
				return err;
			puts(json);
			bw_free(json);
		} else if (r->follow_text && bw_log_attempt_failed(a)) {
			print_follow_line(a);
		}
	}
	if (r->format == FORMAT_NDJSON)
		fflush(stdout);
	return err == BW_ENOTFOUND ? 0 : err;
}

/* ---- reading ------------------------------------------------------------ */

static void pause_a_moment(void)
{
	struct timespec ts = { 0, POLL_NS };

	nanosleep(&ts, NULL);
}

/* Has `path` been rotated away from `fd` (another file there now) or
 * truncated below `offset`?  1 rotated, 2 truncated, 0 neither. */
static int rotated(const char *path, int fd)
{
	struct stat now, open_st;
	off_t offset = lseek(fd, 0, SEEK_CUR);

	if (stat(path, &now) < 0 || fstat(fd, &open_st) < 0)
		return 0;            /* moved away and not yet re-created: keep reading the old one */
	if (now.st_ino != open_st.st_ino || now.st_dev != open_st.st_dev)
		return 1;
	if (offset >= 0 && now.st_size < offset)
		return 2;
	return 0;
}

/* Reads one operand to its end, or with `follow` until stopped. */
static int read_operand(log_run *r, const char *path, bool follow)
{
	char err[512];
	bw_log_options opts = BW_LOG_OPTIONS_INIT;
	log_source *src;
	bw_log *log = NULL;
	int status = 0, e;

	if (!(src = log_source_open(path, err, sizeof(err)))) {
		fprintf(stderr, "bouncewhy log: %s\n", err);
		return 1;
	}
	follow = follow && log_source_plain_file(src);
	opts.reference_time = r->reference ? r->reference : log_source_mtime(src);
	if (bw_log_open_push(&log, r->rules, &opts) < 0) {
		fprintf(stderr, "bouncewhy log: %s\n", bw_error_message());
		log_source_close(src);
		return 1;
	}
	for (;;) {
		ssize_t n = log_source_read(src, r->buf, CHUNK, err, sizeof(err));
		if (n < 0) {
			fprintf(stderr, "bouncewhy log: %s: %s\n", path, err);
			status = 1;
			break;
		}
		if (n > 0) {
			bw_log_feed(log, r->buf, (size_t)n);
			if ((e = drain(r, log, path)) < 0)
				goto fail;
			continue;
		}
		if (!follow || stop_requested)
			break;
		switch (rotated(path, log_source_fd(src))) {
		case 1: {
			log_source *next;
			/* what was written to the old file before the switch is read above */
			if (!(next = log_source_open(path, err, sizeof(err))))
				break;
			bw_log_feed_end(log);
			if ((e = drain(r, log, path)) < 0)
				goto fail;
			bw_log_summary_add_stats(r->sum, log);
			bw_log_free(log);
			log_source_close(src);
			src = next;
			opts.reference_time = r->reference;
			if (bw_log_open_push(&log, r->rules, &opts) < 0) {
				log = NULL;
				goto fail;
			}
			continue;
		}
		case 2:
			lseek(log_source_fd(src), 0, SEEK_SET);
			continue;
		default:
			break;
		}
		pause_a_moment();
		if (stop_requested)
			break;
	}
	bw_log_feed_end(log);
	if ((e = drain(r, log, path)) < 0)
		goto fail;
	bw_log_summary_add_stats(r->sum, log);
	bw_log_free(log);
	log_source_close(src);
	return status;
fail:
	fprintf(stderr, "bouncewhy log: %s: %s\n", path, bw_error_message());
	if (log)
		bw_log_summary_add_stats(r->sum, log);
	bw_log_free(log);
	log_source_close(src);
	return 1;
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
	static const char *const faults[] = { "sender", "recipient", "receiver", "transit", "any" };
	const char *fail_on = NULL;
	bool follow = false;
	bw_rules *rules = NULL;
	struct sigaction sa;
	log_run r;
	char *out = NULL;
	int opt, i, status = 0;
	size_t k;

	memset(&r, 0, sizeof(r));
	r.format = FORMAT_TEXT;
	r.since = r.until = -1;
	optind = 0;     /* re-initialise getopt: options may follow operands here */
	while ((opt = getopt_long(argc, argv, "f:Feh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (!cli_parse_format(optarg, &r.format)) {
				fprintf(stderr, "bouncewhy log: unknown format '%s' (text, json or ndjson)\n", optarg);
				return 2;
			}
			break;
		case 'F': follow = true; break;
		case 'e': r.explain = true; break;
		case OPT_SINCE:
		case OPT_UNTIL:
			if (!parse_when(optarg, opt == OPT_SINCE ? &r.since : &r.until)) {
				fprintf(stderr, "bouncewhy log: cannot read the time '%s'\n", optarg);
				return 2;
			}
			break;
		case OPT_YEAR: {
			char *end;
			long y = strtol(optarg, &end, 10);
			struct tm tm;
			if (*end || y < 1970 || y > 9999) {
				fprintf(stderr, "bouncewhy log: --year wants a year such as 2026\n");
				return 2;
			}
			memset(&tm, 0, sizeof(tm));
			tm.tm_year = (int)y - 1900;
			tm.tm_mon = 11;
			tm.tm_mday = 30;        /* one day before the end: stamps up to a day later are allowed */
			tm.tm_hour = 23;
			tm.tm_min = 59;
			tm.tm_isdst = -1;
			r.reference = (long long)mktime(&tm);
			break;
		}
		case OPT_FAIL_ON:
			for (k = 0; k < sizeof(faults) / sizeof(faults[0]); k++)
				if (strcmp(optarg, faults[k]) == 0)
					fail_on = faults[k];
			if (!fail_on) {
				fprintf(stderr, "bouncewhy log: --fail-on wants sender, recipient, receiver, transit or any\n");
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
	r.rules = rules;
	r.follow_text = follow && r.format == FORMAT_TEXT;
	if (!(r.buf = malloc(CHUNK)) || bw_log_summary_new(&r.sum, rules) < 0) {
		fprintf(stderr, "bouncewhy log: out of memory\n");
		free(r.buf);
		bw_rules_free(rules);
		return 1;
	}
	if (follow) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;     /* no SA_RESTART: the pause ends at once */
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	if (optind >= argc)
		status |= read_operand(&r, "-", false);
	for (i = optind; i < argc && !stop_requested; i++)
		status |= read_operand(&r, argv[i], follow && i == argc - 1);
	if (r.format != FORMAT_NDJSON) {
		int err = r.format == FORMAT_JSON ? bw_log_summary_to_json(&out, r.sum, BW_JSON_PRETTY)
		                                  : bw_log_summary_to_text(&out, r.sum, 0);
		if (err < 0) {
			fprintf(stderr, "bouncewhy log: %s\n", bw_error_message());
			status = 1;
		} else {
			if (r.follow_text)
				putchar('\n');
			fputs(out, stdout);
			bw_free(out);
		}
	}
	if (fail_on && bw_log_summary_has_fault(r.sum, fail_on))
		status = 1;
	fflush(stdout);
	bw_log_summary_free(r.sum);
	free(r.buf);
	bw_rules_free(rules);
	return status;
}
