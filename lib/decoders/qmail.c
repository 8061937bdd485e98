/*
 * qmail.c - qmail-send bounces and the servers built on qmail (netqmail,
 * vpopmail, and hosted mail systems that kept its report).
 *
 *   Hi. This is the qmail-send program at mx.example.net.
 *   I'm afraid I wasn't able to deliver your message to the following addresses.
 *   This is a permanent error; I've given up. Sorry it didn't work out.
 *
 *   <rcpt@example.com>:
 *   192.0.2.1 does not like recipient.
 *   Remote host said: 550 5.1.1 No such user
 *   Giving up on 192.0.2.1.
 *
 *   --- Below this line is a copy of the message.
 *
 * One "<address>:" paragraph per recipient; qmail's own status code, when it
 * gives one, is "(#5.1.1)".  Delay notices ("I'm not going to try again" is a
 * final failure; "has been in the queue" warnings are delays) use the same
 * paragraphs.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

/* The phrases the sniff looks for in the body (markers.h). */
enum {
	M_THIS_IS_THE_QMAIL,
	M_I_M_AFRAID_I,
	M_BELOW_THIS_LINE_IS,
	M_UNABLE_TO_DELIVER_MESSAGE,
	M_ORIGINAL_MESSAGE_FOLLOWS,
};
static const char *const body_markers[] = {
	[M_THIS_IS_THE_QMAIL] = "This is the qmail-send program",
	[M_I_M_AFRAID_I] = "I'm afraid I wasn't able to deliver your message",
	[M_BELOW_THIS_LINE_IS] = "--- Below this line is a copy of the message",
	[M_UNABLE_TO_DELIVER_MESSAGE] = "Unable to deliver message to the following address",
	[M_ORIGINAL_MESSAGE_FOLLOWS] = "--- Original message follows",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	if (bw_found__in(f, M_THIS_IS_THE_QMAIL) ||
	    bw_found__in(f, M_I_M_AFRAID_I))
		return BW_SNIFF_MARKERS;
	/* hosted systems that kept qmail's report layout */
	if (bw_found__in(f, M_BELOW_THIS_LINE_IS) ||
	    (bw_found__in(f, M_UNABLE_TO_DELIVER_MESSAGE) &&
	     bw_found__in(f, M_ORIGINAL_MESSAGE_FOLLOWS)))
		return BW_SNIFF_WORDING;
	if (bw_sniff__subject_starts(m, "failure notice") && bw_sniff__from_daemon(m))
		return BW_SNIFF_WEAK;
	return 0;
}

/* "Giving up on 192.0.2.1." closes every permanent failure: qmail's template,
 * not the remote server's words, and not a sign of an expired queue (the
 * notice says "in the queue too long" when it is one).  Dropped from the
 * diagnostic so that it does not vote as a cause. */
static void drop_giving_up(bw_recipient *rc)
{
	const char *d = bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC);
	const char *g = d ? strstr(d, "Giving up on ") : NULL;
	const char *p;

	if (!g)
		return;
	for (p = g + 13; *p && *p != ' '; p++)
		;
	if (*p || p[-1] != '.' || g == d)
		return;
	while (g > d && g[-1] == ' ')
		g--;
	bw_recipient__set_len(rc, BW_RCPT_DIAGNOSTIC, d, (size_t)(g - d));
}

static int decode(const bw_msg *m, bw_report *r)
{
	static const char *const ends[] = {
		"--- Below this line is a copy of the message",
		"--- Original message follows",
		"--- Enclosed are the original headers",
		/* a double bounce: the bounce that bounced follows */
		"--- Below this line is the original bounce",
	};
	size_t first = r->n_rcpt, len = bw_text__report_length(m), pos = 0;
	const char *end = bw_text__find_any(m->body, len, ends, sizeof(ends) / sizeof(ends[0]), NULL);
	bool delayed = bw_sniff__body_has(m, "This is not a permanent error") ||
	               bw_sniff__body_has(m, "I'll keep trying");
	bw_addr_para p;

	if (end)
		len = (size_t)(end - m->body);
	while (bw_text__next_addr_para(m->body, len, &pos, &p)) {
		bw_recipient *rc;
		if (!bw_decoders__find(r, first, p.address)) {
			if (!(rc = bw_decoders__add(r, p.address, p.text, p.len))) {
				bw_addr_para__clear(&p);
				break;
			}
			bw_recipient__set(rc, BW_RCPT_ACTION, delayed ? "delayed" : "failed");
			drop_giving_up(rc);
		}
		bw_addr_para__clear(&p);
	}
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_qmail = { "qmail", sniff, decode, false, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
