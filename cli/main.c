/*
 * main.c - the bouncewhy command: options, subcommands, exit codes.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"

#define EXIT_INPUT_ERRORS 1
#define EXIT_USAGE 2
#define EXIT_RULES 3
#define EXIT_OUTPUT 4

static void usage(FILE *f)
{
	fputs(
"Usage: bouncewhy [OPTION]... [FILE|DIR|-]...\n"
"       bouncewhy explain [--host HOST] [--command CMD] REPLY...\n"
"       bouncewhy log [--format F] [--follow] [--since T] [--fail-on S] [FILE|-]...\n"
"       bouncewhy rules list|show ID|check|compile OUT.db SOURCE...\n"
"       bouncewhy [--ledger FILE|URI] ledger add|status|suppressed|alerts|stats|forget|policy\n"
"\n"
"Read bounced email and say, for every recipient, what failed, why, and what\n"
"to do about it.  FILE may be one message or an mbox file (detected by its\n"
"content); DIR is read recursively (Maildir or plain; files named *.json,\n"
"*.tsv and *.md are skipped there); - or no operand reads standard input.\n"
"\n"
"Options:\n"
"  -f, --format=FMT        text (default), json (one pretty array) or ndjson\n"
"                          (one object per message, with \"source\")\n"
"  -e, --explain           show the rule and the evidence behind each verdict\n"
"  -r, --rules=PATH        rule database to use (default: $BOUNCEWHY_RULES, the\n"
"                          installed one, or for an uninstalled build the one\n"
"                          built beside the executable)\n"
"  -o, --rules-overlay=FILE  site rules (.rules or .db) on top; repeatable;\n"
"                          later ones win\n"
"      --max-size=BYTES    largest message accepted (default 64 MiB)\n"
"      --max-depth=N       deepest MIME nesting read (default 32)\n"
"      --max-parts=N       most MIME parts read (default 2000)\n"
"      --max-recipients=N  most recipients kept per message (default 10000)\n"
"  -l, --ledger=FILE|URI   the bounce ledger of `bouncewhy ledger` (default:\n"
"                          $BOUNCEWHY_LEDGER); see `bouncewhy ledger --help`\n"
"      --progress / --no-progress  progress on stderr (default: when stderr\n"
"                          is a terminal)\n"
"  -h, --help              this help\n"
"  -V, --version           version\n"
"\n"
"Exit status: 0 every input was read (whatever it was), 1 some input could not\n"
"be read or parsed (an error record was printed for it), 2 bad usage, 3 the\n"
"rules could not be loaded, 4 the output could not be written (a full disk).\n"
"\n"
"See bouncewhy(1) and README.md.\n", f);
}

/* A positive decimal number with an optional k, M or G suffix, strictly:
 * no sign, no space, no overflow ("-1" and 17179869185G are refused, not
 * read as "no limit" or wrapped). */
static bool parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return false;
	if (*end == 'k' || *end == 'K')
		shift = 10, end++;
	else if (*end == 'm' || *end == 'M')
		shift = 20, end++;
	else if (*end == 'g' || *end == 'G')
		shift = 30, end++;
	if (*end || v == 0 || v > (unsigned long long)SIZE_MAX >> shift)
		return false;
	*out = (size_t)(v << shift);
	return true;
}

int main(int argc, char **argv)
{
	enum { OPT_MAX_SIZE = 256, OPT_MAX_DEPTH, OPT_MAX_PARTS, OPT_MAX_RCPT, OPT_PROGRESS, OPT_NO_PROGRESS };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "explain", no_argument, NULL, 'e' },
		{ "rules", required_argument, NULL, 'r' },
		{ "rules-overlay", required_argument, NULL, 'o' },
		{ "ledger", required_argument, NULL, 'l' },
		{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
		{ "max-depth", required_argument, NULL, OPT_MAX_DEPTH },
		{ "max-parts", required_argument, NULL, OPT_MAX_PARTS },
		{ "max-recipients", required_argument, NULL, OPT_MAX_RCPT },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	cli_ctx c;
	bw_rules_options ropts = BW_RULES_OPTIONS_INIT;
	const char **overlays = calloc((size_t)argc + 1, sizeof(char *));
	bw_rules *rules = NULL;
	const char *ledger = NULL;
	int opt, progress = -1, i, status;
	size_t n;

	/* Whatever the parent left: a closed pipe ends the run (head -1). */
	signal(SIGPIPE, SIG_DFL);
	memset(&c, 0, sizeof(c));
	bw_parse_options_init(&c.popts, BW_PARSE_OPTIONS_VERSION);
	c.format = FORMAT_TEXT;
	if (!overlays)
		return EXIT_USAGE;
	/* "+": stop at the first operand, so subcommands keep their options. */
	while ((opt = getopt_long(argc, argv, "+f:er:o:l:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (!cli_parse_format(optarg, &c.format)) {
				fprintf(stderr, "bouncewhy: unknown format '%s' (text, json or ndjson)\n", optarg);
				free(overlays);
				return EXIT_USAGE;
			}
			break;
		case 'e': c.explain = true; break;
		case 'r': ropts.path = optarg; break;
		case 'o': overlays[ropts.n_overlays++] = optarg; break;
		case 'l': ledger = optarg; break;
		case OPT_MAX_SIZE:
			if (!parse_size(optarg, &c.popts.max_message_size)) {
				fprintf(stderr, "bouncewhy: --max-size wants a positive size such as 10M\n");
				free(overlays);
				return EXIT_USAGE;
			}
			break;
		case OPT_MAX_DEPTH:
		case OPT_MAX_PARTS:
		case OPT_MAX_RCPT:
			if (!parse_size(optarg, &n) || n > 100000000) {
				fprintf(stderr, "bouncewhy: %s wants a positive number\n", argv[optind - 1]);
				free(overlays);
				return EXIT_USAGE;
			}
			if (opt == OPT_MAX_DEPTH)
				c.popts.max_mime_depth = (unsigned)n;
			else if (opt == OPT_MAX_PARTS)
				c.popts.max_parts = (unsigned)n;
			else
				c.popts.max_recipients = (unsigned)n;
			break;
		case OPT_PROGRESS: progress = 1; break;
		case OPT_NO_PROGRESS: progress = 0; break;
		case 'h': usage(stdout); free(overlays); return 0;
		case 'V': printf("bouncewhy %s\n", bw_version()); free(overlays); return 0;
		default: usage(stderr); free(overlays); return EXIT_USAGE;
		}
	}
	ropts.overlays = overlays;
	if (optind < argc && strcmp(argv[optind], "rules") == 0) {
		status = bw_cli_rules(argc - optind, argv + optind, &ropts);
		free(overlays);
		return status;
	}
	if (optind < argc && strcmp(argv[optind], "log") == 0) {
		status = bw_cli_log(argc - optind, argv + optind, &ropts);
		free(overlays);
		return status;
	}
	if (optind < argc && strcmp(argv[optind], "ledger") == 0) {
		status = bw_cli_ledger(argc - optind, argv + optind, ledger, &ropts, &c.popts, progress);
		free(overlays);
		return status;
	}
	if (optind < argc && strcmp(argv[optind], "explain") == 0) {
		status = bw_cli_explain(argc - optind, argv + optind, &ropts);
		free(overlays);
		return status;
	}
	if (cli_rules_open(&rules, &ropts) < 0) {
		fprintf(stderr, "bouncewhy: cannot load the rules: %s\n", bw_error_message());
		free(overlays);
		return EXIT_RULES;
	}
	c.rules = rules;
	c.progress = progress < 0 ? isatty(STDERR_FILENO) : progress;
	cli_print_begin(&c);
	if (optind >= argc)
		cli_process(&c, "-");
	for (i = optind; i < argc; i++)
		cli_process(&c, argv[i]);
	cli_print_end(&c);
	cli_progress_done(&c);
	bw_rules_free(rules);
	free(overlays);
	if (c.write_failed) {
		fputs("bouncewhy: cannot write the output\n", stderr);
		return EXIT_OUTPUT;
	}
	return c.errors ? EXIT_INPUT_ERRORS : 0;
}
