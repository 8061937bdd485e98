/*
 * gmx.c - the United Internet platform: GMX and WEB.DE ("gmx", From
 * MAILER-DAEMON@*.gmx.* / web.de) and 1&1 / IONOS ("einsundeins", From
 * mailer-daemon@kundenserver.de / *.ionos.*).  An Exim-like text:
 *
 *     ... The following address failed:
 *
 *     "user@example.com":
 *     SMTP error from remote server after RCPT command:
 *     host: mx.example.com
 *     5.2.2 <user@example.com>... Mailbox Full
 *
 *     --- The header of the original message is following. ---
 *
 * or "user@example.com:" then "SMTP error from remote server for TEXT
 * command, host: mx.example.com (192.0.2.1) reason: 550 5.2.0 ...", or
 * "<user@example.com>" then "Reason:" and the reason on the next line.
 * Addresses listed one under the other share the lines after the last.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

/* The list introductions: the sniff's body markers (markers.h). */
static const char *const lists[] = {
	"The following address failed:",
	"The following addresses failed:",
	"The following address(es) failed:",
	"The following address\nfailed:",
	"The following address(es)\nfailed:",
	"The following addresses\nfailed:",
};
#define N_LISTS (sizeof(lists) / sizeof(lists[0]))

static bool has_list(const bw_found *f)
{
	return bw_found__first(f, 0, N_LISTS, SIZE_MAX, NULL) != NULL;
}

static int sniff_gmx(const bw_msg *m, const bw_found *f)
{
	if (!has_list(f))
		return 0;
	return bw_sniff__header_has(m, "From", "gmx.") || bw_sniff__header_has(m, "From", "@web.de") ||
	       bw_sniff__header_has(m, "From", ".web.de") ? BW_SNIFF_SIGNED : 0;
}

static int sniff_1und1(const bw_msg *m, const bw_found *f)
{
	if (!has_list(f))
		return 0;
	return bw_sniff__header_has(m, "From", "kundenserver.de") || bw_sniff__header_has(m, "From", "ionos.") ||
	       bw_sniff__header_has(m, "From", "1and1.") || bw_sniff__header_has(m, "From", "1und1.") ? BW_SNIFF_SIGNED : 0;
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t n = bw_text__report_length(m), first = r->n_rcpt, len, group = first, k;
	const char *at = bw_text__find_any(m->body, n, lists, N_LISTS, NULL), *line;
	bw_recipient *cur = NULL;
	bool in_text = false;   /* text lines read since the last address line */
	bw_lines it;

	if (!at)
		return 0;
	/* the list ends its intro line with "failed:" */
	at = bw_memcasemem(at, n - (size_t)(at - m->body), "failed:");
	if (!at)
		return 0;
	bw_lines__init(&it, at, n - (size_t)(at - m->body));
	bw_lines__next(&it, &line, &len);
	while (bw_lines__next(&it, &line, &len)) {
		size_t tl;
		const char *t = bw_text__trim(line, len, &tl), *h;
		char *addr;

		if (!tl)
			continue;
		if (bw_text__starts(t, tl, "---"))
			break;
		if ((addr = bw_text__address_line(t, tl))) {
			/* addresses listed one under the other share the reason
			 * given after the last of them */
			if (in_text)
				group = r->n_rcpt;
			in_text = false;
			cur = bw_decoders__add(r, addr, NULL, 0);
			free(addr);
			if (!cur)
				return BW_ENOMEM;
			continue;
		}
		if (!cur)
			continue;
		in_text = true;
		if (bw_text__skip(&t, &tl, "Reason:")) {
			t = bw_text__trim(t, tl, &tl);
			if (!tl)
				continue;
		}
		for (k = group; k < r->n_rcpt; k++) {
			bw_recipient *rc = r->rcpt[k];

			bw_decoders__command_from_line(rc, t, tl);
			if (bw_text__starts(t, tl, "host:")) {
				size_t hl, w = 0;
				h = bw_text__trim(t + 5, tl - 5, &hl);
				while (w < hl && !bw_isspace((unsigned char)h[w]))
					w++;
				if (w && !bw_recipient__get(rc, BW_RCPT_REMOTE_MTA))
					bw_recipient__set_len(rc, BW_RCPT_REMOTE_MTA, h, w);
			}
			bw_decoders__append_diag(rc, t, tl);
		}
	}
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_gmx = { "gmx", sniff_gmx, decode, false, lists, N_LISTS };
const bw_decoder bw_decoder_einsundeins = { "einsundeins", sniff_1und1, decode, false, lists, N_LISTS };
