/*
 * notes.c - Lotus Notes' SMTP MTA (the pre-Domino-6 gateway), Subject
 * "Undeliverable message":
 *
 *     ------- Failure Reasons  --------
 *
 *     User not listed in public Name & Address Book
 *     user@example.com
 *
 *     ------- Returned Message --------
 *
 * Each reason comes on the line(s) before the address it is about; the text
 * may be in the server's language.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

/* The phrases the sniff looks for in the body (markers.h). */
enum {
	M_FAILURE_REASONS,
	M_LOTUS,
};
static const char *const body_markers[] = {
	[M_FAILURE_REASONS] = "------- Failure Reasons",
	[M_LOTUS] = "Lotus",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	if (!bw_found__in(f, M_FAILURE_REASONS))
		return 0;
	return bw_sniff__subject_starts(m, "Undeliverable message") || bw_found__in(f, M_LOTUS) ? BW_SNIFF_SIGNED : BW_SNIFF_WORDING;
}

static int decode(const bw_msg *m, bw_report *r)
{
	const char *at = bw_memcasemem(m->body, m->body_len, "------- Failure Reasons"), *line;
	const char *end = m->body + m->body_len, *stop;
	const char *reason = NULL, *reason_end = NULL;
	size_t first = r->n_rcpt, len;
	bw_lines it;

	if (!at)
		return 0;
	stop = bw_memcasemem(at, (size_t)(end - at), "------- Returned Message");
	bw_lines__init(&it, at, (size_t)((stop ? stop : end) - at));
	bw_lines__next(&it, &line, &len);
	while (bw_lines__next(&it, &line, &len)) {
		size_t tl;
		const char *t = bw_text__trim(line, len, &tl);
		char *addr;

		if (!tl)
			continue;
		if ((addr = bw_text__address_line(t, tl))) {
			bw_recipient *rc = bw_decoders__add(r, addr, reason, reason ? (size_t)(reason_end - reason) : 0);
			free(addr);
			if (!rc)
				return BW_ENOMEM;
			reason = NULL;
			continue;
		}
		if (!reason)
			reason = t;
		reason_end = t + tl;
	}
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_notes = { "notes", sniff, decode, false, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
