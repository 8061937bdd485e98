/*
 * parse.c - the pipeline behind bw_parse_*: octets -> bw_msg -> decoders ->
 * evidence -> classification -> report.
 */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "classify.h"
#include "decoders/common.h"
#include "decoders/decoder.h"
#include "error.h"
#include "evidence.h"
#include "msg.h"
#include "prepare.h"
#include "text.h"
#include "textindex.h"
#include "util.h"

#define DEFAULT_MAX_SIZE ((size_t)64 << 20)
#define DEFAULT_MAX_RCPT 10000

int bw_parse_options_init(bw_parse_options *opts, unsigned int version)
{
	bw_parse_options init = BW_PARSE_OPTIONS_INIT;

	if (!opts || version != BW_PARSE_OPTIONS_VERSION)
		return bw_error__set(BW_EINVALID, "bw_parse_options_init: unsupported version %u", version);
	*opts = init;
	return BW_OK;
}

static size_t max_size(const bw_parse_options *opts)
{
	return opts && opts->max_message_size ? opts->max_message_size : DEFAULT_MAX_SIZE;
}

/* Headers of the returned original that a list manager may match on. */
static bool keep_original_header(const char *name)
{
	static const char *const keep[] = { "Message-ID", "From", "To", "Subject", "Date",
		"List-Id", "List-Unsubscribe", "Return-Path", "Sender", "Reply-To", "Feedback-ID" };
	size_t i;

	if (bw_startswith_ci(name, "X-"))
		return true;
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if (bw_strcasecmp(name, keep[i]) == 0)
			return true;
	return false;
}

/* The returned original's header fields the report keeps. */
static void fill_original_fields(bw_report *r, const bw_msg *m)
{
	static const struct { const char *header; bw_report_field field; } orig[] = {
		{ "Message-ID", BW_REPORT_ORIG_MESSAGE_ID }, { "From", BW_REPORT_ORIG_FROM },
		{ "To", BW_REPORT_ORIG_TO }, { "Subject", BW_REPORT_ORIG_SUBJECT },
		{ "Date", BW_REPORT_ORIG_DATE }, { "List-Id", BW_REPORT_ORIG_LIST_ID },
	};
	size_t i;

	for (i = 0; i < sizeof(orig) / sizeof(orig[0]); i++)
		bw_report__set(r, orig[i].field, bw_kvlist__get(&m->orig_headers, orig[i].header));
	for (i = 0; i < m->orig_headers.n; i++)
		if (keep_original_header(m->orig_headers.name[i]))
			bw_kvlist__push(&r->original_headers, m->orig_headers.name[i], m->orig_headers.value[i]);
}

static void fill_report_fields(bw_report *r, const bw_msg *m)
{
	static const char *const envelope[] = { "Message-ID", "To", "Delivered-To",
		"X-Original-To", "Envelope-To", "X-Envelope-To" };
	char *verp;
	size_t i;

	for (i = 0; i < sizeof(envelope) / sizeof(envelope[0]); i++)
		if (bw_msg__header(m, envelope[i]))
			bw_kvlist__push(&r->envelope, envelope[i], bw_msg__header(m, envelope[i]));
	bw_report__set(r, BW_REPORT_SUBJECT, bw_msg__header(m, "Subject"));
	bw_report__set(r, BW_REPORT_FROM, bw_msg__header(m, "From"));
	bw_report__set(r, BW_REPORT_DATE, bw_msg__header(m, "Date"));
	if ((verp = bw_decoders__verp_subscriber(m))) {
		bw_report__set(r, BW_REPORT_SUBSCRIBER, verp);
		free(verp);
	}
	fill_original_fields(r, m);
	for (i = 0; i < m->warnings.n; i++)
		bw_report__warn(r, "%s", m->warnings.v[i]);
	if (m->nested)
		bw_report__warn(r, "the report was found inside an attached message (a bounce forwarded, or a notice a list manager relayed)");
}

static bool action_is(const bw_recipient *rc, const char *a)
{
	const char *v = bw_recipient__get(rc, BW_RCPT_ACTION);

	return v && strcmp(v, a) == 0;
}

static void decide_kind(bw_report *r)
{
	size_t i, delayed = 0, delivered = 0;

	if (r->kind_set)
		return;
	if (r->n_rcpt == 0) {
		r->kind = BW_KIND_NOT_A_BOUNCE;
		return;
	}
	for (i = 0; i < r->n_rcpt; i++) {
		const char *reason = bw_recipient__get(r->rcpt[i], BW_RCPT_REASON);
		if (action_is(r->rcpt[i], "delayed"))
			delayed++;
		else if (reason && strcmp(reason, "delivered") == 0)
			delivered++;
	}
	/* delayed ones beside delivered ones, none failed: still a delay */
	if (delayed && delayed + delivered == r->n_rcpt)
		r->kind = BW_KIND_DELAY;
	else if (delivered == r->n_rcpt)
		r->kind = BW_KIND_DELIVERED;
	else
		r->kind = BW_KIND_BOUNCE;
}

/* A recipient named only by a local form ("Final-Recipient: LOCAL;lars",
 * a gateway's user name) whose report also gives its full address
 * (Original-Recipient: rfc822;lars@example.net): the full address is the
 * one a sender knows. */
static void prefer_full_addresses(bw_report *r)
{
	size_t i;

	for (i = 0; i < r->n_rcpt; i++) {
		const char *a = bw_recipient__get(r->rcpt[i], BW_RCPT_RECIPIENT);
		const char *o = bw_recipient__get(r->rcpt[i], BW_RCPT_ORIGINAL_RECIPIENT);

		if (a && o && !strchr(a, '@') && strchr(o, '@'))
			bw_recipient__set(r->rcpt[i], BW_RCPT_RECIPIENT, o);
	}
}

/* The one address at `domain` that the report's text names ("<kim@x>:
 * connect to x[192.0.2.6]:25: ..."), or NULL when it names none or
 * several.  Caller frees. */
static char *sole_address_at(const char *text, size_t len, const char *domain)
{
	const char *p = text;
	char *found = NULL, *a;

	while ((a = bw_text__next_address(text, text + len, &p))) {
		if (bw_strcasecmp(strchr(a, '@') + 1, domain) != 0)
			free(a);
		else if (!bw_text__keep_sole(&found, a))
			return NULL;   /* several */
	}
	return found;
}

/* A recipient named by its domain alone (a DSN's "Final-Recipient:
 * rfc822; example.org", the local part lost) whose report's text names one
 * address at that domain: that address. */
static void complete_domain_only(const bw_msg *m, bw_report *r)
{
	size_t i;

	for (i = 0; i < r->n_rcpt; i++) {
		const char *a = bw_recipient__get(r->rcpt[i], BW_RCPT_RECIPIENT);
		char *full;

		if (!a || strchr(a, '@') || !strchr(a, '.') || strchr(a, ' '))
			continue;
		if ((full = sole_address_at(m->body, m->report_length, a))) {
			bw_recipient__evidence(r->rcpt[i], "recipient %s named by its domain only; the report's text gives %s",
			                       a, full);
			bw_recipient__set(r->rcpt[i], BW_RCPT_RECIPIENT, full);
			free(full);
		}
	}
}

/* Whether a recipient may be read as delayed (permanent: its reply or
 * status is 5xx) or as delivered (a 4xx or 5xx one is no delivery): not
 * marked otherwise by its reader, and no such code. */
static bool open_to(const bw_recipient *rc, bool permanent_only)
{
	const char *a = bw_recipient__get(rc, BW_RCPT_ACTION);
	const char *code = bw_recipient__get(rc, BW_RCPT_REPLY_CODE);
	const char *st = bw_recipient__get(rc, BW_RCPT_STATUS);

	if (a && strcmp(a, "failed") != 0)
		return false;
	if (code && (code[0] == '5' || (!permanent_only && code[0] == '4')))
		return false;
	return !(st && (st[0] == '5' || (!permanent_only && st[0] == '4')));
}

/* Sets `action` on the recipients open_to() it; returns how many. */
static size_t mark_open(bw_report *r, bool permanent_only, const char *action)
{
	size_t i, n = 0;

	for (i = 0; i < r->n_rcpt; i++)
		if (open_to(r->rcpt[i], permanent_only)) {
			if (action)
				bw_recipient__set(r->rcpt[i], BW_RCPT_ACTION, action);
			n++;
		}
	return n;
}

/* Does the notice's subject say that something failed ("Delivery status
 * notification: error", "Undeliverable: ...")?  Such a notice is no
 * delivery report, whatever its template's other lines say. */
static bool subject_says_failure(const bw_msg *m)
{
	static const char *const words[] = { "error", "fail", "undeliver", "not delivered",
		"returned", "non remis", "unzustellbar", "no entregado", "non recapitabile" };
	const char *s = bw_msg__header(m, "Subject");

	return s && bw_text__find_any(s, strlen(s), words, sizeof(words) / sizeof(words[0]), NULL);
}

/* A delay warning, not a notice that the message is held for someone to
 * release (a gateway's quarantine also says "you do not need to resend"). */
static bool retried_later(const bw_msg *m)
{
	return bw_sniff__delay_notice(m) && !bw_sniff__body_has(m, "been held") &&
	       !bw_sniff__body_has(m, "being held") && !bw_sniff__body_has(m, "quarantin");
}

/* A notice that returns its original inline, after a marker line in its
 * text ("--- The header of the original message is following. ---",
 * "Original message headers:"), and in no MIME part of its own: the
 * header block under the marker is the original's header, read like a
 * returned part's (its Message-ID, From, Subject; its envelope recipient
 * in Received "for <x>").  Kept only when it holds two fields or more;
 * returns whether it was. */
static bool inline_original_headers(bw_msg *m)
{
	const char *l;
	size_t n;
	bw_lines it;
	bool more;

	if (m->has_original || m->report_length >= m->body_len)
		return false;
	bw_lines__init(&it, m->body + m->report_length, m->body_len - m->report_length);
	bw_lines__next(&it, &l, &n);            /* the marker line */
	while ((more = bw_lines__next(&it, &l, &n)) && bw_text__blank(l, n))
		;
	if (!more)
		return false;
	bw_headers__parse(l, (size_t)(m->body + m->body_len - l), &m->orig_headers);
	if (m->orig_headers.n < 2) {
		bw_kvlist__clear(&m->orig_headers);
		return false;
	}
	m->has_original = true;
	return true;
}

/* A notice with no delivery-status part, whatever reader found its
 * recipients, may still say what became of them (its recipients' SMTP
 * facts read from their diagnostics first):
 *  - that it is only a warning (the message waits for another try: "THIS
 *    IS A WARNING ONLY", "Gmail will retry", bw_sniff__delay_notice()):
 *    each recipient not marked otherwise becomes delayed, unless its own
 *    reply or status is permanent;
 *  - that the message arrived ("successfully delivered", "delivery ... is
 *    complete", a return receipt) and nowhere that delivery failed: each
 *    recipient not marked otherwise and without a failure code becomes
 *    delivered (not when the subject says it reports an error).
 * The notice's text is searched only when a recipient is open to either. */
static void notice_actions(const bw_msg *m, bw_report *r)
{
	static const char *const said[] = { "successfully delivered", "successful delivery",
		"delivery to these recipients or groups is complete", "has been delivered to the following",
		"was delivered to the following", "delivered to mailbox", "delivered successfully",
		"erfolgreich zugestellt", "zugestellt an folgende", "remis avec succès", "distribué avec succès",
		"entregado correctamente", "entregado con éxito", "consegnato correttamente",
		"recapito a questi destinatari o gruppi è stato completato", "entregue com sucesso",
		"is bezorgd bij", "succesvol afgeleverd", "uspješno je isporučena", "dostarczona pomyślnie",
		"úspěšně doručena", "успешно доставлено", "正常に配信されました", "已成功投递", "已成功送達" };
	size_t i;

	for (i = 0; i < r->n_rcpt; i++)
		bw_evidence__complete(r->rcpt[i]);
	if (m->dsn.n || !mark_open(r, true, NULL))
		return;
	if (bw_sniff__delay_notice(m)) {
		mark_open(r, true, "delayed");
		return;
	}
	if (mark_open(r, false, NULL) &&
	    bw_text__find_any(m->body, bw_text__report_length(m), said, sizeof(said) / sizeof(said[0]), NULL) &&
	    !bw_decoders__says_failure(m) && !subject_says_failure(m))
		mark_open(r, false, "delivered");
}

/* Classifies the recipients (their SMTP facts completed from their
 * diagnostics) and decides the report's kind. */
static int finish(bw_report *r, const bw_rules *rules)
{
	size_t i;
	int err;

	for (i = 0; i < r->n_rcpt; i++) {
		if ((err = bw_classify__recipient(rules, r->rcpt[i])) < 0)
			return err;
		if (r->rcpt[i]->limit_rule)
			bw_report__warn(r, "rule %s hit the PCRE2 match limit and was counted as not matching",
			                r->rcpt[i]->limit_rule);
	}
	decide_kind(r);
	return BW_OK;
}

/* A header field line: a name of printable ASCII without a colon, then ':'. */
static bool header_field_line(const char *l, size_t n)
{
	size_t i;

	for (i = 0; i < n && l[i] != ':'; i++)
		if ((unsigned char)l[i] <= ' ' || (unsigned char)l[i] >= 127)
			return false;
	return i > 0 && i < n;
}

/* Does the header line name a field every message has? */
static bool main_field_line(const char *l, size_t n)
{
	static const char *const names[] = { "From:", "To:", "Subject:", "Date:", "Received:",
		"Return-Path:", "Message-ID:" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (n >= strlen(names[i]) && bw_strncasecmp(l, names[i], strlen(names[i])) == 0)
			return true;
	return false;
}

#define PREAMBLE_MAX_LINES 5

/* Saved bounces sometimes start with a byte order mark, a blank line or a
 * line of junk (an archive's note such as "Message 17 of 40") before the
 * first header, and the header block would then be read as body.  When the input does not
 * start with a header (or an mbox "From " line) but a header block starts
 * within its first PREAMBLE_MAX_LINES lines (two header lines in a row,
 * one of them a field every message has), returns the offset of that
 * block; else 0. */
static size_t preamble_length(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	size_t i;

	/* a UTF-8 byte order mark some editors write */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		return 3 + preamble_length(buf + 3, len - 3);
	if (len >= 5 && memcmp(buf, "From ", 5) == 0)
		return 0;
	for (i = 0; i <= PREAMBLE_MAX_LINES && p < end; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *q = nl ? nl + 1 : end;
		const char *nl2 = memchr(q, '\n', (size_t)(end - q));
		size_t n2 = nl2 ? (size_t)(nl2 - q) : (size_t)(end - q);

		if (header_field_line(p, n)) {
			if (i == 0 || !header_field_line(q, n2) ||
			    !(main_field_line(p, n) || main_field_line(q, n2)))
				return 0;
			return (size_t)(p - buf);
		}
		p = q;
	}
	return 0;
}

/* Longest mbox "From " line envelope_line() takes. */
#define ENVELOPE_MAX 998

/* The length (with its LF) of the mbox envelope line ("From " and the
 * sender and date, as an mbox file keeps before each message) that buf
 * starts with, or 0.  GMime's message parse skips such a first line
 * without a warning and reads the message after it: so, when the rest is
 * read without GMime (bw_msg__parse_plain()), it is read from the next
 * line.  Only a short line (at most ENVELOPE_MAX bytes and shorter than
 * max_line, so that prepare.c would not have cut it), without NUL. */
static size_t envelope_line(const char *buf, size_t len, size_t max_line)
{
	const char *nl;
	size_t n;

	if (len < 5 || memcmp(buf, "From ", 5) != 0 ||
	    !(nl = memchr(buf, '\n', len < ENVELOPE_MAX ? len : ENVELOPE_MAX)))
		return 0;
	n = (size_t)(nl - buf);
	if (n >= max_line || memchr(buf, '\0', n))
		return 0;
	return n + 1;
}

int bw_parse_buffer(bw_report **out, const bw_rules *rules, const char *buf, size_t len,
                    const bw_parse_options *opts)
{
	bw_report *r = NULL;
	bw_msg m;
	bw_scanidx idx;
	bw_textindex ix;    /* 8 KiB: on the stack */
	const bw_textindex *prev_ix = NULL;
	char *copy = NULL;
	size_t skip, from;
	bool system_notice, session_report;
	int err;

	if (!out)
		return bw_error__set(BW_EINVALID, "bw_parse_buffer: out is NULL");
	*out = NULL;
	if (!rules || (!buf && len))
		return bw_error__set(BW_EINVALID, "bw_parse_buffer: rules and buf are required");
	if (opts && opts->version != BW_PARSE_OPTIONS_VERSION)
		return bw_error__set(BW_EINVALID, "bw_parse_buffer: unsupported options version %u", opts->version);
	if (len > max_size(opts))
		return bw_error__set(BW_ELIMIT, "message of %zu bytes exceeds the limit of %zu bytes",
		                     len, max_size(opts));
	if (len == 0)
		return bw_error__set(BW_EPARSE, "empty input");
	bw_error__oom_take();   /* the latch counts for this parse only */
	/* One pass over the message for what the steps below would each
	 * search it for (prepare.h); it stops at a CR: */
	bw_scanidx__build(&idx, buf, len);
	if (idx.has_cr) {
		if (!(copy = bw_strndup(buf, len)))
			return bw_error__set(BW_ENOMEM, "out of memory");
		len = bw_text__normalize_eol(copy, len);
		buf = copy;
		bw_scanidx__build(&idx, buf, len);
	}
	skip = preamble_length(buf, len);
	from = envelope_line(buf + skip, len - skip,
	                     opts && opts->max_line_length ? opts->max_line_length : BW_DEFAULT_MAX_LINE);
	err = from ? bw_msg__parse_plain(&m, buf + skip + from, len - skip - from, opts, &idx, skip + from)
	           : BW_MSG_NEEDS_GMIME;
	if (err == BW_MSG_NEEDS_GMIME)
		err = bw_msg__parse_indexed(&m, buf + skip, len - skip, opts, &idx, skip);
	bw_scanidx__free(&idx);
	free(copy);
	if (err < 0 && bw_error__oom_take())
		err = bw_error__set(BW_ENOMEM, "out of memory");   /* not a parse error */
	if (err < 0) {
		bw_msg__clear(&m);
		return err;
	}
	if (!(r = bw_report__new(opts && opts->max_recipients ? opts->max_recipients : DEFAULT_MAX_RCPT))) {
		bw_msg__clear(&m);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	r->max_line = opts && opts->max_line_length ? opts->max_line_length : BW_DEFAULT_MAX_LINE;
	fill_report_fields(r, &m);
	if (skip)
		bw_report__warn(r, "skipped %zu bytes before the first header", skip);
	/* The body indexed (textindex.h) for all that searches it below: a
	 * phrase the body lacks is then rejected without a scan. */
	if (m.body_len >= 3) {
		bw_textindex__build(&ix, m.body, m.body_len);
		prev_ix = bw_textindex__use(&ix);
	}
	m.report_length = bw_text__report_length(&m);
	m.report_length_known = true;
	if (inline_original_headers(&m))
		fill_original_fields(r, &m);
	/* a report to the postmaster about an SMTP session (Postfix's "SMTP
	 * server: errors from ...") names no failed message: no reader runs */
	session_report = bw_sniff__session_notice(&m);
	err = session_report ? BW_OK : bw_decoders__run(&m, r);
	system_notice = err >= 0 && !session_report && r->n_rcpt == 0 && !r->kind_set &&
	                bw_sniff__system_notice(&m);
	/* A mail system's notice that says delivery failed, quotes a
	 * server's failure reply, carries a failed recipient's
	 * delivery-status fields, or comes from a mailer-daemon under a
	 * bounce's subject, is a bounce even when no reader found whom it was
	 * about (a delay when it says delivery will be tried again); not when
	 * it speaks of the reader's own mailbox ("incoming messages could not
	 * be delivered to your inbox": phishing dressed as a bounce), nor when
	 * it reports an SMTP session to the postmaster.  A mail
	 * system's notice that named no one and returns the original is read
	 * once more with its own addresses allowed: a sender who mailed
	 * themselves is the recipient.  (A phishing "bounce" that names only
	 * its reader returns no original.) */
	if (system_notice && (bw_kvlist__get(&m.orig_headers, "From") || m.report_length < m.body_len)) {
		m.own_may_fail = true;
		err = bw_decoders__run(&m, r);
	}
	/* ... nor when, naming no one, returning no message and quoting no
	 * server, it carries a program or an archive instead: a worm dressed
	 * as a delivery notice ("...has been sent as a binary attachment"). */
	if (system_notice && err >= 0 && r->n_rcpt == 0 && !r->kind_set && m.program_attachment &&
	    !m.has_original && !m.dsn.n && !bw_sniff__quotes_failure_reply(m.body, m.report_length)) {
		bw_report__warn(r, "a delivery notice that names no one and returns no message but "
		                "carries a program or an archive (%s): malware dressed as a bounce, "
		                "not a bounce", m.program_attachment);
		r->kind = BW_KIND_NOT_A_BOUNCE;
		r->kind_set = true;
	}
	if (system_notice && err >= 0 && r->n_rcpt == 0 && !r->kind_set && !bw_decoders__about_reader(&m)) {
		bool delay = retried_later(&m);

		if ((delay || bw_decoders__failure_words(&m) ||
		     bw_sniff__quotes_failure_reply(m.body, m.report_length) ||
		     bw_sniff__pasted_bounce(m.body, m.report_length) ||
		     (bw_sniff__from_daemon(&m) && bw_sniff__bounce_subject(&m))) &&
		    /* the returned original's header, the subject, or a name
		     * it gives without a domain, may name whom it was for */
		    !bw_decoders__add_original_recipient(&m, r) && !bw_decoders__add_subject_recipient(&m, r) &&
		    !bw_decoders__add_bare_ids(&m, r)) {
			r->kind = delay ? BW_KIND_DELAY : BW_KIND_BOUNCE;
			r->kind_set = true;
			bw_report__warn(r, "a delivery %s notice that names no recipient bouncewhy could find",
			                delay ? "delay" : "failure");
		}
	}
	if (err >= 0) {
		notice_actions(&m, r);
		complete_domain_only(&m, r);
	}
	if (m.body_len >= 3)
		bw_textindex__use(prev_ix);
	bw_msg__clear(&m);
	if (err >= 0) {
		prefer_full_addresses(r);
		err = finish(r, rules);
	}
	/* An allocation failed somewhere, even where its result was not
	 * checked: the report may lack a field, so there is no report. */
	if (bw_error__oom_take())
		err = BW_ENOMEM;
	if (err < 0) {
		bw_report_free(r);
		if (err == BW_ENOMEM)
			bw_error__set(BW_ENOMEM, "out of memory");
		return err;
	}
	*out = r;
	return BW_OK;
}

/* Reads all of fd, refusing more than `limit` bytes (a regular file that
 * is larger before reading it). */
static int read_all(int fd, size_t limit, char **out, size_t *len)
{
	struct stat st;

	*out = NULL;
	*len = 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size > limit)
		return bw_error__set(BW_ELIMIT, "message of %lld bytes exceeds the limit of %zu bytes",
		                     (long long)st.st_size, limit);
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		return bw_error__set(BW_EIO, "is a directory");
	return bw_read_fd(fd, NULL, 0, limit, out, len);
}

int bw_parse_fd(bw_report **out, const bw_rules *rules, int fd, const bw_parse_options *opts)
{
	char *buf;
	size_t len;
	int err;

	if (!out)
		return bw_error__set(BW_EINVALID, "bw_parse_fd: out is NULL");
	*out = NULL;
	if (fd < 0)
		return bw_error__set(BW_EINVALID, "bw_parse_fd: bad file descriptor");
	if ((err = read_all(fd, max_size(opts), &buf, &len)) < 0)
		return err;
	err = bw_parse_buffer(out, rules, buf, len, opts);
	free(buf);
	return err;
}

int bw_parse_file(bw_report **out, const bw_rules *rules, const char *path, const bw_parse_options *opts)
{
	int fd, err;

	if (!out)
		return bw_error__set(BW_EINVALID, "bw_parse_file: out is NULL");
	*out = NULL;
	if (!path)
		return bw_error__set(BW_EINVALID, "bw_parse_file: path is NULL");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bw_error__set(BW_EIO, "cannot open %s: %s", path, strerror(errno));
	err = bw_parse_fd(out, rules, fd, opts);
	close(fd);
	if (err == BW_EIO) {
		char why[256];
		snprintf(why, sizeof(why), "%s", bw_error_message());
		bw_error__set(BW_EIO, "cannot read %s: %s", path, why);
	}
	return err;
}

int bw_classify_reply(bw_report **out, const bw_rules *rules, const char *reply,
                      const char *remote_host, const char *command)
{
	bw_report *r;
	bw_recipient *rc;
	bw_smtp_evidence ev;
	char *text;
	const char *p;
	int err;

	if (!out)
		return bw_error__set(BW_EINVALID, "bw_classify_reply: out is NULL");
	*out = NULL;
	if (!rules || !reply)
		return bw_error__set(BW_EINVALID, "bw_classify_reply: rules and reply are required");
	bw_error__oom_take();
	if (!(r = bw_report__new(1)))
		return bw_error__set(BW_ENOMEM, "out of memory");
	r->kind = BW_KIND_REPLY;
	r->kind_set = true;
	if (!(rc = bw_report__add_recipient(r)) || !(text = bw_squeeze_dup(reply, strlen(reply)))) {
		bw_report_free(r);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	/* A log line: "... to=<x@y>, relay=..., status=bounced (host ... said: ...)" */
	if ((p = bw_strcasestr(text, "to=<"))) {
		const char *e = strchr(p + 4, '>');
		if (e)
			bw_recipient__set_len(rc, BW_RCPT_RECIPIENT, p + 4, (size_t)(e - p - 4));
	}
	bw_recipient__set(rc, BW_RCPT_DIAGNOSTIC, text);
	bw_recipient__set(rc, BW_RCPT_FORMAT, "reply");
	bw_recipient__set(rc, BW_RCPT_ACTION, "failed");
	{
		/* the codes of a reply stored escaped ("452%204.2.2") count too;
		 * bw_evidence__complete() keeps the unescaped text */
		char *plain = bw_text__unescape(text);
		bw_smtp__scan(plain ? plain : text, &ev);
		free(plain);
	}
	/* a pasted auto-reply ("I'm out of the office until Monday"): no
	 * failure, whatever words of one it holds (a pipe to a program,
	 * "|/usr/bin/autoreply", names the program that failed) */
	if (!ev.reply_code[0] && !ev.status[0] && !strchr(text, '|') &&
	    bw_decoders__says_away(text, strlen(text))) {
		bw_recipient__set(rc, BW_RCPT_REASON, "vacation");
		bw_recipient__evidence(rc, "the text says its author is away (an automatic reply): not a failure");
		rc->permanent = 0;
		rc->hard_bounce = 0;
	}
	if (remote_host && *remote_host)
		bw_recipient__set(rc, BW_RCPT_REMOTE_MTA, remote_host);
	if (command && *command)
		bw_recipient__set(rc, BW_RCPT_SMTP_COMMAND, bw_smtp__stage_of_command(command, strlen(command)));
	free(text);
	if (!ev.reply_code[0] && !ev.status[0])
		bw_recipient__set(rc, BW_RCPT_ACTION, NULL);
	else if (ev.reply_code[0] == '4' || ev.status[0] == '4')
		bw_recipient__set(rc, BW_RCPT_ACTION, "delayed");
	bw_evidence__complete(rc);
	if ((err = finish(r, rules)) >= 0 && bw_error__oom_take())
		err = bw_error__set(BW_ENOMEM, "out of memory");
	if (err < 0) {
		bw_report_free(r);
		return err;
	}
	*out = r;
	return BW_OK;
}
