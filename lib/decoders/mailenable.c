/*
 * mailenable.c - MailEnable (Windows) delivery reports:
 *
 *     Subject: Message Delivery Failure
 *
 *     MailEnable: Message could not be delivered to some recipients.
 *
 *     The following recipient(s) could not be reached:
 *
 *         Recipient: [SMTP:user@example.com]
 *         Reason: Remote SMTP Server Returned: 550 5.1.1 User unknown
 *
 * Each "[SMTP:address]" line starts a recipient, the "Reason:" lines below it
 * are its diagnostic.  "Message Delivery Delayed" notices are delays.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

/* The phrases the sniff looks for in the body (markers.h). */
enum {
	M_MAILENABLE,
	M_SMTP,
};
static const char *const body_markers[] = {
	[M_MAILENABLE] = "MailEnable",
	[M_SMTP] = "[SMTP:",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	bool named = bw_found__in(f, M_MAILENABLE) || bw_sniff__header_has(m, "X-Mailer", "MailEnable") ||
	             bw_sniff__header_has(m, "Received", "MailEnable") ||
	             bw_sniff__header_has(m, "Message-ID", "MailEnable");

	if (named && bw_found__in(f, M_SMTP))
		return BW_SNIFF_SIGNED;
	return named ? BW_SNIFF_WEAK : 0;
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t len = bw_text__report_length(m), start;
	bool delayed = bw_sniff__delay_notice(m) || bw_sniff__subject_starts(m, "Message Delivery Delayed");
	const char *at = bw_memcasemem(m->body, len, "[SMTP:");

	if (!at)
		return bw_decoders__listed_after_intro(m, r, delayed ? "delayed" : "failed");
	while (at > m->body && at[-1] != '\n')
		at--;
	start = (size_t)(at - m->body);
	return bw_decoders__listed(m, r, at, len - start, delayed ? "delayed" : "failed");
}

const bw_decoder bw_decoder_mailenable = { "mailenable", sniff, decode, false, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
