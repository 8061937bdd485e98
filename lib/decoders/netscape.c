/*
 * netscape.c - Netscape Messaging Server, iPlanet and the older Sun Java
 * System Messaging Server notices (before the Oracle "Recipient address:"
 * layout that messagingserver.c reads):
 *
 *     This Message was undeliverable due to the following reason:
 *
 *     Each of the following recipients was rejected by a remote mail server.
 *     ...
 *         Recipient: <user@example.com>
 *         Reason:    5.1.1 <user@example.com>... User unknown
 *
 *     Please reply to Postmaster@example.com
 *     if you feel this message to be in error.
 *
 * or the reason first ("The user(s) account is temporarily over quota.")
 * followed by the addresses alone, one a line, in sections under lines
 * such as "The following destination addresses were unknown here:".  A
 * recipient whose own lines carry no explanation gets its section's line
 * and the reason paragraph.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "addrline.h"
#include "common.h"

static const char intro[] = "This Message was undeliverable due to the following reason";
/* The phrase the sniff looks for in the body (markers.h). */
static const char *const body_markers[] = { intro };

static const char *const stops[] = {
	"Please reply to", "if you feel this message to be in error", "Original message follows",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	return bw_found__before(f, 0, bw_text__report_length(m)) ? BW_SNIFF_DISTINCT : 0;
}

/* The notice puts its recipients in sections, each under a line of its own
 * that ends with a colon ("The following destination addresses were
 * unknown here:"): that line, for the address `a`, when the nearest
 * non-empty line above the address's first mention is one, else NULL. */
static const char *section_intro(const char *text, size_t len, const char *a, size_t *out_len)
{
	const char *at = bw_memcasemem(text, len, a), *l, *found = NULL;
	char *lone;
	size_t n, intro_len = 0;
	bw_lines it;

	if (!at)
		return NULL;
	while (at > text && at[-1] != '\n')
		at--;   /* the lines above the address's own */
	bw_lines__init(&it, text, (size_t)(at - text));
	while (bw_lines__next(&it, &l, &n)) {
		while (n && (l[n - 1] == ' ' || l[n - 1] == '\t' || l[n - 1] == '\r'))
			n--;
		if (!n)
			continue;
		if (memchr(l, '@', n) && (lone = bw_addrline__lone(l, n))) {
			free(lone);
			continue;   /* an address above it in the same list */
		}
		found = l[n - 1] == ':' && !memchr(l, '@', n) ? l : NULL;
		intro_len = n;
	}
	*out_len = intro_len;
	return found;
}

/* One notice section: from the line after the intro at m->body + start up
 * to the next stop line (or the next intro, for a notice in several parts,
 * one per reason), or to len.  Its recipients are added to r; returns how
 * many (or an error) and sets *next to where the section ends. */
static int decode_section(const bw_msg *m, bw_report *r, size_t start, size_t len, size_t *next)
{
	size_t end, first = r->n_rcpt, k;
	const char *stop, *again, *addr_at = NULL, *l;
	size_t n;
	bw_lines it;
	int got;

	stop = bw_text__find_any(m->body + start, len - start, stops, sizeof(stops) / sizeof(stops[0]), NULL);
	end = stop ? (size_t)(stop - m->body) : len;
	again = bw_memcasemem(m->body + start, end - start, intro);
	if (again)
		end = (size_t)(again - m->body);
	*next = end;
	got = bw_decoders__listed(m, r, m->body + start, end - start, "failed");
	if (got <= 0)
		return got;
	/* the reason paragraph: the text before the first address line */
	bw_lines__init(&it, m->body + start, end - start);
	while (bw_lines__next(&it, &l, &n))
		if (memchr(l, '@', n)) {
			addr_at = l;
			break;
		}
	for (k = first; addr_at && k < r->n_rcpt; k++) {
		const char *d = bw_recipient__get(r->rcpt[k], BW_RCPT_DIAGNOSTIC);
		const char *a = bw_recipient__get(r->rcpt[k], BW_RCPT_RECIPIENT);
		const char *intro_line;
		size_t il;

		/* only the address and a label on its line: no explanation */
		if (d && !(a && strlen(d) <= strlen(a) + 14))
			continue;
		/* its section's own line first (it may name the cause), then
		 * the notice's reason paragraph */
		if (a && (intro_line = section_intro(m->body + start, end - start, a, &il)))
			bw_decoders__append_diag(r->rcpt[k], intro_line, il);
		bw_decoders__append_diag(r->rcpt[k], m->body + start, (size_t)(addr_at - m->body) - start);
	}
	return got;
}

/* Every section of the notice: a notice that failed for several reasons
 * repeats the intro, once per reason, often in parts of its own. */
static int decode(const bw_msg *m, bw_report *r)
{
	size_t len = bw_text__report_length(m), pos = 0, next;
	const char *at;
	int got, total = 0;

	while (pos < len && (at = bw_memcasemem(m->body + pos, len - pos, intro))) {
		size_t off = (size_t)(at - m->body);
		size_t start = off + bw_text__after_line(at, len - off, intro);

		got = decode_section(m, r, start, len, &next);
		if (got < 0)
			return got;
		total += got;
		pos = next > start ? next : start;
	}
	return total;
}

const bw_decoder bw_decoder_netscape = { "netscape", sniff, decode, false, body_markers, 1 };
