/* Stand-in until the rule tooling lands. */
#include <stdio.h>

#include "commands.h"

int bw_cli_rules(int argc, char **argv, const bw_rules_options *opts)
{
	(void)argc; (void)argv; (void)opts;
	fprintf(stderr, "bouncewhy rules: not available in this build\n");
	return 2;
}
