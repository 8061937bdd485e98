/*
 * amazonses.c - Amazon SES (Simple Email Service), outbound.
 *
 * Two shapes reach a mailbox:
 *  - SES notifications (bounce, complaint, delivery, delivery delay) sent by
 *    SNS as mail: the body is one JSON object with "notificationType" (or
 *    "eventType" for event publishing), sometimes inside the SNS envelope's
 *    "Message" string.  Long lines may be wrapped by a relay ("!" at the end
 *    of a line and a space at the start of the next).
 *  - bounce mails from MAILER-DAEMON@...amazonses.com with a delivery-status
 *    part.  SES wraps the remote server's reply in its own ("554 4.4.7 Message
 *    expired ... <421 4.4.2 Connection timed out>", "5.1.0 - Unknown address
 *    error 550-'5.2.2 ...'"): the innermost codes are the remote server's.
 *
 * The JSON is read with a small scanner (the library's one cJSON user is
 * ledger_ndjson.c): string values of known keys inside the arrays SES
 * documents.
 */
#include <stdlib.h>
#include <string.h>

#include "../addr.h"
#include "../smtp.h"
#include "../util.h"
#include "common.h"

/* ---- a minimal JSON scanner over text[p..end) ---- */

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && bw_isspace((unsigned char)*p))
		p++;
	return p;
}

/* End of the JSON string starting at p (p points at '"'): just past the
 * closing quote, or end. */
static const char *string_end(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return end;
}

/* End of the JSON value starting at p. */
static const char *value_end(const char *p, const char *end)
{
	int depth = 0;

	p = skip_ws(p, end);
	if (p < end && *p == '"')
		return string_end(p, end);
	for (; p < end; p++) {
		if (*p == '"') {
			p = string_end(p, end) - 1;
		} else if (*p == '{' || *p == '[') {
			depth++;
		} else if (*p == '}' || *p == ']') {
			if (--depth <= 0)
				return depth < 0 ? p : p + 1;
		} else if (depth == 0 && (*p == ',' || bw_isspace((unsigned char)*p))) {
			return p;
		}
	}
	return end;
}

/* The value of `key` directly inside the object [obj, end) (obj at '{'),
 * or NULL.  *vend receives the end of the value. */
static const char *member(const char *obj, const char *end, const char *key, const char **vend)
{
	const char *p = skip_ws(obj, end);
	size_t klen = strlen(key);

	if (p >= end || *p != '{')
		return NULL;
	p++;
	for (;;) {
		const char *k, *ke, *v;
		p = skip_ws(p, end);
		if (p >= end || *p != '"')
			return NULL;
		k = p + 1;
		ke = string_end(p, end);
		p = skip_ws(ke, end);
		if (p >= end || *p != ':')
			return NULL;
		v = skip_ws(p + 1, end);
		p = value_end(v, end);
		if ((size_t)(ke - 1 - k) == klen && memcmp(k, key, klen) == 0) {
			*vend = p;
			return v;
		}
		p = skip_ws(p, end);
		if (p >= end || *p != ',')
			return NULL;
		p++;
	}
}

static void put_utf8(bw_buf *b, unsigned long c)
{
	if (c < 0x80) {
		bw_buf__putc(b, (char)c);
	} else if (c < 0x800) {
		bw_buf__putc(b, (char)(0xC0 | (c >> 6)));
		bw_buf__putc(b, (char)(0x80 | (c & 0x3F)));
	} else {
		bw_buf__putc(b, (char)(0xE0 | (c >> 12)));
		bw_buf__putc(b, (char)(0x80 | ((c >> 6) & 0x3F)));
		bw_buf__putc(b, (char)(0x80 | (c & 0x3F)));
	}
}

/* The decoded string value at v (NULL if v is not a string).  Caller frees. */
static char *string_value(const char *v, const char *end)
{
	bw_buf b = BW_BUF_INIT;
	const char *p;

	if (!v || v >= end || *v != '"')
		return NULL;
	bw_buf__put(&b, "", 0);
	for (p = v + 1; p < end && *p != '"'; p++) {
		if (*p != '\\' || p + 1 >= end) {
			bw_buf__putc(&b, *p);
			continue;
		}
		p++;
		switch (*p) {
		case 'n': case 'r': case 't': bw_buf__putc(&b, ' '); break;
		case 'b': case 'f': break;
		case 'u':
			if (p + 4 < end) {
				char hex[5] = { p[1], p[2], p[3], p[4], 0 };
				put_utf8(&b, strtoul(hex, NULL, 16));
				p += 4;
			}
			break;
		default: bw_buf__putc(&b, *p); break;
		}
	}
	return bw_buf__detach(&b);
}

static char *member_string(const char *obj, const char *end, const char *key)
{
	const char *ve, *v = member(obj, end, key, &ve);

	return v ? string_value(v, ve) : NULL;
}

/* Calls fn for each element of the array at v ('['). */
typedef void (*element_fn)(const char *el, const char *el_end, void *ctx);

static void each_element(const char *v, const char *end, element_fn fn, void *ctx)
{
	const char *p;

	if (!v || v >= end || *v != '[')
		return;
	p = v + 1;
	for (;;) {
		const char *e;
		p = skip_ws(p, end);
		if (p >= end || *p == ']')
			return;
		e = value_end(p, end);
		if (e <= p)
			return;
		fn(p, e, ctx);
		p = skip_ws(e, end);
		if (p >= end || *p != ',')
			return;
		p++;
	}
}

/* ---- notifications ---- */

typedef struct notice {
	bw_report *r;
	const char *kind;       /* "bounce", "complaint", "delivery", "delay" */
	char *feedback_type;    /* complaints */
	char *smtp_response;    /* deliveries */
	char *bounce_type;      /* bounces: "Permanent/General" */
	char *remote_mta;
	int added;
} notice;

static void set_diag(bw_recipient *rc, const char *diag)
{
	const char *semi;

	if (!diag || !*diag)
		return;
	/* "smtp; 550 5.1.1 user unknown": the RFC 3464 diagnostic type first */
	semi = strchr(diag, ';');
	if (semi && semi - diag < 12 && !memchr(diag, ' ', (size_t)(semi - diag))) {
		bw_recipient__set_len(rc, BW_RCPT_DIAGNOSTIC_TYPE, diag, (size_t)(semi - diag));
		diag = semi + 1;
	}
	bw_decoders__append_diag(rc, diag, strlen(diag));
}

static bw_recipient *add_address(notice *n, const char *address)
{
	char *a;
	bw_recipient *rc;

	if (!address || !(a = bw_text__first_address(address, strlen(address))))
		return NULL;
	rc = bw_decoders__add(n->r, a, NULL, 0);
	free(a);
	if (rc)
		n->added++;
	return rc;
}

static void recipient_object(const char *el, const char *el_end, void *ctx)
{
	notice *n = ctx;
	char *addr, *status, *action, *diag;
	bw_recipient *rc;

	if (*el == '"') {       /* delivery.recipients is a list of strings */
		addr = string_value(el, el_end);
		status = action = diag = NULL;
	} else {
		addr = member_string(el, el_end, "emailAddress");
		status = member_string(el, el_end, "status");
		action = member_string(el, el_end, "action");
		diag = member_string(el, el_end, "diagnosticCode");
	}
	if ((rc = add_address(n, addr))) {
		if (strcmp(n->kind, "complaint") == 0) {
			bw_recipient__set(rc, BW_RCPT_REASON, "feedback");
			bw_recipient__set(rc, BW_RCPT_FEEDBACK_TYPE, n->feedback_type);
			bw_recipient__evidence(rc, "Amazon SES complaint notification, feedback type %s",
			                       n->feedback_type);
			rc->permanent = 0;
			rc->hard_bounce = 0;
		} else if (strcmp(n->kind, "delivery") == 0) {
			bw_recipient__set(rc, BW_RCPT_ACTION, "delivered");
			set_diag(rc, n->smtp_response);
		} else {
			bw_recipient__set(rc, BW_RCPT_ACTION,
			                  action ? action : strcmp(n->kind, "delay") == 0 ? "delayed" : "failed");
			if (status && bw_smtp__status_valid(status, strlen(status)))
				bw_recipient__set(rc, BW_RCPT_STATUS, status);
			if (diag && *diag)
				set_diag(rc, diag);
			else if (n->bounce_type)   /* e.g. Permanent/Suppressed: no reply at all */
				set_diag(rc, n->bounce_type);
			bw_decoders__use_inner_reply(rc);
		}
		if (n->remote_mta && !bw_recipient__get(rc, BW_RCPT_REMOTE_MTA))
			bw_recipient__set(rc, BW_RCPT_REMOTE_MTA, n->remote_mta);
	}
	free(addr);
	free(status);
	free(action);
	free(diag);
}

/* Copies the JSON text from its first '{', undoing relay line wrapping. */
static char *json_text(const char *body, size_t len)
{
	const char *p = memchr(body, '{', len), *end = body + len;
	bw_buf b = BW_BUF_INIT;

	if (!p)
		return NULL;
	bw_buf__put(&b, "", 0);
	for (; p < end; p++) {
		if (*p == '!' && p + 2 < end && p[1] == '\n' && p[2] == ' ') {
			p += 2;
			continue;
		}
		if (*p == '\n')
			continue;
		bw_buf__putc(&b, *p);
	}
	return bw_buf__detach(&b);
}

static const char *const kinds[][3] = {
	/* notification type, object key, recipients array */
	{ "Bounce", "bounce", "bouncedRecipients" },
	{ "Complaint", "complaint", "complainedRecipients" },
	{ "Delivery", "delivery", "recipients" },
	{ "DeliveryDelay", "deliveryDelay", "delayedRecipients" },
};

static int decode_json(const char *json, bw_report *r, int depth)
{
	const char *end = json + strlen(json), *ve, *obj, *oe, *arr;
	char *type = member_string(json, end, "notificationType");
	notice n = { r, NULL, NULL, NULL, NULL, NULL, 0 };
	size_t i;

	if (!type)
		type = member_string(json, end, "eventType");
	if (!type) {
		/* the SNS envelope: {"Type":"Notification", "Message":"{...}"} */
		char *inner = member_string(json, end, "Message");
		int got = 0;
		if (inner && depth == 0 && inner[0] == '{')
			got = decode_json(inner, r, depth + 1);
		free(inner);
		return got;
	}
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(type, kinds[i][0]) == 0)
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0]) || !(obj = member(json, end, kinds[i][1], &oe))) {
		free(type);
		return 0;
	}
	n.kind = i == 0 ? "bounce" : i == 1 ? "complaint" : i == 2 ? "delivery" : "delay";
	if (i == 1) {
		n.feedback_type = member_string(obj, oe, "complaintFeedbackType");
		if (!n.feedback_type)   /* a complaint without a type is an abuse report */
			n.feedback_type = bw_strndup("abuse", 5);
	}
	if (i == 2)
		n.smtp_response = member_string(obj, oe, "smtpResponse");
	if (i == 0) {
		char *bt = member_string(obj, oe, "bounceType"), *st = member_string(obj, oe, "bounceSubType");
		bw_buf b = BW_BUF_INIT;
		bw_buf__printf(&b, "Amazon SES bounce: %s/%s", bt ? bt : "?", st ? st : "?");
		n.bounce_type = bw_buf__detach(&b);
		free(bt);
		free(st);
	}
	if (i == 3)
		n.remote_mta = member_string(obj, oe, "remoteMtaIp");
	{
		char *rm = member_string(obj, oe, "reportingMTA");
		if (rm) {
			const char *semi = strchr(rm, ';');
			char *v = bw_squeeze_dup(semi ? semi + 1 : rm, strlen(semi ? semi + 1 : rm));
			bw_report__set(r, BW_REPORT_REPORTING_MTA, v);
			free(v);
			free(rm);
		}
	}
	arr = member(obj, oe, kinds[i][2], &ve);
	each_element(arr, ve, recipient_object, &n);
	if (n.added && (i == 1 || i == 2)) {
		r->kind = i == 1 ? BW_KIND_FEEDBACK : BW_KIND_DELIVERED;
		r->kind_set = true;
		if (i == 1)
			bw_report__set(r, BW_REPORT_FEEDBACK_TYPE, n.feedback_type);
	}
	free(type);
	free(n.feedback_type);
	free(n.smtp_response);
	free(n.bounce_type);
	free(n.remote_mta);
	return n.added;
}

static bool ses_headers(const bw_msg *m)
{
	return bw_sniff__header_has(m, "From", "amazonses.com") ||
	       bw_sniff__header_has(m, "From", "sns.amazonaws.com") ||
	       bw_sniff__header_has(m, "Feedback-ID", ":AmazonSES") ||
	       bw_msg__header(m, "X-SES-Outgoing") != NULL ||
	       bw_msg__header(m, "x-amz-sns-message-id") != NULL;
}

/* The phrases the sniff looks for in the body (markers.h). */
enum {
	M_NOTIFICATIONTYPE,
	M_EVENTTYPE,
	M_MAIL,
	M_MESSAGEID,
	M_BOUNCEDRECIPIENTS,
	M_COMPLAINEDRECIPIENTS,
};
static const char *const body_markers[] = {
	[M_NOTIFICATIONTYPE] = "\"notificationType",
	[M_EVENTTYPE] = "\"eventType",
	[M_MAIL] = "\"mail",
	[M_MESSAGEID] = "\"messageId",
	[M_BOUNCEDRECIPIENTS] = "\"bouncedRecipients",
	[M_COMPLAINEDRECIPIENTS] = "\"complainedRecipients",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	bool json = bw_found__in(f, M_NOTIFICATIONTYPE) || bw_found__in(f, M_EVENTTYPE);

	if (m->feedback)
		return 0;
	if (json && ses_headers(m))
		return BW_SNIFF_CERTAIN;
	if (json && bw_found__in(f, M_MAIL) &&
	    (bw_found__in(f, M_MESSAGEID) || bw_found__in(f, M_BOUNCEDRECIPIENTS) ||
	     bw_found__in(f, M_COMPLAINEDRECIPIENTS)))
		return BW_SNIFF_LIKELY;
	if (m->dsn.n && bw_sniff__header_has(m, "From", "amazonses.com"))
		return BW_SNIFF_STRONG;
	return 0;
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t first = r->n_rcpt, i;
	int got;

	if (bw_sniff__body_has(m, "\"notificationType") || bw_sniff__body_has(m, "\"eventType")) {
		char *json = json_text(m->body, m->body_len);
		got = json ? decode_json(json, r, 0) : 0;
		free(json);
		if (got)
			return got;
	}
	if ((got = bw_dsn__decode(m, r)) <= 0)
		return got;
	for (i = first; i < r->n_rcpt; i++)
		bw_decoders__use_inner_reply(r->rcpt[i]);
	return got;
}

const bw_decoder bw_decoder_amazonses = { "amazonses", sniff, decode, false, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
