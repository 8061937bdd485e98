/*
 * gmail.c - bounces from Google's mail servers (Gmail and Google Workspace):
 * From "Mail Delivery Subsystem <mailer-daemon@googlemail.com>".
 *
 * Two generations:
 *  - until about 2015, plain text:
 *        Delivery to the following recipient failed permanently:
 *             user@example.com
 *        Technical details of permanent failure:
 *        Google tried to deliver your message, but ... The error that the
 *        other server returned was: 550 5.1.1 ... User unknown
 *    ("has been delayed:" and "temporary failure" for warnings);
 *  - since, a multipart/report with a DSN and prose such as
 *        ** Address not found **
 *        Your message wasn't delivered to user@example.com because ...
 *        The response from the remote server was:
 *        550 5.1.1 The email account that you tried to reach does not exist.
 *    whose DSN is sometimes empty or without a Diagnostic-Code.
 * X-Failed-Recipients lists the failed addresses in both.
 */
#include <stdlib.h>
#include <string.h>

#include "../smtp.h"
#include "../util.h"
#include "common.h"

static bool from_google(const bw_msg *m)
{
	return bw_sniff__header_has(m, "From", "mailer-daemon@googlemail.com") ||
	       bw_sniff__header_has(m, "From", "mailer-daemon@google.com") ||
	       bw_sniff__header_has(m, "From", "mailer-daemon@gmail.com") ||
	       bw_sniff__header_has(m, "Message-ID", ".GMR@mx.google.com");
}

/* The phrases the sniff looks for in the body (markers.h). */
enum {
	M_DELIVERY_TO_THE_FOLLOWING,
	M_TECHNICAL_DETAILS_OF,
};
static const char *const body_markers[] = {
	[M_DELIVERY_TO_THE_FOLLOWING] = "Delivery to the following recipient",
	[M_TECHNICAL_DETAILS_OF] = "Technical details of ",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	bool google = from_google(m);
	bool old = bw_found__in(f, M_DELIVERY_TO_THE_FOLLOWING);
	bool tech = bw_found__in(f, M_TECHNICAL_DETAILS_OF);

	if (bw_sniff__header_has(m, "X-Failed-Recipients", "googlegroups.com"))
		return google ? BW_SNIFF_WEAK : 0;
	if (google)
		return BW_SNIFF_MARKERS;
	if (old && tech)
		return BW_SNIFF_WORDING;
	return 0;
}

/* The text after `marker` up to the next blank line (or `until`), or NULL. */
static char *block_after(const char *text, size_t len, const char *marker, bool to_blank)
{
	const char *at = bw_memcasemem(text, len, marker), *end, *stop;

	if (!at)
		return NULL;
	at += strlen(marker);
	stop = text + len;
	end = to_blank ? bw_memcasemem(at, (size_t)(stop - at), "\n\n") : NULL;
	/* the response may start after one blank line */
	if (end == at || (end && end == at + 1 && *at == '\n')) {
		const char *again = bw_memcasemem(end + 2, (size_t)(stop - end - 2), "\n\n");
		end = again;
	}
	if (!end)
		end = stop;
	while (at < end && bw_isspace((unsigned char)*at))
		at++;
	return end > at ? bw_squeeze_dup(at, (size_t)(end - at)) : NULL;
}

/* The diagnostic in the prose of either generation. */
static char *prose_diag(const bw_msg *m, size_t n)
{
	static const char *const markers[] = {
		"The response from the remote server was:",
		"The response was:",
		"The error that the other server returned was:",
	};
	const char *tech = bw_memcasemem(m->body, n, "Technical details of "), *sentence;
	size_t i;
	char *d;

	if (tech) {
		const char *colon = memchr(tech, ':', n - (size_t)(tech - m->body));
		if (colon)
			return block_after(colon, n - (size_t)(colon - m->body), ":", false);
	}
	for (i = 0; i < sizeof(markers) / sizeof(markers[0]); i++)
		if ((d = block_after(m->body, n, markers[i], true)))
			return d;
	/* no remote response quoted: Google's own sentence says why
	 * ("... wasn't delivered to x because the address couldn't be found.") */
	if ((sentence = bw_memcasemem(m->body, n, "wasn't delivered to ")) &&
	    bw_memcasemem(sentence, n - (size_t)(sentence - m->body), " because ")) {
		while (sentence > m->body && sentence[-1] != '\n')
			sentence--;
		return block_after(sentence, n - (size_t)(sentence - m->body), "", true);
	}
	return NULL;
}

/* Of several "Technical details of ..." blocks (one per recipient domain),
 * the one about addr: the block that names the address, or its domain
 * ("rejected by the server for the recipient domain example.org"); its
 * text for the caller to free, or NULL when there is one block or none
 * names it. */
static char *own_block(const bw_msg *m, size_t n, const char *addr)
{
	static const char marker[] = "Technical details of ";
	const char *dom = strchr(addr, '@'), *at, *next, *end = m->body + n;

	at = bw_memcasemem(m->body, n, marker);
	if (!dom || !at || !bw_memcasemem(at + 1, (size_t)(end - at - 1), marker))
		return NULL;
	dom++;
	for (; at; at = next) {
		const char *d, *colon;
		size_t bl, dl = strlen(dom);

		next = bw_memcasemem(at + 1, (size_t)(end - at - 1), marker);
		bl = (size_t)((next ? next : end) - at);
		for (d = at; (d = bw_memcasemem(d, bl - (size_t)(d - at), "domain ")) != NULL; d += 7)
			if (bl - (size_t)(d + 7 - at) > dl && bw_strncasecmp(d + 7, dom, dl) == 0 &&
			    !bw_isalnum((unsigned char)d[7 + dl]) && d[7 + dl] != '-' &&
			    !(d[7 + dl] == '.' && bw_isalnum((unsigned char)d[8 + dl])))
				break;
		if ((d || bw_memcasemem(at, bl, addr)) && (colon = memchr(at, ':', bl)))
			return block_after(colon, (size_t)(at + bl - colon), ":", false);
	}
	return NULL;
}

/* Does a reply start at diag[i] ("550 ..." after a space or at the
 * start)? */
static bool reply_starts(const char *diag, size_t n, size_t i)
{
	return i + 4 <= n && (i == 0 || diag[i - 1] == ' ' || diag[i - 1] == '\n') &&
	       (diag[i] == '4' || diag[i] == '5') && diag[i + 3] == ' ' && bw_smtp__reply_at(diag, n, i);
}

/* Of a block that quotes several replies, one a recipient ("550 5.2.1
 * <a@b>: disabled 550 5.1.1 <c@d>: does not exist"), the reply that names
 * addr in angle brackets (from its code to the next reply's), for the
 * caller to free; NULL when the block quotes one reply, or none names
 * addr. */
static char *own_reply(const char *diag, const char *addr)
{
	size_t n = diag ? strlen(diag) : 0, al = strlen(addr), i, replies = 0;
	const char *own = NULL, *end = NULL;

	for (i = 0; i < n; i++) {
		size_t j;
		const char *lt;

		if (!reply_starts(diag, n, i))
			continue;
		replies++;
		if (own) {
			if (!end)
				end = diag + i;
			continue;
		}
		for (j = i + 4; j < n && !reply_starts(diag, n, j); j++)
			;
		lt = bw_memcasemem(diag + i, j - i, addr);
		if (lt && lt > diag + i && lt[-1] == '<' && lt[al] == '>')
			own = diag + i;
	}
	if (!own || replies < 2)
		return NULL;
	if (!end)
		end = diag + n;
	while (end > own && end[-1] == ' ')
		end--;
	return bw_strndup(own, (size_t)(end - own));
}

/* "Delivery to the following recipient(s) failed permanently:" and the
 * indented addresses under it. */
static int old_format(const bw_msg *m, bw_report *r, size_t n, const char *diag)
{
	size_t diag_len = diag ? strlen(diag) : 0;
	const char *at = bw_memcasemem(m->body, n, "Delivery to the following recipient");
	bool delayed, seen = false;
	size_t first = r->n_rcpt, len;
	const char *line;
	bw_lines it;

	if (!at)
		return 0;
	bw_lines__init(&it, at, n - (size_t)(at - m->body));
	bw_lines__next(&it, &line, &len);
	delayed = bw_memcasemem(line, len, "delayed") != NULL;
	if (!diag && delayed) {
		/* a warning without details: "Message will be retried for 2 more day(s)" */
		const char *retry = bw_memcasemem(at, n - (size_t)(at - m->body), "Message will be retried");
		const char *eol = retry ? memchr(retry, '\n', n - (size_t)(retry - m->body)) : NULL;
		if (retry) {
			diag = retry;
			diag_len = eol ? (size_t)(eol - retry) : strlen(retry);
		}
	}
	while (bw_lines__next(&it, &line, &len)) {
		size_t tl;
		const char *t = bw_text__trim(line, len, &tl);
		char *addr;
		bw_recipient *rc;

		if (!tl) {
			if (seen)
				break;
			continue;
		}
		if (!(addr = bw_text__address_line(t, tl)))
			break;
		seen = true;
		{
			char *own = own_block(m, n, addr);

			if (!own)
				own = own_reply(diag, addr);
			rc = own ? bw_decoders__add(r, addr, own, strlen(own))
			         : bw_decoders__add(r, addr, diag, diag_len);
			free(own);
		}
		free(addr);
		if (!rc)
			return BW_ENOMEM;
		if (delayed)
			bw_recipient__set(rc, BW_RCPT_ACTION, "delayed");
	}
	return (int)(r->n_rcpt - first);
}

/* A notice flattened from HTML glues the next word to the address
 * ("delivered to a@b.examplebecause the domain b.example couldn't be
 * found"): when the sentence names "the domain D" and the address's domain
 * is D with letters after it, the address ends at D.  addr is cut in
 * place. */
static void unglue_domain(char *addr, const char *text, size_t len)
{
	char *dom = strchr(addr, '@');
	const char *p = text, *end = text + len;

	if (!dom++)
		return;
	while ((p = bw_memcasemem(p, (size_t)(end - p), "domain ")) != NULL) {
		const char *d = p + 7, *e = d;
		size_t dl;

		while (e < end && !bw_isspace((unsigned char)*e))
			e++;
		dl = (size_t)(e - d);
		if (dl > 2 && memchr(d, '.', dl) && strlen(dom) > dl && bw_strncasecmp(dom, d, dl) == 0 &&
		    bw_isalpha((unsigned char)dom[dl])) {
			dom[dl] = '\0';
			return;
		}
		p = e;
	}
}

/* "Your message wasn't delivered to user@example.com because ..." */
static int new_format(const bw_msg *m, bw_report *r, size_t n, const char *diag)
{
	static const char *const markers[] = {
		"wasn't delivered to ", "was not delivered to ", "couldn't be delivered to ",
	};
	size_t which = 0, first = r->n_rcpt;
	const char *at = bw_text__find_any(m->body, n, markers, 3, &which);
	char *addr;

	if (!at)
		return 0;
	at += strlen(markers[which]);
	if (!(addr = bw_text__first_address(at, (size_t)(m->body + n - at) < 200 ? (size_t)(m->body + n - at) : 200)))
		return 0;
	unglue_domain(addr, at, (size_t)(m->body + n - at) < 300 ? (size_t)(m->body + n - at) : 300);
	if (!bw_decoders__add(r, addr, diag, diag ? strlen(diag) : 0)) {
		free(addr);
		return BW_ENOMEM;
	}
	free(addr);
	return (int)(r->n_rcpt - first);
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t n = bw_text__report_length(m), first = r->n_rcpt, i;
	char *diag = prose_diag(m, n);
	int rc = 0;

	if (m->dsn.n && (rc = bw_dsn__decode(m, r)) < 0)
		goto out;
	if (r->n_rcpt > first) {
		if (diag && r->n_rcpt - first == 1)
			for (i = first; i < r->n_rcpt; i++)
				bw_decoders__better_diag(r->rcpt[i], diag, strlen(diag));
	} else if ((rc = old_format(m, r, n, diag)) == 0 && (rc = new_format(m, r, n, diag)) == 0) {
		rc = bw_decoders__add_failed_recipients(m, r, diag);
	}
	if (rc >= 0)
		rc = (int)(r->n_rcpt - first);
out:
	free(diag);
	return rc;
}

const bw_decoder bw_decoder_gmail = { "gmail", sniff, decode, false, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
