/*
 * bareid.c - failed recipients a notice names without a domain: an old
 * service's user id or member name, under a failure label
 *
 *     Receiver not found: 76543.1234
 *
 * or listed under an intro to the failed recipients
 *
 *     ... could not be delivered to the following AOL member,
 *     who has chosen not to receive mail from your address (x@y):
 *
 *             Marsh Hen 7
 *
 * A name without a domain is an address at the system that reports it (the
 * domain of its From:), as that system's own mail would be addressed:
 * spaces dropped ("marshhen7"), a CompuServe-style "76543,1234" written
 * with a dot.  Read only when the notice names no address at all.
 */
#include <stdlib.h>
#include <string.h>

#include "../addr.h"
#include "../util.h"
#include "common.h"
#include "notices_phrases.h"

/* A name: one to four words of letters, digits and . _ - + , = (a comma
 * only between digits), at most 64 characters, no '@', not a sentence. */
#define NAME_MAX_LEN 64
#define NAME_MAX_WORDS 4

/* The address `name` (t[0..tl)) stands for at `domain`, normalised; NULL
 * when it is no name.  Caller frees. */
static char *name_address(const char *t, size_t tl, const char *domain)
{
	char local[NAME_MAX_LEN + 1];
	size_t i, n = 0, words = 1, alnum = 0;
	bw_buf b = BW_BUF_INIT;
	char *s, *a;

	if (!tl || tl > NAME_MAX_LEN || t[tl - 1] == '.' || t[tl - 1] == ':')
		return NULL;
	for (i = 0; i < tl; i++) {
		unsigned char c = (unsigned char)t[i];

		if (c == ' ') {
			if (i && t[i - 1] != ' ')
				words++;
			continue;
		}
		if (c == ',' && i && i + 1 < tl && bw_isdigit((unsigned char)t[i - 1]) &&
		    bw_isdigit((unsigned char)t[i + 1]))
			c = '.';
		else if (!bw_isalnum(c) && !strchr("._-+=", c))
			return NULL;
		alnum += bw_isalnum(c) != 0;
		local[n++] = (char)bw_lower(c);
	}
	if (!alnum || words > NAME_MAX_WORDS)
		return NULL;
	bw_buf__put(&b, local, n);
	bw_buf__putc(&b, '@');
	bw_buf__puts(&b, domain);
	if (!(s = bw_buf__detach(&b)))
		return NULL;
	a = bw_addr__plausible(s, strlen(s)) ? bw_addr__normalize(s, strlen(s)) : NULL;
	free(s);
	return a;
}

static bw_recipient *add(bw_report *r, size_t first, char *a, const char *diag, size_t dlen)
{
	bw_recipient *rc = NULL;

	if (a && !bw_decoders__find(r, first, a) && (rc = bw_decoders__add(r, a, diag, dlen))) {
		bw_recipient__set(rc, BW_RCPT_ACTION, "failed");
		bw_report__warn(r, "the failed recipient %s is a name the notice gives without a domain, "
		                "read at the reporting system's domain", a);
	}
	free(a);
	return rc;
}

/* "Receiver not found: 76543.1234": a failure label, a colon and a name. */
static void labelled(const char *text, size_t len, const char *domain, bw_report *r, size_t first)
{
	static const char *const labels[] = { BW_PHRASES_BARE_ID_LABELS };
	bw_lines it;
	const char *l;
	size_t n, i;

	bw_lines__init(&it, text, len);
	while (bw_lines__next(&it, &l, &n)) {
		size_t tl, rest;
		const char *t = bw_text__trim(l, n, &tl), *v;

		for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
			size_t ll = strlen(labels[i]);

			if (tl <= ll + 1 || bw_strncasecmp(t, labels[i], ll) != 0 || t[ll] != ':')
				continue;
			v = bw_text__trim(t + ll + 1, tl - ll - 1, &rest);
			if (!memchr(v, ' ', rest))
				add(r, first, name_address(v, rest, domain), t, tl);
			break;
		}
	}
}

/* An intro to the failed recipients ("to the following AOL member, ...:")
 * and the names below it, up to the blank line after them. */
static void listed(const char *text, size_t len, const char *domain, bw_report *r, size_t first)
{
	static const char *const intros[] = { BW_PHRASES_BARE_ID_INTROS };
	const char *e = text + len, *intro = bw_text__find_any(text, len, intros,
	                                                        sizeof(intros) / sizeof(intros[0]), NULL);
	const char *l, *lead;
	size_t n, lines = 0;
	bool started = false, colon = false;
	bw_lines it;

	if (!intro)
		return;
	for (lead = intro; lead > text && lead[-1] != '\n'; lead--)
		;
	bw_lines__init(&it, lead, (size_t)(e - lead));
	/* the intro's sentence, ending with ':' within three lines */
	while (!colon && lines++ < 3 && bw_lines__next(&it, &l, &n)) {
		size_t tl;
		const char *t = bw_text__trim(l, n, &tl);

		colon = tl && t[tl - 1] == ':';
	}
	if (!colon)
		return;
	while (bw_lines__next(&it, &l, &n)) {
		size_t tl;
		const char *t = bw_text__trim(l, n, &tl);
		char *a;

		if (!tl) {
			if (started)
				break;
			continue;
		}
		if (memchr(t, '@', tl) || !(a = name_address(t, tl, domain)))
			break;
		started = true;
		add(r, first, a, intro, (size_t)(l - intro));
	}
}

int bw_decoders__add_bare_ids(const bw_msg *m, bw_report *r)
{
	const char *from = bw_msg__header(m, "From");
	char *own = from ? bw_text__first_address(from, strlen(from)) : NULL;
	const char *at = own ? strchr(own, '@') : NULL;
	size_t first = r->n_rcpt, len = bw_text__report_length(m);

	if (at && bw_sniff__from_daemon(m)) {
		labelled(m->body, len, at + 1, r, first);
		if (r->n_rcpt == first)
			listed(m->body, len, at + 1, r, first);
	}
	free(own);
	return (int)(r->n_rcpt - first);
}
