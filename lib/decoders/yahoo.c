/*
 * yahoo.c - bounces from Yahoo Mail and AOL (the same platform since 2017),
 * From MAILER-DAEMON@yahoo.com / aol.com, Subject "Failure Notice":
 *
 *     Sorry, we were unable to deliver your message to the following address.
 *
 *     <user@example.com>:
 *     Remote host said: 550 5.1.1 <user@example.com>... User Unknown [RCPT_TO]
 *
 *     --- Below this line is a copy of the message.
 *
 * The reply may be split over several lines; the bracketed tag at the end
 * names the SMTP command that drew it.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

/* The introductions: the sniff's body markers (markers.h). */
static const char *const intro[] = {
	"unable to deliver your message to the following address",
	"Message delivery to the following address",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	bool from = bw_sniff__header_has(m, "From", "MAILER-DAEMON@yahoo") ||
	            bw_sniff__header_has(m, "From", "MAILER-DAEMON@aol") ||
	            bw_sniff__header_has(m, "From", "@yahoo-inc.com") ||
	            bw_sniff__header_has(m, "From", "MAILER-DAEMON@y");
	bool body = bw_found__first(f, 0, 2, SIZE_MAX, NULL) != NULL;

	if (!body)
		return 0;
	return from || bw_sniff__subject_starts(m, "Failure Notice") ? BW_SNIFF_SIGNED : 55;
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t n = bw_text__report_length(m), first = r->n_rcpt, len;
	const char *at = bw_text__find_any(m->body, n, intro, 2, NULL), *line;
	bw_recipient *cur = NULL;
	bw_lines it;

	if (!at)
		return 0;
	bw_lines__init(&it, at, n - (size_t)(at - m->body));
	bw_lines__next(&it, &line, &len);
	while (bw_lines__next(&it, &line, &len)) {
		size_t tl;
		const char *t = bw_text__trim(line, len, &tl);
		char *addr;

		if (!tl) {
			cur = NULL;
			continue;
		}
		if (bw_text__starts(t, tl, "---"))
			break;
		if (t[0] == '<' && (addr = bw_text__address_line(t, tl))) {
			cur = bw_decoders__add(r, addr, NULL, 0);
			free(addr);
			if (!cur)
				return BW_ENOMEM;
			continue;
		}
		if (!cur)
			continue;
		bw_decoders__command_from_line(cur, t, tl);
		if (bw_text__skip(&t, &tl, "Remote host said:")) {
			t = bw_text__trim(t, tl, &tl);
		}
		{
			/* drop the command tag ("[RCPT_TO]", the last bracket on the
			 * line: a reply's own "[BL21]" stays) and a "550:" colon
			 * after the code */
			const char *tag = NULL;
			char *piece;
			size_t i;
			for (i = tl; i > 0 && !tag; i--)
				if (t[i - 1] == '[')
					tag = t + i - 1;
			if (tag && tag > t && memchr(tag, ']', tl - (size_t)(tag - t)) &&
			    (bw_memcasemem(tag, tl - (size_t)(tag - t), "_TO]") || bw_memcasemem(tag, tl - (size_t)(tag - t), "_FROM]") ||
			     bw_memcasemem(tag, tl - (size_t)(tag - t), "[DATA]")))
				tl = (size_t)(tag - t);
			else if (tag == t && tl < 20)
				continue; /* a tag alone on its line */
			if (!tl)
				continue;
			piece = bw_strndup(t, tl);
			if (!piece)
				return BW_ENOMEM;
			if (tl > 4 && bw_isdigit((unsigned char)piece[0]) && bw_isdigit((unsigned char)piece[1]) &&
			    bw_isdigit((unsigned char)piece[2]) && piece[3] == ':')
				piece[3] = ' ';
			bw_decoders__append_diag(cur, piece, strlen(piece));
			free(piece);
		}
	}
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_yahoo = { "yahoo", sniff, decode, false, intro, 2 };
