/*
 * report_text.c - a report as text for people: what failed, why, and what to do,
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
#include "record.h"
#include "text.h"
#include "util.h"

/* s, or an escaped copy kept in `keep` (freed with it). */
static const char *safe(bw_strlist *keep, const char *s)
{
	size_t len = strlen(s);
	bw_buf b = BW_BUF_INIT;
	char *out;

	if (bw_text__terminal_clean(s, len))
		return s;
	bw_text__put_terminal(&b, s, len);
	if (!(out = bw_buf__detach(&b)) || bw_strlist__push(keep, out) < 0) {
		free(out);
		return "?";
	}
	free(out);
	return keep->v[keep->n - 1];
}

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

#define RGET(rc, f) safe(keep, bw_recipient_get(rc, f))

static void verdict_line(bw_buf *b, bw_strlist *keep, const bw_recipient *rc)
{
	const char *reason = RGET(rc, BW_RCPT_REASON);
	const char *fault = RGET(rc, BW_RCPT_FAULT);
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

static void provider_line(bw_buf *b, bw_strlist *keep, const bw_recipient *rc)
{
	const char *provider = RGET(rc, BW_RCPT_PROVIDER);
	const char *code = RGET(rc, BW_RCPT_PROVIDER_CODE);
	const char *tag = RGET(rc, BW_RCPT_SERVER_TAG);

	if (!*provider && !*code)
		return;
	bw_buf__printf(b, "    provider %s", *provider ? provider : "unknown");
	if (*code)
		bw_buf__printf(b, ", code %s", code);
	if (*tag)
		bw_buf__printf(b, ", answering server %s", tag);
	bw_buf__putc(b, '\n');
}

static void said_line(bw_buf *b, bw_strlist *keep, const bw_recipient *rc)
{
	const char *diag = RGET(rc, BW_RCPT_DIAGNOSTIC);
	const char *host = RGET(rc, BW_RCPT_REMOTE_MTA);
	const char *ip = RGET(rc, BW_RCPT_REMOTE_IP);
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

static void recipient_text(bw_buf *b, bw_strlist *keep, const bw_report *r, const bw_recipient *rc,
                           unsigned int flags)
{
	const char *who = RGET(rc, BW_RCPT_RECIPIENT);
	size_t k;

	bw_buf__printf(b, "\n  %s: %s.\n",
	               *who ? who : (bw_report_kind(r) == BW_KIND_REPLY ? "this reply" : "(address unknown)"),
	               headline(rc));
	verdict_line(b, keep, rc);
	provider_line(b, keep, rc);
	if (*RGET(rc, BW_RCPT_EXPLANATION))
		wrap(b, "    ", "    ", RGET(rc, BW_RCPT_EXPLANATION));
	said_line(b, keep, rc);
	for (k = 0; k < bw_recipient_remedy_count(rc); k++) {
		char lead[32];

		if (k == 0)
			bw_buf__puts(b, "    What to do:\n");
		snprintf(lead, sizeof(lead), "    %zu. ", k + 1);
		wrap(b, lead, "       ", safe(keep, bw_recipient_remedy(rc, k)));
	}
	for (k = 0; k < bw_recipient_reference_count(rc); k++)
		bw_buf__printf(b, "    See: %s\n", safe(keep, bw_recipient_reference(rc, k)));
	if (flags & BW_TEXT_EXPLAIN) {
		if (*RGET(rc, BW_RCPT_RULE))
			bw_buf__printf(b, "    rule: %s\n", RGET(rc, BW_RCPT_RULE));
		if (*RGET(rc, BW_RCPT_DECIDED_BY))
			bw_buf__printf(b, "    decided by: %s, confidence %d%%\n",
			               RGET(rc, BW_RCPT_DECIDED_BY),
			               bw_recipient_confidence(rc));
		for (k = 0; k < bw_recipient_evidence_count(rc); k++)
			bw_buf__printf(b, "    evidence %zu: %s\n", k + 1, safe(keep, bw_recipient_evidence(rc, k)));
	}
}

int bw_report_to_text(char **out, const bw_report *report, const char *source, long mbox_index,
                      unsigned int flags)
{
	bw_buf b = BW_BUF_INIT;
	bw_strlist keep = { 0 };
	size_t i, n;
	const char *format;

	if (!out || !report)
		return bw_error__set(BW_EINVALID, "bw_report_to_text: NULL argument");
	*out = NULL;
	if (!source)
		source = "-";
	n = bw_report_recipient_count(report);
	format = safe(&keep, bw_report_get(report, BW_REPORT_FORMAT));
	source = safe(&keep, source);
	if (mbox_index >= 0)
		bw_buf__printf(&b, "%s (mbox_index %ld): %s", source, mbox_index, bw_kind_name(bw_report_kind(report)));
	else
		bw_buf__printf(&b, "%s: %s", source, bw_kind_name(bw_report_kind(report)));
	if (*format)
		bw_buf__printf(&b, " (read as %s)", format);
	bw_buf__printf(&b, ", %zu recipient%s\n", n, n == 1 ? "" : "s");
	if (*bw_report_get(report, BW_REPORT_SUBSCRIBER))
		bw_buf__printf(&b, "  subscriber (named by the VERP return address): %s\n",
		               safe(&keep, bw_report_get(report, BW_REPORT_SUBSCRIBER)));
	for (i = 0; i < n; i++)
		recipient_text(&b, &keep, report, bw_report_recipient(report, i), flags);
	for (i = 0; (flags & BW_TEXT_EXPLAIN) && i < bw_report_warning_count(report); i++)
		bw_buf__printf(&b, "  warning: %s\n", safe(&keep, bw_report_warning(report, i)));
	bw_buf__putc(&b, '\n');
	bw_strlist__clear(&keep);
	if (!(*out = bw_buf__detach(&b)))
		return bw_error__set(BW_ENOMEM, "out of memory");
	return BW_OK;
}

int bw_error_to_text(char **out, const char *source, long mbox_index, const char *message)
{
	bw_buf b = BW_BUF_INIT;
	bw_strlist keep = { 0 };
	const char *s, *m;

	if (!out)
		return bw_error__set(BW_EINVALID, "bw_error_to_text: NULL argument");
	*out = NULL;
	s = safe(&keep, source ? source : "-");
	m = safe(&keep, message ? message : "");
	if (mbox_index >= 0)
		bw_buf__printf(&b, "%s (mbox_index %ld): error: %s\n\n", s, mbox_index, m);
	else
		bw_buf__printf(&b, "%s: error: %s\n\n", s, m);
	bw_strlist__clear(&keep);
	if (!(*out = bw_buf__detach(&b)))
		return bw_error__set(BW_ENOMEM, "out of memory");
	return BW_OK;
}
