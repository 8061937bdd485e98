/*
 * ezweb.c - au by KDDI mobile mail (ezweb.ne.jp, au.com) bounces.
 *
 * From Postmaster@ezweb.ne.jp, "Mail System Error - Returned Mail", a text
 * part with a Japanese explanation and an English one, in several shapes:
 *
 *   The user(s) account is disabled.            (explanation, then)
 *   <user@ezweb.ne.jp>                           (a bare address, or)
 *   <user@ezweb.ne.jp>: 550 user unknown (in reply to RCPT TO command)
 *
 *   Each of the following recipients was rejected by a remote mail server.
 *       Recipient: <user@example.com>
 *       >>> RCPT TO:<user@example.com>
 *       <<< 550 <user@example.com>: User unknown
 *
 *   Your message was not delivered within 0 days and 1 hours.
 *   Remote host is not responding.
 *   The following recipients did not receive this message:
 *   <user@ezweb.ne.jp>
 *
 * Some come with a delivery-status part whose Status is only 5.0.0 and
 * without a Diagnostic-Code: the prose then completes the DSN records.
 * A recipient without a reply of its own gets the English explanation.
 */
#include <stdlib.h>
#include <string.h>

#include "../dsn.h"
#include "../smtp.h"
#include "../util.h"
#include "common.h"

/* The phrases the sniff looks for in the body (markers.h). */
enum {
	M_THE_USER_S_ACCOUNT,
	M_EACH_OF_THE_FOLLOWING,
	M_THE_FOLLOWING_RECIPIENTS_DID,
};
static const char *const body_markers[] = {
	[M_THE_USER_S_ACCOUNT] = "The user(s) account is disabled",
	[M_EACH_OF_THE_FOLLOWING] = "Each of the following recipients was rejected by a remote",
	[M_THE_FOLLOWING_RECIPIENTS_DID] = "The following recipients did not receive this message",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	if (m->feedback)
		return 0;
	if (bw_sniff__header_has(m, "From", "@ezweb.ne.jp") ||
	    bw_sniff__header_has(m, "Reply-To", "@ezweb.ne.jp"))
		return BW_SNIFF_MARKERS;
	if (bw_sniff__header_has(m, "Received", "ezweb.ne.jp") &&
	    (bw_found__in(f, M_THE_USER_S_ACCOUNT) ||
	     bw_found__in(f, M_EACH_OF_THE_FOLLOWING) ||
	     bw_found__in(f, M_THE_FOLLOWING_RECIPIENTS_DID)))
		return BW_SNIFF_PROBABLE;
	return 0;
}

static bool starts(const char *line, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && bw_startswith_ci(line, prefix) && true;
}

/* Is the line an explanation (prose), not an address, transcript or title? */
static bool explanation_line(const char *s, size_t len)
{
	size_t i, ascii = 0;

	if (len == 0 || s[0] == '<' || starts(s, len, "Recipient:") || starts(s, len, ">>>") ||
	    starts(s, len, "<<<") || memchr(s, '@', len))
		return false;
	for (i = 0; i < len; i++)
		ascii += (unsigned char)s[i] < 0x80;
	return ascii * 10 >= len * 9;   /* the English text; the Japanese is repeated in it */
}

static bool list_title(const char *s, size_t len)
{
	return bw_memcasemem(s, len, "following recipients") != NULL;
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t first = r->n_rcpt, i, end = bw_text__report_length(m);
	bw_buf expl = BW_BUF_INIT;
	bw_recipient *cur = NULL;
	bw_lines it;
	const char *line;
	size_t len;
	char *explanation;
	int dsn;

	if ((dsn = bw_dsn__decode(m, r)) < 0)
		return dsn;
	bw_lines__init(&it, m->body, end);
	while (bw_lines__next(&it, &line, &len)) {
		char *a;
		while (len && bw_isspace((unsigned char)*line)) {
			line++;
			len--;
		}
		while (len && bw_isspace((unsigned char)line[len - 1]))
			len--;
		if (len == 0)
			continue;
		if (starts(line, len, ">>>") && cur) {
			const char *stage = bw_smtp__stage_of_command(line + 3, len - 3);
			if (stage)
				bw_recipient__set(cur, BW_RCPT_SMTP_COMMAND, stage);
			continue;
		}
		if (starts(line, len, "<<<") && cur) {
			bw_decoders__append_diag(cur, line + 3, len - 3);
			continue;
		}
		if (explanation_line(line, len) && !list_title(line, len)) {
			bw_buf__put(&expl, line, len);
			bw_buf__putc(&expl, ' ');
			continue;
		}
		if (!(line[0] == '<' || starts(line, len, "Recipient:")) ||
		    !(a = bw_text__first_address(line, len)))
			continue;
		cur = bw_decoders__find(r, first, a);
		if (!cur)
			cur = dsn ? NULL : bw_decoders__add(r, a, NULL, 0);
		free(a);
		if (cur && line[0] == '<') {
			const char *gt = memchr(line, '>', len);
			if (gt && gt + 1 < line + len && gt[1] == ':') {
				/* the prose's reply replaces the DSN's (often only a
				 * status); a bare address line keeps what the DSN said */
				if (dsn)
					bw_recipient__set(cur, BW_RCPT_DIAGNOSTIC, NULL);
				bw_decoders__append_diag(cur, gt + 2, (size_t)(line + len - gt - 2));
			}
		}
	}
	explanation = bw_buf__detach(&expl);
	for (i = first; explanation && *explanation && i < r->n_rcpt; i++) {
		bw_recipient *rc = r->rcpt[i];
		const char *d = bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC);
		if (!d) {
			bw_decoders__append_diag(rc, explanation, strlen(explanation));
		} else if (dsn || !bw_recipient__get(rc, BW_RCPT_SMTP_COMMAND)) {
			/* the carrier's own words come first, the reply after them */
			char *reply = bw_strndup(d, strlen(d));
			bw_recipient__set(rc, BW_RCPT_DIAGNOSTIC, explanation);
			if (reply)
				bw_decoders__append_diag(rc, reply, strlen(reply));
			free(reply);
		}
		if (!bw_recipient__get(rc, BW_RCPT_ACTION))
			bw_recipient__set(rc, BW_RCPT_ACTION, "failed");
	}
	free(explanation);
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_ezweb = { "ezweb", sniff, decode, false, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
