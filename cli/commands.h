/*
 * commands.h - the subcommands of the bouncewhy CLI, one file each.
 */
#ifndef BW_CLI_COMMANDS_H
#define BW_CLI_COMMANDS_H

#include "bouncewhy.h"

/* `bouncewhy rules list|show ID|check|compile OUT.db FILE...` (cmd_rules.c).
 * argv[0] is "rules".  `opts` says which rule set to open (--rules,
 * --rules-overlay given before the subcommand).  Returns the exit code. */
int bw_cli_rules(int argc, char **argv, const bw_rules_options *opts);

/* `bouncewhy explain [--host H] [--command C] TEXT...` (cmd_explain.c).
 * Returns the exit code. */
int bw_cli_explain(int argc, char **argv, const bw_rules_options *opts);

/* `bouncewhy log [--format F] [--follow] [--since T] [--until T]
 * [--fail-on FAULT] [FILE|-]...` (cmd_log.c).  Returns the exit code. */
int bw_cli_log(int argc, char **argv, const bw_rules_options *opts);
/* `bouncewhy [--ledger L] ledger [options] COMMAND...` (cmd_ledger.c).
 * argv[0] is "ledger"; `location` is --ledger (NULL: $BOUNCEWHY_LEDGER);
 * the rule and parse options are the global ones, for `ledger add`;
 * `progress` is -1 (auto), 0 or 1.  Returns the exit code. */
int bw_cli_ledger(int argc, char **argv, const char *location, const bw_rules_options *ropts,
                  const bw_parse_options *popts, int progress);

/* bw_rules_open() for the CLI: when neither --rules nor BOUNCEWHY_RULES
 * names a database and the installed one cannot be opened, an uninstalled
 * build uses the database built beside the executable (build/rules/rules.db
 * for build/bouncewhy).  Same return values as bw_rules_open(). */
int cli_rules_open(bw_rules **out, const bw_rules_options *opts);

#endif
