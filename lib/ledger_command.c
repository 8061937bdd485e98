/*
 * ledger_command.c - the vocabulary of the `bouncewhy ledger` command line
 * (format names, commands and their operands, the clock), written once for
 * the CLI and the Python module.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bouncewhy-ledger.h"
#include "error.h"

static const char *const format_names[] = {
	[BW_LEDGER_TEXT] = "text",
	[BW_LEDGER_JSON] = "json",
	[BW_LEDGER_CSV] = "csv",
	[BW_LEDGER_POSTFIX] = "postfix",
};

int bw_ledger_format_from_name(const char *name, bw_ledger_format *out)
{
	size_t i;

	if (!name || !out)
		return bw_error__set(BW_EINVALID, "bw_ledger_format_from_name: NULL argument");
	for (i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
		if (strcmp(name, format_names[i]) == 0) {
			*out = (bw_ledger_format)i;
			return BW_OK;
		}
	return bw_error__set(BW_EINVALID, "ledger: unknown format '%s'", name);
}

/* The commands, how many operands each takes (-1: any), and whether it
 * writes the CSV and Postfix formats too. */
static const struct {
	const char *name;
	int operands;
	bool all_formats;
} commands[] = {
	{ "add", -1, false },
	{ "status", 1, false },
	{ "suppressed", 0, true },
	{ "alerts", 0, false },
	{ "stats", 0, false },
	{ "forget", 1, false },
	{ "policy", 0, false },
};

int bw_ledger_check_command(const char *command, size_t n_operands, bw_ledger_format format)
{
	size_t i;

	if (!command)
		return bw_error__set(BW_EINVALID, "bw_ledger_check_command: NULL argument");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(command, commands[i].name) != 0)
			continue;
		/* "status" and "forget" name one address; the others take no
		 * operand the CLI checks (extra ones are ignored, as always) */
		if (commands[i].operands == 1 && n_operands != 1)
			return bw_error__set(BW_EINVALID, "ledger %s wants one ADDRESS", command);
		if (!commands[i].all_formats && format != BW_LEDGER_TEXT && format != BW_LEDGER_JSON)
			return bw_error__set(BW_EINVALID, "ledger %s: csv and postfix are for `suppressed`",
			                     command);
		return BW_OK;
	}
	return bw_error__set(BW_ENOTFOUND, "ledger: unknown command '%s'", command);
}

int bw_ledger_clock_from_text(const char *text, long long *out)
{
	char *end;
	long long v;

	if (!text || !out)
		return bw_error__set(BW_EINVALID, "bw_ledger_clock_from_text: NULL argument");
	errno = 0;
	v = strtoll(text, &end, 10);
	if (text[0] < '0' || text[0] > '9' || *end || errno || v <= 0)
		return bw_error__set(BW_EINVALID, "ledger: --now wants seconds since 1970");
	*out = v;
	return BW_OK;
}
