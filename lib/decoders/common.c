/*
 * common.c - helpers shared by the format decoders.
 */
#include <stdlib.h>
#include <string.h>

#include "../addr.h"
#include "../dsn.h"
#include "../util.h"
#include "common.h"

void bw_lines__init(bw_lines *it, const char *text, size_t len)
{
	it->p = text;
	it->end = text + len;
}

bool bw_lines__next(bw_lines *it, const char **line, size_t *len)
{
	const char *nl;

	if (it->p >= it->end)
		return false;
	nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	*line = it->p;
	*len = nl ? (size_t)(nl - it->p) : (size_t)(it->end - it->p);
	it->p = nl ? nl + 1 : it->end;
	return true;
}

const char *bw_text__find_any(const char *text, size_t len, const char *const *markers,
                              size_t n_markers, size_t *which)
{
	const char *best = NULL, *at;
	size_t i;

	for (i = 0; i < n_markers; i++) {
		at = bw_memcasemem(text, best ? (size_t)(best - text) + strlen(markers[i]) : len, markers[i]);
		if (at && (!best || at < best)) {
			best = at;
			if (which)
				*which = i;
		}
	}
	return best;
}

size_t bw_text__report_length(const bw_msg *m)
{
	static const char *const markers[] = {
		"------ This is a copy of the message",
		"------ This is a copy of your message",
		"--- Below this line is a copy of the message",
		"----- Original message -----",
		"-----Original Message-----",
		"------- Returned Message --------",
		"----- Transcript of session follows -----\n\n\nReturn-Path:",
		"Original message follows",
		"Original message headers:",
		"----- Message header follows -----",
		"--- The header of the original message is following. ---",
	};
	const char *at;

	if (m->report_length_known)
		return m->report_length;
	at = bw_text__find_any(m->body, m->body_len, markers, sizeof(markers) / sizeof(markers[0]), NULL);
	return at ? (size_t)(at - m->body) : m->body_len;
}

static bool local_char(int c)
{
	return bw_isalnum(c) || (c && strchr(".!#$%&'*+/=?^_`{|}~-", c)) || c >= 0x80;
}

static bool domain_char(int c)
{
	return bw_isalnum(c) || c == '.' || c == '-' || c >= 0x80;
}

char *bw_text__first_address(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		size_t a, b;
		if (s[i] != '@')
			continue;
		for (a = i; a > 0 && local_char((unsigned char)s[a - 1]); a--)
			;
		for (b = i + 1; b < len && domain_char((unsigned char)s[b]); b++)
			;
		while (b > i + 1 && (s[b - 1] == '.' || s[b - 1] == '-'))
			b--;
		if (a < i && bw_addr__plausible(s + a, b - a))
			return bw_addr__normalize(s + a, b - a);
	}
	return NULL;
}

bw_recipient *bw_decoders__add(bw_report *r, const char *address, const char *diag, size_t diag_len)
{
	bw_recipient *rc;
	char *d;

	if (!(rc = bw_report__add_recipient(r)))
		return NULL;
	bw_recipient__set(rc, BW_RCPT_RECIPIENT, address);
	if (diag && diag_len && (d = bw_squeeze_dup(diag, diag_len))) {
		bw_recipient__set(rc, BW_RCPT_DIAGNOSTIC, d);
		free(d);
	}
	return rc;
}

void bw_decoders__append_diag(bw_recipient *rc, const char *text, size_t len)
{
	const char *old = bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC);
	bw_buf b = BW_BUF_INIT;
	char *joined;

	if (old) {
		bw_buf__puts(&b, old);
		bw_buf__putc(&b, ' ');
	}
	bw_buf__put(&b, text, len);
	if ((joined = bw_buf__detach(&b))) {
		bw_recipient__set(rc, BW_RCPT_DIAGNOSTIC, bw_squeeze(joined));
		free(joined);
	}
}

bw_recipient *bw_decoders__find(bw_report *r, size_t first, const char *address)
{
	size_t i;

	for (i = first; address && i < r->n_rcpt; i++) {
		const char *a = bw_recipient__get(r->rcpt[i], BW_RCPT_RECIPIENT);
		if (a && bw_strcasecmp(a, address) == 0)
			return r->rcpt[i];
	}
	return NULL;
}

bool bw_sniff__header_has(const bw_msg *m, const char *name, const char *needle)
{
	size_t i;

	/* Every header of that name: Received appears many times. */
	for (i = 0; i < m->headers.n; i++)
		if (bw_strcasecmp(m->headers.name[i], name) == 0 && bw_strcasestr(m->headers.value[i], needle))
			return true;
	return false;
}

bool bw_sniff__subject_starts(const bw_msg *m, const char *prefix)
{
	const char *s = bw_msg__header(m, "Subject");

	if (!s)
		return false;
	for (;;) {
		while (*s == ' ')
			s++;
		if (bw_startswith_ci(s, "fwd:"))
			s += 4;
		else if (bw_startswith_ci(s, "fw:"))
			s += 3;
		else
			break;
	}
	return bw_startswith_ci(s, prefix);
}

bool bw_sniff__body_has(const bw_msg *m, const char *needle)
{
	return bw_memcasemem(m->body, m->body_len, needle) != NULL;
}

const char *bw_text__trim(const char *s, size_t len, size_t *out_len)
{
	while (len && bw_isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && bw_isspace((unsigned char)s[len - 1]))
		len--;
	*out_len = len;
	return s;
}

bool bw_text__starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && bw_strncasecmp(s, prefix, n) == 0;
}

char *bw_text__address_line(const char *s, size_t len)
{
	size_t i;

	s = bw_text__trim(s, len, &len);
	while (len && (s[len - 1] == ':' || s[len - 1] == ','))
		len--;
	if (bw_text__starts(s, len, "mailto:")) {
		s += 7;
		len -= 7;
	} else if (bw_text__starts(s, len, "rfc822;")) {
		s += 7;
		len -= 7;
	}
	s = bw_text__trim(s, len, &len);
	if (len >= 2 && ((s[0] == '<' && s[len - 1] == '>') || (s[0] == '"' && s[len - 1] == '"'))) {
		s++;
		len -= 2;
	}
	if (!len || !memchr(s, '@', len))
		return NULL;
	for (i = 0; i < len; i++)
		if (bw_isspace((unsigned char)s[i]) || s[i] == '<' || s[i] == '>' || s[i] == '"')
			return NULL;
	if (!bw_addr__plausible(s, len))
		return NULL;
	return bw_addr__normalize(s, len);
}

void bw_decoders__better_diag(bw_recipient *rc, const char *diag, size_t len)
{
	const char *old = bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC);
	char *d;

	if (!diag || !len || !(d = bw_squeeze_dup(diag, len)))
		return;
	if (*d && (!old || strlen(old) < strlen(d)))
		bw_recipient__set(rc, BW_RCPT_DIAGNOSTIC, d);
	free(d);
}

int bw_decoders__add_failed_recipients(const bw_msg *m, bw_report *r, const char *diag)
{
	size_t first = r->n_rcpt, h;

	for (h = 0; h < m->headers.n; h++) {
		const char *v = m->headers.value[h];
		if (bw_strcasecmp(m->headers.name[h], "X-Failed-Recipients") != 0)
			continue;
		while (v && *v) {
			const char *comma = strchr(v, ',');
			size_t l = comma ? (size_t)(comma - v) : strlen(v);
			char *addr = bw_text__address_line(v, l);
			if (addr && !bw_decoders__find(r, 0, addr) &&
			    !bw_decoders__add(r, addr, diag, diag ? strlen(diag) : 0)) {
				free(addr);
				return BW_ENOMEM;
			}
			free(addr);
			v = comma ? comma + 1 : NULL;
		}
	}
	return (int)(r->n_rcpt - first);
}

/* A reply code at t[i]: [245]dd between delimiters, not part of a number. */
static bool inner_reply_at(const char *t, size_t i)
{
	if (i > 0 && (bw_isalnum((unsigned char)t[i - 1]) || t[i - 1] == '.' || t[i - 1] == ':' ||
	              t[i - 1] == '-' || t[i - 1] == '/' || t[i - 1] == '#'))
		return false;
	if (!(t[i] >= '2' && t[i] <= '5') || !bw_isdigit((unsigned char)t[i + 1]) ||
	    !bw_isdigit((unsigned char)t[i + 2]))
		return false;
	return t[i + 3] == ' ' || t[i + 3] == '-' || t[i + 3] == '\0';
}

/* A status code at t[i]: [245].d{1,3}.d{1,3}; returns its length or 0. */
static size_t inner_status_at(const char *t, size_t i)
{
	size_t j = i + 2, a, b;

	if (i > 0 && (bw_isalnum((unsigned char)t[i - 1]) || t[i - 1] == '.'))
		return 0;
	if (!(t[i] == '2' || t[i] == '4' || t[i] == '5') || t[i + 1] != '.')
		return 0;
	for (a = 0; bw_isdigit((unsigned char)t[j]) && a < 4; a++, j++)
		;
	if (a == 0 || a > 3 || t[j] != '.')
		return 0;
	j++;
	for (b = 0; bw_isdigit((unsigned char)t[j]) && b < 4; b++, j++)
		;
	if (b == 0 || b > 3 || t[j] == '.' || bw_isalnum((unsigned char)t[j]))
		return 0;
	return j - i;
}

bool bw_decoders__use_inner_reply(bw_recipient *rc)
{
	const char *d = bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC);
	const char *reply = NULL, *status = NULL;
	size_t i, n_reply = 0, n_status = 0, status_len = 0, l;
	bool changed = false;

	if (!d)
		return false;
	for (i = 0; d[i]; i++) {
		if ((l = inner_status_at(d, i))) {
			status = d + i;
			status_len = l;
			n_status++;
			i += l - 1;
		} else if (d[i + 1] && d[i + 2] && inner_reply_at(d, i)) {
			reply = d + i;
			n_reply++;
			i += 2;
		}
	}
	if (n_reply > 1 || (n_status > 1 && reply)) {
		bw_recipient__set_len(rc, BW_RCPT_REPLY_CODE, reply, 3);
		changed = true;
	}
	if (n_status > 1 || (n_reply > 1 && status)) {
		/* the status must agree with the class of the reply we keep */
		if (!reply || reply[0] == status[0]) {
			bw_recipient__set_len(rc, BW_RCPT_STATUS, status, status_len);
			changed = true;
		}
	}
	if (changed)
		bw_recipient__evidence(rc, "the diagnostic wraps the remote server's reply: took the innermost codes");
	return changed;
}

void bw_addr_para__clear(bw_addr_para *p)
{
	free(p->address);
	free(p->original);
	memset(p, 0, sizeof(*p));
}

/* An address lead at text[i..len): "<addr>" or "addr", optional "(expanded
 * from <x>)", then ':'.  Returns the offset after the colon or 0. */
static size_t addr_lead(const char *t, size_t i, size_t len, char **addr, char **orig)
{
	size_t a, b, k;

	*addr = *orig = NULL;
	if (i < len && t[i] == '<') {
		a = i + 1;
		for (b = a; b < len && t[b] != '>' && t[b] != '\n' && t[b] != ' '; b++)
			;
		if (b >= len || t[b] != '>')
			return 0;
		k = b + 1;
	} else {
		a = i;
		for (b = a; b < len && t[b] != ':' && !bw_isspace((unsigned char)t[b]) && t[b] != '<'; b++)
			;
		k = b;
	}
	if (b - a < 3 || !memchr(t + a, '@', b - a) || !bw_addr__plausible(t + a, b - a))
		return 0;
	while (k < len && (t[k] == ' ' || t[k] == '\t'))
		k++;
	if (k + 14 < len && bw_strncasecmp(t + k, "(expanded from", 14) == 0) {
		const char *close = memchr(t + k, ')', len - k);
		if (!close)
			return 0;
		*orig = bw_text__first_address(t + k + 14, (size_t)(close - t) - k - 14);
		k = (size_t)(close - t) + 1;
	}
	if (k >= len || t[k] != ':' || (k + 1 < len && !bw_isspace((unsigned char)t[k + 1]))) {
		free(*orig);
		*orig = NULL;
		return 0;
	}
	if (!(*addr = bw_addr__normalize(t + a, b - a))) {
		free(*orig);
		*orig = NULL;
		return 0;
	}
	return k + 1;
}

bool bw_text__next_addr_para(const char *text, size_t len, size_t *pos, bw_addr_para *out)
{
	size_t i = *pos;

	memset(out, 0, sizeof(*out));
	while (i < len) {
		size_t eol, after, j;
		const char *nl;

		nl = memchr(text + i, '\n', len - i);
		eol = nl ? (size_t)(nl - text) : len;
		if (!(after = addr_lead(text, i, len, &out->address, &out->original))) {
			i = eol + 1;
			continue;
		}
		/* the paragraph: to a blank line or the next lead */
		j = after;
		for (;;) {
			const char *n2 = memchr(text + j, '\n', len - j);
			size_t ls, le, k;
			char *a2, *o2;
			if (!n2) {
				j = len;
				break;
			}
			ls = (size_t)(n2 - text) + 1;
			if (ls >= len) {
				j = len;
				break;
			}
			nl = memchr(text + ls, '\n', len - ls);
			le = nl ? (size_t)(nl - text) : len;
			for (k = ls; k < le && bw_isspace((unsigned char)text[k]); k++)
				;
			if (k == le) {
				j = ls;
				break;
			}
			if (addr_lead(text, ls, len, &a2, &o2)) {
				free(a2);
				free(o2);
				j = ls;
				break;
			}
			j = le;
		}
		out->text = text + after;
		out->len = j > after ? j - after : 0;
		*pos = j;
		return true;
	}
	*pos = len;
	return false;
}

size_t bw_text__after_line(const char *text, size_t len, const char *marker)
{
	const char *at = bw_memcasemem(text, len, marker);
	const char *nl;

	if (!at)
		return len;
	nl = memchr(at, '\n', len - (size_t)(at - text));
	return nl ? (size_t)(nl - text) + 1 : len;
}

/* Does the line start with a field of a delivery-status group? */
static bool dsn_field_line(const char *p, const char *end)
{
	static const char *const names[] = { "Reporting-MTA:", "Received-From-MTA:", "Arrival-Date:",
		"Final-Recipient:", "Original-Recipient:", "Action:", "Status:", "Remote-MTA:",
		"Diagnostic-Code:", "Original-Envelope-Id:", "X-Actual-Recipient:" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((size_t)(end - p) >= strlen(names[i]) && bw_strncasecmp(p, names[i], strlen(names[i])) == 0)
			return true;
	return false;
}

/* Delivery-status groups pasted into the text without any MIME header
 * (a multipart whose boundaries were lost): from the first line that starts
 * a group ("Reporting-MTA:" or "Final-Recipient:") through every following
 * blank-line-separated group whose first line is a DSN field. */
static int bare_inline_dsn(const bw_msg *m, bw_report *r)
{
	const char *end = m->body + m->body_len, *p = m->body, *start = NULL, *stop;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (bw_startswith_ci(p, "Reporting-MTA:") || bw_startswith_ci(p, "Final-Recipient:")) {
			start = p;
			break;
		}
		p = nl ? nl + 1 : end;
	}
	if (!start)
		return 0;
	stop = start;
	while (stop < end && dsn_field_line(stop, end)) {
		/* to the end of this group */
		const char *gap = strstr(stop, "\n\n");
		if (!gap || gap >= end) {
			stop = end;
			break;
		}
		stop = gap + 2;
		while (stop < end && *stop == '\n')
			stop++;
	}
	return bw_dsn__parse_fields(r, start, (size_t)(stop - start));
}

int bw_decoders__inline_dsn(const bw_msg *m, bw_report *r)
{
	const char *p = m->body, *end = m->body + m->body_len;
	int total = 0;

	while ((p = bw_memcasemem(p, (size_t)(end - p), "Content-Type: message/delivery-status"))) {
		const char *start = strstr(p, "\n\n"), *stop;
		int got;
		if (!start || start >= end)
			break;
		start += 2;
		for (stop = start; stop < end; ) {
			const char *nl = memchr(stop, '\n', (size_t)(end - stop));
			if (stop[0] == '-' && stop + 1 < end && stop[1] == '-')
				break;
			stop = nl ? nl + 1 : end;
		}
		got = bw_dsn__parse_fields(r, start, (size_t)(stop - start));
		if (got < 0)
			return got;
		total += got;
		p = stop;
	}
	if (total == 0)
		total = bare_inline_dsn(m, r);
	return total;
}

static bool header_address_is(const char *value, const char *addr)
{
	char *a;
	bool same;

	if (!value || !addr)
		return false;
	a = bw_text__first_address(value, strlen(value));
	same = a && bw_strcasecmp(a, addr) == 0;
	free(a);
	return same;
}

bool bw_decoders__is_own_address(const bw_msg *m, const char *addr)
{
	return header_address_is(bw_msg__header(m, "To"), addr) ||
	       header_address_is(bw_kvlist__get(&m->orig_headers, "From"), addr);
}

bool bw_sniff__from_daemon(const bw_msg *m)
{
	return bw_sniff__header_has(m, "From", "mailer-daemon") ||
	       bw_sniff__header_has(m, "From", "postmaster") ||
	       bw_sniff__header_has(m, "From", "mail delivery");
}

bool bw_text__is_role_address(const char *addr)
{
	static const char *const roles[] = { "postmaster@", "mailer-daemon@", "mailer_daemon@",
		"abuse@", "hostmaster@", "webmaster@", "noc@", "security@" };
	size_t i;

	for (i = 0; addr && i < sizeof(roles) / sizeof(roles[0]); i++)
		if (bw_startswith_ci(addr, roles[i]))
			return true;
	return false;
}

/* A line that asks the reader to contact someone: its address is no recipient. */
static bool contact_line(const char *l, size_t n)
{
	static const char *const noise[] = { "contact", "please reply to", "send mail to",
		"write to", "for assistance", "for help", "http://", "https://", "mailto:" };

	return bw_text__find_any(l, n, noise, sizeof(noise) / sizeof(noise[0]), NULL) != NULL;
}

static const char *const header_starts[] = { "Received:", "Return-Path:", "Message-ID:",
	"From:", "Subject:", "Date:", "To:", "MIME-Version:", "Content-Type:" };

/* A line about the original message (its sender, its identifier), indented
 * in a summary: its address did not fail. */
static bool origin_line(const char *l, size_t n)
{
	static const char *const labels[] = { "Message-ID", "From:", "Sender:", "Reply-To:",
		"Return-Path:", "In-Reply-To:", "References:", "Mail From:", "MAIL FROM:<", "Sent by",
		"Author:", "Originator:" };
	size_t tl;
	const char *t = bw_text__trim(l, n, &tl);
	size_t i;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (bw_text__starts(t, tl, labels[i]))
			return true;
	return bw_memcasemem(l, n, "Message-ID") != NULL || bw_memcasemem(l, n, "on behalf of") != NULL;
}

int bw_decoders__listed(const bw_msg *m, bw_report *r, const char *text, size_t len,
                        const char *action)
{
	size_t first = r->n_rcpt;
	bw_recipient *cur = NULL;
	const char *l;
	size_t n, tl;
	bw_lines it;

	bw_lines__init(&it, text, len);
	while (bw_lines__next(&it, &l, &n)) {
		char *a;
		bw_text__trim(l, n, &tl);
		if (!tl) {
			cur = NULL;
			continue;
		}
		/* a header block at the margin: the returned original starts */
		if (bw_text__find_any(l, n < 14 ? n : 14, header_starts,
		                      sizeof(header_starts) / sizeof(header_starts[0]), NULL) == l)
			break;
		if (!(a = bw_text__first_address(l, n))) {
			if (cur)
				bw_decoders__append_diag(cur, l, n);
			continue;
		}
		if (cur && bw_strcasecmp(bw_recipient__get(cur, BW_RCPT_RECIPIENT), a) == 0) {
			bw_decoders__append_diag(cur, l, n);
		} else if (bw_decoders__is_own_address(m, a) || bw_text__is_role_address(a) ||
		           contact_line(l, n) || origin_line(l, n)) {
			cur = NULL;
		} else if ((cur = bw_decoders__find(r, first, a))) {
			bw_decoders__append_diag(cur, l, n);
		} else if ((cur = bw_decoders__add(r, a, l, n)) && action) {
			bw_recipient__set(cur, BW_RCPT_ACTION, action);
		}
		free(a);
	}
	return (int)(r->n_rcpt - first);
}

bool bw_sniff__delay_notice(const bw_msg *m)
{
	static const char *const subjects[] = { "Delayed Mail", "Delivery delayed", "Delivery Delay",
		"Message delayed", "Warning: message", "Delivery Status Notification (Delay)",
		"Mail delivery delayed", "Warning: could not send message", "Delivery Notification: Delay",
		"Message delivery delayed", "Delay notification", "Temporary delivery failure",
		"Warning: Temporary", "Delivery warning", "Message status - delayed" };
	static const char *const delayed[] = { "has been delayed", "has not yet been delivered",
		"not been delivered yet", "has not been delivered yet", "will continue trying",
		"will keep trying", "will continue to try", "will retry", "WARNING message only",
		"you do not need to resend", "no action is required on your part", "still trying",
		"delivery has been delayed", "delivery attempts will continue", "is delayed",
		"will be retried", "will continue to attempt", "advisory only", "only a warning",
		"no need to resend", "is still in the queue", "still be retried" };
	static const char *const final[] = { "permanent fatal", "failed permanently", "permanent error",
		"giving up", "gave up", "has been removed from the mail queue", "will not be retried",
		"no further attempts", "could not be delivered to", "permanently failed" };
	size_t i, len = bw_text__report_length(m);
	bool delay = false;

	for (i = 0; i < sizeof(subjects) / sizeof(subjects[0]) && !delay; i++)
		delay = bw_sniff__subject_starts(m, subjects[i]);
	if (!delay)
		delay = bw_text__find_any(m->body, len, delayed, sizeof(delayed) / sizeof(delayed[0]), NULL) != NULL;
	return delay && !bw_text__find_any(m->body, len, final, sizeof(final) / sizeof(final[0]), NULL);
}

int bw_decoders__listed_after_intro(const bw_msg *m, bw_report *r, const char *action)
{
	static const char *const intros[] = { "following recipient", "following address",
		"following destination", "could not be delivered", "couldn't be delivered",
		"was undeliverable", "unable to deliver", "delivery failed", "delivery has failed",
		"not be delivered to", "failed to deliver", "has been delayed", "could not deliver",
		"undeliverable to", "delivery to the following", "permanent fatal" };
	size_t len = bw_text__report_length(m);
	const char *at = bw_text__find_any(m->body, len, intros, sizeof(intros) / sizeof(intros[0]), NULL);

	if (!at)
		return 0;
	while (at > m->body && at[-1] != '\n')
		at--;
	return bw_decoders__listed(m, r, at, len - (size_t)(at - m->body), action);
}

bool bw_decoders__says_failure(const bw_msg *m)
{
	static const char *const words[] = {
		"could not be delivered", "couldn't be delivered", "undeliverable", "not delivered",
		"delivery failed", "delivery has failed", "failed to deliver", "unable to deliver",
		"could not deliver", "permanent error", "fatal error", "returned to sender",
		"non remis", "pas pu être", "unzustellbar", "nicht zugestellt", "no se pudo entregar",
		"no pudo ser entregado", "non è stato possibile", "não foi possível entregar",
		"配信できませんでした", "无法投递", "退信",
	};
	size_t len = m->report_length_known ? m->report_length : m->body_len;
	const char *to = bw_msg__header(m, "To");
	char *own = to ? bw_text__first_address(to, strlen(to)) : NULL;
	bool about_reader = own && bw_memcasemem(m->body, len, own);

	free(own);
	/* A notice about the reader's own mailbox ("messages for you were
	 * rejected, verify your account") is no bounce of theirs. */
	if (about_reader)
		return false;
	return bw_text__find_any(m->body, len, words, sizeof(words) / sizeof(words[0]), NULL) != NULL;
}

bool bw_decoders__looks_like_report(const bw_msg *m)
{
	static const char *const words[] = { "undeliver", "undelivered", "delivery", "returned mail",
		"failure notice", "failed", "delayed", "not delivered", "mail system error", "bounce" };
	const char *subject = bw_msg__header(m, "Subject");
	size_t i;

	if (bw_sniff__from_daemon(m) || bw_msg__header(m, "X-Failed-Recipients") ||
	    strcmp(m->content_type, "multipart/report") == 0)
		return true;
	for (i = 0; subject && i < sizeof(words) / sizeof(words[0]); i++)
		if (bw_strcasestr(subject, words[i]))
			return true;
	return false;
}

void bw_decoders__command_from_line(bw_recipient *rc, const char *t, size_t tl)
{
	static const struct { const char *word, *cmd; } cmds[] = {
		{ "[RCPT_TO]", "RCPT" }, { "[MAIL_FROM]", "MAIL" }, { "[DATA]", "DATA" },
		{ "[CONNECT]", "CONN" }, { "[EHLO]", "HELO" }, { "[HELO]", "HELO" },
		{ "RCPT command", "RCPT" }, { "MAIL command", "MAIL" }, { "TEXT command", "DATA" },
		{ "DATA command", "DATA" }, { "RCPT TO", "RCPT" }, { "MAIL FROM", "MAIL" },
	};
	size_t i;

	if (bw_recipient__get(rc, BW_RCPT_SMTP_COMMAND))
		return;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (bw_memcasemem(t, tl, cmds[i].word)) {
			bw_recipient__set(rc, BW_RCPT_SMTP_COMMAND, cmds[i].cmd);
			return;
		}
}
