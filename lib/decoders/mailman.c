/*
 * mailman.c - GNU Mailman's own notices to a list's owners about a member
 * whose address bounces:
 *
 *     This is a Mailman mailing list bounce action notice:
 *
 *         List:       Example-list
 *         Member:     user@example.com
 *         Action:     Subscription disabled.
 *         Reason:     Excessive or fatal bounces.
 *
 * The "Member:" address is the failed recipient, the Action and Reason lines
 * its diagnostic.  (Mailman's "Uncaught bounce notification" only wraps a
 * bounce it could not read: that attached bounce is the report, and the MIME
 * reader hands it over as nested.)
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

static const char intro[] = "mailing list bounce action notice";
/* The phrase the sniff looks for in the body (markers.h). */
static const char *const body_markers[] = { intro };

static int sniff(const bw_msg *m, const bw_found *f)
{
	if (bw_found__in(f, 0))
		return BW_SNIFF_DISTINCT;
	if (bw_sniff__subject_starts(m, "Bounce action notification"))
		return BW_SNIFF_WORDING;
	return 0;
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t first = r->n_rcpt, n, tl;
	const char *l, *t;
	bw_recipient *cur = NULL;
	bw_lines it;

	bw_lines__init(&it, m->body, bw_text__report_length(m));
	while (bw_lines__next(&it, &l, &n)) {
		t = bw_text__trim(l, n, &tl);
		if (bw_text__skip(&t, &tl, "Member:")) {
			char *a = bw_text__address_line(t, tl);
			if (!a)
				a = bw_text__first_address(t, tl);
			cur = NULL;
			if (a && !bw_decoders__find(r, first, a) && !bw_decoders__is_own_address(m, a)) {
				if (!(cur = bw_decoders__add(r, a, NULL, 0))) {
					free(a);
					return BW_ENOMEM;
				}
				bw_recipient__set(cur, BW_RCPT_ACTION, "failed");
			}
			free(a);
		} else if (cur && (bw_text__starts(t, tl, "Action:") || bw_text__starts(t, tl, "Reason:"))) {
			bw_decoders__append_diag(cur, t, tl);
		} else if (!tl && cur && bw_recipient__get(cur, BW_RCPT_DIAGNOSTIC)) {
			cur = NULL;
		}
	}
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_mailman = { "mailman", sniff, decode, true, body_markers, 1 };
