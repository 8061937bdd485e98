/*
 * messagingserver.c - Sun Java System / Oracle Communications Messaging
 * Server (iPlanet, also used by iCloud):
 *
 *     This report relates to a message you sent with the following header fields:
 *     ...
 *     Your message cannot be delivered to the following recipients:
 *
 *       Recipient address: user@example.com
 *       Original address: alias@example.com
 *       Reason: Remote SMTP server has rejected address
 *       Diagnostic code: smtp;550 5.1.1 <user@example.com>... User Unknown
 *       Remote system: dns;mx.example.com (TCP|192.0.2.1|47323|192.0.2.2|25) (banner)
 *
 * Usually with a DSN as well; the decoder starts from it when present.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

/* The phrases the sniff looks for in the body (markers.h). */
enum {
	M_THIS_REPORT_RELATES_TO,
	M_RECIPIENT_ADDRESS,
	M_REASON,
};
static const char *const body_markers[] = {
	[M_THIS_REPORT_RELATES_TO] = "This report relates to a message you sent",
	[M_RECIPIENT_ADDRESS] = "Recipient address:",
	[M_REASON] = "Reason:",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	bool intro = bw_found__in(f, M_THIS_REPORT_RELATES_TO);
	bool fields = bw_found__in(f, M_RECIPIENT_ADDRESS);

	if (intro && fields)
		return BW_SNIFF_SIGNED;
	if (fields && bw_found__in(f, M_REASON))
		return BW_SNIFF_PARTIAL;
	return 0;
}

static const char *value_of(const char *t, size_t tl, const char *label, size_t *vl)
{
	size_t n = strlen(label);

	if (!bw_text__starts(t, tl, label))
		return NULL;
	return bw_text__trim(t + n, tl - n, vl);
}

static void set_remote(bw_recipient *rc, const char *v, size_t vl)
{
	size_t k = 0;

	if (bw_text__skip(&v, &vl, "dns;")) {
	}
	while (k < vl && !bw_isspace((unsigned char)v[k]))
		k++;
	if (k && !bw_recipient__get(rc, BW_RCPT_REMOTE_MTA))
		bw_recipient__set_len(rc, BW_RCPT_REMOTE_MTA, v, k);
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t n = bw_text__report_length(m), first = r->n_rcpt, len;
	bool from_dsn;
	const char *line;
	bw_recipient *cur = NULL;
	char *reason = NULL;
	bw_lines it;
	int rc;

	if (m->dsn.n && (rc = bw_dsn__decode(m, r)) < 0)
		return rc;
	from_dsn = r->n_rcpt > first;
	bw_lines__init(&it, m->body, n);
	while (bw_lines__next(&it, &line, &len)) {
		size_t tl, vl;
		const char *t = bw_text__trim(line, len, &tl), *v;

		if ((v = value_of(t, tl, "Recipient address:", &vl))) {
			char *addr = bw_text__address_line(v, vl);
			if (cur && reason && !bw_recipient__get(cur, BW_RCPT_DIAGNOSTIC))
				bw_recipient__set(cur, BW_RCPT_DIAGNOSTIC, reason);
			free(reason);
			reason = NULL;
			cur = NULL;
			if (!addr)
				continue;
			cur = bw_decoders__find(r, first, addr);
			if (!cur && !from_dsn)
				cur = bw_decoders__add(r, addr, NULL, 0);
			free(addr);
		} else if (!cur) {
			continue;
		} else if ((v = value_of(t, tl, "Reason:", &vl))) {
			free(reason);
			reason = bw_strndup(v, vl);
		} else if ((v = value_of(t, tl, "Diagnostic code:", &vl))) {
			const char *semi = memchr(v, ';', vl);
			if (semi && semi - v < 12) {
				vl -= (size_t)(semi + 1 - v);
				v = semi + 1;
			}
			bw_decoders__better_diag(cur, v, vl);
		} else if ((v = value_of(t, tl, "Remote system:", &vl))) {
			set_remote(cur, v, vl);
		} else if ((v = value_of(t, tl, "Original address:", &vl))) {
			char *addr = bw_text__address_line(v, vl);
			if (addr && !bw_recipient__get(cur, BW_RCPT_ORIGINAL_RECIPIENT))
				bw_recipient__set(cur, BW_RCPT_ORIGINAL_RECIPIENT, addr);
			free(addr);
		}
	}
	if (cur && reason && !bw_recipient__get(cur, BW_RCPT_DIAGNOSTIC))
		bw_recipient__set(cur, BW_RCPT_DIAGNOSTIC, reason);
	free(reason);
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_messagingserver = { "messagingserver", sniff, decode, false, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
