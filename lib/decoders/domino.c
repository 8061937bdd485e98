/*
 * domino.c - IBM/HCL Domino, Subject "DELIVERY FAILURE: ..." or
 * "Delivery Failure Report" / "DELIVERY_FAILURE":
 *
 *     Your message
 *
 *       Subject: ...
 *
 *     was not delivered to:
 *
 *       user@example.com
 *
 *     because:
 *
 *       User some.name (user@example.com) not listed in Domino Directory
 *
 * A report may repeat the "was not delivered to: / because:" pair for
 * several recipients.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

static int sniff(const bw_msg *m)
{
	bool body = bw_sniff__body_has(m, "was not delivered to:") && bw_sniff__body_has(m, "because:");

	if (!body)
		return 0;
	if (bw_sniff__subject_starts(m, "DELIVERY FAILURE") || bw_sniff__subject_starts(m, "DELIVERY_FAILURE") ||
	    bw_sniff__subject_starts(m, "Delivery Failure Report") || bw_sniff__body_has(m, "Domino"))
		return BW_SNIFF_SIGNED;
	return BW_SNIFF_WORDING;
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t n = bw_text__report_length(m), first = r->n_rcpt, batch = first, len;
	const char *line;
	enum { NONE, ADDRS, REASON } state = NONE;
	bw_lines it;

	bw_lines__init(&it, m->body, n);
	while (bw_lines__next(&it, &line, &len)) {
		size_t tl, i;
		const char *t = bw_text__trim(line, len, &tl);
		char *addr;

		if (!tl) {
			continue;
		}
		if (bw_text__starts(t, tl, "was not delivered to:")) {
			state = ADDRS;
			batch = r->n_rcpt;
			continue;
		}
		if (bw_text__starts(t, tl, "because:")) {
			state = REASON;
			continue;
		}
		if (state == ADDRS && (addr = bw_text__address_line(t, tl))) {
			bw_recipient *rc = bw_decoders__add(r, addr, NULL, 0);
			free(addr);
			if (!rc)
				return BW_ENOMEM;
		} else if (state == REASON) {
			if (bw_text__starts(t, tl, "Your message"))
				state = NONE;
			else
				for (i = batch; i < r->n_rcpt; i++)
					bw_decoders__append_diag(r->rcpt[i], t, tl);
		}
	}
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_domino = { "domino", sniff, decode };
