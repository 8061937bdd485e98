/*
 * mailru.c - Mail.Ru (an Exim installation), From mailer-daemon@*.mail.ru:
 * a Russian letter and then the English Exim text, both listing
 *
 *       user@example.com
 *         SMTP error from remote mail server after RCPT TO:<user@example.com>:
 *         host mx.example.com [192.0.2.1]: 550 5.1.1 <user@example.com>... User Unknown
 *
 * The English list is read (the Russian one may give only the local part);
 * the Russian one when the English is missing.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

/* The phrases the sniff looks for in the body (markers.h): the name, and
 * the two list introductions the decoder reads from. */
enum {
	M_MAIL_RU,
	M_LISTS,
	N_MARKERS = M_LISTS + 2
};
static const char *const body_markers[N_MARKERS] = {
	[M_MAIL_RU] = "Mail.Ru",
	[M_LISTS] = "The following address(es) failed:",
	"\xd0\xbf\xd0\xbe\xd0\xbb\xd1\x83\xd1\x87\xd0\xb0\xd1\x82\xd0\xb5\xd0\xbb\xd1\x8f\xd0\xbc:", /* получателям: */
};
static const char *const *const lists = body_markers + M_LISTS;

static int sniff(const bw_msg *m, const bw_found *f)
{
	bool from = bw_sniff__header_has(m, "From", "mail.ru") || bw_found__in(f, M_MAIL_RU);

	if (!from)
		return 0;
	return bw_found__first(f, M_LISTS, 2, SIZE_MAX, NULL) ? BW_SNIFF_SIGNED : 0;
}

static size_t indent(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i += line[i] == '\t' ? 8 : 1;
	return i;
}

/* Reads one Exim-style list starting after `at`. */
static int read_list(bw_report *r, const char *at, const char *end)
{
	size_t first = r->n_rcpt, len, base = (size_t)-1;
	const char *line;
	bw_recipient *cur = NULL;
	bw_lines it;

	bw_lines__init(&it, at, (size_t)(end - at));
	bw_lines__next(&it, &line, &len);
	while (bw_lines__next(&it, &line, &len)) {
		size_t tl, ind = indent(line, len);
		const char *t = bw_text__trim(line, len, &tl);
		char *addr;

		if (!tl) {
			if (cur)
				cur = NULL;
			if (r->n_rcpt > first && !cur)
				continue;
			continue;
		}
		if (ind == 0)
			break;
		if (base == (size_t)-1 || ind <= base) {
			if (!(addr = bw_text__address_line(t, tl)))
				break;
			base = ind;
			cur = bw_decoders__add(r, addr, NULL, 0);
			free(addr);
			if (!cur)
				return BW_ENOMEM;
			continue;
		}
		if (cur)
			bw_decoders__append_diag(cur, t, tl);
	}
	return (int)(r->n_rcpt - first);
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t n = bw_text__report_length(m), which = 0;
	const char *at = bw_memcasemem(m->body, n, lists[0]);
	int rc = 0;

	if (at)
		rc = read_list(r, at, m->body + n);
	if (rc == 0 && (at = bw_text__find_any(m->body, n, lists + 1, 1, &which)))
		rc = read_list(r, at, m->body + n);
	return rc;
}

const bw_decoder bw_decoder_mailru = { "mailru", sniff, decode, false, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
