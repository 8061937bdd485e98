/*
 * mxlogic.c - MX Logic (McAfee SaaS Email Protection) relays.
 *
 * The relay runs an Exim-derived MTA ("mxl_mta" in Received lines, From
 * MAILER-DAEMON@...mxlogic.net): a text/plain bounce
 *
 *   A message that you have sent could not be delivered to one or more
 *   recipients.  This is a permanent error.  The following address failed:
 *
 *     <user@example.com>: 550 5.1.1 <user@example.com>: Recipient address
 *   rejected: User unknown in local recipient table
 *
 *   Included is a copy of the message header:
 *
 * An address line starts each recipient; the lines up to the next blank line
 * or address line are its diagnostic.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

/* The phrases the sniff looks for in the body (markers.h). */
enum {
	M_COULD_NOT_BE_DELIVERED,
	M_MXL_MTA,
};
static const char *const body_markers[] = {
	[M_COULD_NOT_BE_DELIVERED] = "could not be delivered to one or more",
	[M_MXL_MTA] = "(mxl_mta-",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	bool body;

	if (m->feedback || m->dsn.n)
		return 0;
	body = bw_found__in(f, M_COULD_NOT_BE_DELIVERED);
	if (bw_msg__header(m, "X-MXL-NoteHash") || bw_msg__header(m, "X-MX-Bounce"))
		return BW_SNIFF_DISTINCT;
	if (bw_sniff__header_has(m, "From", "mxlogic.net") ||
	    bw_sniff__header_has(m, "Received", "mxl_mta") ||
	    bw_sniff__header_has(m, "Received", ".mxlogic.net"))
		return body ? BW_SNIFF_SIGNED : BW_SNIFF_WEAK;
	if (body && bw_found__in(f, M_MXL_MTA))
		return BW_SNIFF_LIKELY;
	return 0;
}

static const char *const ends[] = {
	"Included is a copy of the message header",
	"------ This is a copy of the message",
};

static int decode(const bw_msg *m, bw_report *r)
{
	size_t first = r->n_rcpt, end = bw_text__report_length(m);
	const char *start, *stop;
	bw_recipient *cur = NULL;
	bw_lines it;
	const char *line;
	size_t len;

	if ((stop = bw_text__find_any(m->body, end, ends, sizeof(ends) / sizeof(ends[0]), NULL)))
		end = (size_t)(stop - m->body);
	start = bw_memcasemem(m->body, end, "could not be delivered to one or more");
	if (!start)
		return 0;
	bw_lines__init(&it, start, end - (size_t)(start - m->body));
	bw_lines__next(&it, &line, &len);
	while (bw_lines__next(&it, &line, &len)) {
		size_t k;
		char *a = NULL;

		for (k = 0; k < len && bw_isspace((unsigned char)line[k]); k++)
			;
		if (k == len) {
			cur = NULL;
			continue;
		}
		/* an address line: "  <a@b>: reply" or "  a@b" indented */
		if (k > 0 && (a = bw_text__first_address(line + k, len - k)) &&
		    (line[k] == '<' || memchr(line + k, '@', len - k) < memchr(line + k, ' ', len - k) ||
		     !memchr(line + k, ' ', len - k))) {
			const char *colon = memchr(line + k, '>', len - k);
			colon = colon ? colon + 1 : line + k;
			while (colon < line + len && *colon != ':' && *colon != ' ')
				colon++;
			cur = bw_decoders__find(r, first, a);
			if (!cur && (cur = bw_decoders__add(r, a, NULL, 0)))
				bw_recipient__set(cur, BW_RCPT_ACTION, "failed");
			if (cur && colon < line + len)
				bw_decoders__append_diag(cur, colon + 1, (size_t)(line + len - colon - 1));
			free(a);
			continue;
		}
		free(a);   /* an address in a line that is not an address line */
		if (cur)
			bw_decoders__append_diag(cur, line + k, len - k);
	}
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_mxlogic = { "mxlogic", sniff, decode, false, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
