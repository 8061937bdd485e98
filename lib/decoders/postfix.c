/*
 * postfix.c - Postfix bounces ("This is the mail system at host ...").
 *
 * Postfix writes one paragraph per recipient:
 *
 *   <rcpt@example.com> (expanded from <alias@example.com>): host
 *       mx.example.com[192.0.2.1] said: 550 5.1.1 ... (in reply to RCPT TO
 *       command)
 *
 * and usually attaches a delivery-status part too.  The DSN gives action,
 * status and the reply, but not the remote address or the command the reply
 * answered; those, and the unabridged reply, come from the paragraph.
 * Without a DSN part (old versions, bounces forwarded inline) the paragraphs
 * are the whole report.
 */
#include <stdlib.h>
#include <string.h>

#include "../evidence.h"
#include "../smtp.h"
#include "../util.h"
#include "common.h"

static bool postfix_dsn(const bw_msg *m)
{
	size_t i;

	for (i = 0; i < m->dsn.n; i++)
		if (bw_strcasestr(m->dsn.v[i], "X-Postfix"))
			return true;
	return false;
}

/* The phrases the sniff looks for in the body (markers.h). */
enum {
	M_THIS_IS_THE_MAIL,
	M_THIS_IS_THE_POSTFIX,
};
static const char *const body_markers[] = {
	[M_THIS_IS_THE_MAIL] = "This is the mail system at host",
	[M_THIS_IS_THE_POSTFIX] = "This is the Postfix program at host",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	if (bw_found__in(f, M_THIS_IS_THE_MAIL) ||
	    bw_found__in(f, M_THIS_IS_THE_POSTFIX) || postfix_dsn(m))
		return BW_SNIFF_MARKERS;
	/* subject and sender alone add nothing to a DSN part */
	if (!m->dsn.n && bw_sniff__from_daemon(m) &&
	    (bw_sniff__subject_starts(m, "Undelivered Mail Returned to Sender") ||
	     bw_sniff__subject_starts(m, "Delayed Mail (still being retried)") ||
	     bw_sniff__subject_starts(m, "Undeliverable mail") ||
	     bw_sniff__subject_starts(m, "Mail Delivery Status Report")))
		return BW_SNIFF_WORDING;
	return 0;
}

/* "said:" text of a paragraph (the remote server's reply), or the paragraph. */
static void reply_text(const char *t, size_t len, const char **out, size_t *out_len)
{
	const char *said = bw_text__after(t, len, " said:");

	if (said) {
		*out = said;
		*out_len = len - (size_t)(said - t);
	} else {
		*out = t;
		*out_len = len;
	}
}

/* Takes the route and the reply from a recipient's paragraph; the reply
 * replaces the diagnostic when `always`, when there is none, or when the
 * paragraph quotes the server: the DSN's Diagnostic-Code is the same reply,
 * sometimes cut, and the paragraph's "said:" text is the whole of it, while
 * "refused to talk to me:" says that the reply was the server's greeting. */
static void fill_from_prose(bw_recipient *rc, const char *t, size_t len, bool always)
{
	const char *reply;
	size_t reply_len;
	char *para = bw_squeeze_dup(t, len);

	if (!para)
		return;
	bw_evidence__route_from_text(rc, para);
	reply_text(para, strlen(para), &reply, &reply_len);
	if (always || !bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC) || reply != para ||
	    bw_strcasestr(para, "refused to talk to me:")) {
		char *d = bw_squeeze_dup(reply, reply_len);
		if (d && *d)
			bw_recipient__set(rc, BW_RCPT_DIAGNOSTIC, d);
		free(d);
	}
	free(para);
}

static bw_recipient *match(bw_report *r, size_t first, const bw_addr_para *p)
{
	bw_recipient *rc = bw_decoders__find(r, first, p->address);
	size_t i;

	if (rc)
		return rc;
	for (i = first; i < r->n_rcpt; i++) {
		const char *o = bw_recipient__get(r->rcpt[i], BW_RCPT_ORIGINAL_RECIPIENT);
		if (o && ((p->original && bw_strcasecmp(o, p->original) == 0) ||
		          bw_strcasecmp(o, p->address) == 0))
			return r->rcpt[i];
	}
	return NULL;
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t first = r->n_rcpt, len = bw_text__report_length(m), pos = 0;
	bool had_dsn, delayed;
	bw_addr_para p;
	int got;

	got = m->dsn.n ? bw_dsn__decode(m, r) : bw_decoders__inline_dsn(m, r);
	if (got < 0)
		return got;
	had_dsn = r->n_rcpt > first;
	delayed = bw_sniff__subject_starts(m, "Delayed Mail") ||
	          bw_sniff__body_has(m, "THIS IS A WARNING ONLY");
	/* the paragraphs start after "The mail system" signature when present */
	if (bw_memcasemem(m->body, len, "The mail system"))
		pos = bw_text__after_line(m->body, len, "The mail system");
	else if (bw_memcasemem(m->body, len, "The Postfix program"))
		pos = bw_text__after_line(m->body, len, "The Postfix program");
	if (pos >= len)
		pos = 0;
	while (bw_text__next_addr_para(m->body, len, &pos, &p)) {
		bw_recipient *rc = match(r, first, &p);
		if (rc) {
			fill_from_prose(rc, p.text, p.len, false);
			/* a local program's output: the longer of it and the paragraph */
			if (bw_decoders__local_program(rc))
				bw_decoders__better_diag(rc, p.text, p.len);
		} else if (!had_dsn && !bw_decoders__is_own_address(m, p.address)) {
			if (!(rc = bw_decoders__add(r, p.address, NULL, 0))) {
				bw_addr_para__clear(&p);
				break;
			}
			if (p.original)
				bw_recipient__set(rc, BW_RCPT_ORIGINAL_RECIPIENT, p.original);
			bw_recipient__set(rc, BW_RCPT_ACTION, delayed ? "delayed" : "failed");
			fill_from_prose(rc, p.text, p.len, true);
		}
		bw_addr_para__clear(&p);
	}
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_postfix = { "postfix", sniff, decode, false, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
