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
#include "../error.h"
#include "../util.h"
#include "common.h"

static const char lead[] = "An error occurred while trying to deliver the mail to the following recipients:";
static const char tech[] = "Technical report:";
/* The phrases the sniff looks for in the body (markers.h). */
enum { M_LEAD, M_TECH };
static const char *const body_markers[] = { [M_LEAD] = lead, [M_TECH] = tech };

static int sniff(const bw_msg *m, const bw_found *f)
{
	bool body = bw_found__in(f, M_LEAD);

	if (m->feedback)
		return 0;
	if (bw_sniff__header_has(m, "X-Mailer", "Amazon WorkMail") ||
	    bw_sniff__header_has(m, "X-Original-Mailer", "Amazon WorkMail"))
		return body || m->dsn.n ? BW_SNIFF_SIGNED : BW_SNIFF_HINT;
	if (body && bw_found__in(f, M_TECH))
		return BW_SNIFF_MARKERS;
	if (body)
		return BW_SNIFF_WORDING;
	return 0;
}

/* Copies the fields of a scratch DSN group to the recipient. */
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

#define ORPHAN "orphan@group.invalid"

/* Parses one blank-line separated group into tmp.  A group whose
 * Final-Recipient is empty or missing but which has a Diagnostic-Code or
 * Status is kept under the placeholder address ORPHAN. */
static void parse_group(bw_report *tmp, const char *g, size_t len)
{
	bw_buf b = BW_BUF_INIT;
	bw_lines it;
	const char *line;
	size_t ll;
	bool has_rcpt = false, has_fields = false;

	bw_buf__puts(&b, "Final-Recipient: rfc822; " ORPHAN "\n");
	bw_lines__init(&it, g, len);
	while (bw_lines__next(&it, &line, &ll)) {
		if (ll >= 16 && bw_startswith_ci(line, "Final-Recipient:")) {
			const char *v = line + 16;
			while (v < line + ll && bw_isspace((unsigned char)*v))
				v++;
			if (v == line + ll)
				continue;       /* empty: dropped */
			has_rcpt = true;
		}
		if ((ll >= 16 && bw_startswith_ci(line, "Diagnostic-Code:")) ||
		    (ll >= 7 && bw_startswith_ci(line, "Status:")))
			has_fields = true;
		bw_buf__put(&b, line, ll);
		bw_buf__putc(&b, '\n');
	}
	if (b.p && (has_rcpt || has_fields)) {
		size_t skip = has_rcpt ? strlen("Final-Recipient: rfc822; " ORPHAN "\n") : 0;
		bw_dsn__parse_fields(tmp, b.p + skip, b.len - skip);
	}
	bw_buf__free(&b);
}

/* Reads the delivery-status groups (the message/delivery-status parts, or
 * the text after "Technical report:") into a scratch report. */
static bw_report *technical_report(const bw_msg *m)
{
	bw_report *tmp = bw_report__new(1000);
	const char *t, *p, *end = m->body + m->body_len;
	size_t i;

	if (!tmp)
		return NULL;
	for (i = 0; i < m->dsn.n; i++)
		bw_dsn__parse_fields(tmp, m->dsn.v[i], strlen(m->dsn.v[i]));
	if (tmp->n_rcpt || !(t = bw_memcasemem(m->body, m->body_len, tech)))
		return tmp;
	for (p = t + sizeof(tech) - 1; p < end;) {
		const char *blank = bw_memcasemem(p, (size_t)(end - p), "\n\n");
		const char *stop = blank ? blank + 1 : end;
		parse_group(tmp, p, (size_t)(stop - p));
		p = blank ? blank + 2 : end;
	}
	return tmp;
}

static bool is_orphan(const bw_recipient *g)
{
	const char *a = bw_recipient__get(g, BW_RCPT_RECIPIENT);

	return a && strcmp(a, ORPHAN) == 0;
}

/* Matches the scratch groups to the listed recipients: by address, then the
 * groups that lost their address, in order, to recipients without a group. */
static int match_groups(bw_report *r, size_t first, bw_report *tmp)
{
	bool *used = calloc(tmp->n_rcpt + 1, sizeof(bool));
	size_t i, k, orphan = 0;

	if (!used)
		return BW_ENOMEM;
	for (i = first; i < r->n_rcpt; i++) {
		const char *want = bw_recipient__get(r->rcpt[i], BW_RCPT_RECIPIENT), *a;
		for (k = 0; k < tmp->n_rcpt; k++)
			if (!used[k] && want && (a = bw_recipient__get(tmp->rcpt[k], BW_RCPT_RECIPIENT)) &&
			    bw_strcasecmp(a, want) == 0)
				break;
		if (k < tmp->n_rcpt) {
			used[k] = true;
			take_fields(r->rcpt[i], tmp->rcpt[k]);
		}
	}
	for (i = first; i < r->n_rcpt; i++) {
		if (bw_recipient__get(r->rcpt[i], BW_RCPT_DIAGNOSTIC) || bw_recipient__get(r->rcpt[i], BW_RCPT_STATUS))
			continue;
		while (orphan < tmp->n_rcpt && (used[orphan] || !is_orphan(tmp->rcpt[orphan])))
			orphan++;
		if (orphan == tmp->n_rcpt)
			break;
		used[orphan] = true;
		take_fields(r->rcpt[i], tmp->rcpt[orphan]);
	}
	free(used);
	return BW_OK;
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
	int err = BW_OK;

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
		return BW_ENOMEM;
	if (r->n_rcpt == first) {       /* no list: the groups are the recipients */
		for (i = 0; i < tmp->n_rcpt; i++) {
			bw_recipient *rc;
			if (is_orphan(tmp->rcpt[i]))
				continue;
			if ((rc = bw_decoders__add(r, bw_recipient__get(tmp->rcpt[i], BW_RCPT_RECIPIENT), NULL, 0)))
				take_fields(rc, tmp->rcpt[i]);
		}
	} else {
		err = match_groups(r, first, tmp);
	}
	bw_report_free(tmp);
	if (err < 0)
		return err;
	for (i = first; i < r->n_rcpt; i++) {
		if (!bw_recipient__get(r->rcpt[i], BW_RCPT_ACTION))
			bw_recipient__set(r->rcpt[i], BW_RCPT_ACTION, "failed");
		bw_decoders__use_inner_reply(r->rcpt[i]);
	}
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_amazonworkmail = { "amazonworkmail", sniff, decode, false, body_markers, 2 };
