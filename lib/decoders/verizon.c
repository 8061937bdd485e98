/*
 * verizon.c - Verizon Wireless' MMS gateway (vzwpix.com / vtext.com),
 * From "MMSC NDR Administrator" or postmaster@vtext.com:
 *
 *     Message could not be delivered to mobile.
 *     Error: No valid recipients for this MM
 *
 *     Original Message:
 *     From: ...
 *     To: 5555550100@vzwpix.com
 *
 * The failed address is the To: of the quoted original.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

/* The phrases the sniff looks for in the body (markers.h). */
enum {
	M_ERROR,
};
static const char *const body_markers[] = {
	[M_ERROR] = "Error:",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	bool from = bw_sniff__header_has(m, "From", "vzwpix.com") || bw_sniff__header_has(m, "From", "vtext.com") ||
	            bw_sniff__header_has(m, "From", "MMSC NDR");

	return from && bw_found__in(f, M_ERROR) ? BW_SNIFF_SIGNED : 0;
}

static int decode(const bw_msg *m, bw_report *r)
{
	const char *orig = bw_memcasemem(m->body, m->body_len, "Original Message:"), *line, *diag = NULL;
	size_t first = r->n_rcpt, len, dl = 0;
	bw_lines it;

	if (!orig)
		return 0;
	bw_lines__init(&it, m->body, (size_t)(orig - m->body));
	while (bw_lines__next(&it, &line, &len)) {
		size_t tl;
		const char *t = bw_text__trim(line, len, &tl);
		if (bw_text__starts(t, tl, "Error:")) {
			diag = bw_text__trim(t + 6, tl - 6, &dl);
			break;
		}
	}
	bw_lines__init(&it, orig, m->body_len - (size_t)(orig - m->body));
	while (bw_lines__next(&it, &line, &len)) {
		size_t tl;
		const char *t = bw_text__trim(line, len, &tl);
		if (!tl && r->n_rcpt > first)
			break;
		if (bw_text__starts(t, tl, "To:")) {
			const char *p = t + 3, *end = t + tl;
			while (p < end) {
				const char *comma = memchr(p, ',', (size_t)(end - p));
				const char *e = comma ? comma : end;
				char *addr = bw_text__first_address(p, (size_t)(e - p));
				if (addr && !bw_decoders__add(r, addr, diag, dl)) {
					free(addr);
					return BW_ENOMEM;
				}
				free(addr);
				p = comma ? comma + 1 : end;
			}
			break;
		}
	}
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_verizon = { "verizon", sniff, decode, false, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
