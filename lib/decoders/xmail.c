/*
 * xmail.c - XMail server bounces: numbered lines, the first of which names
 * the recipient and the remote error:
 *
 *     [<00>] XMail bounce: Rcpt=[user@example.com];Error=[550 5.1.1 User unknown]
 *     [<01>] Error sending message [...] from [sender@example.org].
 *     ...
 *
 * Every "XMail bounce: Rcpt=[...]" line is one failed recipient, the Error
 * field (and the "[<01>]" explanation) its diagnostic.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

/* The phrases the sniff looks for in the body (markers.h). */
enum {
	M_XMAIL_BOUNCE_RCPT,
};
static const char *const body_markers[] = {
	[M_XMAIL_BOUNCE_RCPT] = "XMail bounce: Rcpt=[",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	if (bw_found__in(f, M_XMAIL_BOUNCE_RCPT))
		return BW_SNIFF_CERTAIN;
	if (bw_sniff__header_has(m, "X-Mailer", "XMail") || bw_sniff__header_has(m, "From", "XMail"))
		return BW_SNIFF_WEAK;
	return 0;
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t first = r->n_rcpt, n;
	const char *l;
	bw_lines it;

	bw_lines__init(&it, m->body, m->body_len);
	while (bw_lines__next(&it, &l, &n)) {
		const char *p = bw_memcasemem(l, n, "XMail bounce: Rcpt=[");
		const char *e, *err, *ee;
		char *a;
		bw_recipient *rc;
		if (!p)
			continue;
		p += 20;
		if (!(e = memchr(p, ']', n - (size_t)(p - l))) || !(a = bw_text__first_address(p, (size_t)(e - p))))
			continue;
		if (bw_decoders__find(r, first, a) || bw_decoders__is_own_address(m, a)) {
			free(a);
			continue;
		}
		err = bw_text__after(e, n - (size_t)(e - l), "Error=[");
		if (err) {
			ee = l + n;
			while (ee > err && ee[-1] != ']')
				ee--;
			if (ee > err)
				ee--;
			else
				ee = l + n;
		}
		rc = err ? bw_decoders__add(r, a, err, (size_t)(ee - err)) : bw_decoders__add(r, a, l, n);
		free(a);
		if (!rc)
			return BW_ENOMEM;
		bw_recipient__set(rc, BW_RCPT_ACTION, "failed");
		/* the "[<01>] Error sending message ..." explanation */
		if (bw_lines__next(&it, &l, &n) && bw_text__starts(l, n, "[<01>]"))
			bw_decoders__append_diag(rc, l + 6, n - 6);
	}
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_xmail = { "xmail", sniff, decode, false, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
