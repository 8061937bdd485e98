/*
 * prose.c - the last resort: a bounce from a server no other decoder knows.
 *
 * Claims (with the lowest confidence, 1) messages that look like a bounce:
 * from a mailer-daemon or postmaster, a bounce subject, X-Failed-Recipients,
 * or a multipart/report without a delivery-status part.  Reads the report
 * part of the body only (before the returned original) and takes as failed
 * recipients:
 *   - "<address>:" paragraphs, their text as the diagnostic;
 *   - addresses on lines that say something failed ("could not be delivered
 *     to", "undeliverable to", "... said: 550 ...", "user unknown", ...),
 *     with the rest of that line and the lines after it as the diagnostic;
 *   - addresses listed under a "following recipients/addresses" line.
 * Never the bounce's own To: or the original sender, never an address on a
 * "contact"/"please" line, never mailer-daemon or postmaster addresses that
 * merely sign the report.  X-Failed-Recipients is used when the text names
 * no one.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

static const char *const subjects[] = {
	"Undeliverable", "Undelivered", "Returned mail", "Delivery Status Notification",
	"failure notice", "Mail delivery failed", "Delivery failure", "Mail System Error",
	"Delivery Notification", "Nondeliverable", "Non-delivery", "Mail could not be delivered",
	"Message delivery has failed", "failed delivery", "Delivery status notification",
	"Returned Mail", "Message not delivered", "Undeliverable mail", "DELIVERY FAILURE",
};

static int sniff(const bw_msg *m)
{
	size_t i;

	if (bw_sniff__from_daemon(m) || bw_msg__header(m, "X-Failed-Recipients"))
		return 1;
	for (i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++)
		if (bw_sniff__subject_starts(m, subjects[i]))
			return 1;
	/* A read receipt (report-type disposition-notification) is no bounce. */
	if (strcmp(m->content_type, "multipart/report") == 0 && !m->dsn.n && !m->feedback &&
	    strcmp(m->report_type, "disposition-notification") != 0)
		return 1;
	return 0;
}

static const char *const triggers[] = {
	"could not be delivered to", "couldn't be delivered to", "undeliverable to",
	"unable to deliver", "not delivered to", "delivery to", "failed", "said:",
	"unknown", "does not exist", "doesn't exist", "no such", "rejected", "invalid",
	"not found", "over quota", "quota exceeded", "mailbox full", "mailbox is full",
	"refused", "denied", "error", "undeliverable", "not permitted", "disabled",
	"returned", "bounced",
};

static const char *const ends[] = {
	"Original message follows", "--- Original message", "copy of the original message",
	"original message is attached", "attached is the original message",
	"Below is a copy", "Message headers follow", "original message headers",
	"Original mail as follows", "original mail info",
	"Content-Type: message/", "Received: from", "Return-Path:",
};

static bool has_any(const char *l, size_t n, const char *const *v, size_t nv)
{
	return bw_text__find_any(l, n, v, nv, NULL) != NULL;
}

static bool ignorable_address(const bw_msg *m, const char *a, const char *line, size_t n)
{
	static const char *const noise[] = { "contact", "please", "http", "help", "From:", "Reply-To:", "Sender:" };

	if (bw_decoders__is_own_address(m, a))
		return true;
	if (bw_startswith_ci(a, "mailer-daemon@") || bw_startswith_ci(a, "postmaster@"))
		return true;
	return has_any(line, n, noise, sizeof(noise) / sizeof(noise[0]));
}

static bw_recipient *add_once(const bw_msg *m, bw_report *r, size_t first, const char *a,
                              const char *diag, size_t diag_len)
{
	(void)m;
	if (bw_decoders__find(r, first, a))
		return NULL;
	return bw_decoders__add(r, a, diag, diag_len);
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t first = r->n_rcpt, len = bw_text__report_length(m), pos = 0;
	const char *end = bw_text__find_any(m->body, len, ends, sizeof(ends) / sizeof(ends[0]), NULL);
	const char *l;
	size_t n;
	bool listing = false;
	bw_addr_para p;
	bw_lines it;

	if (!memchr(m->body, '@', len)) {
		/* cut at a "The original message was received" preamble */
		len = m->body_len;
		end = bw_text__find_any(m->body, len, ends, sizeof(ends) / sizeof(ends[0]), NULL);
	}
	if (end) {
		/* back to the start of that line */
		while (end > m->body && end[-1] != '\n')
			end--;
		len = (size_t)(end - m->body);
	}
	while (bw_text__next_addr_para(m->body, len, &pos, &p)) {
		if (!bw_decoders__is_own_address(m, p.address))
			add_once(m, r, first, p.address, p.text, p.len);
		bw_addr_para__clear(&p);
	}
	if (r->n_rcpt == first) {
		bw_lines__init(&it, m->body, len);
		while (bw_lines__next(&it, &l, &n)) {
			char *a;
			const char *after;
			size_t k;
			if (!n || !memchr(l, '@', n)) {
				if (bw_memcasemem(l, n, "following") &&
				    (bw_memcasemem(l, n, "recipient") || bw_memcasemem(l, n, "address")))
					listing = true;
				else if (n && listing && r->n_rcpt > first)
					listing = false;
				continue;
			}
			if (!(a = bw_text__first_address(l, n)))
				continue;
			if (ignorable_address(m, a, l, n) ||
			    (!listing && !has_any(l, n, triggers, sizeof(triggers) / sizeof(triggers[0])))) {
				free(a);
				continue;
			}
			/* the diagnostic: this line and the lines up to a blank one */
			after = it.p;
			for (k = 0; after + k < m->body + len; ) {
				const char *nl = memchr(after + k, '\n', (size_t)(m->body + len - after - k));
				size_t ll = nl ? (size_t)(nl - after - k) : (size_t)(m->body + len - after - k);
				bool blank = true;
				size_t q;
				for (q = 0; q < ll; q++)
					if (!bw_isspace((unsigned char)after[k + q]))
						blank = false;
				if (blank)
					break;
				if (memchr(after + k, '@', ll)) {
					/* another recipient's line ends it; this one's does not */
					char *o = bw_text__first_address(after + k, ll);
					bool other = o && bw_strcasecmp(o, a) != 0;
					free(o);
					if (other)
						break;
				}
				k += ll + (nl ? 1 : 0);
			}
			{
				bw_buf d = BW_BUF_INIT;
				char *ds;
				bw_buf__put(&d, l, n);
				bw_buf__putc(&d, ' ');
				bw_buf__put(&d, after, k);
				ds = bw_buf__detach(&d);
				add_once(m, r, first, a, ds, ds ? strlen(ds) : 0);
				free(ds);
			}
			free(a);
		}
	}
	if (r->n_rcpt == first) {
		const char *failed = bw_msg__header(m, "X-Failed-Recipients");
		const char *q = failed;
		while (q && *q) {
			size_t k = strcspn(q, ",");
			char *a = bw_text__first_address(q, k);
			if (a)
				add_once(m, r, first, a, NULL, 0);
			free(a);
			q += k;
			if (*q == ',')
				q++;
		}
	}
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_prose = { "prose", sniff, decode };
