/*
 * amazonworkmail.c - Amazon WorkMail (and SES bounce mails of the same shape).
 *
 *   An error occurred while trying to deliver the mail to the following recipients:
 *   user@example.com
 *
 *   Technical report:
 *
 *   Reporting-MTA: dsn; a27-85.smtp-out.us-west-2.amazonses.com
 *
 *   Action: failed
 *   Final-Recipient: rfc822; user@example.com
 *   Diagnostic-Code: smtp; 550 5.1.1 <user@example.com>... User Unknown
 *   Status: 5.1.1
 *
 * The delivery-status fields are in the text part (there may be no
 * message/delivery-status part at all), and groups can be incomplete (an
 * empty Final-Recipient): the recipient list at the top is authoritative.
 * The diagnostic wraps the remote reply in SES's own on expiry
 * ("554 4.4.7 Message expired ... <421 4.4.2 Connection timed out>").
 */
#include <stdlib.h>
#include <string.h>

#include "../dsn.h"
#include "../util.h"
#include "common.h"

static const char lead[] = "An error occurred while trying to deliver the mail to the following recipients:";
static const char tech[] = "Technical report:";

static int sniff(const bw_msg *m)
{
	bool body = bw_sniff__body_has(m, lead);

	if (m->feedback)
		return 0;
	if (bw_sniff__header_has(m, "X-Mailer", "Amazon WorkMail") ||
	    bw_sniff__header_has(m, "X-Original-Mailer", "Amazon WorkMail"))
		return body || m->dsn.n ? 85 : 40;
	if (body && bw_sniff__body_has(m, tech))
		return 80;
	if (body)
		return 60;
	return 0;
}

/* Copies the fields of the DSN group(s) found for `rc`'s address in tmp. */
static void take_fields(bw_recipient *rc, const bw_recipient *src)
{
	static const bw_recipient_field f[] = { BW_RCPT_ACTION, BW_RCPT_STATUS, BW_RCPT_REPLY_CODE,
		BW_RCPT_REMOTE_MTA, BW_RCPT_DIAGNOSTIC_TYPE, BW_RCPT_DIAGNOSTIC, BW_RCPT_LAST_ATTEMPT_DATE,
		BW_RCPT_ORIGINAL_RECIPIENT };
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (bw_recipient__get(src, f[i]) && !bw_recipient__get(rc, f[i]))
			bw_recipient__set(rc, f[i], bw_recipient__get(src, f[i]));
}

/* Reads the delivery-status groups of `text` into a scratch report,
 * including groups without an address (kept by giving them none). */
static bw_report *technical_report(const bw_msg *m)
{
	bw_report *tmp = bw_report__new(1000);
	size_t i;

	if (!tmp)
		return NULL;
	for (i = 0; i < m->dsn.n; i++)
		bw_dsn__parse_fields(tmp, m->dsn.v[i], strlen(m->dsn.v[i]));
	if (tmp->n_rcpt == 0) {
		const char *t = bw_memcasemem(m->body, m->body_len, tech);
		if (t) {
			size_t off = (size_t)(t - m->body) + sizeof(tech) - 1;
			bw_dsn__parse_fields(tmp, m->body + off, m->body_len - off);
		}
	}
	return tmp;
}

/* The diagnostic of a group that lost its address: the text parts after a
 * "Diagnostic-Code:" line that has no Final-Recipient before it. */
static char *orphan_diagnostic(const bw_msg *m)
{
	const char *d = bw_memcasemem(m->body, m->body_len, "Diagnostic-Code:");
	const char *end = m->body + m->body_len, *p, *semi;
	bw_lines it;
	const char *line;
	size_t len;
	bw_buf b = BW_BUF_INIT;

	if (!d)
		return NULL;
	p = d + strlen("Diagnostic-Code:");
	bw_lines__init(&it, p, (size_t)(end - p));
	if (!bw_lines__next(&it, &line, &len))
		return NULL;
	bw_buf__put(&b, line, len);
	while (bw_lines__next(&it, &line, &len) && len && (line[0] == ' ' || line[0] == '\t')) {
		bw_buf__putc(&b, ' ');
		bw_buf__put(&b, line, len);
	}
	p = bw_buf__detach(&b);
	if (p && (semi = strchr(p, ';')) && semi - p < 12) {
		char *v = bw_squeeze_dup(semi + 1, strlen(semi + 1));
		free((char *)p);
		return v;
	}
	return (char *)p;
}

static int decode(const bw_msg *m, bw_report *r)
{
	const char *at = bw_memcasemem(m->body, m->body_len, lead);
	const char *end = m->body + m->body_len;
	size_t first = r->n_rcpt, i;
	bw_report *tmp;
	bw_lines it;
	const char *line;
	size_t len;

	if (!at)
		return bw_dsn__decode(m, r);
	at += sizeof(lead) - 1;
	bw_lines__init(&it, at, (size_t)(end - at));
	bw_lines__next(&it, &line, &len);       /* rest of the lead line */
	while (bw_lines__next(&it, &line, &len)) {
		char *a;
		if (len == 0 || bw_memcasemem(line, len, tech))
			break;
		if ((a = bw_text__first_address(line, len))) {
			if (!bw_decoders__find(r, first, a))
				bw_decoders__add(r, a, NULL, 0);
			free(a);
		}
	}
	if (!(tmp = technical_report(m)))
		return (int)(r->n_rcpt - first);
	if (r->n_rcpt == first) {       /* no list: the groups are the recipients */
		for (i = 0; i < tmp->n_rcpt; i++) {
			bw_recipient *rc = bw_decoders__add(r, bw_recipient__get(tmp->rcpt[i], BW_RCPT_RECIPIENT), NULL, 0);
			if (rc)
				take_fields(rc, tmp->rcpt[i]);
		}
	} else {
		for (i = first; i < r->n_rcpt; i++) {
			bw_recipient *rc = r->rcpt[i];
			bw_recipient *src = bw_decoders__find(tmp, 0, bw_recipient__get(rc, BW_RCPT_RECIPIENT));
			if (!src && tmp->n_rcpt == 1 && r->n_rcpt - first == 1)
				src = tmp->rcpt[0];
			if (src)
				take_fields(rc, src);
		}
		/* one recipient, one group whose Final-Recipient was lost */
		if (tmp->n_rcpt == 0 && r->n_rcpt - first == 1) {
			char *d = orphan_diagnostic(m);
			if (d) {
				bw_decoders__append_diag(r->rcpt[first], d, strlen(d));
				free(d);
			}
		}
	}
	bw_report_free(tmp);
	for (i = first; i < r->n_rcpt; i++) {
		if (!bw_recipient__get(r->rcpt[i], BW_RCPT_ACTION))
			bw_recipient__set(r->rcpt[i], BW_RCPT_ACTION, "failed");
		bw_decoders__use_inner_reply(r->rcpt[i]);
	}
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_amazonworkmail = { "amazonworkmail", sniff, decode };
