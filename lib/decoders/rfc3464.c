/*
 * rfc3464.c - the standard delivery-status report (any MTA that sends one).
 *
 * The delivery-status part gives action, status and often the reply, but
 * many MTAs leave out the SMTP command the reply answered and the remote
 * host.  Their human-readable part often has them, in a paragraph that
 * begins with the recipient's address ("<a@example.org>: host mx...[ip]
 * said: 550 ... (in reply to RCPT TO command)"), whatever language the
 * rest of the notice is in.  Such a paragraph completes the fields the
 * delivery-status part left empty (the diagnostic too, when it gave no
 * Diagnostic-Code); it never replaces one it gave.
 */
#include <stdlib.h>
#include <string.h>

#include "../evidence.h"
#include "../util.h"
#include "common.h"

static int sniff(const bw_msg *m, const bw_found *f)
{
	return m->dsn.n ? BW_SNIFF_STANDARD : 0;
}

/* Fill the empty command, remote host and address of rc from a paragraph;
 * a recipient the delivery-status part gave no Diagnostic-Code takes the
 * paragraph as its diagnostic ("<a@example.org>: No such domain."). */
static void complete_from_paragraph(bw_recipient *rc, const char *t, size_t len)
{
	char *para = bw_squeeze_dup(t, len);

	if (!para)
		return;
	if (*para && !bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC))
		bw_recipient__set(rc, BW_RCPT_DIAGNOSTIC, para);
	bw_evidence__route_from_text(rc, para);
	free(para);
}

/* The paragraph after the first line of text[0..len) that names `a`
 * ("Delivery to the following recipients failed. / a@b / The domain b
 * could not be found in DNS."): its lines up to a blank line, a line that
 * names an address, or 400 bytes; NULL when there is none. */
static const char *paragraph_after(const char *text, size_t len, const char *a, size_t *out_len)
{
	const char *at = bw_memcasemem(text, len, a), *l, *start = NULL, *end = NULL;
	size_t n, tl;
	bw_lines it;

	if (!at || !(at = memchr(at, '\n', len - (size_t)(at - text))))
		return NULL;
	bw_lines__init(&it, at + 1, len - (size_t)(at + 1 - text));
	while (bw_lines__next(&it, &l, &n)) {
		bw_text__trim(l, n, &tl);
		if (!tl) {
			if (start)
				break;
			continue;
		}
		if (memchr(l, '@', n) || (size_t)(l + n - (start ? start : l)) > 400)
			break;
		if (!start)
			start = l;
		end = l + n;
	}
	if (!start)
		return NULL;
	*out_len = (size_t)(end - start);
	return start;
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t first = r->n_rcpt, len, pos = 0;
	bw_addr_para p;
	int got = bw_dsn__decode(m, r);

	if (got <= 0 || !m->body)
		return got;
	len = bw_text__report_length(m);
	while (bw_text__next_addr_para(m->body, len, &pos, &p)) {
		bw_recipient *rc = bw_decoders__find(r, first, p.address);

		if (rc) {
			if (bw_decoders__local_program(rc))
				bw_decoders__better_diag(rc, p.text, p.len);
			complete_from_paragraph(rc, p.text, p.len);
		}
		bw_addr_para__clear(&p);
	}
	/* the only recipient, named alone on a line with the reason below */
	if (r->n_rcpt == first + 1 && !bw_recipient__get(r->rcpt[first], BW_RCPT_DIAGNOSTIC)) {
		size_t pl = 0;
		const char *para = paragraph_after(m->body, len,
		                                   bw_recipient__get(r->rcpt[first], BW_RCPT_RECIPIENT), &pl);
		if (para)
			complete_from_paragraph(r->rcpt[first], para, pl);
	}
	return got;
}

const bw_decoder bw_decoder_rfc3464 = { "rfc3464", sniff, decode, false, NULL, 0 };
