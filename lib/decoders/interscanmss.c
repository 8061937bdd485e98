/*
 * interscanmss.c - Trend Micro InterScan Messaging Security Suite (MSS) and
 * InterScan VirusWall bounces.
 *
 * Two shapes: a transcript
 *
 *   Sent <<< RCPT TO:<user@example.com>
 *   Received >>> 550 5.1.1 <user@example.com>... user unknown
 *
 * and a notification
 *
 *   Message from InterScan Messaging Security Suite
 *   Unable to deliver message to <user@example.com> (and other recipients
 *   in the same domain). Please check if address is correct.
 */
#include <stdlib.h>
#include <string.h>

#include "../smtp.h"
#include "../util.h"
#include "common.h"

/* The phrases the sniff looks for in the body (markers.h). */
enum {
	M_MESSAGE_FROM_INTERSCAN,
	M_SENT_RCPT_TO,
	M_RECEIVED,
};
static const char *const body_markers[] = {
	[M_MESSAGE_FROM_INTERSCAN] = "Message from InterScan",
	[M_SENT_RCPT_TO] = "Sent <<< RCPT TO:",
	[M_RECEIVED] = "Received >>> ",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	if (m->feedback || m->dsn.n)
		return 0;
	if (bw_sniff__header_has(m, "From", "InterScan") ||
	    bw_sniff__header_has(m, "Content-Type", "InterScan") ||
	    bw_found__in(f, M_MESSAGE_FROM_INTERSCAN))
		return BW_SNIFF_MARKERS;
	if (bw_found__in(f, M_SENT_RCPT_TO) && bw_found__in(f, M_RECEIVED))
		return BW_SNIFF_STANDARD;
	return 0;
}

static const char *command_of(const char *s, size_t len)
{
	return bw_smtp__stage_of_command(s, len);
}

/* The transcript's lines after `line` that continue a reply wrapped
 * mid-sentence (indented, or starting in lower case): their end. */
static const char *wrapped_end(bw_lines *it, const char *line, size_t len)
{
	const char *end = line + len, *l;
	size_t n;
	bw_lines peek = *it;

	while (bw_lines__next(&peek, &l, &n)) {
		size_t tl;
		const char *t = bw_text__trim(l, n, &tl);

		if (!tl || !((l[0] == ' ' || l[0] == '\t' || (t[0] >= 'a' && t[0] <= 'z')) &&
		             !bw_startswith_ci(t, "Sent <<<") && !bw_startswith_ci(t, "Received >>>") &&
		             !bw_memcasemem(t, tl, "Unable to deliver")))
			break;
		end = l + n;
		*it = peek;
	}
	return end;
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t first = r->n_rcpt;
	bw_recipient *cur = NULL;
	/* a refusal before any RCPT ("Sent <<< MAIL FROM:" / "Received >>>
	 * 552 ..."): the session's, for every recipient named below it */
	const char *cmd = NULL, *session = NULL, *session_cmd = NULL;
	size_t session_len = 0;
	bw_lines it;
	const char *line, *at;
	size_t len;
	char *a;

	bw_lines__init(&it, m->body, bw_text__report_length(m));
	while (bw_lines__next(&it, &line, &len)) {
		if (len > 8 && bw_startswith_ci(line, "Sent <<<")) {
			const char *c = command_of(line + 8, len - 8);

			/* "Sent <<< (message content, N bytes)" is still DATA */
			if (c || !cur)
				cmd = c;
			if (c && strcmp(c, "RCPT") == 0 && (a = bw_text__first_address(line + 8, len - 8))) {
				if (!(cur = bw_decoders__find(r, first, a)))
					cur = bw_decoders__add(r, a, NULL, 0);
				free(a);
			}
			continue;
		}
		if (len > 12 && bw_startswith_ci(line, "Received >>>")) {
			const char *had = cur ? bw_recipient__get(cur, BW_RCPT_DIAGNOSTIC) : NULL;
			const char *end = wrapped_end(&it, line, len);
			size_t rl = (size_t)(end - line) - 12;

			if (!cur) {
				if (!session && bw_smtp__has_failure_code(line + 12, len - 12)) {
					session = line + 12;
					session_len = rl;
					session_cmd = cmd;
				}
				continue;
			}
			/* the server took the address ("250 2.1.5 Ok") and refused
			 * later, at DATA: the refusal is the recipient's reply */
			if (had && (*had == '2' || *had == '3') && bw_smtp__has_failure_code(line + 12, len - 12))
				bw_recipient__set(cur, BW_RCPT_DIAGNOSTIC, NULL);
			if (!bw_recipient__get(cur, BW_RCPT_DIAGNOSTIC)) {
				bw_decoders__append_diag(cur, line + 12, rl);
				if (cmd)
					bw_recipient__set(cur, BW_RCPT_SMTP_COMMAND, cmd);
				bw_recipient__set(cur, BW_RCPT_ACTION, "failed");
			}
			continue;
		}
		if ((at = bw_memcasemem(line, len, "Unable to deliver message to")) &&
		    (a = bw_text__first_address(at, (size_t)(line + len - at)))) {
			if (!(cur = bw_decoders__find(r, first, a)) &&
			    (cur = session ? bw_decoders__add(r, a, session, session_len) : bw_decoders__add(r, a, line, len))) {
				bw_recipient__set(cur, BW_RCPT_ACTION, "failed");
				if (session && session_cmd)
					bw_recipient__set(cur, BW_RCPT_SMTP_COMMAND, session_cmd);
			}
			free(a);
		}
	}
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_interscanmss = { "interscanmss", sniff, decode, false, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
