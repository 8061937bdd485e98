/*
 * cmd_rules.c - `bouncewhy rules`: list, show, check and compile rules.
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

static const char *tier_name(int tier)
{
	static const char *const names[] = {
		"overlay", "provider", "text", "status", "lexicon", "generic text", "reply/other"
	};

	return tier >= 0 && tier <= 6 ? names[tier] : "?";
}

static int cmd_list(const bw_rules *rules)
{
	size_t i;

	for (i = 0; i < bw_rules_count(rules); i++) {
		const bw_rule *r = bw_rules_at(rules, i);
		const char *prov = bw_rule_get(r, BW_RULE_PROVIDER);

		printf("%-44s %-16s %s\n", bw_rule_get(r, BW_RULE_ID),
		       bw_rule_get(r, BW_RULE_REASON), *prov ? prov : "-");
	}
	return 0;
}

static void field(const char *name, const char *value)
{
	if (value && *value)
		printf("%-12s %s\n", name, value);
}

static int cmd_show(const bw_rules *rules, const char *id)
{
	const bw_rule *r = bw_rules_find(rules, id);
	char buf[512];
	size_t i;

	if (!r) {
		fprintf(stderr, "bouncewhy rules show: no rule '%s'\n", id);
		return EXIT_FAIL;
	}
	field("id:", bw_rule_get(r, BW_RULE_ID));
	snprintf(buf, sizeof(buf), "%s:%u", bw_rule_get(r, BW_RULE_FILE), bw_rule_line(r));
	field("source:", buf);
	if (bw_rule_layer(r))
		snprintf(buf, sizeof(buf), "overlay %zu", bw_rule_layer(r));
	else
		snprintf(buf, sizeof(buf), "base %s", bw_rules_path(rules));
	field("layer:", buf);
	snprintf(buf, sizeof(buf), "%d (%s), priority %d", bw_rule_tier(r),
	         tier_name(bw_rule_tier(r)), bw_rule_priority(r));
	field("tier:", buf);
	if (*bw_rule_get(r, BW_RULE_PROVIDER)) {
		snprintf(buf, sizeof(buf), "%s (%s)", bw_rule_get(r, BW_RULE_PROVIDER),
		         bw_rule_get(r, BW_RULE_PROVIDER_NAME));
		field("provider:", buf);
	}
	field("text:", bw_rule_get(r, BW_RULE_TEXT));
	field("status:", bw_rule_get(r, BW_RULE_STATUS));
	field("reply:", bw_rule_get(r, BW_RULE_REPLY));
	field("command:", bw_rule_get(r, BW_RULE_COMMAND));
	field("format:", bw_rule_get(r, BW_RULE_FORMAT));
	field("action:", bw_rule_get(r, BW_RULE_ACTION));
	field("reason:", bw_rule_get(r, BW_RULE_REASON));
	field("fault:", bw_rule_get(r, BW_RULE_FAULT));
	field("permanent:", bw_rule_get(r, BW_RULE_PERMANENT));
	field("hard:", bw_rule_get(r, BW_RULE_HARD));
	field("explain:", bw_rule_get(r, BW_RULE_EXPLANATION));
	for (i = 0; i < bw_rule_remedy_count(r); i++)
		field("remedy:", bw_rule_remedy(r, i));
	for (i = 0; i < bw_rule_reference_count(r); i++)
		field("ref:", bw_rule_reference(r, i));
	for (i = 0; i < bw_rule_example_count(r); i++)
		field("example:", bw_rule_example(r, i));
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
		status = cmd_list(rules);
	else if (strcmp(sub, "show") == 0)
		status = cmd_show(rules, argv[2]);
	else
		status = cmd_check(rules);
	bw_rules_free(rules);
	return status;
}
