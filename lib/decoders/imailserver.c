/*
 * imailserver.c - Ipswitch IMail Server ("X-Mailer: <SMTP32 vN>", or the
 * subject "Undeliverable Mail" with an "Original message follows." line).
 *
 *   Unknown user: rcpt@example.com
 *
 *   Original message follows.
 *
 * Each failed recipient is a line "Explanation: address" (or "undeliverable
 * to address" followed by "Body of message generated response:" and the
 * remote reply, or "RCPT TO:<address>" over the reply) before "Original
 * message follows."  A cause without an address ("Unknown host: HOST") is
 * the cause of a "Could not deliver mail to: address" under it.  Older versions name
 * local users by their local part under "the following local user of
 * DOMAIN": "pat: mailbox is full".
 */
#include <stdlib.h>
#include <string.h>

#include "../addr.h"
#include "../error.h"
#include "../util.h"
#include "common.h"

/* The phrases the sniff looks for in the body (markers.h). */
enum {
	M_NORIGINAL_MESSAGE_FOLLOWS,
};
static const char *const body_markers[] = {
	[M_NORIGINAL_MESSAGE_FOLLOWS] = "\nOriginal message follows.",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	if (bw_sniff__header_has(m, "X-Mailer", "<SMTP32 v") || bw_sniff__header_has(m, "X-Mailer", "<IMail v"))
		return BW_SNIFF_MARKERS;
	/* without its X-Mailer: IMail's separator line, under its subject or
	 * its "Mail for the following local user(s) of DOMAIN" */
	if (bw_found__in(f, M_NORIGINAL_MESSAGE_FOLLOWS) &&
	    (bw_sniff__subject_starts(m, "Undeliverable Mail") ||
	     (bw_sniff__null_return_path(m) && bw_sniff__body_has(m, "following local user"))))
		return BW_SNIFF_HINT;
	return 0;
}

/* The domain of a "following local user(s) of DOMAIN" line, or NULL (the
 * caller frees it). */
static char *local_users_domain(const char *l, size_t n)
{
	const char *p = bw_memcasemem(l, n, "local user"), *d, *e;
	char *dom;

	if (!p || !(d = bw_memcasemem(p, n - (size_t)(p - l), " of ")))
		return NULL;
	d += 4;
	for (e = d; e < l + n && (bw_isalnum((unsigned char)*e) || *e == '.' || *e == '-'); e++)
		;
	while (e > d && e[-1] == '.')
		e--;
	if (e == d || !memchr(d, '.', (size_t)(e - d)))
		return NULL;
	if (!(dom = bw_strndup(d, (size_t)(e - d))))
		bw_error__oom();
	return dom;
}

/* "pat: mailbox is full" under such a line: "pat@DOMAIN", or NULL. */
static char *local_part_line(const char *l, size_t n, const char *domain)
{
	const char *colon = memchr(l, ':', n), *p;

	while (n && bw_isspace((unsigned char)*l))
		l++, n--;
	if (!colon || colon == l || colon - l > 64)
		return NULL;
	for (p = l; p < colon; p++)
		if (!(bw_isalnum((unsigned char)*p) || strchr("._-+%", *p)))
			return NULL;
	return bw_addr__join(l, (size_t)(colon - l), domain, strlen(domain));
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t first = r->n_rcpt, len = bw_text__report_length(m);
	const char *end = bw_memcasemem(m->body, len, "Original message follows");
	const char *l;
	size_t n;
	bw_lines it;

	char *domain = NULL;
	const char *cause = NULL;   /* "Unknown host: mail.example.net" */
	size_t cause_n = 0;

	if (end)
		len = (size_t)(end - m->body);
	bw_lines__init(&it, m->body, len);
	while (bw_lines__next(&it, &l, &n)) {
		char *a;
		const char *colon = memchr(l, ':', n), *resp;
		bw_recipient *rc;

		/* "Mail for the following local user of example.net was not
		 * delivered:" then "pat: mailbox is full" */
		if (!domain && (domain = local_users_domain(l, n)))
			continue;
		if (domain && !memchr(l, '@', n) && (a = local_part_line(l, n, domain))) {
			if (!bw_decoders__find(r, first, a) &&
			    (rc = bw_decoders__add(r, a, colon + 1, n - (size_t)(colon + 1 - l))))
				bw_recipient__set(rc, BW_RCPT_ACTION, "failed");
			free(a);
			continue;
		}
		bool undeliverable = bw_memcasemem(l, n, "undeliverable to ") != NULL;
		/* "Delivery to 'x@y' failed", the remote reply on the next line */
		bool failed_to = bw_memcasemem(l, n, "delivery to ") && bw_memcasemem(l, n, "failed");

		if (failed_to) {
			const char *nl = memchr(it.p, '\n', len - (size_t)(it.p - m->body));
			size_t dn = (size_t)((nl ? nl : m->body + len) - l);

			if ((a = bw_text__first_address(l, n)) && !bw_decoders__find(r, first, a) &&
			    !bw_decoders__is_own_address(m, a) && (rc = bw_decoders__add(r, a, l, dn)))
				bw_recipient__set(rc, BW_RCPT_ACTION, "failed");
			free(a);
			continue;
		}
		/* "Label: address", but not a header-like "To:" / "CC:" line, nor
		 * one that says the address got the message ("Delivered to:") */
		if (!undeliverable && (!colon || colon - l < 6 ||
		                       bw_memcasemem(l, (size_t)(colon - l), "delivered")))
			continue;
		/* "Unknown host: mail.example.net" (a cause, no address) over
		 * "Could not deliver mail to: address" (an address, no cause) */
		if (!undeliverable && !memchr(l, '@', n)) {
			cause = l;
			cause_n = n;
			continue;
		}
		if (!(a = bw_text__first_address(undeliverable ? l : colon, n - (size_t)((undeliverable ? l : colon) - l))))
			continue;
		if (bw_decoders__find(r, first, a) || bw_decoders__is_own_address(m, a)) {
			free(a);
			continue;
		}
		/* the remote reply that follows the line: the cause of an
		 * "undeliverable to" line, and of a "Delivery failed 3 attempts:
		 * address", which says only that it failed */
		resp = undeliverable || bw_memcasemem(l, (size_t)(colon - l), "delivery failed")
		               ? bw_text__after(it.p, len - (size_t)(it.p - m->body), "generated response:")
		               : NULL;
		if (resp) {
			rc = bw_decoders__add(r, a, resp, len - (size_t)(resp - m->body));
		} else if (undeliverable) {
			rc = bw_decoders__add(r, a, l, n);
		} else if (colon - l == 7 && bw_strncasecmp(l, "RCPT TO", 7) == 0) {
			/* "RCPT TO:<address>", the server's reply on the next line */
			const char *nl = memchr(it.p, '\n', len - (size_t)(it.p - m->body));
			rc = bw_decoders__add(r, a, l, (size_t)((nl ? nl : m->body + len) - l));
		} else if (cause && bw_memcasemem(l, (size_t)(colon - l), "deliver")) {
			rc = bw_decoders__add(r, a, cause, cause_n);
		} else {
			rc = bw_decoders__add(r, a, l, (size_t)(colon - l));
		}
		free(a);
		if (!rc)
			break;
		bw_recipient__set(rc, BW_RCPT_ACTION, "failed");
	}
	free(domain);
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_imailserver = { "imailserver", sniff, decode, false, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
