/*
 * fml.c - replies of the fml mailing-list manager ("X-MLServer: fml").
 *
 * fml answers a post it refuses (the sender is not a member, a loop, a
 * duplicated Message-ID) with prose naming the list address in angle
 * brackets: "You are not a member of this mailing list <list@example.org>."
 * The refused destination is that list address; the first paragraph is the
 * explanation.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

static int sniff(const bw_msg *m, const bw_found *f)
{
	return bw_sniff__header_has(m, "X-MLServer", "fml") ? BW_SNIFF_SIGNED : 0;
}

static int decode(const bw_msg *m, bw_report *r)
{
	const char *para_end = strstr(m->body, "\n\n");
	size_t n = para_end ? (size_t)(para_end - m->body) : m->body_len;
	const char *lt = memchr(m->body, '<', n);
	char *a = lt ? bw_text__first_address(lt, n - (size_t)(lt - m->body)) : NULL;
	bw_recipient *rc;

	if (!a)
		return 0;
	rc = bw_decoders__add(r, a, m->body, n);
	free(a);
	if (!rc)
		return 0;
	bw_recipient__set(rc, BW_RCPT_ACTION, "failed");
	return 1;
}

const bw_decoder bw_decoder_fml = { "fml", sniff, decode, true, NULL, 0 };
