/*
 * reason.c - the reason vocabulary, looked up (the table: reasons.vocab).
 */
#include <string.h>

#include "reason.h"
#include "smtp.h"
#include "util.h"

#include "reason_table.h"

const bw_reason_info *bw_reason__find(const char *name)
{
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (strcmp(reasons[i].name, name) == 0)
			return &reasons[i];
	return NULL;
}

int bw_reason__known(const char *name)
{
	return bw_reason__find(name) != NULL;
}

int bw_reason__fits_stage(const char *reason, const char *command)
{
	const bw_reason_info *r = bw_reason__find(reason);

	const char *stage = command ? bw_smtp__stage_of_command(command, strlen(command)) : NULL;

	if (!r || !r->fault || !stage || (strcmp(stage, "CONN") != 0 && strcmp(stage, "HELO") != 0))
		return 1;
	return strcmp(r->fault, "recipient") != 0;
}

int bw_reason__fits_reply(const char *reason, const char *reply_code, const char *status)
{
	const bw_reason_info *r = bw_reason__find(reason);
	const char *means = bw_reason__of_reply(reply_code);

	/* a generic X.0.0 (a reporting MTA's own) says no more than the code */
	if (status && status[0] && !bw_smtp__status_generic(status, strlen(status)))
		return 1;
	/* the command-level codes: the reply codes the vocabulary gives
	 * syntaxerror (500-504) */
	if (!r || !r->fault || !means || strcmp(means, "syntaxerror") != 0)
		return 1;
	return strcmp(r->fault, "recipient") != 0;
}

int bw_reason__fits_status(const char *reason, const char *status)
{
	const bw_reason_info *r = bw_reason__find(reason);
	char subject;

	if (!r || !r->subjects || !status || !status[0] || status[1] != '.')
		return 1;
	subject = status[2];
	/* 0 is the generic subject; RFC 3463 defines no subject above 7, so
	 * a code such as 5.9.1 says nothing about the cause */
	if (!(subject >= '1' && subject <= '7') || (status[3] >= '0' && status[3] <= '9'))
		return 1;
	return strchr(r->subjects, subject) != NULL;
}

static const char *lookup(const bw_code_reason *t, size_t n, const char *code)
{
	size_t i;

	for (i = 0; code && i < n; i++)
		if (t[i].code && strcmp(t[i].code, code) == 0)
			return t[i].reason;
	return NULL;
}

const char *bw_reason__of_status_detail(const char *detail)
{
	return lookup(status_details, sizeof(status_details) / sizeof(status_details[0]), detail);
}

const char *bw_reason__of_reply(const char *code)
{
	return lookup(reply_codes, sizeof(reply_codes) / sizeof(reply_codes[0]), code);
}
