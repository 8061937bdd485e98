/*
 * smail.c - smail 3 returned mail:
 *
 *     |------------------------- Failed addresses follow: ---------------------|
 *      <user@example.com> ... unknown user
 *      other@example.net ... transport smtp: 550 5.1.1 <other@example.net>... User unknown
 *     |------------------------- Message text follows: ------------------------|
 *
 * Each line between the two rulers that holds an address is a failed
 * recipient; the text after " ... " is its diagnostic.
 */
#include <string.h>

#include "../util.h"
#include "common.h"

static const char intro[] = "Failed addresses follow:";
/* The phrase the sniff looks for in the body (markers.h). */
static const char *const body_markers[] = { intro };

static int sniff(const bw_msg *m, const bw_found *f)
{
	return bw_found__in(f, 0) ? BW_SNIFF_DISTINCT : 0;
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t start = bw_text__after_line(m->body, m->body_len, intro), end;
	const char *stop;

	if (start >= m->body_len)
		return 0;
	stop = bw_memcasemem(m->body + start, m->body_len - start, "Message text follows");
	if (!stop)
		stop = bw_memcasemem(m->body + start, m->body_len - start, "|----");
	end = stop ? (size_t)(stop - m->body) : m->body_len;
	while (end > start && m->body[end - 1] != '\n')
		end--;
	return bw_decoders__listed(m, r, m->body + start, end - start, "failed");
}

const bw_decoder bw_decoder_smail = { "smail", sniff, decode, false, body_markers, 1 };
