/*
 * groupwise.c - Novell / Micro Focus GroupWise (the GWIA and the post office
 * agent) status messages:
 *
 *     Subject: Message status - undeliverable
 *
 *     The message that you sent was undeliverable to the following:
 *             user@example.com (user not found)
 *
 *     Possible causes:
 *     ...
 *
 * The addresses listed under the marker (one a line, with the explanation in
 * parentheses or on the lines below) are the failed recipients.  A "Message
 * status - delayed" notice lists recipients the agent still retries.  A
 * post office's own user may be listed by its user id alone ("mkeller (Mailbox
 * Full)"); the address it stands for is the one with that local part the
 * notice names elsewhere ("The message was sent to: mkeller@example.org").
 * The list ends at the next heading ("Possible causes:", or any line at the
 * margin ending in a colon).
 */
#include <stdlib.h>
#include <string.h>

#include "../smtp.h"
#include "../util.h"
#include "common.h"

/* The introductions: the sniff's body markers (markers.h). */
static const char *const intro[] = {
	"The message that you sent was undeliverable to the following:",
	"The message that you sent has been delayed to the following:",
	"The attached file had the following undeliverable recipient(s):",
};

static const char *const stops[] = {
	"Possible causes:", "Possible issues:", "Possible solutions:", "Original message",
	"Transfer Status:", "Options:", "-----",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	size_t len = bw_text__report_length(m);

	if (bw_found__first(f, 0, sizeof(intro) / sizeof(intro[0]), len, NULL))
		return BW_SNIFF_DISTINCT;
	if (bw_sniff__subject_starts(m, "Message status - undeliverable") ||
	    bw_sniff__subject_starts(m, "Message status - delayed"))
		return BW_SNIFF_WORDING;
	return 0;
}

/* The first address in m->body[0..len) whose local part is id[0..n)
 * (ASCII case ignored), for the caller to free; NULL when none. */
static char *address_of_user(const bw_msg *m, size_t len, const char *id, size_t n)
{
	const char *p = m->body, *end = m->body + len, *at;

	while ((at = memchr(p, '@', (size_t)(end - p)))) {
		const char *s = at;

		while (s > m->body && !strchr(" \t\r\n<(:;,\"'", s[-1]))
			s--;
		if ((size_t)(at - s) == n && bw_strncasecmp(s, id, n) == 0)
			return bw_text__first_address(s, (size_t)(end - s));
		p = at + 1;
	}
	return NULL;
}

/* The length of a user id that starts the trimmed line t ("rtaylor (mailbox
 * full)"), or 0. */
static size_t user_id_entry(const char *t, size_t tl)
{
	size_t i;

	for (i = 0; i < tl && (bw_isalnum((unsigned char)t[i]) || strchr("._-", t[i])); i++)
		;
	return i && i + 2 <= tl && t[i] == ' ' && t[i + 1] == '(' ? i : 0;
}

/* Lines "userid (explanation)" under the introduction: each user id with
 * the address the notice gives it elsewhere.  Returns the recipients
 * added. */
static int listed_user_ids(const bw_msg *m, bw_report *r, const char *text, size_t tlen,
                           size_t len, const char *action)
{
	size_t first = r->n_rcpt, n, i;
	const char *l;
	bw_lines it;

	bw_lines__init(&it, text, tlen);
	while (bw_lines__next(&it, &l, &n)) {
		char *a;
		bw_recipient *rc;

		while (n && (*l == ' ' || *l == '\t'))
			l++, n--;
		/* a user id, then its explanation in parentheses */
		if (!(i = user_id_entry(l, n)))
			continue;
		if (!(a = address_of_user(m, len, l, i)))
			continue;
		if (!bw_decoders__find(r, first, a) && (rc = bw_decoders__add(r, a, l, n)) && action)
			bw_recipient__set(rc, BW_RCPT_ACTION, action);
		free(a);
	}
	return (int)(r->n_rcpt - first);
}

/* The length of the list at text[0..len): up to its first heading, a line
 * at the margin that ends with a colon and names no address ("Possibly
 * truncated original addressee:" over the addresses the agent resolved). */
static size_t list_length(const char *text, size_t len)
{
	const char *l, *t;
	size_t n, tl;
	bw_lines it;

	bw_lines__init(&it, text, len);
	while (bw_lines__next(&it, &l, &n)) {
		t = bw_text__trim(l, n, &tl);
		/* at the margin: nothing trimmed before it */
		if (tl && t == l && t[tl - 1] == ':' && !memchr(t, '@', tl))
			return (size_t)(l - text);
	}
	return len;
}

/* Does the trimmed line t start an entry of the list: an address first
 * ("x@y (host not found)") or a user id with its explanation? */
static bool entry_start(const char *t, size_t tl)
{
	size_t i;

	for (i = 0; i < tl && !bw_isspace((unsigned char)t[i]) && t[i] != '('; i++)
		if (t[i] == '@')
			return true;
	return user_id_entry(t, tl) != 0;
}

/* A list that mixes addresses and user ids ("jprice (user not found)" over
 * "m.ochoa@x (host not found)"): each entry, up to the next, read on its own,
 * so that one entry's words are never another's.  0 when the list is not
 * such a mix. */
static int read_entries(const bw_msg *m, bw_report *r, const char *text, size_t len, const char *action)
{
	const char *l, *starts[64];
	size_t n, tl, k = 0, i, ids = 0, addrs = 0, first = r->n_rcpt;
	bw_lines it;

	bw_lines__init(&it, text, len);
	while (bw_lines__next(&it, &l, &n) && k < sizeof(starts) / sizeof(starts[0])) {
		const char *t = bw_text__trim(l, n, &tl);

		if (tl && entry_start(t, tl)) {
			starts[k++] = l;
			if (user_id_entry(t, tl))
				ids++;
			else
				addrs++;
		}
	}
	if (!ids || !addrs)
		return 0;
	for (i = 0; i < k; i++) {
		const char *e = i + 1 < k ? starts[i + 1] : text + len;
		size_t el = (size_t)(e - starts[i]);
		const char *t = bw_text__trim(starts[i], el, &tl);

		if (user_id_entry(t, tl)) {
			if (listed_user_ids(m, r, starts[i], el, m->body_len, action) < 0)
				return BW_ENOMEM;
		} else if (bw_decoders__listed(m, r, starts[i], el, action) < 0) {
			return BW_ENOMEM;
		}
	}
	return (int)(r->n_rcpt - first);
}

/* Does t[0..tl) name one of the recipients r->rcpt[first..]? */
static bool names_listed(const bw_report *r, size_t first, const char *t, size_t tl)
{
	size_t i;

	for (i = first; i < r->n_rcpt; i++) {
		const char *a = bw_recipient__get(r->rcpt[i], BW_RCPT_RECIPIENT);

		if (a && bw_memcasemem(t, tl, a))
			return true;
	}
	return false;
}

/* After the list, a heading at the margin and the remote host's reply
 * indented under it ("The remote host rejected the sender address of the
 * message:" over "553 5.1.8 <a@b>: Sender address rejected: ..."): the
 * cause of every recipient listed, r->rcpt[first..], added to their
 * diagnostics with its heading.  Only the first such paragraph is read. */
static void reply_after_list(bw_report *r, size_t first, const char *text, size_t len)
{
	const char *l, *head = NULL;
	size_t n, tl, hl = 0, i;
	bw_lines it;

	bw_lines__init(&it, text, len);
	while (bw_lines__next(&it, &l, &n)) {
		const char *t = bw_text__trim(l, n, &tl);

		if (!tl)
			continue;
		if (t == l) {
			/* a heading at the margin, or prose: only a heading
			 * (ending in a colon, naming no address) is kept */
			head = t[tl - 1] == ':' && !memchr(t, '@', tl) ? t : NULL;
			hl = head ? tl : 0;
			continue;
		}
		if (!head || !bw_smtp__has_failure_code(t, tl))
			continue;
		for (i = first; i < r->n_rcpt; i++) {
			const char *d = bw_recipient__get(r->rcpt[i], BW_RCPT_DIAGNOSTIC);
			const char *a = bw_recipient__get(r->rcpt[i], BW_RCPT_RECIPIENT);

			/* an entry with its own reply keeps it; a reply that
			 * names another listed recipient is that one's */
			if ((d && bw_smtp__has_failure_code(d, strlen(d))) ||
			    (memchr(t, '@', tl) && a && !bw_memcasemem(t, tl, a) && names_listed(r, first, t, tl)))
				continue;
			bw_decoders__append_diag(r->rcpt[i], head, hl);
			bw_decoders__append_diag(r->rcpt[i], t, tl);
		}
		return;
	}
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t len = bw_text__report_length(m), which = 0, start, region, first = r->n_rcpt, end;
	int got;
	const char *at = bw_text__find_any(m->body, len, intro, sizeof(intro) / sizeof(intro[0]), &which);
	const char *stop;
	bool delayed = which == 1 || bw_sniff__subject_starts(m, "Message status - delayed");

	if (!at)
		return 0;
	start = bw_text__after_line(m->body, len, intro[which]);
	stop = bw_text__find_any(m->body + start, len - start, stops, sizeof(stops) / sizeof(stops[0]), NULL);
	region = stop ? (size_t)(stop - m->body) - start : len - start;
	end = start + region;
	region = list_length(m->body + start, region);
	if ((got = read_entries(m, r, m->body + start, region, delayed ? "delayed" : "failed")) < 0)
		return got;
	if (got == 0)
		got = bw_decoders__listed(m, r, m->body + start, region, delayed ? "delayed" : "failed");
	if (got == 0)
		got = listed_user_ids(m, r, m->body + start, region, m->body_len,
		                     delayed ? "delayed" : "failed");
	if (got > 0)
		reply_after_list(r, first, m->body + start + region, end - start - region);
	return got;
}

const bw_decoder bw_decoder_groupwise = { "groupwise", sniff, decode, false, intro, sizeof(intro) / sizeof(intro[0]) };
