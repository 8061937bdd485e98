/*
 * communigate.c - CommuniGate Pro (Stalker Software) delivery reports:
 *
 *     Failed to deliver to '<user@example.com>'
 *     SMTP module(domain example.com) reports:
 *      host mx.example.com says:
 *      550 5.1.1 User unknown
 *
 * or "LOCAL module(account user) reports: account is full (quota exceeded)".
 * Each "Failed to deliver to '<address>'" line starts a failed recipient; the
 * module report below it (to a blank line) is its diagnostic.  "Delayed
 * delivery to" / "Delivery to ... delayed" lines are delays.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

static const char *const leads[] = { "Failed to deliver to '", "Delayed delivery to '",
	"Delivery to '" };

/* The phrases the sniff looks for in the body (markers.h). */
enum { M_FAILED_TO_DELIVER, M_MODULE };
static const char *const body_markers[] = {
	[M_FAILED_TO_DELIVER] = "Failed to deliver to '",
	[M_MODULE] = " module(",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	size_t len = bw_text__report_length(m);

	if (bw_sniff__header_has(m, "X-Mailer", "CommuniGate") ||
	    (bw_found__before(f, M_FAILED_TO_DELIVER, len) && bw_found__before(f, M_MODULE, len)))
		return BW_SNIFF_SIGNED;
	if (bw_found__before(f, M_FAILED_TO_DELIVER, len))
		return BW_SNIFF_HINT;
	return 0;
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t len = bw_text__report_length(m), first = r->n_rcpt, n;
	bw_recipient *cur = NULL;
	const char *l;
	bw_lines it;

	bw_lines__init(&it, m->body, len);
	while (bw_lines__next(&it, &l, &n)) {
		size_t which = 0, tl;
		const char *at = bw_text__find_any(l, n, leads, sizeof(leads) / sizeof(leads[0]), &which);
		char *a;

		bw_text__trim(l, n, &tl);
		if (at && at == bw_text__trim(l, n, &tl) && (a = bw_text__first_address(l, n))) {
			bool delayed = which == 1 || bw_memcasemem(l, n, "delayed");
			if (which == 2 && !delayed) {
				free(a);
				cur = NULL;
				continue;
			}
			if (bw_decoders__is_own_address(m, a) || bw_decoders__find(r, first, a)) {
				free(a);
				cur = NULL;
				continue;
			}
			cur = bw_decoders__add(r, a, NULL, 0);
			free(a);
			if (!cur)
				return BW_ENOMEM;
			bw_recipient__set(cur, BW_RCPT_ACTION, delayed ? "delayed" : "failed");
			continue;
		}
		if (!tl) {
			cur = NULL;
			continue;
		}
		if (cur)
			bw_decoders__append_diag(cur, l, n);
	}
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_communigate = { "communigate", sniff, decode, false, body_markers, 2 };
