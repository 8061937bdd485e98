/*
 * rules_open.c - finding the rule database for the CLI, installed or not.
 */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"

int cli_rules_open(bw_rules **out, const bw_rules_options *opts)
{
	static const char *const beside[] = { "rules/rules.db", "../rules/rules.db" };
	bw_rules_options o = BW_RULES_OPTIONS_INIT;
	char exe[4096], path[4200];
	const char *dir;
	ssize_t n;
	size_t i;
	int err = bw_rules_open(out, opts);

	if (err == BW_OK || (opts && opts->path) || getenv("BOUNCEWHY_RULES"))
		return err;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return err;
	exe[n] = '\0';
	dir = dirname(exe);     /* may point into exe: computed once */
	for (i = 0; i < sizeof(beside) / sizeof(beside[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, beside[i]);
		if (access(path, R_OK) != 0)
			continue;
		if (opts)
			o = *opts;
		o.path = path;
		return bw_rules_open(out, &o);
	}
	return err;
}
