/*
 * cmd_explain.c - `bouncewhy explain`: classify a bare SMTP reply, a
 * provider code or a mail log line, without a bounce message.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

static void explain_usage(FILE *f)
{
	fputs(
"Usage: bouncewhy explain [--host HOST] [--command CMD] [--format FMT] REPLY...\n"
"       bouncewhy explain [options] -   (one reply or log line per input line)\n"
"\n"
"Classifies an SMTP reply (\"550 5.7.26 ...\"), a provider code (\"SC-001\") or a\n"
"Postfix/Exim/Sendmail log line (\"... host X[ip] said: ... (in reply to RCPT TO\n"
"command)\") as a mail server sees it at SMTP time.\n"
"\n"
"  -H, --host=HOST      the host that answered (picks the provider)\n"
"  -c, --command=CMD    the SMTP command it answered (MAIL, RCPT, DATA...)\n"
"  -f, --format=FMT     text (default), json or ndjson\n"
"  -e, --explain        show the rule and the evidence\n", f);
}

static int explain_one(cli_ctx *c, const char *text, const char *host, const char *command)
{
	bw_report *r = NULL;
	int err = bw_classify_reply(&r, c->rules, text, host, command);

	if (err < 0) {
		cli_print_error(c, "reply", -1, err, bw_error_message());
		return 1;
	}
	cli_print_report(c, "reply", -1, r);
	bw_report_free(r);
	return 0;
}

int bw_cli_explain(int argc, char **argv, const bw_rules_options *ropts)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "command", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "explain", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *host = NULL, *command = NULL;
	bw_rules *rules = NULL;
	cli_ctx c;
	int opt, i, failed = 0;
	size_t len = 0;
	char *text;

	memset(&c, 0, sizeof(c));
	c.format = FORMAT_TEXT;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "H:c:f:eh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'H': host = optarg; break;
		case 'c': command = optarg; break;
		case 'f':
			if (!cli_parse_format(optarg, &c.format)) {
				fprintf(stderr, "bouncewhy explain: unknown format '%s'\n", optarg);
				return 2;
			}
			break;
		case 'e': c.explain = true; break;
		case 'h': explain_usage(stdout); return 0;
		default: explain_usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		explain_usage(stderr);
		return 2;
	}
	if (cli_rules_open(&rules, ropts) < 0) {
		fprintf(stderr, "bouncewhy: cannot load the rules: %s\n", bw_error_message());
		return 3;
	}
	c.rules = rules;
	cli_print_begin(&c);
	if (optind == argc - 1 && strcmp(argv[optind], "-") == 0) {
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;
		while ((n = getline(&line, &cap, stdin)) > 0) {
			while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
				line[--n] = '\0';
			if (n)
				failed |= explain_one(&c, line, host, command);
		}
		free(line);
	} else {
		for (i = optind; i < argc; i++)
			len += strlen(argv[i]) + 1;
		if (!(text = calloc(1, len + 1))) {
			bw_rules_free(rules);
			return 1;
		}
		for (i = optind; i < argc; i++) {
			if (i > optind)
				strcat(text, " ");
			strcat(text, argv[i]);
		}
		failed |= explain_one(&c, text, host, command);
		free(text);
	}
	cli_print_end(&c);
	bw_rules_free(rules);
	return failed;
}
