/*
 * common.c - helpers shared by the format decoders.
 */
#include <stdlib.h>
#include <string.h>

#include "../addr.h"
#include "../dsn.h"
#include "../error.h"
#include "../smtp.h"
#include "../util.h"
#include "addrline.h"
#include "common.h"
#include "notices_phrases.h"

/* The length of the notice's own text when parse.c has measured it
 * (bw_text__report_length), else the whole body. */
static size_t known_report_length(const bw_msg *m)
{
	return m->report_length_known ? m->report_length : m->body_len;
}

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
	uint32_t key;

	if (!name)
		return false;
	/* Every header of that name: Received appears many times. */
	key = bw_kvlist__key(name);
	for (i = 0; i < m->headers.n; i++)
		if (m->headers.key[i] == key && bw_strcasecmp(m->headers.name[i], name) == 0 &&
		    bw_strcasestr(m->headers.value[i], needle))
			return true;
	return false;
}

bool bw_sniff__subject_starts(const bw_msg *m, const char *prefix)
{
	const char *s = bw_msg__header(m, "Subject");

	return s && bw_startswith_ci(bw_text__subject_words(s), prefix);
}

bool bw_sniff__body_has(const bw_msg *m, const char *needle)
{
	return bw_memcasemem(m->body, m->body_len, needle) != NULL;
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

bool bw_decoders__use_inner_reply(bw_recipient *rc)
{
	const char *d = bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC);
	const char *reply = NULL, *status = NULL;
	size_t i, n_reply = 0, n_status = 0, status_len = 0, l, len;
	bool changed = false;

	if (!d)
		return false;
	len = strlen(d);
	for (i = 0; i < len; i++) {
		if ((l = bw_smtp__status_at(d, len, i))) {
			status = d + i;
			status_len = l;
			n_status++;
			i += l - 1;
		} else if (bw_smtp__reply_at(d, len, i)) {
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
	while (stop < end && bw_dsn__field_line(stop, (size_t)(end - stop))) {
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

/* Delivery-status fields quoted in a reply or a forward ("> Status:
 * 4.4.7"): the body with every line's quoting taken off, read as above. */
static int quoted_inline_dsn(const bw_msg *m, bw_report *r)
{
	const char *field = bw_memcasemem(m->body, m->body_len, "Final-Recipient:");
	const char *l;
	size_t n;
	bw_lines it;
	bw_buf b = BW_BUF_INIT;
	bw_msg inner;
	int got;

	if (!field || field == m->body || (field[-1] != ' ' && field[-1] != '>'))
		return 0;
	bw_lines__init(&it, m->body, m->body_len);
	while (bw_lines__next(&it, &l, &n)) {
		size_t i = 0;
		while (i < n && l[i] == '>') {
			i++;
			if (i < n && l[i] == ' ')
				i++;
		}
		bw_buf__put(&b, l + i, n - i);
		bw_buf__putc(&b, '\n');
	}
	if (!b.len) {
		bw_buf__free(&b);
		return 0;
	}
	inner = *m;
	inner.body = b.p;
	inner.body_len = b.len;
	got = bare_inline_dsn(&inner, r);
	bw_buf__free(&b);
	return got;
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
	if (total == 0)
		total = quoted_inline_dsn(m, r);
	return total;
}

/* The length of an address's local part without its "+tag" (RFC 5233
 * subaddress), or 0 when it has no '@'. */
static size_t base_local_length(const char *a)
{
	const char *at = strrchr(a, '@');
	const char *plus;

	if (!at)
		return 0;
	plus = memchr(a, '+', (size_t)(at - a));
	return (size_t)((plus && plus > a ? plus : at) - a);
}

/* The same mailbox: the same address, or the same but for a "+tag". */
static bool same_mailbox(const char *a, const char *b)
{
	size_t la = base_local_length(a), lb = base_local_length(b);

	if (bw_strcasecmp(a, b) == 0)
		return true;
	return la && la == lb && bw_strncasecmp(a, b, la) == 0 &&
	       bw_strcasecmp(strrchr(a, '@'), strrchr(b, '@')) == 0;
}

static bool header_address_is(const char *value, const char *addr)
{
	char *a;
	bool same;

	if (!value || !addr)
		return false;
	a = bw_text__first_address(value, strlen(value));
	same = a && same_mailbox(a, addr);
	free(a);
	return same;
}

/* s[0..n) lower-cased into out (room for n + 1 bytes) without quotes and
 * with white space runs as one space, trimmed; returns its length. */
static size_t name_key(const char *s, size_t n, char *out)
{
	size_t i, w = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\'' || c == '\\')
			continue;
		if (bw_isspace(c)) {
			if (w && out[w - 1] != ' ')
				out[w++] = ' ';
			continue;
		}
		out[w++] = (char)bw_lower(c);
	}
	while (w && out[w - 1] == ' ')
		w--;
	out[w] = '\0';
	return w;
}

/* name_key() of s[0..n) in a new string (the caller frees it), its length
 * in *klen; NULL for an empty s or when out of memory (reported). */
static char *name_key_dup(const char *s, size_t n, size_t *klen)
{
	char *key;

	if (!n)
		return NULL;
	if (!(key = malloc(n + 1))) {
		bw_error__oom();
		return NULL;
	}
	*klen = name_key(s, n, key);
	return key;
}

/* One mailbox of an address list, item[0..n): does its display name (the
 * words before "<address>", or an old-style "(comment)" after a bare
 * address) have the key `want`?  Then its address, else NULL. */
static char *mailbox_named(const char *item, size_t n, const char *want, size_t wlen)
{
	const char *lt = NULL, *name = item, *open, *close;
	size_t nlen = 0, i, klen;
	bool q = false;
	char *key, *a = NULL;

	for (i = 0; i < n && !lt; i++) {
		if (item[i] == '"')
			q = !q;
		else if (item[i] == '<' && !q)
			lt = item + i;
	}
	if (lt) {
		nlen = (size_t)(lt - item);
	} else if ((open = memchr(item, '(', n)) && (close = memchr(open, ')', n - (size_t)(open - item)))) {
		name = open + 1;
		nlen = (size_t)(close - name);
	}
	if (!(key = name_key_dup(name, nlen, &klen)))
		return NULL;
	if (klen == wlen && memcmp(key, want, wlen) == 0)
		a = lt ? bw_text__first_address(lt, n - (size_t)(lt - item)) : bw_text__first_address(item, n);
	free(key);
	return a;
}

char *bw_decoders__address_of_name(const bw_msg *m, const char *name, size_t len)
{
	static const char *const fields[] = { "To", "Cc" };
	char *want, *found = NULL;
	size_t wlen, h, f;

	if (!(want = name_key_dup(name, len, &wlen)))
		return NULL;
	for (h = 0; wlen && h < m->orig_headers.n; h++) {
		const char *v = m->orig_headers.value[h], *start = v;
		bool q = false;
		int angle = 0, paren = 0;

		for (f = 0; f < 2 && bw_strcasecmp(m->orig_headers.name[h], fields[f]) != 0; f++)
			;
		if (f == 2)
			continue;
		for (;; v++) {
			if (*v == '"' && !angle && !paren)
				q = !q;
			else if (!q && *v == '<')
				angle++;
			else if (!q && *v == '>' && angle)
				angle--;
			else if (!q && *v == '(')
				paren++;
			else if (!q && *v == ')' && paren)
				paren--;
			if (*v == '\0' || (*v == ',' && !q && !angle && !paren)) {
				char *a = mailbox_named(start, (size_t)(v - start), want, wlen);
				if (a && !bw_text__keep_sole(&found, a)) {
					free(want);
					return NULL;    /* two mailboxes of that name */
				}
				if (*v == '\0')
					break;
				start = v + 1;
			}
		}
	}
	free(want);
	return found;
}

bool bw_decoders__is_own_address(const bw_msg *m, const char *addr)
{
	/* the notice's own To and Cc (whom it informs) and the original's From */
	return !m->own_may_fail && (header_address_is(bw_msg__header(m, "To"), addr) ||
	       header_address_is(bw_msg__header(m, "Cc"), addr) ||
	       header_address_is(bw_kvlist__get(&m->orig_headers, "From"), addr));
}

bool bw_decoders__names_only_own(const bw_msg *m, const char *l, size_t n)
{
	const char *pos = l;
	char *w;
	bool own = true;

	while (own && (w = bw_text__next_address(pos, l + n, &pos))) {
		own = bw_decoders__is_own_address(m, w);
		free(w);
	}
	return own;
}

/* Does one of the phrases v[0..nv) occur in text[0..len) once its white
 * space is squeezed (a phrase wrapped over two lines)?  False on ENOMEM. */
static bool find_any_squeezed(const char *text, size_t len, const char *const *v, size_t nv)
{
	char *flat = bw_squeeze_dup(text, len);
	bool yes = flat && bw_text__find_any(flat, strlen(flat), v, nv, NULL);

	free(flat);
	return yes;
}

bool bw_sniff__challenge(const char *text, size_t len)
{
	static const char *const challenges[] = { BW_PHRASES_CHALLENGE_CHALLENGES };
	static const char *const unchanged[] = { BW_PHRASES_CHALLENGE_UNCHANGED_SUBJECT };
	static const char *const confirm[] = { BW_PHRASES_CHALLENGE_CONFIRM };
	static const char *const wrapped_hints[] = { BW_PHRASES_CHALLENGE_WRAPPED_HINTS };
	size_t nc = sizeof(challenges) / sizeof(challenges[0]);
	bool confirms;

	if (bw_text__find_any(text, len, challenges, nc, NULL))
		return true;
	confirms = bw_text__find_any(text, len, confirm, sizeof(confirm) / sizeof(confirm[0]), NULL);
	/* a phrase wrapped over two lines ("please confirm that you are\na
	 * person") is looked for only where a challenge's usual words occur */
	if ((confirms || bw_text__find_any(text, len, wrapped_hints, sizeof(wrapped_hints) / sizeof(wrapped_hints[0]), NULL)) &&
	    find_any_squeezed(text, len, challenges, nc))
		return true;
	return confirms && bw_text__find_any(text, len, unchanged, sizeof(unchanged) / sizeof(unchanged[0]), NULL);
}

bool bw_sniff__null_return_path(const bw_msg *m)
{
	const char *rp = bw_msg__header(m, "Return-Path");
	size_t n;

	if (!rp)
		return false;
	rp = bw_text__trim(rp, strlen(rp), &n);
	return n == 2 && rp[0] == '<' && rp[1] == '>';
}

/* Precedence: bulk or list. */
static bool bulk_precedence(const bw_msg *m)
{
	const char *prec = bw_msg__header(m, "Precedence");

	return prec && (bw_strcasestr(prec, "bulk") || bw_strcasestr(prec, "list"));
}

bool bw_sniff__bulk_mail(const bw_msg *m)
{
	return bw_msg__header(m, "List-Unsubscribe") || bw_msg__header(m, "List-Id") ||
	       bulk_precedence(m);
}

/* No mail system's mark on the message: not from a mailer-daemon, a
 * Return-Path that is not null, no delivery-status part, no report. */
static bool from_no_mail_system(const bw_msg *m)
{
	return !bw_sniff__from_daemon(m) && !bw_sniff__null_return_path(m) && !m->dsn.n &&
	       strcmp(m->content_type, "multipart/report") != 0;
}

bool bw_sniff__marked_auto_reply(const bw_msg *m)
{
	const char *as = bw_msg__header(m, "Auto-Submitted");

	return (as && bw_strcasestr(as, "auto-replied")) || bw_msg__header(m, "X-Autoreply");
}

bool bw_sniff__list_post(const bw_msg *m)
{
	const char *subject = bw_msg__header(m, "Subject");

	/* an auto-reply to a digest repeats its subject and precedence */
	return (bw_msg__header(m, "List-Id") || (subject && bw_strcasestr(subject, "digest"))) &&
	       bulk_precedence(m) && from_no_mail_system(m) && !bw_sniff__marked_auto_reply(m);
}

/* The reply prefixes of mail programs in several languages. */
static const char *const reply_prefixes[] = { "re:", "aw:", "sv:", "antw:", "r:", "ref:", "réf" };

/* Where the subject goes on after any spaces and "[tag]"s and a reply's
 * prefix ("Re:", "AW:"); NULL when it has no such prefix. */
static const char *after_reply_prefix(const char *subject)
{
	size_t i;

	while (subject && (*subject == ' ' || (*subject == '[' && strchr(subject, ']'))))
		subject = *subject == '[' ? strchr(subject, ']') + 1 : subject + 1;
	for (i = 0; subject && i < sizeof(reply_prefixes) / sizeof(reply_prefixes[0]); i++)
		if (bw_strncasecmp(subject, reply_prefixes[i], strlen(reply_prefixes[i])) == 0)
			return subject + strlen(reply_prefixes[i]);
	return NULL;
}

/* Does the subject, after any spaces and "[tag]"s, start as a reply's? */
bool bw_sniff__reply_subject(const char *subject)
{
	return after_reply_prefix(subject) != NULL;
}

/* Does a reply's subject answer a forward ("Re: Fwd: ...", "AW: WG: ...")?
 * A reply to a forwarded bounce is a conversation about it, whether or
 * not the mail program kept In-Reply-To. */
static bool reply_to_forward(const char *subject)
{
	static const char *const forward_prefixes[] = { "fwd:", "fw:", "wg:", "tr:", "rv:", "vs:", "doorst:" };
	size_t i;

	if (!(subject = after_reply_prefix(subject)))
		return false;
	while (*subject == ' ')
		subject++;
	for (i = 0; i < sizeof(forward_prefixes) / sizeof(forward_prefixes[0]); i++)
		if (bw_strncasecmp(subject, forward_prefixes[i], strlen(forward_prefixes[i])) == 0)
			return true;
	return false;
}

bool bw_sniff__person_reply(const bw_msg *m)
{
	const char *subject = bw_msg__header(m, "Subject");

	return (bw_msg__header(m, "In-Reply-To") || bw_msg__header(m, "References") ||
	        reply_to_forward(subject)) &&
	       bw_sniff__reply_subject(subject) && from_no_mail_system(m) &&
	       !m->has_original && !bw_sniff__automated(m);
}

bool bw_sniff__is_bounce_subject(const char *subject)
{
	return bw_text__is_bounce_subject(subject);
}

bool bw_sniff__bounce_subject(const bw_msg *m)
{
	return bw_sniff__is_bounce_subject(bw_msg__header(m, "Subject"));
}

bool bw_sniff__system_notice(const bw_msg *m)
{
	if (bw_sniff__challenge(m->body, known_report_length(m)))
		return false;
	return bw_sniff__from_daemon(m) || bw_msg__header(m, "X-Failed-Recipients") ||
	       bw_msg__header(m, "X-MS-Exchange-Message-Is-Ndr") ||
	       (bw_sniff__null_return_path(m) && !bw_msg__header(m, "List-Unsubscribe") &&
	        !bw_msg__header(m, "List-Id") &&
	        (bw_sniff__bounce_subject(m) || bw_sniff__delivery_subject(m))) ||
	       (!bw_sniff__bulk_mail(m) && strcmp(m->content_type, "multipart/report") == 0 &&
	        bw_strcasecmp(m->report_type, "delivery-status") == 0);
}

bool bw_sniff__automated(const bw_msg *m)
{
	static const char *const robots[] = { BW_PHRASES_AUTOMATED_ROBOTS };
	const char *v = bw_msg__header(m, "Auto-Submitted");
	size_t i;

	if (v && bw_strncasecmp(v, "no", 2) != 0)
		return true;
	for (i = 0; i < sizeof(robots) / sizeof(robots[0]); i++)
		if (bw_sniff__header_has(m, "From", robots[i]))
			return true;
	return false;
}

/* The subject with what it quotes blanked out ('2 contacts were not sent
 * "Tickets on sale"': the quoted title is the original's subject, not the
 * notice's words); NULL when out of memory. */
static char *unquoted(const char *subject)
{
	char *s = bw_strdup(subject), *p, *q;

	for (p = s; p && (p = strchr(p, '"')) && (q = strchr(p + 1, '"')); p = q + 1)
		memset(p, ' ', (size_t)(q - p + 1));
	return s;
}

bool bw_sniff__says_undelivered(const char *subject)
{
	static const char *const mail[] = { BW_PHRASES_SAYS_UNDELIVERED_MAIL };
	static const char *const failed[] = { BW_PHRASES_SAYS_UNDELIVERED_FAILED };
	static const char *const about_reader[] = { BW_PHRASES_SAYS_UNDELIVERED_ABOUT_READER };
	char *own;
	size_t n;
	bool says;

	/* a reply in a conversation ("[List] Re: delivery failed") */
	if (!subject || bw_sniff__reply_subject(subject) || !(own = unquoted(subject)))
		return false;
	n = strlen(own);
	/* a ticket's acknowledgement, a quarantine digest: about the
	 * reader's own mail, not a failure of theirs */
	says = n && !bw_text__find_any(own, n, about_reader, sizeof(about_reader) / sizeof(about_reader[0]), NULL) &&
	       bw_text__find_any(own, n, mail, sizeof(mail) / sizeof(mail[0]), NULL) &&
	       bw_text__find_any(own, n, failed, sizeof(failed) / sizeof(failed[0]), NULL);
	free(own);
	return says;
}

bool bw_sniff__delivery_subject(const bw_msg *m)
{
	return bw_sniff__says_undelivered(bw_msg__header(m, "Subject"));
}

static const char *const daemon_names[] = { BW_PHRASES_DAEMON_NAMES };

bool bw_sniff__names_daemon(const char *value)
{
	size_t i;

	for (i = 0; value && i < sizeof(daemon_names) / sizeof(daemon_names[0]); i++)
		if (bw_strcasestr(value, daemon_names[i]))
			return true;
	return false;
}

/* A mail system's report to its postmaster about an SMTP session (Postfix's
 * notify_classes: "Postfix SMTP server: errors from unknown[192.0.2.9]"
 * with the session's transcript): it reports no message that failed. */
static const char *const session_notice_subjects[] = { BW_PHRASES_SESSION_NOTICE_SUBJECTS };

bool bw_sniff__session_notice(const bw_msg *m)
{
	size_t i;

	for (i = 0; i < sizeof(session_notice_subjects) / sizeof(session_notice_subjects[0]); i++)
		if (bw_sniff__header_has(m, "Subject", session_notice_subjects[i]))
			return bw_memcasemem(m->body, m->body_len, "transcript of session") != NULL;
	return false;
}

bool bw_sniff__from_daemon(const bw_msg *m)
{
	size_t i;

	for (i = 0; i < sizeof(daemon_names) / sizeof(daemon_names[0]); i++)
		if (bw_sniff__header_has(m, "From", daemon_names[i]))
			return true;
	return false;
}

/* One line of `text` with its quoting ("> ", ">> ") and indentation taken
 * off; its length in *n. */
static const char *unquoted_line(const char *l, size_t *n)
{
	while (*n && (*l == '>' || *l == ' ' || *l == '\t'))
		l++, (*n)--;
	return l;
}

/* When l[0..n) starts with `label` and has something after it: the rest
 * copied into value[size] (cut to fit, NUL-terminated), and its length;
 * else 0. */
static size_t label_value_copy(const char *l, size_t n, const char *label, char *value, size_t size)
{
	size_t k = strlen(label), vn;

	if (n <= k || bw_strncasecmp(l, label, k) != 0)
		return 0;
	vn = n - k < size - 1 ? n - k : size - 1;
	memcpy(value, l + k, vn);
	value[vn] = '\0';
	return vn;
}

/* The labels of a forwarded message's header lines, as mail programs write
 * them in the languages they are set to ("From:", "Von:", "发件人:"...). */
static const char *const from_labels[] = { BW_PHRASES_FROM_LABELS };
static const char *const subject_labels[] = { BW_PHRASES_SUBJECT_LABELS };

/* The value of line l[0..n) when it starts with one of `labels`, copied
 * into value (its length; 0 when no label starts the line). */
static size_t forwarded_label(const char *l, size_t n, const char *const *labels, size_t n_labels,
                              char *value, size_t cap)
{
	size_t i, vn;

	for (i = 0; i < n_labels; i++)
		if ((vn = label_value_copy(l, n, labels[i], value, cap)))
			return vn;
	return 0;
}

bool bw_sniff__pasted_bounce(const char *text, size_t len)
{
	bw_lines it;
	const char *l;
	size_t n;
	bool final_recipient = false, from_program = false;
	static const char *const program_senders[] = { BW_PHRASES_PASTED_BOUNCE_PROGRAM_SENDERS };

	if (len > 65536)
		len = 65536;
	bw_lines__init(&it, text, len);
	while (bw_lines__next(&it, &l, &n)) {
		char value[256];
		size_t vn;

		l = unquoted_line(l, &n);
		/* a recipient's group of fields: Final-Recipient, or (the
		 * recipient cut from the paste) Action: failed */
		if ((n >= 16 && BW_HAS_PREFIX_CI(l, "Final-Recipient:")) ||
		    (n >= 14 && BW_HAS_PREFIX_CI(l, "Action: failed")))
			final_recipient = true;
		if (final_recipient && n > 8 && BW_HAS_PREFIX_CI(l, "Status:")) {
			const char *v = l + 7;
			while (v < l + n && *v == ' ')
				v++;
			if (v < l + n && (*v == '4' || *v == '5') && v + 1 < l + n && v[1] == '.')
				return true;
		}
		if ((vn = forwarded_label(l, n, from_labels, sizeof(from_labels) / sizeof(from_labels[0]),
		                          value, sizeof(value)))) {
			if (bw_sniff__names_daemon(value))
				return true;
			from_program = bw_text__find_any(value, vn, program_senders,
			                                 sizeof(program_senders) / sizeof(program_senders[0]), NULL) != NULL;
		} else if (forwarded_label(l, n, subject_labels, sizeof(subject_labels) / sizeof(subject_labels[0]),
		                           value, sizeof(value))) {
			if (bw_sniff__is_bounce_subject(value + (value[0] == ' ')))
				return true;
			/* a sending service's notice: "Message not sent: ..." */
			if (from_program && bw_sniff__says_undelivered(value))
				return true;
		}
	}
	return false;
}

bool bw_sniff__quotes_reply(const char *text, size_t len, const char *classes)
{
	size_t i, s;

	if (len > 65536)
		len = 65536;
	for (i = 0; i + 9 <= len; i++) {
		if (!strchr(classes, text[i]) || !bw_smtp__reply_at(text, len, i))
			continue;
		s = i + 3;
		if (text[s] != ' ' && text[s] != '-')
			continue;
		s++;
		if (s < len && text[s] == text[i] && bw_smtp__status_at(text, len, s))
			return true;
	}
	return false;
}

bool bw_sniff__quotes_failure_reply(const char *text, size_t len)
{
	return bw_sniff__quotes_reply(text, len, "45");
}

bool bw_sniff__quotes_failure_status(const char *text, size_t len)
{
	size_t i, s;

	if (len > 65536)
		len = 65536;
	for (i = 0; i + 6 <= len; i++) {
		if ((text[i] != '4' && text[i] != '5') ||
		    (i > 0 && !bw_isspace((unsigned char)text[i - 1]) && text[i - 1] != ':' &&
		     text[i - 1] != '(' && text[i - 1] != '#'))
			continue;
		if (!(s = bw_smtp__status_at(text, len, i)) || i + s + 1 >= len)
			continue;
		if (text[i + s] == ' ' && bw_isalpha((unsigned char)text[i + s + 1]))
			return true;
	}
	return false;
}

bool bw_decoders__ends_with_word(const char *c, size_t n, const char *const *words, size_t nw)
{
	size_t i, wl;

	for (i = 0; i < nw; i++) {
		wl = strlen(words[i]);
		if (n >= wl && bw_strncasecmp(c + n - wl, words[i], wl) == 0 &&
		    (n == wl || !bw_isalnum((unsigned char)c[n - wl - 1])))
			return true;
	}
	return false;
}

bool bw_decoders__presents_author(const char *context, size_t n)
{
	static const char *const by[] = { "from", "von", "by" };
	size_t tl = n, words;
	bool angle = (n && context[n - 1] == '<') || context[n] == '<';

	while (tl && strchr(" \t<(\"':", context[tl - 1]))
		tl--;
	/* the word right before, or before a display name of up to four words
	 * (letters, dots, hyphens, apostrophes, quotes, commas) in front of a
	 * bracketed address */
	for (words = 0; words <= (angle ? 4u : 0u); words++) {
		size_t w = tl;

		if (bw_decoders__ends_with_word(context, tl, by, sizeof(by) / sizeof(by[0])))
			return true;
		while (w && (bw_isalpha((unsigned char)context[w - 1]) ||
		             (unsigned char)context[w - 1] >= 0x80 || strchr(".-'\",", context[w - 1])))
			w--;
		if (w == tl)
			break;
		tl = w;
		while (tl && (context[tl - 1] == ' ' || context[tl - 1] == '\t'))
			tl--;
	}
	return false;
}

/* A line that asks the reader to contact someone: its address is no recipient. */
static bool contact_line(const char *l, size_t n)
{
	static const char *const noise[] = { BW_PHRASES_CONTACT_LINE_NOISE };

	return bw_text__find_any(l, n, noise, sizeof(noise) / sizeof(noise[0]), NULL) != NULL;
}

static const char *const header_starts[] = { BW_PHRASES_HEADER_STARTS };

/* A line about the original message (its sender, its identifier), indented
 * in a summary: its address did not fail. */
static bool origin_line(const char *l, size_t n)
{
	static const char *const labels[] = { BW_PHRASES_ORIGIN_LINE_LABELS };
	size_t tl;
	const char *t = bw_text__trim(l, n, &tl);
	size_t i;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (bw_text__starts(t, tl, labels[i]))
			return true;
	return bw_memcasemem(l, n, "Message-ID") != NULL || bw_memcasemem(l, n, "on behalf of") != NULL;
}

/* Does line l[0..n) present address `a` as the original's author? */
static bool authored(const char *l, size_t n, const char *a)
{
	const char *at = bw_memcasemem(l, n, a);

	return at && bw_decoders__presents_author(l, (size_t)(at - l));
}

/* The words that label the cause of a failure ("Reason:", "Ursache:",
 * "Server response:"): the prose reader's reason lines and a listed sole
 * recipient's "Reason:" paragraph. */
const char *const bw_decoders__reason_labels[] = {
	"reason", "reasons", "cause", "error", "grund", "fehler", "ursache", "raison", "motif",
	"cause de l'erreur", "motivo", "razón", "razon", "causa", "reden", "oorzaak", "orsak",
	"årsak", "årsag", "syy", "powód", "důvod", "sebep", "причина", "Причина", "ошибка", "Ошибка", "原因", "理由", "错误",
	"원인", "사유", "supplementary information", "because", "weil", "parce que", "porque",
	"perché", "omdat", "ponieważ", "protože", "problem", "problème", "problema", "why",
	"warum", "pourquoi", "por qué", "porquê", "error message", "error text", "error details",
	"diagnostic", "diagnostics", "fehlermeldung", "message d'erreur", "mensaje de error", "messaggio di errore",
	"response", "server response", "remote response", "smtp response", "server reply", "remote reply",
	"réponse", "respuesta", "risposta", "resposta", "antwort", "réponse du serveur",
	"respuesta del servidor", "resposta do servidor", "antwort des servers", "risposta del server",
	"server's response", "server's reply", "response from the server", "reply from the server",
	"remote host said", "remote server said", "the server said",
	"reason for blocking", "reason for rejection", "reason for the rejection", "reason for refusal",
	"reason for non-delivery", "reason for failure", "blocking reason", "rejection reason",
	NULL
};

/* Does the line l[0..n) start with one of bw_decoders__reason_labels and
 * its colon ("Reason: the domain does not exist")? */
static bool reason_label(const char *l, size_t n)
{
	size_t i = 0, k, j;

	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	for (k = 0; bw_decoders__reason_labels[k]; k++) {
		size_t ll = strlen(bw_decoders__reason_labels[k]);

		if (n - i <= ll || bw_strncasecmp(l + i, bw_decoders__reason_labels[k], ll) != 0)
			continue;
		for (j = i + ll; j < n && (l[j] == ' ' || l[j] == '\t'); j++)
			;
		if (j < n && (l[j] == ':' || (n - j >= 3 && memcmp(l + j, "\xEF\xBC\x9A", 3) == 0)))
			return true;
	}
	return false;
}

/* A list of one recipient whose own lines quote no reply, in a notice
 * that quotes the server's reply in a paragraph of its own ("The server
 * there said:" / "552 Message too large"): that reply is the recipient's.
 * Only a line that names no address counts, and only before the returned
 * original's headers.  A paragraph led by a label such as "Reason:" is the
 * recipient's too, with the lines that continue it. */
static void attach_sole_reply(bw_recipient *rc, const char *text, size_t len)
{
	const char *d = bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC), *l;
	size_t n, more = 0;
	bw_lines it;

	if (d && bw_smtp__has_failure_code(d, strlen(d)))
		return;
	bw_lines__init(&it, text, len);
	while (bw_lines__next(&it, &l, &n)) {
		if (more) {
			size_t tl;
			bw_text__trim(l, n, &tl);
			if (!tl || !--more)
				return;
			bw_decoders__append_diag(rc, l, n);
			continue;
		}
		if (bw_text__find_any(l, n < 14 ? n : 14, header_starts,
		                      sizeof(header_starts) / sizeof(header_starts[0]), NULL) == l)
			return;
		if (n && l[0] != '>' && !memchr(l, '@', n) && bw_smtp__has_failure_code(l, n)) {
			bw_decoders__append_diag(rc, l, n);
			return;
		}
		if (reason_label(l, n)) {
			bw_decoders__append_diag(rc, l, n);
			more = 6;
		}
	}
}

/* Words that say the addresses they name got the message: read by
 * bw_decoders__says_received() and bw_decoders__says_spared() both. */
static const char *const received_words[] = { "received the message", "received your message",
	"received it" };

bool bw_decoders__says_received(const char *l, size_t n)
{
	static const char *const got[] = { "other recipients", "was delivered", "were delivered",
		"has been delivered", "delivered to", "delivered successfully", "successfully delivered" };
	static const char *const failed[] = { "not ", "n't", "undeliver", "fail", "unable" };

	return l && (bw_text__find_any(l, n, got, sizeof(got) / sizeof(got[0]), NULL) ||
	             bw_text__find_any(l, n, received_words,
	                               sizeof(received_words) / sizeof(received_words[0]), NULL)) &&
	       !bw_text__find_any(l, n, failed, sizeof(failed) / sizeof(failed[0]), NULL);
}

bool bw_decoders__says_spared(const char *s, size_t n)
{
	static const char *const spared[] = { BW_PHRASES_SAYS_SPARED_SPARED };

	return s && (bw_text__find_any(s, n, spared, sizeof(spared) / sizeof(spared[0]), NULL) ||
	             bw_text__find_any(s, n, received_words,
	                               sizeof(received_words) / sizeof(received_words[0]), NULL));
}

/* Does the line hold one address and nothing else? */
static bool lone_address(const char *l, size_t n)
{
	char *a = bw_addrline__lone(l, n);

	free(a);
	return a != NULL;
}

int bw_decoders__listed(const bw_msg *m, bw_report *r, const char *text, size_t len,
                        const char *action)
{
	size_t first = r->n_rcpt, prev_n = 0;
	bw_recipient *cur = NULL;
	const char *l, *prev = NULL;
	size_t n, tl;
	bool seen_address = false, first_entry;
	bw_lines it;

	bw_lines__init(&it, text, len);
	for (; bw_lines__next(&it, &l, &n); prev = l, prev_n = n) {
		char *a;
		bool own;
		bw_text__trim(l, n, &tl);
		if (!tl) {
			cur = NULL;
			l = NULL;
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
		own = bw_decoders__is_own_address(m, a);
		/* the list's first entry, an address alone on its line right under
		 * the heading, is a failed recipient even when it is a role
		 * address (a message to postmaster@ whose mailbox is full) */
		first_entry = !seen_address;
		seen_address = true;
		if (cur && bw_strcasecmp(bw_recipient__get(cur, BW_RCPT_RECIPIENT), a) == 0) {
			bw_decoders__append_diag(cur, l, n);
		} else if (cur && own && (l[0] == ' ' || l[0] == '\t') &&
		           bw_smtp__has_failure_code(l, n)) {
			/* an indented reply under the recipient that quotes the
			 * sender's address ("Error: 550 5.1.8 <sender>: Sender
			 * address rejected"): the recipient's diagnostic */
			bw_decoders__append_diag(cur, l, n);
		} else if (own || (bw_text__is_role_address(a) && !(first_entry && lone_address(l, n))) ||
		           contact_line(l, n) ||
		           origin_line(l, n) || authored(l, n, a) || bw_decoders__says_spared(l, n) ||
		           (!cur && bw_decoders__says_received(prev, prev_n))) {
			cur = NULL;
		} else if ((cur = bw_decoders__find(r, first, a))) {
			bw_decoders__append_diag(cur, l, n);
		} else if ((cur = bw_decoders__add(r, a, l, n)) && action) {
			bw_recipient__set(cur, BW_RCPT_ACTION, action);
		}
		free(a);
	}
	if (r->n_rcpt - first == 1)
		attach_sole_reply(r->rcpt[first], text, len);
	return (int)(r->n_rcpt - first);
}

/* Does text[0..len) hold one of `final` as the server's last word, not
 * as what it will do later ("we will keep trying for 4 days before
 * giving up")? */
static bool says_final(const char *text, size_t len, const char *const *final, size_t n)
{
	const char *at = text, *hit;

	while ((hit = bw_text__find_any(at, len - (size_t)(at - text), final, n, NULL))) {
		if (hit - text < 7 || bw_strncasecmp(hit - 7, "before ", 7) != 0)
			return true;
		at = hit + 1;
	}
	return false;
}

bool bw_sniff__delay_notice(const bw_msg *m)
{
	static const char *const subjects[] = { BW_PHRASES_DELAY_NOTICE_SUBJECTS };
	static const char *const delayed[] = { BW_PHRASES_DELAY_NOTICE_DELAYED };
	static const char *const final[] = { BW_PHRASES_DELAY_NOTICE_FINAL };
	size_t i, len = bw_text__report_length(m);
	bool delay = false;

	for (i = 0; i < sizeof(subjects) / sizeof(subjects[0]) && !delay; i++)
		delay = bw_sniff__subject_starts(m, subjects[i]);
	if (!delay)
		delay = bw_text__find_any(m->body, len, delayed, sizeof(delayed) / sizeof(delayed[0]), NULL) != NULL;
	/* Exim's failure intro over a deferral ("could not be delivered to
	 * ... This is a temporary error.") is no final word */
	return delay && (bw_memcasemem(m->body, len, "this is a temporary error") ||
	                 !says_final(m->body, len, final, sizeof(final) / sizeof(final[0])));
}

/* Does `d` say nothing but an address (bullets, brackets and quotes
 * aside)? */
static bool only_an_address(const char *d)
{
	const char *p = d, *t;

	while (*p) {
		while (*p && bw_isspace((unsigned char)*p))
			p++;
		for (t = p; *t && !bw_isspace((unsigned char)*t); t++)
			;
		/* a word other than the address that has a letter or digit */
		if (!memchr(p, '@', (size_t)(t - p)))
			for (; p < t; p++)
				if (bw_isalnum((unsigned char)*p))
					return false;
		p = t;
	}
	return true;
}

int bw_decoders__listed_after_intro(const bw_msg *m, bw_report *r, const char *action)
{
	static const char *const intros[] = { BW_PHRASES_LISTED_AFTER_INTRO_INTROS };
	size_t len = bw_text__report_length(m), first = r->n_rcpt, k;
	const char *at = bw_text__find_any(m->body, len, intros, sizeof(intros) / sizeof(intros[0]), NULL);
	const char *list;
	int got;

	if (!at)
		return 0;
	while (at > m->body && at[-1] != '\n')
		at--;
	if ((got = bw_decoders__listed(m, r, at, len - (size_t)(at - m->body), action)) <= 0)
		return got;
	/* a recipient whose own line is only its address: the intro up to
	 * the list says why ("... because this system does not have a local
	 * user by that name. ---- Unknown or illegal user ----") */
	list = memchr(at, '@', len - (size_t)(at - m->body));
	while (list && list > at && list[-1] != '\n')
		list--;
	for (k = first; list && list > at && k < r->n_rcpt; k++) {
		const char *d = bw_recipient__get(r->rcpt[k], BW_RCPT_DIAGNOSTIC);
		if (!d || only_an_address(d)) {
			char *intro = bw_strndup(at, (size_t)(list - at));
			if (!intro)
				return bw_error__oom(), BW_ENOMEM;
			bw_squeeze(intro);
			bw_decoders__append_diag(r->rcpt[k], intro, strlen(intro));
			free(intro);
		}
	}
	return got;
}

/* Is the line from b up to the address at `hit` a salutation: one of
 * `words` at its start, a few words at most before the address? */
static bool greets(const char *b, const char *hit, const char *const *words, size_t n)
{
	size_t i, tl;
	const char *t = b;

	while (t < hit && bw_isspace((unsigned char)*t))
		t++;
	tl = (size_t)(hit - t);
	if (tl > 40)
		return false;
	for (i = 0; i < n; i++)
		if (bw_text__starts(t, tl, words[i]))
			return true;
	return false;
}

/* Does text[0..len) name the reader's address `own` other than as the
 * one who got a copy or whom to contact ("the list administrator (x)
 * received a copy"), as the sender, or in a header line of the returned
 * original?  An address that opens its line continues the line before
 * ("... chosen not to receive mail from your address\n(x):"). */
static bool names_reader(const char *text, size_t len, const char *own)
{
	/* ... or as the sender of the mail that failed ("<x> sender rejected",
	 * "MAIL FROM:<x>") */
	static const char *const aside[] = { BW_PHRASES_NAMES_READER_ASIDE };
	/* a salutation ("Hello kim@example.org,") names the reader it greets */
	static const char *const greetings[] = { BW_PHRASES_NAMES_READER_GREETINGS };
	const char *p = text, *e = text + len, *hit;

	while (p < e && (hit = bw_memcasemem(p, (size_t)(e - p), own))) {
		const char *b = hit, *nl = memchr(hit, '\n', (size_t)(e - hit)), *h;

		while (b > text && b[-1] != '\n')
			b--;
		/* the line before, for an address that opens its line */
		for (h = b; h < hit && strchr(" \t(<\"", *h); h++)
			;
		if (h == hit && b > text) {
			const char *pb = b - 1;

			while (pb > text && pb[-1] != '\n')
				pb--;
			if (bw_text__find_any(pb, (size_t)(b - pb), aside, sizeof(aside) / sizeof(aside[0]), NULL)) {
				p = nl ? nl + 1 : e;
				continue;
			}
		}
		/* a header line of the returned original ("Sender: x") */
		for (h = b; h < hit && (bw_isalnum((unsigned char)*h) || *h == '-'); h++)
			;
		if (!(h > b && h < hit && *h == ':') &&
		    !bw_text__find_any(b, (size_t)((nl ? nl : e) - b), aside,
		                       sizeof(aside) / sizeof(aside[0]), NULL) &&
		    !greets(b, hit, greetings, sizeof(greetings) / sizeof(greetings[0])))
			return true;
		p = nl ? nl + 1 : e;
	}
	return false;
}

/* The address a Received field of the returned original names its
 * envelope recipient by ("... for <x@y>; date"), for the caller to free;
 * NULL when it names none. */
static char *received_for(const char *v)
{
	const char *p = v;

	while ((p = bw_strcasestr(p, "for "))) {
		if (p == v || p[-1] == ' ' || p[-1] == '\t' || p[-1] == ')') {
			const char *q = p + 4;
			size_t n;
			while (*q == ' ' || *q == '<')
				q++;
			n = strcspn(q, ">; \t");
			if (n && memchr(q, '@', n))
				return bw_text__first_address(q, n);
		}
		p += 4;
	}
	return NULL;
}

/* Is `v` a list robot's address ("owner-x@", "x-bounces@"...) at the
 * domain of `a` (whose '@' is `at`)? */
static bool robot_at_domain(const char *v, const char *at)
{
	static const char *const robots[] = { "owner-", "-owner@", "-request@", "-bounces",
		"+bounces", "+owner", "-errors@", "-admin@" };
	const char *vat = v ? strrchr(v, '@') : NULL;
	size_t k, dl = strlen(at + 1);

	if (!vat)
		return false;
	for (k = 0; k < sizeof(robots) / sizeof(robots[0]); k++)
		if (bw_strcasestr(v, robots[k]))
			break;
	return k < sizeof(robots) / sizeof(robots[0]) && bw_strncasecmp(vat + 1, at + 1, dl) == 0 &&
	       !bw_isalnum((unsigned char)vat[1 + dl]) && vat[1 + dl] != '.';
}

/* Does a List-Id value ("Garden club <garden.groups.example>") give the
 * address a (whose '@' is at) as its id, the '@' written as a dot, as
 * list managers form it (RFC 2919 3)? */
static bool list_id_names(const char *v, const char *a, const char *at)
{
	const char *lt = strrchr(v, '<'), *id = lt ? lt + 1 : v;
	size_t ll = (size_t)(at - a), dl = strlen(at + 1);

	while (bw_isspace((unsigned char)*id))
		id++;
	return bw_strncasecmp(id, a, ll) == 0 && id[ll] == '.' &&
	       bw_strncasecmp(id + ll + 1, at + 1, dl) == 0 &&
	       (id[ll + 1 + dl] == '>' || id[ll + 1 + dl] == '\0' || bw_isspace((unsigned char)id[ll + 1 + dl]));
}

/* Is `a` the list's own address in a returned original that came through
 * a mailing list: the address its List-Post or Reply-To gives, the one its
 * List-Id names, or one at
 * the domain of a list robot that sent
 * the original (Sender, Errors-To, Return-Path "owner-x@", "x-request@",
 * "x-bounces@", "x+bounces-..."...) or that the notice was sent to (its
 * own To: "devel-owner@lists.example.org")?  The
 * member whose delivery failed is then named nowhere in its headers. */
bool bw_decoders__list_address(const bw_msg *m, const bw_kvlist *o, const char *a)
{
	static const char *const senders[] = { "Sender", "Errors-To", "Return-Path" };
	const char *v, *at = strrchr(a, '@');
	size_t i;

	if ((v = bw_kvlist__get(o, "List-Post")) && bw_strcasestr(v, a))
		return true;
	if ((v = bw_kvlist__get(o, "Reply-To")) && bw_strcasestr(v, a))
		return true;
	if (at && (v = bw_kvlist__get(o, "List-Id")) && list_id_names(v, a, at))
		return true;
	for (i = 0; at && i < sizeof(senders) / sizeof(senders[0]); i++)
		if (robot_at_domain(bw_kvlist__get(o, senders[i]), at))
			return true;
	return at && robot_at_domain(bw_msg__header(m, "To"), at);
}

/* Where the subscriber's part of a VERP local part a..at starts, just
 * after its separator: after the first '+' ("list-bounces+jane=..."), and
 * past a bounce tag with a number there ("dev+bounces-2203-jane=...",
 * mlmmj's form); else after the '-' that follows the last all-digit id
 * ("bounce-88120-jane=...", "list-return-42-jane=..."); NULL when there is
 * neither. */
static const char *verp_separator(const char *a, const char *at)
{
	const char *p = memchr(a, '+', (size_t)(at - a)), *sep = NULL, *q;

	for (p = p ? p : a; p < at; p++) {
		if (*p != '-' || p + 1 >= at || !bw_isdigit((unsigned char)p[1]))
			continue;
		for (q = p + 1; q < at && bw_isdigit((unsigned char)*q); q++)
			;
		if (q < at && *q == '-' && memchr(q, '=', (size_t)(at - q)))
			sep = q;
	}
	if (!sep)
		sep = memchr(a, '+', (size_t)(at - a));
	return sep;
}

/* Whether s..end is a sending service's id rather than a word of a
 * mailbox name: hex digits (and dots) holding at least two digits and four
 * characters ("4412345", "ab12", "7fa3c1.2b7d"), or one letter and three
 * digits or more ("m88213", "u7731"). */
static bool verp_id_token(const char *s, const char *end)
{
	size_t n = (size_t)(end - s), digits = 0, i;
	bool hex = true;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		digits += bw_isdigit(c) ? 1 : 0;
		hex = hex && (bw_hex_value(c) >= 0 || c == '.');
	}
	if (hex && n >= 4 && digits >= 2)
		return true;
	return n >= 4 && bw_isalpha((unsigned char)s[0]) && digits == n - 1;
}

/* The subscriber a VERP address carries ("list-bounces+jane=example.org@x",
 * "bounce-88120-jane=example.org@x", "dev+bounces-2203-jane=example.org@x"),
 * without the ids a sending service puts before it
 * ("bounces+4412345-ab12-jane=example.org@x", "bounce+7f3a2c+1234567+jane=..."):
 * "jane@example.org" for the caller to free, or NULL. */
static char *verp_decode(const char *a)
{
	const char *at = strrchr(a, '@'), *sep = at ? verp_separator(a, at) : NULL, *p, *end;
	char *d = sep && sep < at ? bw_addr__verp_subscriber(sep + 1, (size_t)(at - sep - 1)) : NULL;

	while (d && (end = strrchr(d, '@'))) {
		for (p = d; p < end && *p != '-' && *p != '+'; p++)
			;
		if (p >= end - 1 || !verp_id_token(d, p))
			break;
		memmove(d, p + 1, strlen(p + 1) + 1);
	}
	return d;
}

char *bw_decoders__verp_subscriber(const bw_msg *m)
{
	static const char *const fields[] = { "Delivered-To", "X-Original-To", "Envelope-To", "To" };
	const char *v;
	char *a, *d = NULL;
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]) && !d; i++)
		if ((v = bw_msg__header(m, fields[i])) && (a = bw_text__first_address(v, strlen(v)))) {
			d = verp_decode(a);
			free(a);
		}
	if (!d && (v = bw_kvlist__get(&m->orig_headers, "Return-Path")) &&
	    (a = bw_text__first_address(v, strlen(v)))) {
		d = verp_decode(a);
		free(a);
	}
	return d;
}

/* A recipient the notice's text does not name: the notice's one failure
 * reply is its diagnostic, or else the notice as a whole is what the
 * classifier reads for it. */
static void attach_notice(bw_recipient *rc, const bw_msg *m)
{
	size_t len = known_report_length(m);

	attach_sole_reply(rc, m->body, len);
	if (!bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC) && !rc->notice)
		bw_recipient__set_notice(rc, m->body, len);
}

/* The one envelope recipient the returned original's header names: the
 * subscriber a VERP address of the notice names (verp_subscriber), else
 * the original's X-Original-To or Delivered-To (the address its last hop
 * delivered to), else the address its Received fields give ("for <x@y>"),
 * all the same, else its To when that holds one address; never the
 * notice's own address (see bw_decoders__is_own_address) nor a list's
 * (bw_decoders__list_address).  NULL when none or several; the caller
 * frees it. */
static char *original_recipient(const bw_msg *m)
{
	static const char *const envelope[] = { "X-Original-To", "Delivered-To" };
	const bw_kvlist *h = &m->orig_headers;
	char *found = bw_decoders__verp_subscriber(m), *a;
	size_t i;

	for (i = 0; !found && i < sizeof(envelope) / sizeof(envelope[0]); i++) {
		const char *v = bw_kvlist__get(h, envelope[i]);

		if (v && strchr(v, '@') == strrchr(v, '@') && (found = bw_text__first_address(v, strlen(v))) &&
		    (bw_decoders__is_own_address(m, found) || bw_decoders__list_address(m, h, found))) {
			free(found);
			found = NULL;
		}
	}
	for (i = 0; i < h->n && !found; i++) {
		if (bw_strcasecmp(h->name[i], "Received") == 0 && (a = received_for(h->value[i])) &&
		    !bw_text__keep_sole(&found, a))
			return NULL;        /* several envelope recipients */
	}
	if (!found) {
		const char *to = bw_kvlist__get(h, "To");
		if (to && strchr(to, '@') == strrchr(to, '@'))
			found = bw_text__first_address(to, strlen(to));
	}
	if (found && (bw_decoders__is_own_address(m, found) ||
	              bw_decoders__list_address(m, h, found))) {
		free(found);
		return NULL;
	}
	return found;
}

bw_recipient *bw_decoders__add_subject_recipient(const bw_msg *m, bw_report *r)
{
	const char *subject = bw_msg__header(m, "Subject");
	bw_recipient *rc = NULL;
	char *a;

	if (!subject || !strchr(subject, '@') || strchr(subject, '@') != strrchr(subject, '@') ||
	    !(a = bw_text__first_address(subject, strlen(subject))))
		return NULL;
	if (!bw_decoders__is_own_address(m, a) && !bw_decoders__list_address(m, &m->orig_headers, a) &&
	    (rc = bw_decoders__add(r, a, NULL, 0))) {
		attach_notice(rc, m);
		bw_report__warn(r, "the failed recipient %s was taken from the notice's subject (its text "
		                "names no address)", a);
	}
	free(a);
	return rc;
}

int bw_decoders__list_stand_ins(const bw_msg *m, bw_report *r, size_t first)
{
	char *sub = NULL, *verp = bw_decoders__verp_subscriber(m);
	size_t i;

	for (i = r->n_rcpt; i > first; i--) {
		bw_recipient *rc = r->rcpt[i - 1];
		const char *a = bw_recipient__get(rc, BW_RCPT_RECIPIENT);
		bool list;

		/* the list itself; a mailbox id without a domain, or an
		 * Exchange-internal X.500 name ("IMCEAEX-_O=...@domain"), only
		 * when a VERP address names the subscriber (else the id is
		 * completed or kept as the notice gives it) */
		if (!a)
			continue;
		list = strchr(a, '@') && !bw_startswith_ci(a, "imceaex-");
		if (list ? !bw_decoders__list_address(m, &m->orig_headers, a) : !verp)
			continue;
		if (!sub && !(sub = list ? original_recipient(m) : bw_strdup(verp)))
			break;
		if (bw_decoders__find(r, first, sub)) {
			bw_report__remove_recipient(r, i - 1);
			continue;
		}
		bw_report__warn(r, "the notice names %s, %s; the subscriber it was returned for is %s "
		                "(the notice's envelope or the returned original's header)", a,
		                !strchr(a, '@') ? "a mailbox without a domain" :
		                bw_startswith_ci(a, "imceaex-") ? "an Exchange-internal name" : "the list itself",
		                sub);
		if (bw_recipient__set(rc, BW_RCPT_RECIPIENT, sub) < 0) {
			free(sub);
			free(verp);
			return BW_ENOMEM;
		}
	}
	free(sub);
	free(verp);
	return 0;
}

bw_recipient *bw_decoders__add_original_recipient(const bw_msg *m, bw_report *r)
{
	char *a = original_recipient(m);
	bw_recipient *rc;

	if (!a)
		return NULL;
	if ((rc = bw_decoders__add(r, a, NULL, 0))) {
		attach_notice(rc, m);
		bw_report__warn(r, "the failed recipient %s was taken from the returned original's header "
		                "(the notice's text names no address)", a);
	}
	free(a);
	return rc;
}

size_t bw_decoders__about_readers_box(const bw_msg *m)
{
	/* the reader's own mailbox spoken of ("incoming messages could not be
	 * delivered to your inbox"): the reader is who did not receive */
	static const char *const readers_box[] = { "your inbox", "your mailbox", "your storage",
		"incoming messages", "pending messages" };
	size_t i, n = 0, len = known_report_length(m);

	for (i = 0; i < sizeof(readers_box) / sizeof(readers_box[0]); i++)
		n += bw_text__find_any(m->body, len, readers_box + i, 1, NULL) != NULL;
	return n;
}

bool bw_decoders__about_reader(const bw_msg *m)
{
	const char *to = bw_msg__header(m, "To");
	char *own = to ? bw_text__first_address(to, strlen(to)) : NULL;
	bool about = own && (names_reader(m->body, known_report_length(m), own) ||
	                     bw_decoders__about_readers_box(m) > 0);

	free(own);
	return about;
}

bool bw_decoders__failure_words(const bw_msg *m)
{
	static const char *const words[] = { BW_PHRASES_SAYS_FAILURE_WORDS };
	size_t len = known_report_length(m);

	/* the words as written, or wrapped over two lines */
	return bw_text__find_any(m->body, len, words, sizeof(words) / sizeof(words[0]), NULL) ||
	       find_any_squeezed(m->body, len, words, sizeof(words) / sizeof(words[0]));
}

bool bw_decoders__says_failure(const bw_msg *m)
{
	/* A notice about the reader's own mailbox ("messages for you were
	 * rejected, verify your account") is no bounce of theirs. */
	return !bw_decoders__about_reader(m) && bw_decoders__failure_words(m);
}

bool bw_decoders__looks_like_report(const bw_msg *m)
{
	static const char *const words[] = { BW_PHRASES_LOOKS_LIKE_REPORT_WORDS };
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
	const char *stage;

	if (!bw_recipient__get(rc, BW_RCPT_SMTP_COMMAND) && (stage = bw_smtp__stage_named(t, tl)))
		bw_recipient__set(rc, BW_RCPT_SMTP_COMMAND, stage);
}

/* Where the rest of a host name that starts at text[k] ends: lower-case
 * letters, digits, hyphens and dots; *dot says whether it has a dot. */
static size_t host_rest_end(const char *text, size_t len, size_t k, bool *dot)
{
	*dot = false;
	while (k < len && ((text[k] >= 'a' && text[k] <= 'z') || bw_isdigit((unsigned char)text[k]) ||
	                   text[k] == '-' || text[k] == '.'))
		*dot |= text[k++] == '.';
	return k;
}

/* Does the host name's rest end at text[e] as a word: white space,
 * closing punctuation or the end? */
static bool host_rest_closed(const char *text, size_t len, size_t e)
{
	return e >= len || bw_isspace((unsigned char)text[e]) || strchr(">),;", text[e]);
}

/* Is the address ending at text[d] (at the end of its line) cut by a
 * mail program that wraps long lines at a fixed column inside a label
 * ("...landesverband.exa" over "mple.de ist nicht ...")?  The line is
 * long, and the next line starts at the margin with the rest of a host
 * name that has a dot, then white space, punctuation or the end. */
static bool wrapped_at_margin(const char *text, size_t len, size_t d)
{
	size_t start = d, k = d, e;
	bool dot;

	while (start > 0 && text[start - 1] != '\n')
		start--;
	if (d - start < 60)
		return false;
	if (k < len && text[k] == '\r')
		k++;
	if (k >= len || text[k] != '\n')
		return false;
	e = host_rest_end(text, len, k + 1, &dot);
	return e > k + 1 && dot && text[e - 1] != '.' && host_rest_closed(text, len, e);
}

/* The characters a local part cut by a line break is read back over: a
 * narrower set than RFC 5322's atext (text.c), so that a line's last word
 * with '=', '/' or a quote is never taken for the start of an address. */
static bool fold_local_char(unsigned char c)
{
	return bw_isalnum(c) || c == '.' || c == '-' || c == '_' || c == '+';
}

/* Does the local part that starts text[j] at the margin of its line (after
 * its indentation) go on from the end of the line before, cut after a
 * hyphen ("margaret.oconnor-" over "whitfield@example.com")?  The line
 * before must end with a word of local-part characters ending in '-' that
 * stands alone (after white space, '<', '(' or a colon); *cut is where
 * that line's text ends.  Nothing before `from` is looked at. */
static bool local_part_cut(const char *text, size_t from, size_t j, size_t *cut)
{
	size_t p = j, q;

	while (p > from && (text[p - 1] == ' ' || text[p - 1] == '\t'))
		p--;
	if (p <= from || text[p - 1] != '\n')
		return false;
	p--;
	if (p > from && text[p - 1] == '\r')
		p--;
	if (p <= from || text[p - 1] != '-')
		return false;
	for (q = p; q > from && fold_local_char((unsigned char)text[q - 1]); q--)
		;
	if (p - q < 3 || !bw_isalnum((unsigned char)text[q]) ||
	    (q > 0 && !strchr(" \t<(:\n", text[q - 1])))
		return false;
	*cut = p;
	return true;
}

/* A copy of text[0..len) with every address that a line break cut after a
 * '-' of its domain (a label never ends with one: "x@warehouse-" over
 * "north.example.com"), or after a '.' when the next line goes on with a
 * host name, or after a '-' of its local part (local_part_cut), joined
 * again; NULL when there is none. */
char *bw_decoders__unfold_addresses(const char *text, size_t len, size_t *out_len)
{
	bw_buf b = BW_BUF_INIT;
	size_t i, from = 0, folds = 0;
	const char *at;

	for (i = 0; i < len && (at = memchr(text + i, '@', len - i)); i++) {
		size_t d, k;

		i = (size_t)(at - text);
		for (k = i; k > from && fold_local_char((unsigned char)text[k - 1]); k--)
			;
		if (k < i && local_part_cut(text, from, k, &d)) {
			bw_buf__put(&b, text + from, d - from);
			from = k;
			folds++;
		}
		for (d = i + 1; d < len && (bw_isalnum((unsigned char)text[d]) || text[d] == '.' ||
		                            text[d] == '-'); d++)
			;
		if (d == i + 1 || (text[d - 1] != '-' && text[d - 1] != '.' && !wrapped_at_margin(text, len, d)))
			continue;
		k = d;
		if (k < len && text[k] == '\r')
			k++;
		if (k >= len || text[k] != '\n')
			continue;
		for (k++; k < len && (text[k] == ' ' || text[k] == '\t'); k++)
			;
		if (k >= len || !bw_isalnum((unsigned char)text[k]))
			continue;
		if (text[d - 1] == '.') {
			/* a sentence's full stop unless the next line goes on with
			 * a lower-case host name ("mail." over "example.com") */
			bool dot;
			size_t e = host_rest_end(text, len, k, &dot);

			if (!dot || !host_rest_closed(text, len, e))
				continue;
		}
		bw_buf__put(&b, text + from, d - from);
		from = k;
		folds++;
		i = k;
	}
	if (!folds) {
		bw_buf__free(&b);
		return NULL;
	}
	bw_buf__put(&b, text + from, len - from);
	*out_len = b.len;
	return bw_buf__detach(&b);
}

int bw_decoders__read_unfolded(const bw_msg *m, bw_report *r,
                               int (*read)(const bw_msg *m, bw_report *r))
{
	size_t ulen = 0;
	char *u = bw_decoders__unfold_addresses(m->body, m->body_len, &ulen);
	bw_msg inner;
	int rc;

	if (!u)
		return read(m, r);
	inner = *m;
	inner.body = u;
	inner.body_len = ulen;
	inner.report_length_known = false;
	rc = read(&inner, r);
	free(u);
	return rc;
}

bool bw_decoders__local_program(const bw_recipient *rc)
{
	const char *type = bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC_TYPE);

	return type && bw_strcasecmp(type, "x-unix") == 0;
}
