/*
 * aol.c - the older AOL mail system's notices (before AOL ran Sendmail-style
 * and later Yahoo-style bounces):
 *
 *     Your mail to the following recipients could not be delivered because
 *     they are not accepting mail from sender@example.org:
 *             screenname
 *
 * or "... could not be delivered because they are not accepting mail from ...
 * / ... the recipient's mailbox is full".  The names listed below the intro
 * are the failed recipients; a bare screen name is an address at the
 * reporting host's domain (the domain of From:, aol.com).
 */
#include <stdlib.h>
#include <string.h>

#include "../addr.h"
#include "../util.h"
#include "common.h"

static const char intro[] = "Your mail to the following recipients could not be delivered";
/* The phrase the sniff looks for in the body (markers.h). */
static const char *const body_markers[] = { intro };

static int sniff(const bw_msg *m, const bw_found *f)
{
	return bw_found__before(f, 0, bw_text__report_length(m)) ? BW_SNIFF_SIGNED : 0;
}

/* The domain of the From: address (the reporting system), or NULL. */
static const char *from_domain(const bw_msg *m, char **own)
{
	const char *from = bw_msg__header(m, "From");
	char *a = from ? bw_text__first_address(from, strlen(from)) : NULL;
	const char *at = a ? strchr(a, '@') : NULL;

	*own = a;
	return at ? at + 1 : NULL;
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t len = bw_text__report_length(m), start, first = r->n_rcpt, n, tl;
	const char *l, *intro_line = bw_memcasemem(m->body, len, intro), *dom, *because;
	char *own;
	bw_lines it;
	size_t il;
	bool started = false;

	if (!intro_line)
		return 0;
	start = bw_text__after_line(m->body, len, intro);
	/* the explanation may run over a second line ending with ':' */
	il = start - (size_t)(intro_line - m->body);
	if (!memchr(intro_line, ':', il) && start < len) {
		const char *nl = memchr(m->body + start, '\n', len - start);
		il = (nl ? (size_t)(nl - m->body) + 1 : len) - (size_t)(intro_line - m->body);
		start = (size_t)(intro_line - m->body) + il;
	}
	because = bw_memcasemem(intro_line, il, "because");
	dom = from_domain(m, &own);
	bw_lines__init(&it, m->body + start, len - start);
	while (bw_lines__next(&it, &l, &n)) {
		const char *t = bw_text__trim(l, n, &tl);
		char *a;
		bw_recipient *rc;
		if (!tl) {
			if (started)
				break;
			continue;
		}
		if (!(a = bw_text__address_line(t, tl))) {
			size_t k;
			bool word = tl < 64;
			for (k = 0; k < tl && word; k++)
				if (bw_isspace((unsigned char)t[k]) || t[k] == '@' || t[k] == ':')
					word = false;
			if (!word || !dom)
				break;
			{
				bw_buf b = BW_BUF_INIT;
				char *s;
				bw_buf__put(&b, t, tl);
				bw_buf__putc(&b, '@');
				bw_buf__puts(&b, dom);
				s = bw_buf__detach(&b);
				a = s && bw_addr__plausible(s, strlen(s)) ? bw_addr__normalize(s, strlen(s)) : NULL;
				free(s);
			}
			if (!a)
				break;
		}
		started = true;
		if (bw_decoders__is_own_address(m, a) || bw_decoders__find(r, first, a)) {
			free(a);
			continue;
		}
		rc = bw_decoders__add(r, a, because ? because : intro_line,
		                      il - (size_t)((because ? because : intro_line) - intro_line));
		free(a);
		if (!rc) {
			free(own);
			return BW_ENOMEM;
		}
		bw_recipient__set(rc, BW_RCPT_ACTION, "failed");
	}
	free(own);
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_aol = { "aol", sniff, decode, false, body_markers, 1 };
