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

/* Does l[0..n), which does not name `a`, name another address?  In a
 * server's failure reply the notice's own addresses (its reader's, the
 * original's sender: "554 5.7.1 <sender>: Sender address rejected") do not
 * count. */
static bool names_other(const bw_msg *m, const char *l, size_t n, const char *a)
{
	const char *pos = l;
	char *w;

	if (!memchr(l, '@', n) || bw_memcasemem(l, n, a))
		return false;
	if (bw_smtp__has_failure_code(l, n))
		return !bw_decoders__names_only_own(m, l, n);
	if (!(w = bw_text__next_address(pos, l + n, &pos)))
		return false;
	free(w);
	return true;
}

/* Whether the line that holds `at` (text[0..]) is a header of the
 * original as a notice repeats it ("To:      a@b" above "Subject:"):
 * it says whom the message was for, not why it failed. */
static bool original_header_line(const char *text, const char *at)
{
	static const char *const names[] = { "to:", "cc:", "bcc:" };
	const char *ls = at;
	size_t i;

	while (ls > text && ls[-1] != '\n')
		ls--;
	while (ls < at && (*ls == ' ' || *ls == '\t'))
		ls++;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (bw_text__starts(ls, (size_t)(at - ls), names[i]))
			return true;
	return false;
}

/* The first place text[0..len) names `a`, past the lines that repeat the
 * original's headers when it names `a` again below them ("Failed
 * recipient: a@b"); NULL when it never does. */
static const char *first_naming(const char *text, size_t len, const char *a)
{
	const char *first = bw_memcasemem(text, len, a), *at = first;
	size_t alen = strlen(a);

	while (at && original_header_line(text, at)) {
		size_t off = (size_t)(at - text) + alen;

		at = off < len ? bw_memcasemem(at + alen, len - off, a) : NULL;
	}
	return at ? at : first;
}

/* The paragraph that says why `a` failed, from text[0..len): when the first
 * line that names `a` is a sentence ("Because the recipient does not
 * exist, mail to "a@b" could not be sent." wrapped over lines), the
 * paragraph holding that line and the paragraph after it ("The error was:
 * / DNS Error: ..."), when the sentence runs on past the line or nothing
 * follows it; otherwise, as when the line gives the address alone or
 * after a label ("Delivery to the following recipients failed. / a@b / The domain
 * b could not be found in DNS."), the lines after it up to a blank line, and
 * the paragraph after that when they end announcing it ("Reason:").
 * Never past a line that names another address (the notice's own, quoted in
 * a reply, do not count) or 400 bytes; NULL when there is none. */
static const char *paragraph_after(const bw_msg *m, const char *text, size_t len, const char *a,
                                   size_t *out_len)
{
	const char *at = first_naming(text, len, a), *l, *start = NULL, *end = NULL, *ls, *le;
	size_t n, tl, letters;
	bool sentence = false, gap = false, announces = false;
	bw_lines it;

	if (!at)
		return NULL;
	for (ls = at; ls > text && ls[-1] != '\n'; ls--)
		;
	le = memchr(at, '\n', len - (size_t)(at - text));
	if (!le)
		le = text + len;
	/* a sentence that goes on past the address's line, or has nothing
	 * after it ("...mail to "a@b" could not / be sent."): its paragraph */
	bw_text__beside_addresses(ls, (size_t)(le - ls), &letters, NULL);
	if (letters >= 24 &&
	    (le + 1 >= text + len || (le[1] != '\n' && !(le[1] == '\r' && le + 2 < text + len && le[2] == '\n')) ||
	     bw_text__blank(le + 1, (size_t)(text + len - le - 1)))) {
		/* back to the paragraph's first line, never over a line that
		 * names another address */
		start = ls;
		while (start > text) {
			const char *pe = start - 1, *ps = pe;

			while (ps > text && ps[-1] != '\n')
				ps--;
			bw_text__trim(ps, (size_t)(pe - ps), &tl);
			if (!tl || memchr(ps, '@', (size_t)(pe - ps)) || (size_t)(le - ps) > 400)
				break;
			start = ps;
		}
		end = le;
		sentence = true;
	}
	if (le >= text + len)
		goto done;
	bw_lines__init(&it, le + 1, len - (size_t)(le + 1 - text));
	while (bw_lines__next(&it, &l, &n)) {
		const char *t = bw_text__trim(l, n, &tl);

		if (!tl) {
			/* one more paragraph after a line that announces it ("for
			 * the following reason:") */
			if (start && (!sentence || gap) && !announces)
				break;
			if (start && gap)
				announces = false;
			gap = gap || start;
			continue;
		}
		if (names_other(m, l, n, a) || (size_t)(l + n - (start ? start : l)) > 400)
			break;
		if (!start)
			start = l;
		end = l + n;
		/* a sentence announces what follows anywhere in it; lines
		 * under an address, when the last of them does ("Reason:") */
		announces = sentence ? announces || bw_text__ends_with_colon(t, tl)
		                     : bw_text__ends_with_colon(t, tl);
	}
done:
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
	/* recipients named on a line each with their own reason below ("a@b /
	 * Reason: mailbox full", one paragraph per recipient): when every
	 * recipient the delivery-status part left without a diagnostic has
	 * such lines, each takes its own (one reason below a list of several
	 * addresses belongs to none in particular) */
	if (r->n_rcpt - first <= 64) {
		size_t k, missing = 0, found = 0, pl[64];
		const char *para[64];

		for (k = first; k < r->n_rcpt; k++) {
			para[k - first] = NULL;
			if (bw_recipient__get(r->rcpt[k], BW_RCPT_DIAGNOSTIC))
				continue;
			missing++;
			if ((para[k - first] = paragraph_after(m, m->body, len,
			                                       bw_recipient__get(r->rcpt[k], BW_RCPT_RECIPIENT),
			                                       &pl[k - first])))
				found++;
		}
		if (missing && found == missing)
			for (k = first; k < r->n_rcpt; k++)
				if (para[k - first])
					complete_from_paragraph(r->rcpt[k], para[k - first], pl[k - first]);
	}
	return got;
}

const bw_decoder bw_decoder_rfc3464 = { "rfc3464", sniff, decode, false, NULL, 0 };
