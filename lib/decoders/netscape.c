/*
 * netscape.c - Netscape Messaging Server, iPlanet and the older Sun Java
 * System Messaging Server notices (before the Oracle "Recipient address:"
 * layout that messagingserver.c reads):
 *
 *     This Message was undeliverable due to the following reason:
 *
 *     Each of the following recipients was rejected by a remote mail server.
 *     ...
 *         Recipient: <user@example.com>
 *         Reason:    5.1.1 <user@example.com>... User unknown
 *
 *     Please reply to Postmaster@example.com
 *     if you feel this message to be in error.
 *
 * or the reason first ("The user(s) account is temporarily over quota.")
 * followed by the addresses alone, one a line.  A recipient whose own lines
 * carry no explanation gets the reason paragraph.
 */
#include <string.h>

#include "../util.h"
#include "common.h"

static const char intro[] = "This Message was undeliverable due to the following reason";
/* The phrase the sniff looks for in the body (markers.h). */
static const char *const body_markers[] = { intro };

static const char *const stops[] = {
	"Please reply to", "if you feel this message to be in error", "Original message follows",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	return bw_found__before(f, 0, bw_text__report_length(m)) ? BW_SNIFF_DISTINCT : 0;
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t len = bw_text__report_length(m), start, end, first = r->n_rcpt, k;
	const char *stop, *addr_at = NULL, *l;
	size_t n;
	bw_lines it;
	int got;

	if (!bw_memcasemem(m->body, len, intro))
		return 0;
	start = bw_text__after_line(m->body, len, intro);
	stop = bw_text__find_any(m->body + start, len - start, stops, sizeof(stops) / sizeof(stops[0]), NULL);
	end = stop ? (size_t)(stop - m->body) : len;
	got = bw_decoders__listed(m, r, m->body + start, end - start, "failed");
	if (got <= 0)
		return got;
	/* the reason paragraph: the text before the first address line */
	bw_lines__init(&it, m->body + start, end - start);
	while (bw_lines__next(&it, &l, &n))
		if (memchr(l, '@', n)) {
			addr_at = l;
			break;
		}
	for (k = first; addr_at && k < r->n_rcpt; k++) {
		const char *d = bw_recipient__get(r->rcpt[k], BW_RCPT_DIAGNOSTIC);
		const char *a = bw_recipient__get(r->rcpt[k], BW_RCPT_RECIPIENT);
		/* only the address and a label on its line: no explanation */
		if (!d || (a && strlen(d) <= strlen(a) + 14))
			bw_decoders__append_diag(r->rcpt[k], m->body + start, (size_t)(addr_at - m->body) - start);
	}
	return got;
}

const bw_decoder bw_decoder_netscape = { "netscape", sniff, decode, false, body_markers, 1 };
