/*
 * ledger_input.c - from a diagnosed message to ledger entries: which event
 * each recipient is, who the subscriber is (VERP, a header of the returned
 * original, Original-Recipient, the recipient), when it happened, and the
 * bounce's identity.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "error.h"
#include "ledger.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* Dates                                                                */
/* ------------------------------------------------------------------ */

static long long days_from_civil(long y, unsigned m, unsigned d)
{
	/* Howard Hinnant's algorithm: days since 1970-01-01. */
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (long long)era * 146097 + (long long)doe - 719468;
}

static int month_of(const char *s)
{
	static const char *const names[] = { "jan", "feb", "mar", "apr", "may", "jun",
		"jul", "aug", "sep", "oct", "nov", "dec" };
	int i;

	for (i = 0; i < 12; i++)
		if (bw_strncasecmp(s, names[i], 3) == 0)
			return i + 1;
	return 0;
}

static long zone_of(const char *s)
{
	static const struct { const char *name; int hours; } zones[] = {
		{ "UT", 0 }, { "GMT", 0 }, { "UTC", 0 }, { "Z", 0 }, { "EST", -5 }, { "EDT", -4 },
		{ "CST", -6 }, { "CDT", -5 }, { "MST", -7 }, { "MDT", -6 }, { "PST", -8 }, { "PDT", -7 },
		{ "JST", 9 }, { "CET", 1 }, { "CEST", 2 },
	};
	size_t i;

	while (*s == ' ')
		s++;
	if ((*s == '+' || *s == '-') && bw_isdigit(s[1]) && bw_isdigit(s[2])) {
		long h = (s[1] - '0') * 10 + (s[2] - '0'), m = 0;
		const char *p = s + 3;
		if (*p == ':')
			p++;
		if (bw_isdigit(p[0]) && bw_isdigit(p[1]))
			m = (p[0] - '0') * 10 + (p[1] - '0');
		return (*s == '-' ? -1 : 1) * (h * 3600 + m * 60);
	}
	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		if (bw_strncasecmp(s, zones[i].name, strlen(zones[i].name)) == 0)
			return zones[i].hours * 3600L;
	return 0;
}

bool bw_ledger__parse_date(const char *s, long long *out)
{
	long y, d, hh = 0, mi = 0, ss = 0;
	int mo, n = 0;
	char mon[4];
	const char *p;

	if (!s || !*s)
		return false;
	while (*s == ' ')
		s++;
	/* ISO 8601: 2026-12-01T10:00:00Z or with a space */
	if (sscanf(s, "%4ld-%2d-%2ld%*1[T ]%2ld:%2ld:%2ld%n", &y, &mo, &d, &hh, &mi, &ss, &n) == 6 && n > 0) {
		*out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + hh * 3600 + mi * 60 + ss
			- zone_of(s + n);
		return true;
	}
	/* RFC 5322: [Day,] DD Mon YYYY HH:MM[:SS] zone */
	if ((p = strchr(s, ',')) && p - s < 12)
		s = p + 1;
	n = 0;
	if (sscanf(s, " %ld %3s %ld %ld:%ld%n", &d, mon, &y, &hh, &mi, &n) != 5 || n == 0)
		return false;
	p = s + n;
	if (*p == ':' && sscanf(p + 1, "%ld%n", &ss, &n) == 1)
		p += 1 + n;
	if (!(mo = month_of(mon)) || d < 1 || d > 31 || hh > 23 || mi > 59 || ss > 60)
		return false;
	if (y < 100)
		y += y < 50 ? 2000 : 1900;
	*out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + hh * 3600 + mi * 60 + ss
		- zone_of(p);
	return true;
}

/* ------------------------------------------------------------------ */
/* Addresses                                                            */
/* ------------------------------------------------------------------ */

char *bw_ledger__norm_address(const char *s)
{
	const char *start, *end, *lt;
	char *out;
	size_t i;

	if (!s)
		return NULL;
	while (bw_isspace(*s))
		s++;
	if (bw_startswith_ci(s, "rfc822;"))
		s += 7;
	if ((lt = strchr(s, '<')) && strchr(lt, '>'))
		s = lt + 1;
	start = s;
	while (bw_isspace(*start))
		start++;
	end = start;
	while (*end && *end != '>' && !bw_isspace(*end) && *end != ',')
		end++;
	out = bw_strndup(start, (size_t)(end - start));
	if (!out)
		return NULL;
	if (!strchr(out, '@') || out[0] == '@' || out[strlen(out) - 1] == '@') {
		free(out);
		return NULL;
	}
	for (i = 0; out[i]; i++)
		out[i] = (char)bw_lower((unsigned char)out[i]);
	return out;
}

char *bw_ledger__verp_decode(const bw_policy *p, const char *addr)
{
	char *a = bw_ledger__norm_address(addr), *at, *sep, *res;
	size_t plen = strlen(p->verp_prefix);

	if (!a || !p->verp_prefix[0] || !p->verp_separator[0]) {
		free(a);
		return NULL;
	}
	at = strrchr(a, '@');
	*at = '\0';
	sep = strstr(a, p->verp_separator);
	if (!sep || (strcmp(p->verp_prefix, "*") != 0 &&
	             ((size_t)(sep - a) != plen || bw_strncasecmp(a, p->verp_prefix, plen) != 0))) {
		free(a);
		return NULL;
	}
	sep += strlen(p->verp_separator);
	res = bw_addr__verp_subscriber(sep, strlen(sep));
	free(a);
	return res;
}

/* ------------------------------------------------------------------ */
/* Report -> entries                                                    */
/* ------------------------------------------------------------------ */

static const char *nz(const char *s)
{
	return s && *s ? s : NULL;
}

/* The event a recipient of a message of kind `kind` is, or -1 for none. */
static int event_of(const char *kind, const bw_ledger_rcpt_view *rc)
{
	if (!strcmp(kind, "feedback"))   /* a "not-spam" report is no complaint */
		return rc->feedback_type && !bw_strcasecmp(rc->feedback_type, "not-spam") ? -1
			: BW_LEDGER_COMPLAINT;
	if (!strcmp(kind, "delivered") || (rc->reason && !strcmp(rc->reason, "delivered")))
		return BW_LEDGER_SUCCESS;
	if (rc->action && !strcmp(rc->action, "delayed"))
		return BW_LEDGER_DELAY;
	if (!strcmp(kind, "delay"))
		return BW_LEDGER_DELAY;
	if (!strcmp(kind, "bounce") || !strcmp(kind, "reply"))
		return BW_LEDGER_BOUNCE;
	return -1;     /* autoreply, not-a-bounce */
}

int bw_ledger__add_view(bw_ledger *l, const bw_ledger_view *v, size_t *added)
{
	const bw_policy *p = &l->policy;
	char *verp = NULL, *header = NULL, *report_id = NULL;
	long long when = 0, t;
	size_t i, n_added = 0;
	int e, rc = BW_OK, one;

	if (added)
		*added = 0;
	/* VERP and a per-recipient header name one subscriber per message. */
	for (i = 0; i < (size_t)v->n_envelope && !verp; i++)
		verp = bw_ledger__verp_decode(p, v->envelope[i]);
	if (p->subscriber_header[0] && v->subscriber_header)
		header = bw_ledger__norm_address(v->subscriber_header);
	if (!bw_ledger__parse_date(v->date, &when) && !bw_ledger__parse_date(v->arrival, &when))
		when = 0;
	if (nz(v->message_id)) {
		report_id = bw_strdup(v->message_id);
	} else {
		bw_buf b = BW_BUF_INIT;
		bw_buf__printf(&b, "%s|%s|%s", v->date ? v->date : "", v->from ? v->from : "",
		               v->subject ? v->subject : "");
		report_id = bw_buf__detach(&b);
	}
	for (i = 0; i < v->n_rcpt && rc == BW_OK; i++) {
		const bw_ledger_rcpt_view *r = &v->rcpt[i];
		bw_ledger_entry en = BW_LEDGER_ENTRY_INIT;
		char *addr = NULL, *rcpt = bw_ledger__norm_address(r->recipient);

		if ((e = event_of(v->kind, r)) < 0) {
			free(rcpt);
			continue;
		}
		if (verp && v->n_rcpt == 1)
			addr = bw_strdup(verp);
		else if (header && v->n_rcpt == 1)
			addr = bw_strdup(header);
		if (!addr)
			addr = bw_ledger__norm_address(r->original_recipient);
		if (!addr && rcpt)
			addr = bw_strdup(rcpt);
		if (!addr && verp)
			addr = bw_strdup(verp);
		if (!addr) {
			free(rcpt);
			continue;    /* nobody to charge it to */
		}
		en.event = (bw_ledger_event)e;
		en.address = addr;
		en.time = bw_ledger__parse_date(r->last_attempt, &t) ? t : when;
		en.reason = nz(r->reason);
		en.fault = nz(r->fault);
		en.provider = nz(r->provider);
		en.provider_code = nz(r->provider_code);
		en.status = nz(r->status);
		en.hard = e == BW_LEDGER_BOUNCE ? r->hard : 0;
		en.confidence = r->confidence;
		en.report_id = report_id;
		en.original_id = nz(v->orig_message_id);
		en.recipient = rcpt ? rcpt : addr;
		en.source = nz(v->source);
		rc = bw_ledger_record(l, &en, &one);
		if (rc == BW_OK)
			n_added += (size_t)one;
		free(addr);
		free(rcpt);
	}
	free(verp);
	free(header);
	free(report_id);
	if (added)
		*added = n_added;
	return rc;
}

int bw_ledger_add_report(bw_ledger *l, const bw_report *r, const char *source, size_t *added)
{
	static const char *const envelope[] = { "X-Original-To", "Delivered-To", "Envelope-To",
		"X-Envelope-To", "To" };
	bw_ledger_view v;
	size_t i, n, j;
	int rc;

	if (added)
		*added = 0;
	if (!l || !r)
		return bw_error__set(BW_EINVALID, "bw_ledger_add_report: NULL argument");
	memset(&v, 0, sizeof(v));
	v.kind = bw_kind_name(bw_report_kind(r));
	v.date = bw_report_get(r, BW_REPORT_DATE);
	v.from = bw_report_get(r, BW_REPORT_FROM);
	v.subject = bw_report_get(r, BW_REPORT_SUBJECT);
	v.arrival = bw_report_get(r, BW_REPORT_ARRIVAL_DATE);
	v.message_id = bw_report_message_header(r, "Message-ID");
	v.orig_message_id = bw_report_get(r, BW_REPORT_ORIG_MESSAGE_ID);
	for (i = 0; i < sizeof(envelope) / sizeof(envelope[0]); i++)
		if (*bw_report_message_header(r, envelope[i]))
			v.envelope[v.n_envelope++] = bw_report_message_header(r, envelope[i]);
	if (l->policy.subscriber_header[0]) {
		n = bw_report_original_header_count(r);
		for (j = 0; j < n; j++) {
			const char *name, *value;
			if (bw_report_original_header(r, j, &name, &value) == BW_OK &&
			    bw_strcasecmp(name, l->policy.subscriber_header) == 0)
				v.subscriber_header = value;
		}
	}
	v.source = source;
	v.n_rcpt = bw_report_recipient_count(r);
	if (v.n_rcpt && !(v.rcpt = calloc(v.n_rcpt, sizeof(*v.rcpt))))
		return bw_error__set(BW_ENOMEM, "out of memory");
	for (i = 0; i < v.n_rcpt; i++) {
		const bw_recipient *rc_ = bw_report_recipient(r, i);
		bw_ledger_rcpt_view *x = &v.rcpt[i];
		x->recipient = bw_recipient_get(rc_, BW_RCPT_RECIPIENT);
		x->original_recipient = bw_recipient_get(rc_, BW_RCPT_ORIGINAL_RECIPIENT);
		x->action = bw_recipient_get(rc_, BW_RCPT_ACTION);
		x->status = bw_recipient_get(rc_, BW_RCPT_STATUS);
		x->reason = bw_recipient_get(rc_, BW_RCPT_REASON);
		x->fault = bw_recipient_get(rc_, BW_RCPT_FAULT);
		x->provider = bw_recipient_get(rc_, BW_RCPT_PROVIDER);
		x->provider_code = bw_recipient_get(rc_, BW_RCPT_PROVIDER_CODE);
		x->last_attempt = bw_recipient_get(rc_, BW_RCPT_LAST_ATTEMPT_DATE);
		x->feedback_type = bw_recipient_get(rc_, BW_RCPT_FEEDBACK_TYPE);
		if (!*x->feedback_type)
			x->feedback_type = bw_report_get(r, BW_REPORT_FEEDBACK_TYPE);
		x->hard = bw_recipient_hard_bounce(rc_);
		x->confidence = bw_recipient_confidence(rc_);
	}
	rc = bw_ledger__add_view(l, &v, added);
	free(v.rcpt);
	return rc;
}
