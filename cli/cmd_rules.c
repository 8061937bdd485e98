/*
 * cmd_rules.c - `bouncewhy rules`: list, show, check and compile rules
 * (the library's bw_rules_list, bw_rules_show, bw_rules_check and
 * bw_rules_compile; this file reads argv and prints).
 *
 *   rules list              one line per rule: id, reason, provider
 *   rules show ID           everything about one rule
 *   rules check             the self-test; exit 1 on any failure
 *   rules compile OUT SRC.. compile .rules files/directories into a database
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"

#define EXIT_FAIL 1
#define EXIT_USAGE 2
#define EXIT_RULES 3

static void rules_usage(FILE *f)
{
	fputs(
"Usage: bouncewhy [--rules DB] [--rules-overlay FILE]... rules COMMAND\n"
"\n"
"  list                    every rule in precedence order: id, reason, provider\n"
"  show ID                 everything about one rule\n"
"  check                   self-test: every example must be won by its own rule\n"
"                          (exit status 1 when anything fails)\n"
"  compile OUT.db SOURCE...  compile .rules files, or directories of them, into\n"
"                          a rule database\n", f);
}

/* Prints the text of bw_rules_list() or bw_rules_show(), or the error. */
static int print_text(int rc, char **textp, const char *sub)
{
	if (rc < 0) {
		fprintf(stderr, "bouncewhy rules %s: %s\n", sub, bw_error_message());
		return EXIT_FAIL;
	}
	fputs(*textp, stdout);
	bw_free(*textp);
	return 0;
}

static int cmd_check(const bw_rules *rules)
{
	char *report = NULL;
	int rc = bw_rules_check(&report, rules);

	if (report)
		fputs(report, rc == BW_OK ? stdout : stderr);
	bw_free(report);
	if (rc != BW_OK && rc != BW_ERULES)
		fprintf(stderr, "bouncewhy rules check: %s\n", bw_error_message());
	return rc == BW_OK ? 0 : EXIT_FAIL;
}

int bw_cli_rules(int argc, char **argv, const bw_rules_options *opts)
{
	const char *sub = argc > 1 ? argv[1] : NULL;
	bw_rules *rules = NULL;
	char *text = NULL;
	int status;

	if (!sub || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
		rules_usage(sub ? stdout : stderr);
		return sub ? 0 : EXIT_USAGE;
	}
	if (strcmp(sub, "compile") == 0) {
		if (argc < 4) {
			rules_usage(stderr);
			return EXIT_USAGE;
		}
		if (bw_rules_compile(argv[2], (const char *const *)argv + 3, (size_t)(argc - 3)) < 0) {
			fprintf(stderr, "bouncewhy rules compile: %s\n", bw_error_message());
			return EXIT_FAIL;
		}
		return 0;
	}
	if (!((strcmp(sub, "list") == 0 && argc == 2) || (strcmp(sub, "check") == 0 && argc == 2) ||
	      (strcmp(sub, "show") == 0 && argc == 3))) {
		rules_usage(stderr);
		return EXIT_USAGE;
	}
	if (cli_rules_open(&rules, opts) < 0) {
		fprintf(stderr, "bouncewhy rules %s: cannot load the rules: %s\n", sub, bw_error_message());
		/* for check, a rule that does not load is one more failure */
		return strcmp(sub, "check") == 0 ? EXIT_FAIL : EXIT_RULES;
	}
	if (strcmp(sub, "list") == 0)
		status = print_text(bw_rules_list(&text, rules), &text, sub);
	else if (strcmp(sub, "show") == 0)
		status = print_text(bw_rules_show(&text, rules, argv[2]), &text, sub);
	else
		status = cmd_check(rules);
	bw_rules_free(rules);
	return status;
}
