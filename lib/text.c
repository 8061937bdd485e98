/*
 * text.c - a report as text for people: what failed, why, and what to do,
 * word-wrapped at 78 columns.  The CLI's default output and the Python
 * binding's command both print this, so there is one renderer.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bouncewhy.h"
#include "error.h"
#include "reason.h"
#include "util.h"

/* `text` word-wrapped at 78 columns (counted in bytes): `first` before the
 * first line, `rest` before the others.  Words longer than a line (URLs)
 * stay whole. */
static void wrap(bw_buf *b, const char *first, const char *rest, const char *text)
{
	const size_t width = 78;
	const char *p = text;
	size_t col = strlen(first);
	bool line_start = true;

	bw_buf__puts(b, first);
	while (*p == ' ')
		p++;
	while (*p) {
		size_t n = strcspn(p, " ");

		if (!line_start && col + 1 + n > width) {
			bw_buf__putc(b, '\n');
			bw_buf__puts(b, rest);
			col = strlen(rest);
			line_start = true;
		}
		if (!line_start) {
			bw_buf__putc(b, ' ');
			col++;
		}
		bw_buf__put(b, p, n);
		col += n;
		line_start = false;
		p += n;
		while (*p == ' ')
			p++;
	}
	bw_buf__putc(b, '\n');
}

static const char *headline(const bw_recipient *rc)
{
	const bw_reason_info *info = bw_reason__find(bw_recipient_get(rc, BW_RCPT_REASON));

	if (!info)
		return "unknown";
	if (info->delayed_headline && strcmp(bw_recipient_get(rc, BW_RCPT_ACTION), "delayed") == 0)
		return info->delayed_headline;
	return info->headline;
}

static void verdict_line(bw_buf *b, const bw_recipient *rc)
{
	const char *reason = bw_recipient_get(rc, BW_RCPT_REASON);
	const char *fault = bw_recipient_get(rc, BW_RCPT_FAULT);
	const bw_reason_info *info = bw_reason__find(reason);

	bw_buf__printf(b, "    reason %s, %s", reason, bw_recipient_permanent(rc) ? "permanent" : "temporary");
	if (*fault)
		bw_buf__printf(b, ", cause on the %s side", fault);
	if (bw_recipient_hard_bounce(rc))
		bw_buf__puts(b, ": remove this address from your lists");
	else if (!info || info->failure)
		bw_buf__puts(b, ": keep the address");
	bw_buf__putc(b, '\n');
}

static void provider_line(bw_buf *b, const bw_recipient *rc)
{
	const char *provider = bw_recipient_get(rc, BW_RCPT_PROVIDER);
	const char *code = bw_recipient_get(rc, BW_RCPT_PROVIDER_CODE);
	const char *tag = bw_recipient_get(rc, BW_RCPT_SERVER_TAG);

	if (!*provider && !*code)
		return;
	bw_buf__printf(b, "    provider %s", *provider ? provider : "unknown");
	if (*code)
		bw_buf__printf(b, ", code %s", code);
	if (*tag)
		bw_buf__printf(b, ", answering server %s", tag);
	bw_buf__putc(b, '\n');
}

static void said_line(bw_buf *b, const bw_recipient *rc)
{
	const char *diag = bw_recipient_get(rc, BW_RCPT_DIAGNOSTIC);
	const char *host = bw_recipient_get(rc, BW_RCPT_REMOTE_MTA);
	const char *ip = bw_recipient_get(rc, BW_RCPT_REMOTE_IP);
	bw_buf said = BW_BUF_INIT;
	char *s;

	if (!*diag)
		return;
	bw_buf__printf(&said, "The server said: %s", diag);
	if (*host && *ip)
		bw_buf__printf(&said, " (host %s, %s)", host, ip);
	else if (*host || *ip)
		bw_buf__printf(&said, " (host %s)", *host ? host : ip);
	s = bw_buf__detach(&said);
	if (!s) {
		b->oom = true;
		return;
	}
	wrap(b, "    ", "      ", s);
	free(s);
}

static void recipient_text(bw_buf *b, const bw_report *r, const bw_recipient *rc, unsigned int flags)
{
	const char *who = bw_recipient_get(rc, BW_RCPT_RECIPIENT);
	size_t k;

	bw_buf__printf(b, "\n  %s: %s.\n",
	               *who ? who : (bw_report_kind(r) == BW_KIND_REPLY ? "this reply" : "(address unknown)"),
	               headline(rc));
	verdict_line(b, rc);
	provider_line(b, rc);
	if (*bw_recipient_get(rc, BW_RCPT_EXPLANATION))
		wrap(b, "    ", "    ", bw_recipient_get(rc, BW_RCPT_EXPLANATION));
	said_line(b, rc);
	for (k = 0; k < bw_recipient_remedy_count(rc); k++) {
		char lead[32];

		if (k == 0)
			bw_buf__puts(b, "    What to do:\n");
		snprintf(lead, sizeof(lead), "    %zu. ", k + 1);
		wrap(b, lead, "       ", bw_recipient_remedy(rc, k));
	}
	for (k = 0; k < bw_recipient_reference_count(rc); k++)
		bw_buf__printf(b, "    See: %s\n", bw_recipient_reference(rc, k));
	if (flags & BW_TEXT_EXPLAIN) {
		if (*bw_recipient_get(rc, BW_RCPT_RULE))
			bw_buf__printf(b, "    rule: %s\n", bw_recipient_get(rc, BW_RCPT_RULE));
		if (*bw_recipient_get(rc, BW_RCPT_DECIDED_BY))
			bw_buf__printf(b, "    decided by: %s, confidence %d%%\n",
			               bw_recipient_get(rc, BW_RCPT_DECIDED_BY),
			               bw_recipient_confidence(rc));
		for (k = 0; k < bw_recipient_evidence_count(rc); k++)
			bw_buf__printf(b, "    evidence %zu: %s\n", k + 1, bw_recipient_evidence(rc, k));
	}
}

int bw_report_to_text(char **out, const bw_report *report, const char *source, long mbox_index,
                      unsigned int flags)
{
	bw_buf b = BW_BUF_INIT;
	size_t i, n;
	const char *format;

	if (!out || !report)
		return bw_error__set(BW_EINVALID, "bw_report_to_text: NULL argument");
	*out = NULL;
	if (!source)
		source = "-";
	n = bw_report_recipient_count(report);
	format = bw_report_get(report, BW_REPORT_FORMAT);
	if (mbox_index >= 0)
		bw_buf__printf(&b, "%s (message %ld): %s", source, mbox_index + 1, bw_kind_name(bw_report_kind(report)));
	else
		bw_buf__printf(&b, "%s: %s", source, bw_kind_name(bw_report_kind(report)));
	if (*format)
		bw_buf__printf(&b, " (read as %s)", format);
	bw_buf__printf(&b, ", %zu recipient%s\n", n, n == 1 ? "" : "s");
	for (i = 0; i < n; i++)
		recipient_text(&b, report, bw_report_recipient(report, i), flags);
	for (i = 0; (flags & BW_TEXT_EXPLAIN) && i < bw_report_warning_count(report); i++)
		bw_buf__printf(&b, "  warning: %s\n", bw_report_warning(report, i));
	bw_buf__putc(&b, '\n');
	if (!(*out = bw_buf__detach(&b)))
		return bw_error__set(BW_ENOMEM, "out of memory");
	return BW_OK;
}
