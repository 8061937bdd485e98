/*
 * output.c - printing reports: text for people, JSON and NDJSON for programs.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

bool cli_parse_format(const char *s, cli_format *out)
{
	if (strcmp(s, "text") == 0)
		*out = FORMAT_TEXT;
	else if (strcmp(s, "json") == 0)
		*out = FORMAT_JSON;
	else if (strcmp(s, "ndjson") == 0)
		*out = FORMAT_NDJSON;
	else
		return false;
	return true;
}

void cli_print_begin(cli_ctx *c)
{
	if (c->format == FORMAT_JSON) {
		fputs("[\n", stdout);
		c->json_first = true;
	}
}

void cli_print_end(cli_ctx *c)
{
	if (c->format == FORMAT_JSON)
		fputs(c->json_first ? "]\n" : "\n]\n", stdout);
	fflush(stdout);
}

/* Adds "mbox_index": N after the opening brace of a JSON object. */
static void put_json(cli_ctx *c, char *json, long index)
{
	if (c->format == FORMAT_JSON) {
		if (!c->json_first)
			fputs(",\n", stdout);
		c->json_first = false;
	}
	if (index >= 0 && json[0] == '{')
		printf("{\"mbox_index\":%ld,%s", index, json + 1);
	else
		fputs(json, stdout);
	if (c->format == FORMAT_NDJSON)
		fputc('\n', stdout);
}

static const char *headline(const char *reason)
{
	static const struct { const char *reason, *text; } lines[] = {
		{ "userunknown", "the address does not exist" },
		{ "hostunknown", "the domain does not exist or cannot receive mail" },
		{ "hasmoved", "the person has moved to another address" },
		{ "mailboxfull", "the mailbox is full" },
		{ "suspend", "the mailbox is disabled or suspended" },
		{ "exceedlimit", "the message is larger than this mailbox accepts" },
		{ "mesgtoobig", "the message is larger than the receiving server accepts" },
		{ "filtered", "the recipient's filters refused the message" },
		{ "rejected", "the receiving server refused the sender address" },
		{ "blocked", "the receiving server refuses mail from the sending server's IP address" },
		{ "badreputation", "the sending IP or domain has a poor reputation there" },
		{ "requireptr", "the sending server's IP has no proper reverse DNS name" },
		{ "authfailure", "SPF, DKIM or DMARC checks failed" },
		{ "speeding", "the sender is sending too fast for this provider" },
		{ "toomanyconn", "too many connections or recipients at once" },
		{ "spamdetected", "the message was judged to be spam" },
		{ "virusdetected", "the message carried malware" },
		{ "policyviolation", "the message breaks the receiver's policy" },
		{ "contenterror", "the message content was not accepted" },
		{ "notcompliantrfc", "the message is not properly formatted" },
		{ "securityerror", "a security or authentication requirement was not met" },
		{ "failedstarttls", "an encrypted connection could not be set up" },
		{ "norelaying", "the server refused to relay the message" },
		{ "notaccept", "the destination does not accept mail" },
		{ "networkerror", "the receiving server could not be reached" },
		{ "expired", "the sending server gave up after retrying for too long" },
		{ "systemerror", "the receiving system had an error" },
		{ "systemfull", "the receiving system is out of space" },
		{ "mailererror", "the local delivery program failed" },
		{ "syntaxerror", "a command in the mail conversation was refused" },
		{ "suppressed", "the sending service skipped this address (suppression list)" },
		{ "onhold", "it failed, but the bounce does not say clearly why" },
		{ "undefined", "the bounce does not say enough to tell" },
		{ "vacation", "an automatic reply (out of office), not a failure" },
		{ "feedback", "a spam complaint or feedback report about your message" },
		{ "delivered", "the message was delivered" },
	};
	size_t i;

	for (i = 0; reason && i < sizeof(lines) / sizeof(lines[0]); i++)
		if (strcmp(lines[i].reason, reason) == 0)
			return lines[i].text;
	return "unknown";
}

/* Prints text word-wrapped at 78 columns: `first` before the first line,
 * `rest` before the others.  Words longer than a line (URLs) stay whole. */
static void wrap(const char *first, const char *rest, const char *text)
{
	const size_t width = 78;
	const char *p = text;
	size_t col;

	fputs(first, stdout);
	col = strlen(first);
	bool line_start = true;
	while (*p == ' ')
		p++;
	while (*p) {
		size_t n = strcspn(p, " ");
		if (!line_start && col + 1 + n > width) {
			fputc('\n', stdout);
			fputs(rest, stdout);
			col = strlen(rest);
			line_start = true;
		}
		if (!line_start) {
			fputc(' ', stdout);
			col++;
		}
		fwrite(p, 1, n, stdout);
		col += n;
		line_start = false;
		p += n;
		while (*p == ' ')
			p++;
	}
	fputc('\n', stdout);
}

static void print_text(cli_ctx *c, const char *source, long index, const bw_report *r)
{
	size_t i, k, n = bw_report_recipient_count(r);
	const char *format = bw_report_get(r, BW_REPORT_FORMAT);

	if (index >= 0)
		printf("%s (message %ld): %s", source, index + 1, bw_kind_name(bw_report_kind(r)));
	else
		printf("%s: %s", source, bw_kind_name(bw_report_kind(r)));
	if (*format)
		printf(" (read as %s)", format);
	printf(", %zu recipient%s\n", n, n == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		const bw_recipient *rc = bw_report_recipient(r, i);
		const char *reason = bw_recipient_get(rc, BW_RCPT_REASON);
		const char *who = bw_recipient_get(rc, BW_RCPT_RECIPIENT);
		const char *provider = bw_recipient_get(rc, BW_RCPT_PROVIDER);
		const char *code = bw_recipient_get(rc, BW_RCPT_PROVIDER_CODE);
		const char *tag = bw_recipient_get(rc, BW_RCPT_SERVER_TAG);
		const char *diag = bw_recipient_get(rc, BW_RCPT_DIAGNOSTIC);
		const char *host = bw_recipient_get(rc, BW_RCPT_REMOTE_MTA);
		const char *ip = bw_recipient_get(rc, BW_RCPT_REMOTE_IP);
		const char *fault = bw_recipient_get(rc, BW_RCPT_FAULT);

		printf("\n  %s: %s.\n", *who ? who : (bw_report_kind(r) == BW_KIND_REPLY ? "this reply" : "(address unknown)"),
		       headline(reason));
		printf("    reason %s, %s", reason, bw_recipient_permanent(rc) ? "permanent" : "temporary");
		if (*fault)
			printf(", cause on the %s side", fault);
		if (bw_recipient_hard_bounce(rc))
			printf(": remove this address from your lists");
		else if (strcmp(reason, "vacation") && strcmp(reason, "feedback") && strcmp(reason, "delivered"))
			printf(": keep the address");
		printf("\n");
		if (*provider || *code) {
			printf("    provider %s", *provider ? provider : "unknown");
			if (*code)
				printf(", code %s", code);
			if (*tag)
				printf(", answering server %s", tag);
			printf("\n");
		}
		if (*bw_recipient_get(rc, BW_RCPT_EXPLANATION))
			wrap("    ", "    ", bw_recipient_get(rc, BW_RCPT_EXPLANATION));
		if (*diag) {
			char said[4096];
			if (*host && *ip)
				snprintf(said, sizeof(said), "The server said: %s (host %s, %s)", diag, host, ip);
			else if (*host || *ip)
				snprintf(said, sizeof(said), "The server said: %s (host %s)", diag, *host ? host : ip);
			else
				snprintf(said, sizeof(said), "The server said: %s", diag);
			wrap("    ", "      ", said);
		}
		for (k = 0; k < bw_recipient_remedy_count(rc); k++) {
			char lead[32];
			snprintf(lead, sizeof(lead), "    %zu. ", k + 1);
			if (k == 0)
				printf("    What to do:\n");
			wrap(lead, "       ", bw_recipient_remedy(rc, k));
		}
		for (k = 0; k < bw_recipient_reference_count(rc); k++)
			printf("    See: %s\n", bw_recipient_reference(rc, k));
		if (c->explain) {
			if (*bw_recipient_get(rc, BW_RCPT_RULE))
				printf("    rule: %s\n", bw_recipient_get(rc, BW_RCPT_RULE));
			for (k = 0; k < bw_recipient_evidence_count(rc); k++)
				printf("    evidence %zu: %s\n", k + 1, bw_recipient_evidence(rc, k));
		}
	}
	for (i = 0; c->explain && i < bw_report_warning_count(r); i++)
		printf("  warning: %s\n", bw_report_warning(r, i));
	printf("\n");
}

void cli_print_report(cli_ctx *c, const char *source, long index, const bw_report *r)
{
	char *json = NULL;
	unsigned flags = c->explain ? BW_JSON_EVIDENCE : 0;

	c->messages++;
	if (c->format == FORMAT_TEXT) {
		print_text(c, source, index, r);
		return;
	}
	if (c->format == FORMAT_JSON)
		flags |= BW_JSON_PRETTY;
	if (bw_report_to_json(&json, r, source, flags) < 0) {
		cli_print_error(c, source, index, bw_error_code_last(), bw_error_message());
		c->messages--;
		return;
	}
	put_json(c, json, index);
	bw_free(json);
}

void cli_print_error(cli_ctx *c, const char *source, long index, int code, const char *message)
{
	char *json = NULL;

	c->messages++;
	c->errors++;
	if (c->format == FORMAT_TEXT) {
		if (index >= 0)
			printf("%s (message %ld): error: %s\n\n", source, index + 1, message);
		else
			printf("%s: error: %s\n\n", source, message);
		return;
	}
	if (bw_error_to_json(&json, source, code, message, c->format == FORMAT_JSON ? BW_JSON_PRETTY : 0) < 0) {
		fprintf(stderr, "bouncewhy: %s: %s\n", source, message);
		return;
	}
	put_json(c, json, index);
	bw_free(json);
}
