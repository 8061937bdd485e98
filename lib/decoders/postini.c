/*
 * postini.c - Postini (later Google Message Security) relay reports:
 *
 *     The following message to <user@example.com> was undeliverable.
 *     The reason for the problem:
 *     5.1.0 - Unknown address error 550-'5.1.1 <user@example.com>... User unknown'
 *
 * Each "The following message to <address> was undeliverable." starts a
 * recipient; the lines after "The reason for the problem:" are its
 * diagnostic (Postini's own code wrapping the remote server's reply, whose
 * codes are the ones kept).
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

static const char lead[] = "The following message to <";
/* The phrases the sniff looks for in the body (markers.h). */
enum { M_LEAD, M_UNDELIVERABLE };
static const char *const body_markers[] = { [M_LEAD] = lead, [M_UNDELIVERABLE] = "was undeliverable" };

static int sniff(const bw_msg *m, const bw_found *f)
{
	size_t len = bw_text__report_length(m);

	if (!bw_found__before(f, M_LEAD, len) || !bw_found__before(f, M_UNDELIVERABLE, len))
		return 0;
	if (bw_sniff__header_has(m, "Received", "postini") || bw_sniff__header_has(m, "Received", "psmtp.com") ||
	    bw_sniff__header_has(m, "From", "postini"))
		return BW_SNIFF_MARKERS;
	return m->dsn.n ? BW_SNIFF_NO : BW_SNIFF_SOME;
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t len = bw_text__report_length(m), first = r->n_rcpt, n, tl;
	bw_recipient *cur = NULL;
	bool reason = false;
	const char *l, *t;
	bw_lines it;

	bw_lines__init(&it, m->body, len);
	while (bw_lines__next(&it, &l, &n)) {
		t = bw_text__trim(l, n, &tl);
		if (bw_text__starts(t, tl, lead)) {
			char *a = bw_text__first_address(t, tl);
			cur = NULL;
			reason = false;
			if (a && !bw_decoders__is_own_address(m, a) && !bw_decoders__find(r, first, a)) {
				if (!(cur = bw_decoders__add(r, a, NULL, 0))) {
					free(a);
					return BW_ENOMEM;
				}
				bw_recipient__set(cur, BW_RCPT_ACTION, "failed");
			}
			free(a);
		} else if (cur && bw_text__starts(t, tl, "The reason for the problem")) {
			reason = true;
		} else if (cur && reason && tl) {
			bw_decoders__append_diag(cur, t, tl);
		} else if (cur && reason && !tl && bw_recipient__get(cur, BW_RCPT_DIAGNOSTIC)) {
			bw_decoders__use_inner_reply(cur);
			cur = NULL;
		}
	}
	if (cur)
		bw_decoders__use_inner_reply(cur);
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_postini = { "postini", sniff, decode, false, body_markers, 2 };
