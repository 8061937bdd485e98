/*
 * opensmtpd.c - OpenSMTPD's MAILER-DAEMON reports.
 *
 *       This is the MAILER-DAEMON, please DO NOT REPLY to this e-mail.
 *
 *       An error has occurred while attempting to deliver a message for
 *       the following list of recipients:
 *
 *   rcpt@example.com: 550 5.1.1 User unknown
 *
 *       Below is a copy of the original message:
 *
 * "A message is delayed for more than N hours" notices list recipients the
 * same way.  Newer versions attach a delivery-status part whose Status is
 * only X.0.0 and carries no reply; the list lines give the reply.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

/* The phrases the sniff looks for in the body (markers.h). */
enum {
	M_THIS_IS_THE_MAILER,
	M_OPENSMTPD,
};
static const char *const body_markers[] = {
	[M_THIS_IS_THE_MAILER] = "This is the MAILER-DAEMON, please DO NOT REPLY",
	[M_OPENSMTPD] = "(OpenSMTPD)",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	if (bw_found__in(f, M_THIS_IS_THE_MAILER) ||
	    bw_found__in(f, M_OPENSMTPD))
		return BW_SNIFF_MARKERS;
	if (bw_sniff__subject_starts(m, "Delivery status notification: ") && bw_sniff__from_daemon(m))
		return BW_SNIFF_WORDING;
	return 0;
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t first = r->n_rcpt, len = bw_text__report_length(m), pos, k;
	const char *end = bw_memcasemem(m->body, len, "Below is a copy of the original message");
	bool delayed = bw_sniff__body_has(m, "A message is delayed") ||
	               bw_sniff__subject_starts(m, "Delivery status notification: delay") ||
	               bw_sniff__delay_notice(m);
	bw_addr_para p;
	int got;

	if (m->dsn.n && (got = bw_dsn__decode(m, r)) < 0)
		return got;
	if (end)
		len = (size_t)(end - m->body);
	pos = bw_text__after_line(m->body, len, "list of recipients");
	if (pos >= len)
		pos = 0;
	while (bw_text__next_addr_para(m->body, len, &pos, &p)) {
		bw_recipient *rc = bw_decoders__find(r, first, p.address);
		if (rc) {
			if (p.len) {
				char *d = bw_squeeze_dup(p.text, p.len);
				if (d && *d)
					bw_recipient__set(rc, BW_RCPT_DIAGNOSTIC, d);
				free(d);
			}
		} else if (!(rc = bw_decoders__add(r, p.address, p.text, p.len))) {
			bw_addr_para__clear(&p);
			break;
		}
		bw_addr_para__clear(&p);
	}
	for (k = first; k < r->n_rcpt; k++)
		if (!bw_recipient__get(r->rcpt[k], BW_RCPT_ACTION))
			bw_recipient__set(r->rcpt[k], BW_RCPT_ACTION, delayed ? "delayed" : "failed");
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_opensmtpd = { "opensmtpd", sniff, decode, false, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
