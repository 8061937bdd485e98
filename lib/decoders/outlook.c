/*
 * outlook.c - Outlook.com / Hotmail (consumer) delivery status
 * notifications, sent by postmaster@hotmail.com / outlook.com / live.com
 * from *.hotmail.com or *.outlook.com hosts:
 *
 *     This is an automatically generated Delivery Status Notification.
 *
 *     Delivery to the following recipients failed.
 *
 *            user@example.com
 *
 * with a DSN that carries the reply.  The decoder reads the DSN and, when
 * it is missing or empty, the addresses listed in the prose.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

/* The list introductions: the sniff's body markers (markers.h). */
static const char *const lists[] = {
	"Delivery to the following recipients failed",
	"Delivery to the following recipients has been delayed",
	"Delivery to the following recipient failed",
	"Delivery to the following recipient has been delayed",
};

static bool from_outlook(const bw_msg *m)
{
	static const char *const domains[] = { "@hotmail.", "@outlook.", "@live.", "@msn.com" };
	size_t i;

	for (i = 0; i < sizeof(domains) / sizeof(domains[0]); i++)
		if (bw_sniff__header_has(m, "From", domains[i]))
			return true;
	return false;
}

static int sniff(const bw_msg *m, const bw_found *f)
{
	if (!from_outlook(m))
		return 0;
	return bw_found__first(f, 0, 4, SIZE_MAX, NULL) ? BW_SNIFF_STRONG : 0;
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t n = bw_text__report_length(m), first = r->n_rcpt, which = 0, len;
	const char *at, *line;
	bool delayed;
	bw_lines it;
	int rc;

	if (m->dsn.n && (rc = bw_dsn__decode(m, r)) != 0)
		return rc;
	if (!(at = bw_text__find_any(m->body, n, lists, 4, &which)))
		return 0;
	delayed = which % 2 == 1;
	bw_lines__init(&it, at, n - (size_t)(at - m->body));
	bw_lines__next(&it, &line, &len);
	while (bw_lines__next(&it, &line, &len)) {
		size_t tl;
		const char *t = bw_text__trim(line, len, &tl);
		char *addr;
		bw_recipient *rcp;

		if (!tl)
			continue;
		if (!(addr = bw_text__address_line(t, tl)))
			break;
		rcp = bw_decoders__add(r, addr, NULL, 0);
		free(addr);
		if (!rcp)
			return BW_ENOMEM;
		if (delayed)
			bw_recipient__set(rcp, BW_RCPT_ACTION, "delayed");
	}
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_outlook = { "outlook", sniff, decode, false, lists, 4 };
