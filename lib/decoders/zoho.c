/*
 * zoho.c - Zoho Mail, From mailer-daemon@mail.zoho.com (User-Agent: Zoho
 * Mail).  Failures, one line per recipient:
 *
 *     user@example.com Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 <user@example.com>... User Unknown
 *
 * and delays ("Mail Delivery Status Notification (Delay)"):
 *
 *     [Status: Error, Address: <user@example.com>, ResponseCode 421, , Host not reachable.]
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

/* The phrases the sniff looks for in the body (markers.h). */
enum {
	M_ERROR_CODE,
	M_STATUS,
	M_MAIL_DELIVERY_S,
};
static const char *const body_markers[] = {
	[M_ERROR_CODE] = "ERROR_CODE :",
	[M_STATUS] = "[Status: ",
	[M_MAIL_DELIVERY_S] = "mail delivery s",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	bool from = bw_sniff__header_has(m, "From", "zoho.") || bw_sniff__header_has(m, "User-Agent", "Zoho");
	bool body = bw_found__in(f, M_ERROR_CODE) || bw_found__in(f, M_STATUS);

	return from && body ? BW_SNIFF_SIGNED : (body && bw_found__in(f, M_MAIL_DELIVERY_S) ? BW_SNIFF_HINT : 0);
}

/* "ERROR_CODE :550, ERROR_CODE :5.1.1 text" -> "550 5.1.1 text" */
static char *error_codes(const char *t, size_t tl)
{
	bw_buf b = BW_BUF_INIT;
	const char *p = t, *end = t + tl, *lead_end;

	lead_end = bw_memcasemem(t, tl, "ERROR_CODE");
	while (p < end) {
		const char *e = bw_text__after(p, (size_t)(end - p), "ERROR_CODE");
		const char *next, *stop;
		if (!e)
			break;
		while (e < end && (*e == ' ' || *e == ':'))
			e++;
		next = bw_memcasemem(e, (size_t)(end - e), "ERROR_CODE");
		stop = next ? next : end;
		while (stop > e && (stop[-1] == ' ' || stop[-1] == ','))
			stop--;
		if (b.len)
			bw_buf__putc(&b, ' ');
		bw_buf__put(&b, e, (size_t)(stop - e));
		p = next ? next : end;
	}
	/* the explanation in front ("Invalid Address") after the codes */
	if (lead_end && lead_end > t) {
		const char *s = t;
		size_t sl;
		while (s < lead_end && !bw_isspace((unsigned char)*s))
			s++; /* skip the address */
		s = bw_text__trim(s, (size_t)(lead_end - s), &sl);
		while (sl && (s[sl - 1] == ',' || s[sl - 1] == ' '))
			sl--;
		if (sl) {
			bw_buf__puts(&b, " (");
			bw_buf__put(&b, s, sl);
			bw_buf__putc(&b, ')');
		}
	}
	return bw_buf__detach(&b);
}

static int decode(const bw_msg *m, bw_report *r)
{
	/* not bw_text__report_length(): delays start "The original message was received" */
	size_t n = m->body_len, first = r->n_rcpt, len;
	bool delay = bw_sniff__body_has(m, "THIS IS A WARNING MESSAGE ONLY") || bw_sniff__subject_starts(m, "Mail Delivery Status Notification (Delay");
	const char *line;
	bw_lines it;

	bw_lines__init(&it, m->body, n);
	while (bw_lines__next(&it, &line, &len)) {
		size_t tl;
		const char *t = bw_text__trim(line, len, &tl);
		bw_recipient *rc = NULL;
		char *addr = NULL, *diag = NULL;

		if (bw_text__starts(t, tl, "[Status:") && bw_memcasemem(t, tl, "Address:")) {
			const char *a = bw_memcasemem(t, tl, "Address:");
			const char *code = bw_memcasemem(t, tl, "ResponseCode");
			addr = bw_text__first_address(a, tl - (size_t)(a - t));
			if (code) {
				bw_buf b = BW_BUF_INIT;
				const char *p = code + 12, *end = t + tl;
				if (end > p && end[-1] == ']')
					end--;
				for (; p < end; p++)
					if (*p != ',' || (b.len && p[-1] != ',' && p[-1] != ' '))
						bw_buf__putc(&b, *p == ',' ? ' ' : *p);
				diag = bw_buf__detach(&b);
			}
		} else if (bw_memcasemem(t, tl, "ERROR_CODE")) {
			size_t k = 0;
			while (k < tl && !bw_isspace((unsigned char)t[k]))
				k++;
			addr = bw_text__address_line(t, k);
			diag = addr ? error_codes(t, tl) : NULL;
		}
		if (addr) {
			rc = bw_decoders__add(r, addr, diag, diag ? strlen(diag) : 0);
			if (rc && delay)
				bw_recipient__set(rc, BW_RCPT_ACTION, "delayed");
		}
		free(addr);
		free(diag);
		if (addr && !rc)
			return BW_ENOMEM;
	}
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_zoho = { "zoho", sniff, decode, false, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
