/*
 * fml.c - replies of the fml mailing-list manager ("X-MLServer: fml").
 *
 * fml answers a post it refuses (the sender is not a member, a loop, a
 * duplicated Message-ID) with prose naming the list address in angle
 * brackets: "You are not a member of this mailing list <list@example.org>."
 * The refused destination is that list address (or, when the text names
 * only the poster in brackets, the address fml signs with: "--list@host, Be
 * Seeing You!"); its text up to the signature is the explanation.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

static int sniff(const bw_msg *m, const bw_found *f)
{
	return bw_sniff__header_has(m, "X-MLServer", "fml") ? BW_SNIFF_SIGNED : 0;
}

/* The first address in text[0..n) that is not the reader's own (the
 * refused poster), for the caller to free; NULL when none. */
static char *other_than_reader(const bw_msg *m, const char *text, size_t n)
{
	const char *p = text, *end = text + n;
	char *a;

	while (p < end && (a = bw_text__next_address(p, end, &p))) {
		if (!bw_decoders__is_own_address(m, a))
			return a;
		free(a);
	}
	return NULL;
}

/* The start of the line of text that p is on. */
static const char *line_start(const char *text, const char *p)
{
	while (p > text && p[-1] != '\n')
		p--;
	return p;
}

/* The end of fml's own text in m->body[0..len): the line of its signature
 * (sig_line, or NULL) or the returned header's title, whichever comes
 * first. */
static size_t text_length(const bw_msg *m, size_t len, const char *sig_line)
{
	static const char *const returned[] = { "original message", "original mail", "\n---" };
	const char *orig = bw_text__find_any(m->body, len, returned, sizeof(returned) / sizeof(returned[0]), NULL);
	size_t n = sig_line ? (size_t)(sig_line - m->body) : len;

	if (orig && (size_t)(orig - m->body) < n)
		n = (size_t)(line_start(m->body, orig) - m->body);
	return n;
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t all = bw_text__report_length(m);
	const char *sig = bw_memcasemem(m->body, all, "Be Seeing You");
	const char *sig_line = sig ? line_start(m->body, sig) : NULL;
	size_t n = text_length(m, all, sig_line);
	const char *para_end = bw_memcasemem(m->body, n, "\n\n");
	size_t first_para = para_end ? (size_t)(para_end - m->body) : n;
	const char *lt = memchr(m->body, '<', first_para);
	const char *start = m->body;
	char *a = NULL;
	bw_recipient *rc;

	/* the list: the bracketed address of the first paragraph ("You are
	 * not a member of this mailing list <list@host>"), unless that is the
	 * poster's own; else the address fml signs with ("--list@host, Be
	 * Seeing You!") */
	if (lt && (a = bw_text__first_address(lt, first_para - (size_t)(lt - m->body))) &&
	    bw_decoders__is_own_address(m, a)) {
		free(a);
		a = NULL;
	}
	if (!a && sig) {
		const char *b = sig_line;

		while (b < sig && (*b == '-' || *b == ' '))
			b++;   /* the signature's dashes are no part of the address */
		a = other_than_reader(m, b, (size_t)(sig - b));
	}
	if (!a)
		return 0;   /* a report about members, to the list's admin: others read it */
	/* a signature right under fml's greeting ("Hi, I am the fml ML
	 * manager ... --list@host, Be Seeing You!"), before the explanation:
	 * the explanation is the text after it, up to the returned header */
	if (sig_line && !bw_memcasemem(m->body, (size_t)(sig_line - m->body), "\n\n")) {
		const char *after = memchr(sig, '\n', all - (size_t)(sig - m->body));

		if (after) {
			size_t en = text_length(m, all, NULL);

			if (en > (size_t)(after - m->body)) {
				start = after + 1;
				n = en - (size_t)(start - m->body);
			}
		}
	}
	rc = bw_decoders__add(r, a, start, n);
	free(a);
	if (!rc)
		return 0;
	bw_recipient__set(rc, BW_RCPT_ACTION, "failed");
	return 1;
}

const bw_decoder bw_decoder_fml = { "fml", sniff, decode, true, NULL, 0 };
