/*
 * kddi.c - KDDI (au one net, dion.ne.jp) mail server bounces.
 *
 *   Your mail sent on: Thu, 29 Apr 2013 00:00:00 +0900
 *        Could not be delivered to: <user@example.dion.ne.jp>
 *        As their mailbox is full.
 *
 * One "Could not be delivered to:" line per recipient; the lines that
 * follow it, to the next blank line, are the reason.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

static const char marker[] = "Could not be delivered to:";

/* The phrases the sniff looks for in the body (markers.h). */
enum {
	M_MARKER,
	M_YOUR_MAIL_SENT_ON,
};
static const char *const body_markers[] = {
	[M_MARKER] = marker,
	[M_YOUR_MAIL_SENT_ON] = "Your mail sent on:",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	bool body;

	if (m->feedback || m->dsn.n)
		return 0;
	body = bw_found__in(f, M_MARKER);
	if (body && (bw_sniff__header_has(m, "From", "dion.ne.jp") ||
	             bw_sniff__header_has(m, "From", "kddi") ||
	             bw_sniff__header_has(m, "From", "auone-net.jp") ||
	             bw_sniff__header_has(m, "Received", "auone-net.jp") ||
	             bw_sniff__header_has(m, "Received", "dion.ne.jp")))
		return BW_SNIFF_STRONG;
	if (body && bw_found__in(f, M_YOUR_MAIL_SENT_ON))
		return BW_SNIFF_HINT;
	return 0;
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t first = r->n_rcpt;
	bw_recipient *cur = NULL;
	bw_lines it;
	const char *line;
	size_t len;

	bw_lines__init(&it, m->body, bw_text__report_length(m));
	while (bw_lines__next(&it, &line, &len)) {
		const char *at = bw_memcasemem(line, len, marker);
		char *a;

		if (at && (a = bw_text__first_address(at, (size_t)(line + len - at)))) {
			cur = bw_decoders__find(r, first, a);
			if (!cur && (cur = bw_decoders__add(r, a, NULL, 0)))
				bw_recipient__set(cur, BW_RCPT_ACTION, "failed");
			free(a);
			continue;
		}
		/* the reason runs to the next blank line, indented or not ("As
		 * the remote mail server reported:" over the reply) */
		if (cur && !bw_memcasemem(line, len, "Your mail sent on:")) {
			size_t k;
			for (k = 0; k < len && bw_isspace((unsigned char)line[k]); k++)
				;
			if (k < len) {
				bw_decoders__append_diag(cur, line + k, len - k);
				continue;
			}
		}
		cur = NULL;
	}
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_kddi = { "kddi", sniff, decode, false, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
