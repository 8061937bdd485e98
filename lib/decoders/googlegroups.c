/*
 * googlegroups.c - Google Groups refusing a post: a bounce from Google's
 * mailer-daemon whose X-Failed-Recipients names the group, with a (localised)
 * letter explaining that the group may not exist or that the sender may not
 * post to it, pointing to groups.google.com.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

/* The phrases the sniff looks for in the body (markers.h). */
enum {
	M_GROUPS_GOOGLE_COM,
	M_GOOGLE_GROUPS,
};
static const char *const body_markers[] = {
	[M_GROUPS_GOOGLE_COM] = "groups.google.com",
	[M_GOOGLE_GROUPS] = "Google Groups",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	bool google = bw_sniff__header_has(m, "From", "mailer-daemon@googlemail.com") ||
	              bw_sniff__header_has(m, "From", "mailer-daemon@google.com");
	bool groups = bw_found__in(f, M_GROUPS_GOOGLE_COM) || bw_found__in(f, M_GOOGLE_GROUPS);

	if (!bw_msg__header(m, "X-Failed-Recipients"))
		return 0;
	if (groups && (google || bw_sniff__header_has(m, "X-Failed-Recipients", "googlegroups.com")))
		return BW_SNIFF_SIGNED;
	/* A translated letter may name neither: Google's mailer-daemon failing
	 * a googlegroups.com address in a letter (no delivery-status part: a
	 * DSN is Gmail's own report of a remote reply) is the notice all the
	 * same. */
	if (google && !m->dsn.n && bw_sniff__header_has(m, "X-Failed-Recipients", "googlegroups.com"))
		return BW_SNIFF_SIGNED;
	return 0;
}

/* The letter's main paragraph: the first that names the group "(name)", or
 * the first paragraph of more than one line's worth of text. */
static char *letter(const bw_msg *m)
{
	size_t n = bw_text__report_length(m);
	const char *p = m->body, *end = m->body + n, *fallback = NULL, *fallback_end = NULL;

	while (p < end) {
		const char *q = bw_memcasemem(p, (size_t)(end - p), "\n\n");
		const char *e = q ? q : end;
		const char *open = memchr(p, '(', (size_t)(e - p));
		size_t tl;
		const char *t = bw_text__trim(p, (size_t)(e - p), &tl);

		if (tl > 80) {
			if (open && memchr(open, ')', (size_t)(e - open)))
				return bw_squeeze_dup(t, tl);
			if (!fallback) {
				fallback = t;
				fallback_end = t + tl;
			}
		}
		p = q ? q + 2 : end;
	}
	return fallback ? bw_squeeze_dup(fallback, (size_t)(fallback_end - fallback)) : NULL;
}

static int decode(const bw_msg *m, bw_report *r)
{
	char *diag = letter(m);
	int rc = bw_decoders__add_failed_recipients(m, r, diag);

	free(diag);
	return rc;
}

const bw_decoder bw_decoder_googlegroups = { "googlegroups", sniff, decode, true, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
