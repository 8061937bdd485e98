/*
 * dsnnotice.c - the "automatically generated Delivery Status Notification"
 * layout: a framed notice listing the failed recipients as "* address"
 * lines under "Delivery to the following recipients failed permanently:"
 * (or "... was aborted after N hour(s):"), then a "Technical details:"
 * section with the transport's words, e.g.
 * "SMTP:RCPT host 192.0.2.8: 553 5.3.0 <a@example.com>... No such user here"
 * or "Routing: Could not find a gateway for a@example.com".
 *
 * Several unnamed gateways send this layout; a delivery-status part, when
 * they attach one, is read first and the technical details complete it.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

/* The phrases the sniff looks for in the body (markers.h): the notice's
 * own words, and the introductions of its list. */
enum {
	M_AUTOMATICALLY_GENERATED_DELIVERY_STATUS,
	M_LIST,
	N_MARKERS = M_LIST + 4
};
static const char *const body_markers[N_MARKERS] = {
	[M_AUTOMATICALLY_GENERATED_DELIVERY_STATUS] = "automatically generated Delivery Status Notification",
	[M_LIST] = "to the following recipients failed permanently",
	"to the following recipients was aborted after",
	"to the following recipients failed temporarily",
	"to the following recipients has been delayed",
};
static const char *const *const list_markers = body_markers + M_LIST;
#define N_LIST (N_MARKERS - M_LIST)

static int sniff(const bw_msg *m, const bw_found *f)
{
	if (!bw_found__in(f, M_AUTOMATICALLY_GENERATED_DELIVERY_STATUS))
		return 0;
	return bw_found__first(f, M_LIST, N_LIST, SIZE_MAX, NULL) ? BW_SNIFF_STRONG : 0;
}

/* The technical-details line for `addr` (and the lines that carry its
 * reply on), or the whole section when no line names an address. */
static void technical_details(const char *sec, size_t len, const char *addr, bw_buf *out)
{
	const char *line;
	size_t n;
	bw_lines it;
	bw_buf all = BW_BUF_INIT;

	bw_lines__init(&it, sec, len);
	while (bw_lines__next(&it, &line, &n)) {
		const char *t = line;
		while (n && bw_isspace((unsigned char)*t))
			t++, n--;
		while (n && bw_isspace((unsigned char)t[n - 1]))
			n--;
		if (!n || *t == '=')
			continue;
		if (bw_memcasemem(t, n, addr)) {
			/* with the lines that carry its reply on, up to a blank
			 * line or a line about another address */
			bw_buf__put(out, t, n);
			while (bw_lines__next(&it, &line, &n)) {
				const char *c = bw_text__trim(line, n, &n);

				if (!n || memchr(c, '@', n))
					break;
				bw_buf__putc(out, ' ');
				bw_buf__put(out, c, n);
			}
			bw_buf__free(&all);
			return;
		}
		if (all.len)
			bw_buf__putc(&all, ' ');
		bw_buf__put(&all, t, n);
	}
	if (all.len)
		bw_buf__put(out, all.p, all.len);
	bw_buf__free(&all);
}

/* The technical-details section: the text after the colon of the first
 * "Technical details...:" heading ("Technical details:", "Technical
 * details of permanent failure:", "... of temporary failure:"), or of a
 * line that starts "Reason:" (GoDaddy's notices; *reason_only set), at or
 * after `from`; NULL if there is none. */
static const char *technical_section(const char *from, const char *end, bool *reason_only)
{
	static const char *const headings[] = { "Technical details", "Reason:" };
	const char *h, *eol, *colon;
	size_t which = 0;

	while ((h = bw_text__find_any(from, (size_t)(end - from), headings, 2, &which))) {
		eol = memchr(h, '\n', (size_t)(end - h));
		if (!eol)
			eol = end;
		if ((which == 0 || h == from || h[-1] == '\n') && (colon = memchr(h, ':', (size_t)(eol - h)))) {
			*reason_only = which == 1;
			return colon + 1;
		}
		from = eol;
	}
	return NULL;
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t first = r->n_rcpt, which = 0, k;
	size_t len = bw_text__report_length(m);
	const char *at = bw_text__find_any(m->body, len, list_markers, N_LIST, &which);
	bool reason_only = false;
	const char *tech = technical_section(m->body, m->body + len, &reason_only);
	const char *line, *list_end = m->body + len;
	size_t n;
	bw_lines it;
	int got;

	if (!at)
		return 0;
	/* the technical details follow the list; one before it says nothing */
	if (tech && tech < at)
		tech = technical_section(at, m->body + len, &reason_only);
	if (tech)
		list_end = tech;
	if (m->dsn.n && (got = bw_dsn__decode(m, r)) < 0)
		return got;
	bw_lines__init(&it, at, (size_t)(list_end - at));
	bw_lines__next(&it, &line, &n);           /* the marker line itself */
	while (bw_lines__next(&it, &line, &n)) {
		const char *t = line;
		char *a;
		while (n && bw_isspace((unsigned char)*t))
			t++, n--;
		if (!n || *t != '*')
			continue;
		if ((a = bw_text__first_address(t, n)) && !bw_decoders__find(r, first, a)) {
			bw_recipient *rc = bw_decoders__add(r, a, NULL, 0);
			if (rc)
				bw_recipient__set(rc, BW_RCPT_ACTION, which >= 2 && which == 3 ? "delayed" : "failed");
		}
		free(a);
	}
	for (k = first; tech && k < r->n_rcpt; k++) {
		bw_recipient *rc = r->rcpt[k];
		bw_buf d = BW_BUF_INIT;
		const char *sec = tech;

		/* a "Reason:" in the notice's own words completes no delivery
		 * status part's Diagnostic-Code */
		if (reason_only && bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC))
			continue;
		technical_details(sec, len - (size_t)(sec - m->body), bw_recipient__get(rc, BW_RCPT_RECIPIENT), &d);
		if (d.len) {
			/* "SMTP:RCPT host 192.0.2.8: 553 ..." names the command */
			if (d.len > 9 && BW_HAS_PREFIX_CI(d.p, "SMTP:RCPT"))
				bw_recipient__set(rc, BW_RCPT_SMTP_COMMAND, "RCPT");
			else if (d.len > 9 && BW_HAS_PREFIX_CI(d.p, "SMTP:MAIL"))
				bw_recipient__set(rc, BW_RCPT_SMTP_COMMAND, "MAIL");
			else if (d.len > 9 && BW_HAS_PREFIX_CI(d.p, "SMTP:DATA"))
				bw_recipient__set(rc, BW_RCPT_SMTP_COMMAND, "DATA");
			bw_decoders__better_diag(rc, d.p, d.len);
		}
		bw_buf__free(&d);
	}
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_dsnnotice = { "dsnnotice", sniff, decode, false, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
