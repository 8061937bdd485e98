/*
 * prose.c - the last resort: a bounce from a server no other decoder knows.
 *
 * Claims (with the lowest confidence, 1) messages that look like a bounce by
 * their structure: from a mailer-daemon or postmaster, X-Failed-Recipients,
 * a null Return-Path, a bounce subject (common.c's list, in several
 * languages), or a multipart/report without a delivery-status part.  Reads
 * the report part of the body only (before the returned original, marked or
 * pasted as a header block) and takes as failed recipients, in this order
 * of tiers (the first that finds anyone wins):
 *   1. "<address>:" paragraphs, their text as the diagnostic;
 *   2. the generic line reader (read_lines): every address on a line that
 *      says something failed (a sentence wrapped over the next lines
 *      counts), after a recipient label ("Recipient:", "Original-Recipient:",
 *      "Destinatário:", "宛先:" ...), or alone on its line (bullets,
 *      brackets, quotes, a display name allowed) in a list that a
 *      "following recipients" line or a paragraph that says something
 *      failed introduced; the list runs through its indented diagnostics;
 *   3. X-Failed-Recipients;
 *   4. "To: x" lines of the notice's summary of the original;
 *   5. an address given in two labelled parts ("Mailbox name: x" and
 *      "Domain: y"), or as a quoted account on a host ("the account 'x' on
 *      y");
 *   6. an address in a bounce subject ("Undeliverable: x@y");
 *   7. a VERP address the bounce was sent to;
 *   8. the returned original's To/Cc (from_original), unless it is a
 *      list's own address.
 * Never the bounce's own To: or From:, the original's From, Reply-To,
 * Sender or Return-Path, never an address that the words before it present
 * as a contact, a sender, an alias it was expanded from or a Message-ID,
 * never role addresses (postmaster, mailer-daemon, abuse...) that merely
 * sign the report, never an address in quoted ("> ") lines.  Failure
 * words and labels are read in English, French, German, Spanish, Italian,
 * Portuguese, Dutch, Japanese, Chinese and Russian, failure words and list
 * intros also in Czech, Polish, Swedish, Danish, Norwegian, Finnish,
 * Turkish, Hungarian, Romanian, Ukrainian, Korean and Greek.  The failure
 * sentence's paragraph is the diagnostic of recipients that have none.
 * Mail from a list (List-Unsubscribe, Precedence: bulk/list) that is not
 * from a mailer-daemon, a person's reply in a conversation, and
 * challenge-response requests ("confirm you are human"), are not bounces.
 * Delay warnings mark the recipients delayed.
 */
#include <stdlib.h>
#include <string.h>

#include "../addr.h"
#include "../error.h"
#include "../msg.h"
#include "../smtp.h"
#include "../util.h"
#include "addrline.h"
#include "common.h"
#include "prose_phrases.h"

/* A person's reply in a conversation (In-Reply-To or References) that
 * carries none of a bounce's structural marks: a human mail that talks
 * about undeliverable things is no bounce.  (Some mail systems' bounces
 * do carry References: they come from a mailer-daemon, with a null
 * Return-Path or a returned original.) */
static bool conversation(const bw_msg *m)
{
	return (bw_msg__header(m, "In-Reply-To") || bw_msg__header(m, "References")) &&
	       !bw_sniff__from_daemon(m) && !bw_sniff__null_return_path(m) && !m->has_original &&
	       strcmp(m->content_type, "multipart/report") != 0;
}

/* Does the message's subject hold one of words[0..n) (case ignored)? */
static bool subject_has_any(const bw_msg *m, const char *const *words, size_t n)
{
	const char *subject = bw_msg__header(m, "Subject");

	return subject && bw_text__find_any(subject, strlen(subject), words, n, NULL) != NULL;
}

/* A person's reply, a postmaster's too ("Re: our mail to you is
 * refused"; postmasters write from a mail system's address, so the sniff
 * asks this before it asks who sent the message): its subject opens with a
 * reply's prefix, it answers a message (In-Reply-To or References), came
 * with a return path of its own, carries no report, and quotes the mail it
 * answers under an attribution line ("On 10 May, IT <it@example.com>
 * wrote:").  The rejection it quotes is the correspondent's, not a failure
 * of this mail. */
static bool postmaster_reply(const bw_msg *m)
{
	static const char *const prefixes[] = { BW_PHRASES_REPLY_SUBJECT_PREFIXES };
	static const char *const attributions[] = { BW_PHRASES_REPLY_ATTRIBUTIONS };
	const char *subject = bw_msg__header(m, "Subject"), *rp = bw_msg__header(m, "Return-Path");
	const char *l, *t;
	size_t i, n, tl, len = bw_text__report_length(m);
	bool prefixed = false, attributed = false;
	bw_lines it;

	if (!subject || !rp || bw_sniff__null_return_path(m) || m->has_original || m->dsn.n ||
	    strcmp(m->content_type, "multipart/report") == 0 ||
	    bw_msg__header(m, "X-Failed-Recipients") ||
	    !(bw_msg__header(m, "In-Reply-To") || bw_msg__header(m, "References")))
		return false;
	t = bw_text__trim(subject, strlen(subject), &tl);
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]) && !prefixed; i++)
		prefixed = bw_text__starts(t, tl, prefixes[i]);
	if (!prefixed)
		return false;
	bw_lines__init(&it, m->body, len);
	while (bw_lines__next(&it, &l, &n)) {
		t = bw_text__trim(l, n, &tl);
		if (attributed && tl && *t == '>')
			return true;
		for (i = 0; i < sizeof(attributions) / sizeof(attributions[0]) && !attributed; i++) {
			size_t al = strlen(attributions[i]);

			attributed = tl >= al && bw_strncasecmp(t + tl - al, attributions[i], al) == 0;
		}
	}
	return false;
}

/* A carrier's notice about a parcel, or a phishing imitation of one
 * ("Delivery Failure Notification - Package US95..."): two of its words
 * about goods in the subject and text, however much it dresses as a
 * delivery report, and not sent as a mail system's notice. */
static bool parcel_notice(const bw_msg *m)
{
	static const char *const words[] = { BW_PHRASES_PARCEL_WORDS };
	const char *subject = bw_msg__header(m, "Subject");
	size_t i, n = 0, len = bw_text__report_length(m);

	/* a mail system's own notice may return a shop's mail about a parcel */
	if (m->dsn.n || strcmp(m->content_type, "multipart/report") == 0 || m->has_original ||
	    bw_sniff__from_daemon(m) || bw_sniff__null_return_path(m))
		return false;
	for (i = 0; i < sizeof(words) / sizeof(words[0]) && n < 2; i++)
		if (bw_memcasemem(m->body, len, words[i]) ||
		    (subject && bw_strcasestr(subject, words[i])))
			n++;
	return n >= 2;
}

/* A sending service's periodic report of the addresses it has added to its
 * suppression list ("Daily suppression report for example.com (3 new)"):
 * a summary of earlier failures, each already reported, not the failure of
 * a message. */
static bool suppression_digest(const bw_msg *m)
{
	static const char *const subjects[] = { BW_PHRASES_SUPPRESSION_DIGEST_SUBJECTS };

	return subject_has_any(m, subjects, sizeof(subjects) / sizeof(subjects[0]));
}

/* A subject that announces a summary of bounces ("photo list: bounce
 * summary for 2017-05-22", "Bouncing addresses on list x"). */
static bool bounce_summary(const bw_msg *m)
{
	static const char *const words[] = { BW_PHRASES_BOUNCE_SUMMARY_WORDS };

	return subject_has_any(m, words, sizeof(words) / sizeof(words[0]));
}

/* A filtering service's digest of the reader's own held mail ("End User
 * Digest: 3 New Messages", "Quarantine summary"): it lists other people's
 * mail to the reader, whatever their subjects say, and reports no failure
 * of the reader's mail. */
static bool quarantine_digest(const bw_msg *m)
{
	const char *subject = bw_msg__header(m, "Subject");
	const char *flag = bw_msg__header(m, "X-MS-Exchange-Organization-Quarantine-Digest");

	/* a digest of the sender's own failures is a report about them
	 * ("Non-delivery report digest") */
	if (!subject || bounce_summary(m) || bw_sniff__bounce_subject(m) ||
	    bw_strcasestr(subject, "deliver") || bw_strcasestr(subject, "bounce"))
		return false;
	/* Exchange Online marks its quarantine notifications so */
	if (flag && bw_strcasestr(flag, "true"))
		return true;
	return bw_strcasestr(subject, "digest") || bw_strcasestr(subject, "in quarantine") ||
	       ((bw_strcasestr(subject, "quarantine") || bw_strcasestr(subject, "quarantaine") ||
	         bw_strcasestr(subject, "quarantäne") || bw_strcasestr(subject, "cuarentena")) &&
	        (bw_strcasestr(subject, "summary") || bw_strcasestr(subject, "report") ||
	         bw_strcasestr(subject, "notification") || bw_strcasestr(subject, "übersicht") ||
	         bw_strcasestr(subject, "résumé") || bw_strcasestr(subject, "resumen")));
}

/* The local-part endings of a list's robot addresses (owner-x@ aside). */
static const char *const owner_tails[] = { "-owner", "+owner", "-request", "-admin", "-approval" };

/* The list's name when `a` (an address) is a list robot's ("owner-x@",
 * "x-owner@", "x+owner@", "x-request@", "x-admin@"): x, its length in *n,
 * or NULL. */
static const char *robot_list_name(const char *a, size_t *n)
{
	const char *at = strchr(a, '@');
	size_t i, len = at ? (size_t)(at - a) : 0;

	if (len > 6 && bw_strncasecmp(a, "owner-", 6) == 0) {
		*n = len - 6;
		return a + 6;
	}
	for (i = 0; at && i < sizeof(owner_tails) / sizeof(owner_tails[0]); i++) {
		size_t k = strlen(owner_tails[i]);
		if (len > k && bw_strncasecmp(at - k, owner_tails[i], k) == 0) {
			*n = len - k;
			return a;
		}
	}
	return NULL;
}

/* A list server's notice to a list's owner (To: owner-x@, x-owner@,
 * x+owner@, x-request@, x-admin@) whose subject speaks of subscribers'
 * delivery errors, bounces or removals ("Auto-deletion report", "Member
 * x@y is bouncing", "abonnés supprimés pour erreurs"): it is about them. */
static bool owner_error_notice(const bw_msg *m)
{
	static const char *const words[] = { BW_PHRASES_OWNER_ERROR_NOTICE_WORDS };
	const char *to = bw_msg__header(m, "To"), *subject = bw_msg__header(m, "Subject");
	char *a;
	size_t i, n;
	bool owner;

	if (!to || !subject || !(a = bw_text__first_address(to, strlen(to))))
		return false;
	owner = robot_list_name(a, &n) != NULL;
	free(a);
	for (i = 0; owner && i < sizeof(words) / sizeof(words[0]); i++)
		if (bw_strcasestr(subject, words[i]))
			return true;
	return false;
}

/* A subject "Your mail to x@y" / "Your message to x@y" (an address
 * after it), not a reply in a conversation. */
static bool mail_to_subject(const bw_msg *m)
{
	static const char *const heads[] = { "Your mail to ", "Your message to ", "Your e-mail to ",
		"Your email to " };
	const char *s = bw_msg__header(m, "Subject");
	size_t i, n;

	if (!s)
		return false;
	while (*s == ' ')
		s++;
	n = strlen(s);
	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		size_t k = strlen(heads[i]);

		if (n > k && bw_strncasecmp(s, heads[i], k) == 0 && memchr(s + k, '@', n - k))
			return true;
	}
	return false;
}

/* Outlook's report on a message recall ("Recall Failure: x", "Recall
 * Success: x"): the recall failed, not the delivery. */
static bool recall_report(const bw_msg *m)
{
	static const char *const heads[] = { "Recall Failure", "Recall Success", "Message Recall",
		"Rückruffehler", "Rückruf erfolgreich", "Échec du rappel", "Rappel réussi" };
	const char *s = bw_msg__header(m, "Subject");
	size_t i;

	for (i = 0; s && i < sizeof(heads) / sizeof(heads[0]); i++)
		if (bw_startswith_ci(s, heads[i]))
			return true;
	return false;
}

static bool has_trigger(const char *l, size_t n);

/* Does the notice return its reader's own message (the first From: line of
 * the text after the report names the notice's To) and say in the report
 * that something failed?  A mail system's notice by structure, whatever its
 * sender and subject ("COMSAT@host", "Msg of Friday ..."). */
static bool returns_readers_message(const bw_msg *m)
{
	size_t len = bw_text__report_length(m), lines = 0;
	const char *to = bw_msg__header(m, "To"), *p = m->body + len, *end = m->body + m->body_len;
	char *reader, *author = NULL;
	bool same;

	if (!to || len >= m->body_len || !has_trigger(m->body, len) ||
	    !(reader = bw_text__first_address(to, strlen(to))))
		return false;
	while (p < end && lines++ < 30 && !author) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		if (n > 5 && bw_strncasecmp(p, "From:", 5) == 0)
			author = bw_text__first_address(p + 5, n - 5);
		p = nl ? nl + 1 : end;
	}
	same = author && bw_strcasecmp(author, reader) == 0;
	free(author);
	free(reader);
	return same;
}

static int sniff(const bw_msg *m, const bw_found *f)
{
	bool delivery;

	if (recall_report(m) || postmaster_reply(m) || parcel_notice(m) || suppression_digest(m))
		return 0;
	if (bw_sniff__from_daemon(m) || bw_msg__header(m, "X-Failed-Recipients"))
		return BW_SNIFF_LAST_RESORT;
	/* a bounce a person or a help desk forwarded, pasted or quoted into
	 * their own words (not a list's mail that quotes one; an issue
	 * tracker's or a help desk's notice, marked bulk but automated and
	 * no list's, is one of them) */
	if ((!bw_sniff__bulk_mail(m) ||
	     (bw_sniff__automated(m) && !bw_msg__header(m, "List-Unsubscribe"))) &&
	    !bw_msg__header(m, "List-Id") && bw_sniff__pasted_bounce(m->body, m->body_len))
		return BW_SNIFF_LAST_RESORT;
	if (conversation(m) || quarantine_digest(m))
		return 0;
	/* Mail systems send their notices with a null reverse path (RFC 5321
	 * 4.5.5), a list server's report to its owner too, even when marked
	 * "Precedence: list" (a newsletter carries List-Unsubscribe); so do
	 * auto-replies, read first by their own decoder. */
	if (bw_sniff__null_return_path(m) && !bw_msg__header(m, "List-Unsubscribe") &&
	    !bw_msg__header(m, "List-Id"))
		return BW_SNIFF_LAST_RESORT;
	/* a list manager's summary of its subscribers' bounces (sent as bulk
	 * mail or not) is about them */
	if (bounce_summary(m) || owner_error_notice(m))
		return BW_SNIFF_LAST_RESORT;
	if (bw_sniff__bulk_mail(m))
		return 0;
	if (bw_sniff__bounce_subject(m))
		return BW_SNIFF_LAST_RESORT;
	/* a notice that a person, an office or a program wrote around a
	 * server's reply: a subject saying mail was not delivered, or a
	 * program's sender, and the reply itself ("550 5.1.1 <a@b>: ...") */
	delivery = bw_sniff__delivery_subject(m);
	if ((delivery || bw_sniff__automated(m)) &&
	    bw_sniff__quotes_failure_reply(m->body, bw_text__report_length(m)))
		return BW_SNIFF_LAST_RESORT;
	/* ... or the reply's enhanced status code alone, where the subject
	 * says mail was not delivered (a web application's "Mailer error:
	 * ... Detail: 5.7.23 The message was rejected ... SMTP code: 550") */
	if (delivery && bw_sniff__quotes_failure_status(m->body, bw_text__report_length(m)))
		return BW_SNIFF_LAST_RESORT;
	/* a subject saying that mail to an address was not delivered ("your
	 * email to x@y didn't go out") */
	if (delivery && strchr(bw_msg__header(m, "Subject"), '@'))
		return BW_SNIFF_LAST_RESORT;
	/* a program's own notice (a CRM, a form relay, a ticket system) whose
	 * subject says mail was not delivered or sent, or names the address
	 * the sender's mail went to ("Your mail to x@y": the body says what
	 * became of it) */
	if (bw_sniff__automated(m) && (delivery || mail_to_subject(m)))
		return BW_SNIFF_LAST_RESORT;
	/* a content or virus gateway's notice under a subject of its own
	 * ("Virus found", "受信拒否のお知らせ"): a program's sender, and text
	 * saying the mail was not delivered */
	if (bw_sniff__automated(m) && bw_decoders__says_failure(m))
		return BW_SNIFF_LAST_RESORT;
	if (returns_readers_message(m))
		return BW_SNIFF_LAST_RESORT;
	/* A read receipt (report-type disposition-notification) is no bounce. */
	if (strcmp(m->content_type, "multipart/report") == 0 && !m->dsn.n && !m->feedback &&
	    strcmp(m->report_type, "disposition-notification") != 0)
		return BW_SNIFF_LAST_RESORT;
	return 0;
}

/* Does diagnostic d quote a permanent refusal ("554 5.7.1 ...")? */
static bool quotes_permanent_reply(const char *d)
{
	return d && bw_sniff__quotes_reply(d, strlen(d), "5");
}

static const char *const triggers[] = { BW_PHRASES_TRIGGERS };

/* Lines that introduce a list of failed recipients ("the following
 * recipients", in the languages above). */
static const char *const list_intros[] = { BW_PHRASES_LIST_INTROS };

static const char *const ends[] = { BW_PHRASES_ENDS };

/* Does the line end waiting for its cause ("Could not be delivered because
 * of"), the cause in the paragraph after it? */
static bool dangling(const char *l, size_t n)
{
	static const char *const words[] = { BW_PHRASES_DANGLING };
	size_t i, wl;

	while (n && (bw_isspace((unsigned char)l[n - 1]) || l[n - 1] == ':'))
		n--;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		wl = strlen(words[i]);
		if (n > wl && bw_strncasecmp(l + n - wl, words[i], wl) == 0 &&
		    !bw_isalnum((unsigned char)l[n - wl - 1]))
			return true;
	}
	return false;
}

static bool has_any(const char *l, size_t n, const char *const *v, size_t nv)
{
	return bw_text__find_any(l, n, v, nv, NULL) != NULL;
}

/* Words before an address that make it a contact, a sender or an
 * identifier rather than a failed recipient. */
static const char *const noise[] = { BW_PHRASES_NOISE };

/* Does header `v` hold `a` as a message identifier ("<a>")? */
static bool names_message_id(const char *v, const char *a)
{
	size_t al = strlen(a);
	const char *p = v;

	while (v && al && (p = bw_strcasestr(p, a))) {
		if (p > v && p[-1] == '<' && p[al] == '>')
			return true;
		p++;
	}
	return false;
}

/* Does a header name `a` as no failed recipient: the returned original's
 * sender (Reply-To, Sender, Return-Path), the notice's own From, or a
 * message identifier of either (Message-ID, In-Reply-To, References)? */
static bool header_says_not_recipient(const bw_msg *m, const char *a)
{
	static const char *const senders[] = { "Reply-To", "Sender", "Return-Path" };
	static const char *const ids[] = { "Message-ID", "In-Reply-To", "References" };
	const char *v;
	char *o;
	size_t i;
	bool same = false;

	/* (read again with the notice's own addresses allowed, the original's
	 * sender may be its recipient: a sender who mailed themselves) */
	for (i = 0; i < sizeof(senders) / sizeof(senders[0]) && !same && !m->own_may_fail; i++) {
		v = bw_kvlist__get(&m->orig_headers, senders[i]);
		o = v ? bw_text__first_address(v, strlen(v)) : NULL;
		same = o && bw_strcasecmp(o, a) == 0;
		free(o);
	}
	if (!same && (v = bw_msg__header(m, "From"))) {
		o = bw_text__first_address(v, strlen(v));
		same = o && bw_strcasecmp(o, a) == 0;
		free(o);
	}
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]) && !same; i++)
		same = names_message_id(bw_msg__header(m, ids[i]), a) ||
		       names_message_id(bw_kvlist__get(&m->orig_headers, ids[i]), a);
	return same;
}

/* Does the context before an address end the way a message identifier is
 * introduced ("Message <", "Message-ID: <", "Message ID: <")? */
static bool introduces_message_id(const char *c, size_t n)
{
	static const char *const words[] = { "message", "message-id:", "message-id", "msgid", "id:", "id", "msg-id:", "messageid:" };

	while (n && (c[n - 1] == ' ' || c[n - 1] == '\t'))
		n--;
	if (!n || c[n - 1] != '<')
		return false;
	n--;
	while (n && (c[n - 1] == ' ' || c[n - 1] == '\t'))
		n--;
	return bw_decoders__ends_with_word(c, n, words, sizeof(words) / sizeof(words[0]));
}

/* Is `a` no failed recipient: the reader's or the original sender's own
 * address, a role address signing the report, an address a header names
 * as no recipient, or an address that `context` (the words before it on
 * its line) presents as a contact, a sender or a message identifier? */
/* Is `a` the address of the list whose robot the notice was sent to (To:
 * "tanka-admin@ml.example" for "tanka@ml.example"; "main+owner@birders.
 * groups.example" for "birders@groups.example")?  A list server's notice
 * to its owner names its list beside the members who failed. */
static bool the_list_itself(const bw_msg *m, const char *a)
{
	const char *to = bw_msg__header(m, "To"), *name, *dom, *adom = strchr(a, '@');
	char *r;
	size_t n, al = adom ? (size_t)(adom - a) : 0;
	bool same = false;

	if (!to || !adom || !(r = bw_text__first_address(to, strlen(to))))
		return false;
	if ((name = robot_list_name(r, &n)) && (dom = strchr(r, '@'))) {
		const char *dot = strchr(dom + 1, '.');
		/* x@domain, or label@rest for a list named by its subdomain */
		same = (al == n && bw_strncasecmp(a, name, n) == 0 && bw_strcasecmp(adom, dom) == 0) ||
		       (dot && al == (size_t)(dot - dom - 1) && bw_strncasecmp(a, dom + 1, al) == 0 &&
		        bw_strcasecmp(adom + 1, dot + 1) == 0);
	}
	free(r);
	return same;
}

/* Is domain d the domain `of` or one of its subdomains? */
static bool domain_within(const char *d, const char *of)
{
	size_t dl = strlen(d), ol = strlen(of);

	return bw_strcasecmp(d, of) == 0 ||
	       (dl > ol && d[dl - ol - 1] == '.' && bw_strcasecmp(d + dl - ol, of) == 0);
}

/* Is `a` a role address that signs or is offered by the notice itself: a
 * postmaster or mailer-daemon anywhere, or another role (abuse@,
 * security@, webmaster@...) in the domain the notice comes from?  A role
 * address of another domain listed as failed (a report to abuse@ that
 * bounced) is a recipient like any other. */
static bool reporting_role(const bw_msg *m, const char *a)
{
	const char *from = bw_msg__header(m, "From"), *at = strrchr(a, '@'), *fat;
	char *f;
	bool same;

	if (!bw_text__is_role_address(a))
		return false;
	if (bw_startswith_ci(a, "postmaster@") || bw_startswith_ci(a, "mailer-daemon@") ||
	    bw_startswith_ci(a, "mailer_daemon@") || !from || !at ||
	    !(f = bw_text__first_address(from, strlen(from))))
		return true;
	fat = strrchr(f, '@');
	same = fat && (domain_within(fat + 1, at + 1) || domain_within(at + 1, fat + 1));
	free(f);
	return same;
}

static bool ignorable_address(const bw_msg *m, const char *a, const char *context, size_t n)
{
	if (bw_decoders__is_own_address(m, a) || reporting_role(m, a) || the_list_itself(m, a) ||
	    header_says_not_recipient(m, a) || introduces_message_id(context, n))
		return true;
	if (bw_decoders__presents_author(context, n))
		return true;
	return has_any(context, n, noise, sizeof(noise) / sizeof(noise[0]));
}

/* "... contact the list owner\nat x@y", "...; the new\n address is <x@y>": an
 * address whose line begins with at most a few words (no punctuation)
 * continues the sentence of the line before, whose end, read with those
 * words, may present it as a contact, a sender or a new address. */
static bool presented_before(const bw_msg *m, const char *a, const char *l, size_t start,
                             const char *before, size_t before_n)
{
	size_t i, tail = before_n > 48 ? 48 : before_n, lead;
	char joined[48 + 1 + 24 + 1];
	const char *lt;

	for (i = 0; i < start && (l[i] == ' ' || l[i] == '\t'); i++)
		;
	if (!before || !before_n || start - i > 24)
		return false;
	for (; i < start; i++)
		if (!bw_isalpha((unsigned char)l[i]) && l[i] != ' ' && l[i] != '\t' &&
		    !(l[i] == '<' && i + 1 == start))
			return false;
	if (before[before_n - 1] == '.' || before[before_n - 1] == ':')
		return false;
	before += before_n - tail;
	/* "sent from your alias x@y to\n<a>": the words before another
	 * address present that one */
	for (i = tail; i > 0 && before[i - 1] != '@'; i--)
		;
	if (i) {
		while (i < tail && !bw_isspace((unsigned char)before[i]))
			i++;
		before += i;
		tail -= i;
	}
	lt = bw_text__trim(l, start, &lead);
	memcpy(joined, before, tail);
	joined[tail] = ' ';
	memcpy(joined + tail + 1, lt, lead);
	/* bw_decoders__presents_author looks one byte past the context */
	joined[tail + 1 + lead] = '\0';
	return ignorable_address(m, a, joined, tail + 1 + lead);
}

static bw_recipient *add_once(const bw_msg *m, bw_report *r, size_t first, const char *a,
                              const char *diag, size_t diag_len)
{
	(void)m;
	if (bw_decoders__find(r, first, a))
		return NULL;
	return bw_decoders__add(r, a, diag, diag_len);
}

/* A line quoted from the original ("> text"). */
static bool quoted(const char *l, size_t n)
{
	size_t i = 0;

	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	return i < n && l[i] == '>';
}

/* Does the line start (at the margin) with a header of a returned message? */
static bool header_line(const char *l, size_t n)
{
	static const char *const names[] = { BW_PHRASES_HEADER_LINE_NAMES };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (bw_text__starts(l, n, names[i]))
			return true;
	return false;
}

/* The line a mail program writes above a message a person forwards. */
static const char *const forward_marks[] = { BW_PHRASES_FORWARD_MARKS };

static const char *reason_line(const char *text, size_t len, size_t *out_len);

/* Does the trimmed line t[0..tl) start with a label, a word of up to 24
 * letters, digits or hyphens followed by a colon ("Host:", "Sent:")? */
static bool starts_label(const char *t, size_t tl)
{
	size_t i;

	for (i = 0; i < tl && i < 24 && (bw_isalnum((unsigned char)t[i]) || t[i] == '-'); i++)
		;
	return i && i < tl && t[i] == ':';
}

/* Does a line just after the header-like block that `it` is in give a
 * reason ("Reason: ...")?  Then the block summarised the original for the
 * notice ("From: / To: / Subject: / Sent:") rather than pasting it.  Read:
 * the first lines with text, while they are labelled ("Sent: ..."). */
static bool reason_after_block(bw_lines it)
{
	const char *l, *t;
	size_t n, tl, rl, seen = 0;
	bool more;

	while ((more = bw_lines__next(&it, &l, &n)) && header_line(l, n))
		;
	for (; more && seen < 4; more = bw_lines__next(&it, &l, &n)) {
		t = bw_text__trim(l, n, &tl);
		if (!tl)
			continue;
		if (reason_line(t, tl, &rl))
			return true;
		seen++;
		if (!starts_label(t, tl))
			return false;   /* free text: the block's message body */
	}
	return false;
}

/* The length of text[0..len) before a header block (three header lines or
 * more in a row at the margin, one of them From:, Received:, Return-Path: or
 * Message-ID:): the original pasted without a marker.  A summary of the
 * original ("Subject: ... / Date: ...", or any block the notice's "Reason:"
 * line follows) is no such block. */
static size_t before_original(const char *text, size_t len)
{
	const char *l, *start = NULL;
	size_t n, run = 0;
	/* at the top of the text (a notice quoted from its own header block
	 * on) the block is the notice's own, as under a forwarding marker */
	bool origin = false, after_marker = true;
	bw_lines it;

	bw_lines__init(&it, text, len);
	while (bw_lines__next(&it, &l, &n)) {
		size_t tl;

		/* inside a block, a folded field's continuation ("\tby mx...")
		 * and a field whose name has a hyphen ("X-Original-To:",
		 * "Delivered-To:"; not a summary's "Sent:") belong to it */
		if (run && n && (l[0] == ' ' || l[0] == '\t') && bw_text__trim(l, n, &tl) && tl)
			continue;
		if (!header_line(l, n) && !(run && n && starts_label(l, n) && memchr(l, '-', n) &&
		                            (const char *)memchr(l, '-', n) < (const char *)memchr(l, ':', n))) {
			run = 0;
			origin = false;
			/* blank lines between the marker and the block keep it */
			bw_text__trim(l, n, &tl);
			if (tl)
				after_marker = bw_text__find_any(l, n, forward_marks,
				                                 sizeof(forward_marks) / sizeof(forward_marks[0]),
				                                 NULL) != NULL;
			continue;
		}
		/* the header block of a notice a person forwarded, under its
		 * "Forwarded Message" line: the notice itself follows */
		if (after_marker)
			continue;
		if (run++ == 0)
			start = l;
		if (bw_text__starts(l, n, "From:") || bw_text__starts(l, n, "Received:") ||
		    bw_text__starts(l, n, "Return-Path:") || bw_text__starts(l, n, "Message-ID:"))
			origin = true;
		if (run >= 3 && origin) {
			if (reason_after_block(it)) {
				origin = false;
				after_marker = true;   /* the rest of this block too */
				continue;
			}
			return (size_t)(start - text);
		}
	}
	return len;
}

/* The report's unquoted lines that carry a reply code, in order: the
 * candidates for a recipient whose own lines gave none. */
typedef struct code_lines {
	struct { const char *l; size_t n; } *v;
	size_t count;
} code_lines;

static int collect_code_lines(const bw_msg *m, size_t len, code_lines *out)
{
	const char *l;
	size_t n, cap = 0;
	bw_lines it;

	memset(out, 0, sizeof(*out));
	bw_lines__init(&it, m->body, len);
	while (bw_lines__next(&it, &l, &n)) {
		if (quoted(l, n) || !bw_smtp__has_failure_code(l, n))
			continue;
		if (bw_grow((void **)&out->v, &cap, out->count, sizeof(*out->v), 8) < 0)
			return BW_ENOMEM;
		out->v[out->count].l = l;
		out->v[out->count++].n = n;
	}
	return BW_OK;
}

static bool says_little_n(const char *d, size_t n);

/* The first of `lines` that names no address but the notice's own, names
 * `addr` ("Reason: 550 ...", "Remote server replied: 552 5.2.2 <addr>:
 * Mailbox full") or is a 551 (whose address is where to write instead);
 * NULL if none. */
static const char *code_line_for(const bw_msg *m, const code_lines *lines, const char *addr,
                                 size_t *out_len)
{
	size_t i, pass;

	/* first a line that says more than its code ("code: 550" is no reply) */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < lines->count; i++)
			if ((pass == 1 || !says_little_n(lines->v[i].l, lines->v[i].n)) &&
			    (!memchr(lines->v[i].l, '@', lines->v[i].n) ||
			     bw_decoders__names_only_own(m, lines->v[i].l, lines->v[i].n) ||
			     (addr && *addr && bw_memcasemem(lines->v[i].l, lines->v[i].n, addr)) ||
			     /* "551 User not local; please try <x>": x is the forward path */
			     bw_memcasemem(lines->v[i].l, lines->v[i].n, "551 "))) {
				*out_len = lines->v[i].n;
				return lines->v[i].l;
			}
	return NULL;
}

/* What a success notice says (its recipients got the message), and the
 * words that make a notice a failure after all. */
static const char *const success_delivered[] = { BW_PHRASES_SUCCESS_ACTION_DELIVERED };
static const char *const success_failure[] = { BW_PHRASES_SUCCESS_ACTION_FAILURE };

/* A notice that says the message was delivered or relayed (a success
 * DSN written as text) and nowhere that delivery failed: "delivered",
 * "relayed" or NULL. */
static const char *success_action(const bw_msg *m, size_t len)
{
	static const char *const relayed[] = { "successfully relayed", "relayed successfully" };

	if (!bw_text__find_any(m->body, len, success_delivered,
	                       sizeof(success_delivered) / sizeof(success_delivered[0]), NULL) &&
	    !bw_text__find_any(m->body, len, relayed, sizeof(relayed) / sizeof(relayed[0]), NULL))
		return NULL;
	if (bw_decoders__says_failure(m) ||
	    bw_text__find_any(m->body, len, success_failure, sizeof(success_failure) / sizeof(success_failure[0]), NULL))
		return NULL;
	return bw_text__find_any(m->body, len, relayed, sizeof(relayed) / sizeof(relayed[0]), NULL)
	       ? "relayed" : "delivered";
}

static const char *failure_line(const char *text, size_t len, size_t *out_len);
static bool has_trigger(const char *l, size_t n);

/* Labels that introduce the notice's own statement of the cause. */

/* Where a reason that starts on a label's line ends: its sentence may
 * wrap onto the next lines (up to three), until a blank line or a line
 * that starts another label ("Host:").  `end` is the end of the first
 * line's text; `it` is at the next line. */
static const char *reason_end(const bw_lines *it, const char *end)
{
	bw_lines rest = *it;
	const char *l;
	size_t n, k;

	for (k = 0; k < 3 && bw_lines__next(&rest, &l, &n); k++) {
		size_t tl;
		const char *t = bw_text__trim(l, n, &tl);
		if (!tl || quoted(t, tl) || starts_label(t, tl))
			break;
		end = t + tl;
	}
	return end;
}

/* Does l[0..n) (a line's text before its colon) begin with the label and
 * end with a copula: "the reason given by the local channel was",
 * "The cause of the failure is"? */
static bool reason_sentence(const char *l, size_t n, const char *label)
{
	static const char *const articles[] = { "the ", "le ", "la ", "die ", "der ", "el ", "il " };
	static const char *const copulas[] = { BW_PHRASES_REASON_SENTENCE_COPULAS };
	size_t i, k = strlen(label);

	while (n && (l[n - 1] == ' ' || l[n - 1] == '\t'))
		n--;
	for (i = 0; i < sizeof(articles) / sizeof(articles[0]); i++)
		if (n > strlen(articles[i]) && bw_strncasecmp(l, articles[i], strlen(articles[i])) == 0) {
			l += strlen(articles[i]);
			n -= strlen(articles[i]);
			break;
		}
	if (n <= k || bw_strncasecmp(l, label, k) != 0 || bw_isalnum((unsigned char)l[k]))
		return false;
	return bw_decoders__ends_with_word(l, n, copulas, sizeof(copulas) / sizeof(copulas[0]));
}

/* The text a "Reason:" line gives (after its colon, or the next non-empty
 * line when nothing follows the colon: "...for the following reason:"),
 * or NULL; its length in *out_len. */
static const char *reason_line(const char *text, size_t len, size_t *out_len)
{
	bw_lines it;
	const char *l, *want_next = NULL;
	size_t n, i;

	bw_lines__init(&it, text, len);
	while (bw_lines__next(&it, &l, &n)) {
		const char *c, *v;
		size_t tl, vl;

		l = bw_text__trim(l, n, &tl);
		if (!tl || quoted(l, tl))
			continue;
		if (want_next) {
			*out_len = (size_t)(reason_end(&it, l + tl) - l);
			return l;
		}
		if (!(c = memchr(l, ':', tl)) && !(c = memmem(l, tl, "\xEF\xBC\x9A", 3)))
			continue;
		v = bw_text__trim(c + (*c == ':' ? 1 : 3), (size_t)(l + tl - c - (*c == ':' ? 1 : 3)), &vl);
		for (i = 0; bw_decoders__reason_labels[i]; i++) {
			size_t k = strlen(bw_decoders__reason_labels[i]);
			const char *w = c;

			/* the label ends the text before the colon ("Reason:",
			 * "for the following reason:") */
			while (w > l && (w[-1] == ' ' || w[-1] == '\t'))
				w--;
			if ((size_t)(w - l) < k)
				continue;
			w -= k;   /* where the label would start */
			if ((bw_strncasecmp(w, bw_decoders__reason_labels[i], k) != 0 ||
			     (w > l && bw_isalnum((unsigned char)w[-1]))) &&
			    !reason_sentence(l, (size_t)(c - l), bw_decoders__reason_labels[i]))
				continue;
			if (vl) {
				*out_len = (size_t)(reason_end(&it, v + vl) - v);
				return v;
			}
			want_next = l;
			break;
		}
	}
	return NULL;
}

/* The notice's reason line when it has one only (several belong to their
 * recipients' own paragraphs), or NULL. */
static const char *sole_reason_line(const char *text, size_t len, size_t *out_len)
{
	const char *first = reason_line(text, len, out_len), *after;
	size_t second_len;

	if (!first)
		return NULL;
	after = first + *out_len;
	if (reason_line(after, (size_t)(text + len - after), &second_len))
		return NULL;
	return first;
}

/* Does the recipient's diagnostic carry a reason line of its own? */
static bool own_reason(const char *d)
{
	size_t n;

	return d && reason_line(d, strlen(d), &n) != NULL;
}

/* Does d[0..n) (a diagnostic) say little beside the addresses it names
 * (fewer than eight letters)? */
static bool says_little_n(const char *d, size_t n)
{
	size_t letters;

	bw_text__beside_addresses(d, n, &letters, NULL);
	return letters < 8;
}

static bool says_little(const char *d)
{
	return !d || says_little_n(d, strlen(d));
}

/* Does d quote a server's failure reply (a 4xx or 5xx reply code, not only
 * a status code)? */
static bool quotes_failure_reply(const char *d)
{
	size_t i, n = d ? strlen(d) : 0;

	for (i = 0; i < n; i++)
		if ((d[i] == '4' || d[i] == '5') && bw_smtp__reply_at(d, n, i))
			return true;
	return false;
}

/* Whether the diagnostic d already holds text[0..len), compared with
 * their runs of blanks squeezed (a label's padding, a wrapped line). */
static bool already_said(const char *d, const char *text, size_t len)
{
	char *t;
	bool in;

	if (!d)
		return false;
	if (memmem(d, strlen(d), text, len))
		return true;
	if (!(t = bw_squeeze_dup(text, len)))
		return false;
	in = *t && strstr(d, t) != NULL;
	free(t);
	return in;
}

/* After the recipients are known: a line with a reply code that names no
 * address, or names the recipient, serves each recipient whose own lines
 * gave none; a delay warning marks them delayed. */
static int finish(const bw_msg *m, bw_report *r, size_t first, size_t len)
{
	bool delayed = bw_sniff__delay_notice(m);
	const char *success = delayed ? NULL : success_action(m, len);
	code_lines lines;
	size_t k, reason_len = 0, failed_len = 0;
	int rc = collect_code_lines(m, len, &lines);
	/* The notice's own statement of the cause (its "Reason:" line)
	 * completes every recipient's lines; the first line that says what
	 * failed completes those of a notice's only recipient without a reply
	 * of its own and of a recipient whose lines name only the address or
	 * say nothing failed (neither failure words nor a failure reply).
	 * Both read once. */
	const char *stated = sole_reason_line(m->body, len, &reason_len);
	const char *failed = failure_line(m->body, len, &failed_len);

	for (k = first; rc == BW_OK && k < r->n_rcpt; k++) {
		const char *d = bw_recipient__get(r->rcpt[k], BW_RCPT_DIAGNOSTIC);
		size_t cl = 0;
		const char *cause = NULL;

		if (stated && !own_reason(d)) {
			cause = stated;
			cl = reason_len;
		} else if (failed &&
		           ((r->n_rcpt - first == 1 && !quotes_failure_reply(d)) ||
		            says_little(d) ||
		            !(has_trigger(d, strlen(d)) || bw_smtp__has_failure_code(d, strlen(d))))) {
			cause = failed;
			cl = failed_len;
		}
		if (cause && !already_said(d, cause, cl)) {
			bw_decoders__append_diag(r->rcpt[k], cause, cl);
			d = bw_recipient__get(r->rcpt[k], BW_RCPT_DIAGNOSTIC);
		}
		/* a code line naming no address, for a recipient without one of
		 * its own: of the notice's only recipient, or of one whose lines
		 * say nothing or end announcing what follows ("... but the
		 * forwarding target refused it:"); several recipients each with
		 * their own words keep them: another's code is not theirs */
		if (!d || (!bw_smtp__has_failure_code(d, strlen(d)) &&
		           (r->n_rcpt - first == 1 || says_little(d) ||
		            bw_text__ends_with_colon(d, strlen(d))))) {
			size_t rl = 0;
			const char *reason = code_line_for(m, &lines, bw_recipient__get(r->rcpt[k], BW_RCPT_RECIPIENT), &rl);
			if (reason)
				bw_decoders__append_diag(r->rcpt[k], reason, rl);
		}
		/* a delay notice's words do not hold back a recipient whose own
		 * reply is a permanent refusal ("554 5.7.1 ...") */
		if (delayed && !bw_recipient__get(r->rcpt[k], BW_RCPT_ACTION) &&
		    !quotes_permanent_reply(bw_recipient__get(r->rcpt[k], BW_RCPT_DIAGNOSTIC)))
			bw_recipient__set(r->rcpt[k], BW_RCPT_ACTION, "delayed");
		else if (success && !bw_recipient__get(r->rcpt[k], BW_RCPT_ACTION))
			bw_recipient__set(r->rcpt[k], BW_RCPT_ACTION, success);
	}
	/* A notice about one recipient explains that recipient's failure
	 * wherever it says it (a paragraph below the address, a code's
	 * meaning spelt out): classify reads it when the recipient's own
	 * lines decide nothing. */
	if (rc == BW_OK && r->n_rcpt - first == 1)
		rc = bw_recipient__set_notice(r->rcpt[first], m->body, len);
	free(lines.v);
	return rc;
}

#define FAILURE_PARAGRAPH_MAX 400
#define FAILURE_REASON_MAX 700

/* The paragraph that starts at `l` (n bytes) and runs to the next blank
 * line, a quoted line or a line naming an address, within `max` bytes of
 * `from`: its end. */
static const char *paragraph_end(bw_lines *it, const char *from, const char *l, size_t n, size_t max)
{
	const char *end = l + n, *l2;
	size_t n2, tl;

	while (bw_lines__next(it, &l2, &n2)) {
		bw_text__trim(l2, n2, &tl);
		if (!tl || quoted(l2, n2) || memchr(l2, '@', n2) || (size_t)(l2 + n2 - from) > max)
			break;
		end = l2 + n2;
	}
	return end;
}

/* Does the line end with a colon (an intro to what follows)? */
static bool ends_with_colon(const char *l, size_t n)
{
	while (n && bw_isspace((unsigned char)l[n - 1]))
		n--;
	return n && l[n - 1] == ':';
}

/* The next line of it that holds text, in *l and *n; its trimmed length, 0
 * at the end. */
static size_t next_text_line(bw_lines *it, const char **l, size_t *n)
{
	size_t tl = 0;

	while (!tl && bw_lines__next(it, l, n))
		bw_text__trim(*l, *n, &tl);
	return tl;
}

/* The end of the paragraph after the blank lines at it, read as the words
 * a reason from `from` announces; NULL when there is none or it is quoted
 * text, a header block, the returned original or (unless address_ok) an
 * address. */
static const char *announced_paragraph(bw_lines *it, const char *from, bool address_ok)
{
	const char *l2;
	size_t n2;

	if (!next_text_line(it, &l2, &n2) || quoted(l2, n2) || header_line(l2, n2) ||
	    (!address_ok && memchr(l2, '@', n2)) || has_any(l2, n2, ends, sizeof(ends) / sizeof(ends[0])))
		return NULL;
	return paragraph_end(it, from, l2, n2, FAILURE_REASON_MAX);
}

/* A reason paragraph l..end that ends announcing what follows ("Error text
 * from the local delivery agent:") takes the next paragraph with it, the
 * words it announces, unless that is quoted text, a header block or an
 * address; text_end bounds the search.  The new end. */
static const char *past_announcement(const char *text_end, const char *l, const char *end)
{
	bw_lines it;
	const char *next;

	if (!ends_with_colon(l, (size_t)(end - l)))
		return end;
	bw_lines__init(&it, end, (size_t)(text_end - end));
	next = announced_paragraph(&it, l, false);
	return next ? next : end;
}

/* A line that is a server's failure reply with its enhanced status code
 * ("552 5.2.2 Storage allocation ... used up"): it says something failed
 * in any wording. */
static bool failure_reply_line(const char *l, size_t n)
{
	size_t tl;
	const char *t = bw_text__trim(l, n, &tl);

	return tl > 9 && (t[0] == '4' || t[0] == '5') && bw_smtp__starts_with_reply(t, tl) &&
	       t[3] == ' ' && bw_smtp__status_at(t, tl, 4) && t[4] == t[0];
}

/* Words of a legal footer (prose.vocab, disclaimer-words). */
static const char *const disclaimer[] = { BW_PHRASES_DISCLAIMER_WORDS };

/* Whether the paragraph around l (in text[0..len)) is a disclaimer: two
 * of its words or more ("If you are not the intended recipient ...
 * confidential ..."). */
static bool in_disclaimer(const char *text, size_t len, const char *l)
{
	const char *b = l, *e = l, *end = text + len;
	size_t i, hits = 0;

	while (b > text && !(b[-1] == '\n' && (b - 1 == text || b[-2] == '\n' ||
	                                       (b[-2] == '\r' && (b - 2 == text || b[-3] == '\n')))))
		b--;
	while (e < end && !(*e == '\n' && (e + 1 == end || e[1] == '\n' ||
	                                   (e[1] == '\r' && e + 2 < end && e[2] == '\n'))))
		e++;
	for (i = 0; i < sizeof(disclaimer) / sizeof(disclaimer[0]) && hits < 2; i++)
		if (bw_memcasemem(b, (size_t)(e - b), disclaimer[i]))
			hits++;
	return hits >= 2;
}

/* The first line of the report that says something failed, with the rest
 * of its paragraph (the sentence that says why often follows the one that
 * says what: "could not be passed on. None of the recipients is known"),
 * as the diagnostic of a recipient named only by the returned original or
 * by a bare list.  A paragraph line holding an address ends it.  When that
 * paragraph introduces a list (it ends with a colon: "was not delivered to
 * the following address:"), the first text paragraph after the list is the
 * reason and is taken with it ("The mail server reports: the mailbox has
 * been disabled"), unless the list's entries carry their own reasons,
 * indented under their addresses: then the intro alone. */
static const char *failure_line(const char *text, size_t len, size_t *out_len)
{
	bw_lines it;
	const char *l, *l2, *end;
	size_t n, n2, tl, list_indent = 0;
	char *lone;
	bool listed;

	bw_lines__init(&it, text, len);
	while (bw_lines__next(&it, &l, &n)) {
		if (!n || quoted(l, n) ||
		    !(has_any(l, n, triggers, sizeof(triggers) / sizeof(triggers[0])) || failure_reply_line(l, n)) ||
		    in_disclaimer(text, len, l))
			continue;
		listed = false;
		/* "... because of" over a blank line and the reply: the reply
		 * is the cause, whatever address it names */
		if (dangling(l, n)) {
			end = announced_paragraph(&it, l, true);
			*out_len = end ? (size_t)(end - l) : n;
			return l;
		}
		if (!ends_with_colon(l, n)) {
			end = paragraph_end(&it, l, l, n, FAILURE_PARAGRAPH_MAX);
			*out_len = (size_t)(end - l);
			/* a list of addresses right after it makes it an intro
			 * too ("... could not be delivered to the subscriber" over
			 * the address, then why) */
			bw_lines__init(&it, end, (size_t)(text + len - end));
			if (!next_text_line(&it, &l2, &n2))
				return l;
			if (!memchr(l2, '@', n2)) {
				/* "Your message was returned." over "The following
				 * addresses are not valid at example.org and the
				 * message was not delivered to them:": the list's
				 * intro says why, and is taken with it */
				const char *e2 = paragraph_end(&it, l2, l2, n2, FAILURE_PARAGRAPH_MAX);

				if (ends_with_colon(l2, (size_t)(e2 - l2)) &&
				    has_any(l2, (size_t)(e2 - l2), triggers, sizeof(triggers) / sizeof(triggers[0])) &&
				    (size_t)(e2 - l) <= FAILURE_PARAGRAPH_MAX)
					*out_len = (size_t)(e2 - l);
				return l;
			}
			if (!(lone = bw_addrline__lone(l2, n2)))
				return l;
			free(lone);
			listed = true;
			list_indent = bw_addrline__indent(l2, n2);
		}
		/* an intro: skip the list (address lines, blank lines) to the
		 * next text paragraph, unless the report ends there */
		if (ends_with_colon(l, n))
			*out_len = n;
		while (bw_lines__next(&it, &l2, &n2)) {
			bw_text__trim(l2, n2, &tl);
			if (!tl)
				continue;
			if (memchr(l2, '@', n2)) {
				listed = true;
				list_indent = bw_addrline__indent(l2, n2);
				continue;
			}
			/* an entry's own reason, indented under its address: the
			 * list gives the reasons, the notice has none of its own */
			if (listed && bw_addrline__indent(l2, n2) > list_indent)
				break;
			if (quoted(l2, n2) || has_any(l2, n2, ends, sizeof(ends) / sizeof(ends[0])) ||
			    header_line(l2, n2) || (size_t)(l2 - l) > FAILURE_REASON_MAX)
				break;
			end = paragraph_end(&it, l, l2, n2, FAILURE_REASON_MAX);
			end = past_announcement(text + len, l, end);
			*out_len = (size_t)(end - l);
			break;
		}
		return l;
	}
	return NULL;
}

/* The line of the report that names `local` (an address's local part) as
 * a word, or NULL; its length in *line_len. */
static const char *names_local_part(const char *text, size_t len, const char *local, size_t ll,
                                    size_t *line_len)
{
	const char *e = text + len, *hit, *b, *nl;
	char word[256];

	if (!ll || ll >= sizeof(word))
		return NULL;
	memcpy(word, local, ll);
	word[ll] = '\0';
	/* a local part alone, not one of a whole address or host name */
	if (!(hit = bw_text__find_word(text, len, word, ".", ".@")))
		return NULL;
	for (b = hit; b > text && b[-1] != '\n'; b--)
		;
	nl = memchr(hit, '\n', (size_t)(e - hit));
	*line_len = (size_t)((nl ? nl : e) - b);
	return b;
}

/*
 * A report that says delivery failed but names nobody the other readers
 * recognise ("The message that you sent was undeliverable to the
 * following: carol (user not found)"; an old gateway's own user id): the
 * recipients are the returned original's To and Cc addresses, those whose
 * local part the report names when any does, else all of them (at most a
 * few: a long list is a list's, not one failed delivery's, and never the
 * list's own address).
 */
#define ORIGINAL_FALLBACK_MAX 3

/* Is `a` one of cand[0..n) already (case-insensitively)? */
static bool already_candidate(char *const *cand, size_t n, const char *a)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (bw_strcasecmp(cand[i], a) == 0)
			return true;
	return false;
}

/* names_local_part(), unless the line that names it says it got the
 * message ("Delivered to: LMARTIN, KCHO"). */
static const char *named_as_failed(const char *text, size_t len, const char *a, size_t local_len,
                                   size_t *line_len)
{
	const char *line = names_local_part(text, len, a, local_len, line_len);

	return line && !bw_decoders__says_received(line, *line_len) ? line : NULL;
}

/* Is a the one address of the original's X-Original-To or Envelope-To (the
 * envelope recipient the bouncing server recorded)? */
static bool recorded_envelope(const bw_kvlist *orig, const char *a)
{
	static const char *const fields[] = { "X-Original-To", "Envelope-To" };
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *v = bw_kvlist__get(orig, fields[i]);
		char *f = v && strchr(v, '@') == strrchr(v, '@') ? bw_text__first_address(v, strlen(v)) : NULL;
		bool same = f && bw_strcasecmp(f, a) == 0;

		free(f);
		if (same)
			return true;
	}
	return false;
}

static void from_original(const bw_msg *m, bw_report *r, size_t first, size_t len)
{
	/* To and Cc; then the fields a receiving server adds for the envelope
	 * recipient, which count only where the report names their local part
	 * ("Receiver not found: 76543.2101"): alone they may be a list's */
	static const char *const fields[] = { "To", "Cc", "X-Original-To", "Delivered-To", "Envelope-To" };
	enum { N_HEADER_FIELDS = 2 };
	/* room for a few To/Cc addresses and one of each envelope field */
	char *cand[ORIGINAL_FALLBACK_MAX * 2 + sizeof(fields) / sizeof(fields[0]) - N_HEADER_FIELDS];
	bool envelope[sizeof(cand) / sizeof(cand[0])];
	size_t n = 0, n_header = 0, i, named = 0, dl = 0, off;
	bool envelope_only = false;
	const char *diag = failure_line(m->body, len, &dl);
	const bw_kvlist *orig = &m->orig_headers;
	bw_kvlist inline_orig = { 0 };

	if (!diag)
		return;
	/* The original pasted into the text after the report. */
	if (!bw_kvlist__get(orig, "To") && (off = before_original(m->body, m->body_len)) < m->body_len) {
		bw_headers__parse(m->body + off, m->body_len - off, &inline_orig);
		orig = &inline_orig;
	}
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *v = bw_kvlist__get(orig, fields[i]);

		while (v && *v && n < sizeof(cand) / sizeof(cand[0])) {
			size_t k = strcspn(v, ",");
			char *a = bw_text__first_address(v, k);

			if (a && !bw_decoders__is_own_address(m, a) && !reporting_role(m, a) &&
			    !already_candidate(cand, n, a)) {
				envelope[n] = i >= N_HEADER_FIELDS;
				n_header += !envelope[n];
				cand[n++] = a;
			} else
				free(a);
			v += k;
			if (*v == ',')
				v++;
		}
	}
	for (i = 0; i < n; i++) {
		const char *at = strrchr(cand[i], '@');
		size_t ll;

		if (at && named_as_failed(m->body, len, cand[i], (size_t)(at - cand[i]), &ll))
			named++;
		/* the envelope recipient the bouncing server itself recorded
		 * (X-Original-To, Envelope-To) is whom the message failed for;
		 * the header's To and Cc then name a list and the others its
		 * author wrote to (bw_decoders__add_original_recipient reads it) */
		if (envelope[i] && recorded_envelope(orig, cand[i]) && !bw_decoders__list_address(m, orig, cand[i]))
			envelope_only = true;
	}
	for (i = 0; i < n; i++) {
		const char *at = strrchr(cand[i], '@');
		size_t ll = 0;
		const char *line = at ? named_as_failed(m->body, len, cand[i], (size_t)(at - cand[i]), &ll)
		                      : NULL;

		/* (with an envelope recipient recorded, the header's To and Cc
		 * are not taken: the notice's reader that follows this one
		 * names that recipient, with the whole notice as its words) */
		if ((named ? line != NULL : !envelope_only && !envelope[i] && n_header <= ORIGINAL_FALLBACK_MAX) &&
		    !bw_decoders__list_address(m, orig, cand[i]))
			add_once(m, r, first, cand[i], line ? line : diag, line ? ll : dl);
		free(cand[i]);
	}
	bw_kvlist__clear(&inline_orig);
}

/* Labels that name a failed recipient on their line ("Recipient: <x>",
 * "Original-Recipient: rfc822;x", "Destinatário: x"), in the languages
 * above. */
static const char *const rcpt_labels[] = { BW_PHRASES_RCPT_LABELS };

/* Words that present the address after them as the one the message was
 * sent to. */
static const char *const to_cues[] = { BW_PHRASES_TO_CUES };

/* Weaker labels: the original's summary ("To: x") names the recipient of
 * a notice that names no one else. */
static const char *const weak_labels[] = { BW_PHRASES_WEAK_LABELS };

/* A title between dashes: "----- Non-delivered information -----". */
static bool dashed_title(const char *l, size_t n)
{
	size_t tl;
	const char *t = bw_text__trim(l, n, &tl);

	return tl > 6 && t[0] == '-' && t[1] == '-' && t[2] == '-' && t[tl - 1] == '-' && t[tl - 2] == '-' &&
	       t[tl - 3] == '-';
}

/* Is l[0..n) a labelled recipient's line and nothing else: a label of
 * words, then an address, bracketed or not ("Recipient: <x@y>")?  (A bare
 * address may head its own reason indented below it.) */
static bool bare_recipient_line(const char *l, size_t n)
{
	size_t tl, i;
	const char *t = bw_text__trim(l, n, &tl);
	const char *colon = memchr(t, ':', tl < 30 ? tl : 30);
	char *a;

	if (!colon || colon == t || !memchr(colon, '@', tl - (size_t)(colon - t)))
		return false;
	for (i = 0; t + i < colon; i++)
		if (!bw_isalpha((unsigned char)t[i]) && t[i] != ' ' && t[i] != '(' && t[i] != ')' &&
		    t[i] != '-')
			return false;
	tl -= (size_t)(colon + 1 - t);
	t = colon + 1;
	if (!(a = bw_text__address_line(t, tl)))
		return false;
	free(a);
	return true;
}

/* Is l[0..n) a JSON member that names the sender ("sender": "x@y",
 * "from_email": ..., "return_path": ...), as a sending service's event
 * pasted into a notice carries one beside the recipient's? */
static bool json_sender_member(const char *l, size_t n)
{
	static const char *const keys[] = { "\"sender\"", "\"from\"", "\"from_email\"",
		"\"fromemail\"", "\"return_path\"", "\"returnpath\"", "\"reply_to\"", "\"source\"",
		"\"mail_from\"", "\"envelope_from\"" };
	size_t tl, i;
	const char *t = bw_text__trim(l, n, &tl);

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		size_t kl = strlen(keys[i]);
		const char *c = t + kl;

		if (tl <= kl || bw_strncasecmp(t, keys[i], kl) != 0)
			continue;
		while (c < t + tl && (*c == ' ' || *c == '\t'))
			c++;
		if (c < t + tl && *c == ':')
			return true;
	}
	return false;
}

/* The diagnostic of the recipient on line l[0..n): the line itself and
 * the lines after it (from `after`) up to a blank or quoted line or a line
 * that names another address than the recipient's or the sender's.  Caller
 * frees. */
/* Is address o, on the line at text + k (ll bytes), presented by the words
 * before it, on its line or at the end of the line before, as a new address,
 * a contact or a sender (see ignorable_address)? */
static bool presented_in_paragraph(const bw_msg *m, const char *o, const char *text, size_t k,
                                   size_t ll)
{
	const char *line = text + k, *at = bw_memcasemem(line, ll, o), *prev;
	size_t start = at ? (size_t)(at - line) : 0, pn;

	if (!at)
		return false;
	if (start && ignorable_address(m, o, line, start))
		return true;
	if (!k)
		return false;
	/* the line before: from after its own line break to this line's */
	for (pn = k - 1; pn > 0 && text[pn - 1] != '\n'; pn--)
		;
	prev = text + pn;
	return presented_before(m, o, line, start, prev, k - 1 - pn);
}

static char *diag_paragraph(const bw_msg *m, const char *l, size_t n, const char *after,
                            const char *end, const char *a)
{
	bw_buf d = BW_BUF_INIT;
	size_t k = 0, base = bw_addrline__indent(l, n);
	bool block = false;   /* reading a block indented under the address */

	while (after + k < end) {
		const char *nl = memchr(after + k, '\n', (size_t)(end - after - k));
		size_t ll = nl ? (size_t)(nl - after - k) : (size_t)(end - after - k), tl;

		bw_text__trim(after + k, ll, &tl);
		if (!tl && !k && !block) {
			/* a blank line, then a block indented under the address:
			 * that entry's reason ("x@y" / "" / "    This account has
			 * been disabled ...") */
			const char *p = NULL;
			size_t pl = 0, ptl = 0;
			bw_lines rest;

			bw_lines__init(&rest, after, (size_t)(end - after));
			ptl = next_text_line(&rest, &p, &pl);
			if (ptl && bw_addrline__indent(p, pl) > base && !quoted(p, pl)) {
				after = p;
				/* a section title between dashes ("----- Non-delivered
				 * information -----") opens the entry's reason, which
				 * may start at the margin below it */
				block = !dashed_title(p, pl);
				continue;
			}
		}
		if (!tl || quoted(after + k, ll))
			break;
		if (block) {
			/* the block ends where its indentation does */
			if (bw_addrline__indent(after + k, ll) <= base)
				break;
		} else if (memchr(after + k, '@', ll)) {
			/* another recipient's line ends it; this one's does not,
			 * nor one naming the sender ("sent: MAIL FROM:<me@...>") */
			char *o = bw_text__first_address(after + k, ll);
			bool other = o && bw_strcasecmp(o, a) != 0 && !bw_decoders__is_own_address(m, o);
			/* a pasted event's sender ("sender": "x@y") is neither;
			 * nor an address the sentence presents as a new address or
			 * a contact ("has moved and now receives\nmail at x@y") */
			if (other && json_sender_member(after + k, ll))
				other = false;
			if (other && presented_in_paragraph(m, o, after, k, ll))
				other = false;
			free(o);
			/* a run of recipients' lines with nothing else on them
			 * ("Recipient: <a>" / "Recipient: <b>" / "Error: ..."):
			 * what follows the run is every one's */
			if (other && !k && nl && bare_recipient_line(after, ll)) {
				after = nl + 1;
				continue;
			}
			if (other)
				break;
		}
		k += ll + (nl ? 1 : 0);
	}
	bw_buf__put(&d, l, n);
	bw_buf__putc(&d, ' ');
	bw_buf__put(&d, after, k);
	return bw_buf__detach(&d);
}

static void add_with_paragraph(const bw_msg *m, bw_report *r, size_t first, const char *a,
                               const char *l, size_t n, const char *after, const char *end)
{
	char *ds;

	if (bw_decoders__find(r, first, a))
		return;   /* named again: its first paragraph is its diagnostic */
	ds = diag_paragraph(m, l, n, after, end, a);

	add_once(m, r, first, a, ds, ds ? strlen(ds) : 0);
	free(ds);
}

/* The addresses after the first on a recipient label's line ("Recipient(s):
 * a@x; b@x", "Recipients: a@x, b@x"): each failed like the first. */
static void add_more_labelled(const bw_msg *m, bw_report *r, size_t first, const char *label,
                              const char *l, size_t n, const char *after, const char *end)
{
	size_t pos = 0, start = 0;
	char *w;

	while ((w = bw_addrline__next(l, n, &pos, &start))) {
		if (bw_strcasecmp(w, label) != 0 && !ignorable_address(m, w, l, start))
			add_with_paragraph(m, r, first, w, l, n, after, end);
		free(w);
	}
}

/* A negated verb of delivery, in any word order the languages above use:
 * a delivery stem ("delivered", "consegnat", "entregad", "zugestellt"...)
 * with a negation word ("not", "non", "no", "nicht", "pas", "não",
 * "niet", "nie"...) as a whole word at most a few words before it in the
 * same sentence: "was not delivered", "non e' stato consegnato", "no ha
 * sido entregado", "konnte nicht zugestellt werden", "n'a pas été
 * remis", "não foi entregue", "is niet afgeleverd". */
static const char *const delivery_stems[] = { BW_PHRASES_DELIVERY_STEMS };
static const char *const negations[] = { BW_PHRASES_NEGATIONS };

/* Is c[0..n) a whole word at `at` in line l[0..len)? */
static bool whole_word_at(const char *l, size_t len, size_t at, size_t n)
{
	unsigned char before = at ? (unsigned char)l[at - 1] : ' ';
	unsigned char after = at + n < len ? (unsigned char)l[at + n] : ' ';

	return !bw_isalnum(before) && !bw_isalnum(after) && before < 0x80 && after < 0x80;
}

static bool negated_before(const char *l, size_t len, size_t stem)
{
	size_t from = stem > 32 ? stem - 32 : 0, i, k;

	/* the negation belongs to the same sentence */
	for (i = stem; i > from; i--)
		if (l[i - 1] == '.' || l[i - 1] == ';' || l[i - 1] == '!' || l[i - 1] == '?') {
			from = i;
			break;
		}
	for (i = from; i < stem; i++)
		for (k = 0; k < sizeof(negations) / sizeof(negations[0]); k++) {
			size_t wl = strlen(negations[k]);

			/* "n't" ends its word ("wasn't"); the others are words */
			if (i + wl <= stem && bw_strncasecmp(l + i, negations[k], wl) == 0 &&
			    (negations[k][1] == '\'' || whole_word_at(l, len, i, wl)))
				return true;
		}
	return false;
}

static bool negated_delivery(const char *l, size_t n)
{
	size_t k;

	for (k = 0; k < sizeof(delivery_stems) / sizeof(delivery_stems[0]); k++) {
		const char *p = l, *end = l + n;

		while ((p = bw_memcasemem(p, (size_t)(end - p), delivery_stems[k]))) {
			if (negated_before(l, n, (size_t)(p - l)))
				return true;
			p++;
		}
	}
	return false;
}

static bool has_trigger(const char *l, size_t n)
{
	return has_any(l, n, triggers, sizeof(triggers) / sizeof(triggers[0])) || negated_delivery(l, n);
}

/* Does the text say a delivery failed ("could not", "undeliverable",
 * "konnte nicht zugestellt werden")? */
static bool says_not_delivered(const char *l, size_t n)
{
	return has_any(l, n, success_failure, sizeof(success_failure) / sizeof(success_failure[0])) ||
	       negated_delivery(l, n);
}

/* Does a list's own introduction say its recipients got the message
 * ("An folgende Empfänger wurde die Nachricht erfolgreich zugestellt:",
 * "The message was successfully delivered to the following recipients:"),
 * with no word of failure on that line?  The paragraph around it may say
 * that others failed. */
static bool introduces_delivered(const char *l, size_t n)
{
	return has_any(l, n, success_delivered, sizeof(success_delivered) / sizeof(success_delivered[0])) &&
	       !says_not_delivered(l, n);
}

/* Does the line, or its sentence wrapped onto the next line (l[0..n) then
 * next[0..nn), white space squeezed), say something failed? */
static bool has_trigger_wrapped(const char *l, size_t n, const char *next, size_t nn)
{
	char *joined;
	bool yes;

	if (has_trigger(l, n))
		return true;
	if (!nn || quoted(next, nn))
		return false;
	if (!(joined = malloc(n + nn + 2))) {
		bw_error__oom();
		return false;
	}
	memcpy(joined, l, n);
	joined[n] = ' ';
	memcpy(joined + n + 1, next, nn);
	joined[n + nn + 1] = '\0';
	bw_squeeze(joined);
	yes = has_trigger(joined, strlen(joined));
	free(joined);
	return yes;
}

/* Does the sentence that the line starts say something failed, read on
 * over the paragraph's next lines (from next, before end) while it has not
 * ended: "Ihre Nachricht an x@y wurde von unserem / Spamfilter als Spam
 * eingestuft und deshalb / abgewiesen."  The line right after is always
 * read with it (has_trigger_wrapped); two more while no line ends in ".",
 * "!" or "?", unless a label or a quote comes before the address. */
static bool sentence_fails(const char *l, size_t n, const char *next, const char *end)
{
	const char *start = l, *stop = l + n, *p = next, *at = memchr(l, '@', n), *c;
	int more, most = 3;

	if (has_trigger(l, n))
		return true;
	/* a labelled or structured line ("Sent on behalf: x", "C: RCPT
	 * TO:<x>", a JSON field) starts no sentence: only the next line is
	 * read with it */
	for (c = l; at && c < at; c++)
		if (*c == ':' || *c == '"')
			most = 1;
	for (more = 0; more < most && p < end; more++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;
		size_t tl;

		if (!bw_text__trim(p, (size_t)(le - p), &tl) || !tl || quoted(p, (size_t)(le - p)))
			break;
		if (more) {
			const char *t = bw_text__trim(start, (size_t)(stop - start), &tl);
			if (tl && strchr(".!?", t[tl - 1]))
				break;
		}
		if (has_trigger_wrapped(start, (size_t)(stop - start), p, (size_t)(le - p)))
			return true;
		stop = le;
		p = nl ? nl + 1 : end;
	}
	return false;
}

/* Does the line continue, on from the line before it in the same paragraph,
 * a sentence that says something failed ("... could not be delivered:
 * CompuServe has no" / "member with user ID 7654 (7654@example.com)")?  The
 * line before must not end its sentence. */
static bool continues_failure(const char *prev, size_t pn, const char *l, size_t n)
{
	size_t tl;
	const char *t = bw_text__trim(prev, pn, &tl);

	if (!tl || strchr(".!?", t[tl - 1]))
		return false;
	return has_trigger_wrapped(prev, pn, l, n);
}

/* Text lines of a paragraph: [start, end); whether [start, checked) says
 * something failed, once read. */
typedef struct text_span {
	const char *start, *end;
	const char *checked;
	bool fails;
} text_span;

/* The most text of a paragraph read for failure words: its end, where the
 * sentence that introduces a list stands. */
#define SPAN_READ_MAX 2048

/* Does the paragraph say something failed? */
static bool span_fails(text_span *sp)
{
	const char *s = sp->start;

	if (!s)
		return false;
	if (sp->checked == sp->end)
		return sp->fails;
	if ((size_t)(sp->end - s) > SPAN_READ_MAX)
		s = sp->end - SPAN_READ_MAX;
	sp->checked = sp->end;
	return sp->fails = has_trigger(s, (size_t)(sp->end - s));
}

/* Does the line before a lone address present that address as no failed
 * recipient: a message identifier ("Original message id:") or a contact
 * ("... or write to")?  Looks at the end of the line only. */
static bool introduces_no_recipient(const char *l, size_t n)
{
	static const char *const id_labels[] = { "message id:", "message-id:", "message id",
		"message-id", "msgid:" };
	size_t tl, i, k;
	const char *t = l ? bw_text__trim(l, n, &tl) : NULL;

	if (!t)
		return false;
	for (i = 0; i < sizeof(id_labels) / sizeof(id_labels[0]); i++) {
		k = strlen(id_labels[i]);
		if (tl >= k && bw_strncasecmp(t + tl - k, id_labels[i], k) == 0)
			return true;
	}
	/* a finished sentence ("... or contact them.") introduces nothing */
	if (tl && strchr(".!?", t[tl - 1]))
		return false;
	if (tl > 24) {
		t += tl - 24;
		tl = 24;
	}
	return has_any(t, tl, noise, sizeof(noise) / sizeof(noise[0]));
}

/* Does the text right after an address say it was delivered ("x@y was
 * delivered", "x@y には配送されました") or received (a request "about the
 * failed delivery to x@y has been received": an acknowledgement)? */
static bool delivered_after(const char *s, size_t n)
{
	static const char *const words[] = { BW_PHRASES_DELIVERED_AFTER_WORDS };

	return has_any(s, n < 40 ? n : 40, words, sizeof(words) / sizeof(words[0])) ||
	       bw_decoders__says_spared(s, n < 40 ? n : 40);
}

/* Does the text after an address say that address is the sender's
 * ("<a@b>: Sender address rejected: not owned by user ...")? */
static bool sender_after(const char *s, size_t n)
{
	static const char *const says[] = { "sender address rejected", "sender rejected",
		"sender address denied", "sender verify failed", "sender address not owned" };
	size_t i;

	while (n && (*s == '>' || *s == ':' || *s == ' ' || *s == '\t' || *s == '.'))
		s++, n--;
	for (i = 0; i < sizeof(says) / sizeof(says[0]); i++)
		if (n >= strlen(says[i]) && bw_strncasecmp(s, says[i], strlen(says[i])) == 0)
			return true;
	return false;
}

/* Does the text after an address (the rest of its line s[0..n), or when
 * nothing follows it there, the next line from `next`) present it as a
 * contact, in the languages whose verb follows its object ("<x>\nへご連絡
 * ください", "x로 문의하십시오")? */
static bool contact_after(const char *s, size_t n, const char *next, const char *end)
{
	static const char *const words[] = { BW_PHRASES_CONTACT_AFTER_WORDS };
	size_t i;

	while (n && (*s == '>' || *s == ')' || *s == ' ' || *s == '\t'))
		s++, n--;
	if (!n && next && next < end) {
		const char *nl = memchr(next, '\n', (size_t)(end - next));
		s = next;
		n = (size_t)((nl ? nl : end) - next);
		while (n && (*s == ' ' || *s == '\t'))
			s++, n--;
	}
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (n >= strlen(words[i]) && memcmp(s, words[i], strlen(words[i])) == 0)
			return true;
	return false;
}

/* Is s[0..n) only what separates the addresses of a list (commas,
 * semicolons, brackets, spaces, "and")? */
static bool only_separators(const char *s, size_t n)
{
	static const char *const words[] = { BW_PHRASES_ONLY_SEPARATORS_WORDS };
	size_t i = 0, k;

	while (i < n) {
		if (bw_isspace((unsigned char)s[i]) || strchr(",;<>()[]\"'", s[i])) {
			i++;
			continue;
		}
		for (k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
			size_t wl = strlen(words[k]);
			if (i + wl <= n && bw_strncasecmp(s + i, words[k], wl) == 0 &&
			    (i + wl == n || bw_isspace((unsigned char)s[i + wl])))
				break;
		}
		if (k == sizeof(words) / sizeof(words[0]))
			return false;
		i += strlen(words[k]);
	}
	return true;
}

/* Does the next line (from p, before end), or the line after it in the
 * same paragraph, carry a failure reply ("x@y" alone on its line over
 * "last answer: 452 4.3.1 ...", or over "Reported by relay X:" and then
 * the reply)? */
static bool reply_follows(const char *p, const char *end)
{
	size_t k;

	for (k = 0; k < 2 && p < end; k++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p), tl;

		bw_text__trim(p, n, &tl);
		if (!tl || memchr(p, '@', n))
			return false;
		if (bw_smtp__has_failure_code(p, n))
			return true;
		p += n + 1;
	}
	return false;
}

/*
 * The generic reader: a recipient is an address (never one of the
 * exclusions of ignorable_address) that stands
 *   - on a line that says something failed;
 *   - after a "LABEL:" that names a recipient (rcpt_labels), in a report
 *     that says something failed;
 *   - alone on its line (a list) in a list that a "following recipients"
 *     line or a paragraph that says something failed introduced.
 * A list ends at a text line indented no deeper than its addresses.
 */
static void read_lines(const bw_msg *m, bw_report *r, size_t first, size_t len)
{
	const char *end = m->body + len, *l, *prev_line = NULL;
	size_t n, tl, list_indent = 0, prev_n = 0;
	bool listing = false, indent_known = false;
	/* a list a "following recipients" line just opened, before its first
	 * entry: that entry may be a role address (mail to postmaster@ that
	 * failed), which elsewhere only signs the notice */
	bool fresh_list = false;
	/* under "The following recipients received the message:" in a report
	 * that says something else failed: the addresses listed are those that
	 * got it (a success notice alone reports them as delivered) */
	bool delivered_list = false;
	bool report_fails = has_trigger(m->body, len);
	/* the text lines of the current paragraph and of the last one before
	 * it, read for failure words only when an address needs them */
	text_span cur = { NULL, NULL, NULL, false }, last = { NULL, NULL, NULL, false };
	bw_lines it;

	bw_lines__init(&it, m->body, len);
	while (bw_lines__next(&it, &l, &n)) {
		char *a, *lone = NULL, *label = NULL;
		const char *x400;
		bool accept, back = false, role_entry;

		const char *before = prev_line;
		size_t before_n = prev_n;

		if (r->n_rcpt >= r->max_rcpt)
			break;   /* the report is full */
		bw_text__trim(l, n, &tl);
		if (!tl) {
			if (cur.start)
				last = cur;
			cur.start = cur.end = cur.checked = NULL;
			/* no sentence goes on over a blank line: an address that
			 * begins the next paragraph is not presented by the last
			 * words of this one ("... Sender address rejected" over
			 * the next entry of a list) */
			prev_line = NULL;
			prev_n = 0;
			continue;
		}
		prev_line = l;
		prev_n = n;
		if (quoted(l, n))
			continue;
		/* An X.400 originator/recipient address with its RFC 822 form
		 * ("/.../rfc-822=user(a)example.com/"). */
		if (((x400 = bw_memcasemem(l, n, "rfc-822=")) ||
		     ((x400 = bw_memcasemem(l, n, "dda:smtp=")) && (x400 += BW_LITERAL_LEN("dda:smtp=")))) &&
		    (listing || span_fails(&cur) || span_fails(&last) || has_trigger(l, n))) {
			char *x = bw_addr__normalize(x400, n - (size_t)(x400 - l));
			/* its diagnostic: the report lines after it, up to a line
			 * that names another address */
			if (x) {
				const char *stop = end, *d;
				size_t dn;
				bw_lines rest;

				bw_lines__init(&rest, it.p, (size_t)(end - it.p));
				while (bw_lines__next(&rest, &d, &dn))
					if (memchr(d, '@', dn)) {
						stop = d;
						break;
					}
				add_once(m, r, first, x, it.p, (size_t)(stop - it.p));
			}
			free(x);
			continue;
		}
		if (!memchr(l, '@', n) && !bw_memcasemem(l, n, "%40")) {
			if (!cur.start)
				cur.start = l;
			cur.end = l + n;
			if (has_any(l, n, list_intros, sizeof(list_intros) / sizeof(list_intros[0]))) {
				listing = true;
				fresh_list = true;
				indent_known = false;
				/* read with the paragraph's lines before it: "could
				 * not be / delivered to the following address:" */
				delivered_list = bw_decoders__says_received(cur.start, (size_t)(l + n - cur.start)) ||
				                 (introduces_delivered(l, n) && says_not_delivered(m->body, len));
			} else if (has_trigger(l, n)) {
				delivered_list = false;
			} else if (listing && indent_known && bw_addrline__indent(l, n) <= list_indent) {
				listing = false;
			}
			continue;
		}
		if (!(a = bw_text__first_address(l, n)))
			continue;
		if (delivered_list && report_fails && bw_addrline__starts_with_address(l, n)) {
			free(a);
			continue;
		}
		/* a sentence after the list ends it, even one that names addresses */
		if (listing && indent_known && bw_addrline__indent(l, n) <= list_indent && !bw_addrline__starts_with_address(l, n))
			listing = false;
		if (has_any(l, n, list_intros, sizeof(list_intros) / sizeof(list_intros[0]))) {
			listing = true;
			indent_known = false;
		}
		if (report_fails)
			label = bw_addrline__labelled(l, n, rcpt_labels, sizeof(rcpt_labels) / sizeof(rcpt_labels[0]));
		if (!listing && !label && (lone = bw_addrline__lone(l, n)) &&
		    !span_fails(&cur) && !span_fails(&last) && !reply_follows(it.p, end)) {
			free(lone);
			lone = NULL;
		}
		if (lone && !listing && !label) {
			/* a list after the paragraph that says what failed */
			listing = true;
			indent_known = false;
		}
		if (!(accept = listing || label)) {
			/* a line with a failure reply ("x@y -> 550 5.1.1 ...") says
			 * what failed in any language */
			accept = sentence_fails(l, n, it.p, end) || bw_smtp__has_failure_code(l, n) ||
			         (back = cur.start && cur.end == before + before_n &&
			                 continues_failure(before, before_n, l, n)) ||
			         reply_follows(it.p, end) ||
			         /* "The person you wrote to, x@y, ..." in a failure report */
			         (report_fails && has_any(l, n, to_cues, sizeof(to_cues) / sizeof(to_cues[0])));
		}
		free(a);
		if (!accept) {
			free(lone);
			continue;
		}
		if (listing && !indent_known) {
			list_indent = bw_addrline__indent(l, n);
			indent_known = true;
		}
		/* the first entry right under a "following recipients" line may
		 * be a role address that failed (mail to postmaster@) */
		role_entry = false;
		if (fresh_list && listing) {
			char *only = bw_addrline__lone(l, n);
			role_entry = only && reporting_role(m, only) && !bw_decoders__is_own_address(m, only) &&
			             !the_list_itself(m, only);
			free(only);
		}
		fresh_list = false;
		if (label || lone) {
			size_t pos = 0, start = 0;
			char *w = bw_addrline__next(l, n, &pos, &start);
			a = label ? label : lone;
			free(w);
			if ((role_entry || (!ignorable_address(m, a, l, start) &&
			                    !presented_before(m, a, l, start, before, before_n))) &&
			    !contact_after(l + pos, n - pos, it.p, end) &&
			    !(lone && introduces_no_recipient(before, before_n)))
				add_with_paragraph(m, r, first, a, l, n, it.p, end);
			/* a label over several addresses ("Recipient(s): a@x; b@x") */
			if (label && (memchr(l, ';', n) || memchr(l, ',', n)))
				add_more_labelled(m, r, first, label, l, n, it.p, end);
			free(label);
			free(lone);
			continue;
		}
		/* every address of the line, each judged by the words between it
		 * and the one before */
		{
			size_t pos = 0, start = 0, prev = 0;
			bool skip = false;

			while ((a = bw_addrline__next(l, n, &pos, &start))) {
				/* "other recipients (a, b)": an address that only a
				 * separator parts from the one before shares its verdict */
				if (!(prev && only_separators(l + prev, start - prev)))
					skip = (!role_entry && ignorable_address(m, a, l + prev, start - prev)) ||
					       (!prev && presented_before(m, a, l, start, before, before_n)) ||
					       /* "(reply-to" ending the line before */
					       (!prev && only_separators(l, start) &&
					        introduces_no_recipient(before, before_n));
				else if (!skip)
					skip = ignorable_address(m, a, "", 0);
				skip = skip || delivered_after(l + pos, n - pos) || sender_after(l + pos, n - pos) ||
				       contact_after(l + pos, n - pos, it.p, end) || json_sender_member(l, n);
				/* a sentence begun on the line before is read whole */
				if (!skip && back)
					add_with_paragraph(m, r, first, a, before, (size_t)(l + n - before), it.p, end);
				else if (!skip)
					add_with_paragraph(m, r, first, a, l, n, it.p, end);
				free(a);
				prev = pos;
			}
		}
	}
}

/* The notice names no recipient in the ways above: "To: x" lines of its
 * summary of the original, when the report says something failed. */
static void read_weak_labels(const bw_msg *m, bw_report *r, size_t first, size_t len)
{
	const char *end = m->body + len, *l;
	size_t n;
	bw_lines it;

	if (!has_trigger(m->body, len))
		return;
	bw_lines__init(&it, m->body, len);
	while (bw_lines__next(&it, &l, &n)) {
		char *a;
		if (quoted(l, n) || !memchr(l, '@', n) ||
		    !(a = bw_addrline__labelled(l, n, weak_labels, sizeof(weak_labels) / sizeof(weak_labels[0]))))
			continue;
		if (!ignorable_address(m, a, l, n))
			add_with_paragraph(m, r, first, a, l, n, it.p, end);
		free(a);
	}
}

/* The value after `label:` at the start of line l[0..n) (a bullet and
 * spaces allowed) when it is one word made of `chars` (and letters and
 * digits); its length in *vl. */
static const char *label_value(const char *l, size_t n, const char *const *labels, size_t nl,
                               const char *chars, size_t *vl)
{
	size_t tl = 0, e;
	const char *t = bw_addrline__label_value(l, n, labels, nl, &tl);

	if (!t)
		return NULL;
	for (e = 0; e < tl && (bw_isalnum((unsigned char)t[e]) || strchr(chars, t[e])); e++)
		;
	if (e == 0 || (e < tl && !bw_isspace((unsigned char)t[e])))
		return NULL;
	*vl = e;
	return t;
}

/* A notice that gives the failed address in two labelled parts
 * ("Mailbox name: jane" and, on one of the next lines, "Domain:
 * example.com"): the address they make. */
#define SPLIT_ADDRESS_LINES 3

/* Adds local@domain, given in two pieces, when it looks like an address
 * and is no contact or sender, with `diag` as its diagnostic.  False on
 * ENOMEM. */
static bool add_joined(const bw_msg *m, bw_report *r, size_t first, const char *local, size_t ll,
                       const char *domain, size_t dl, const char *diag, size_t diag_len)
{
	char *a = bw_addr__join(local, ll, domain, dl);

	if (!a)
		return false;
	if (bw_addr__plausible(a, ll + 1 + dl) && !ignorable_address(m, a, "", 0))
		add_once(m, r, first, a, diag, diag_len);
	free(a);
	return true;
}

/* An account named by its quoted local part and its host in one phrase
 * ("The account 'dave' on isp.example.net is currently SUSPENDED", "user
 * \"kim\" at mail.example.org"): local@host, with the failure sentence as
 * its diagnostic. */
static void read_account_on_host(const bw_msg *m, bw_report *r, size_t first, size_t len)
{
	static const char *const nouns[] = { "account ", "user ", "mailbox ", "username " };
	const char *l, *diag;
	size_t n, dl = 0, k;
	bw_lines it;

	if (!(diag = failure_line(m->body, len, &dl)))
		return;
	bw_lines__init(&it, m->body, len);
	while (bw_lines__next(&it, &l, &n)) {
		const char *end = l + n;

		if (quoted(l, n))
			continue;
		for (k = 0; k < sizeof(nouns) / sizeof(nouns[0]); k++) {
			const char *p = bw_memcasemem(l, n, nouns[k]), *lp, *le, *h, *he;
			char q;

			if (!p)
				continue;
			p += strlen(nouns[k]);
			if (p >= end || (*p != '\'' && *p != '"' && *p != '<'))
				continue;
			q = *p == '<' ? '>' : *p;
			lp = p + 1;
			for (le = lp; le < end && *le != q && (bw_isalnum((unsigned char)*le) || strchr("._-+", *le)); le++)
				;
			if (le == lp || le >= end || *le != q)
				continue;
			h = le + 1;
			if (end - h > 4 && (bw_strncasecmp(h, " on ", 4) == 0 || bw_strncasecmp(h, " at ", 4) == 0))
				h += 4;
			else
				continue;
			for (he = h; he < end && (bw_isalnum((unsigned char)*he) || *he == '.' || *he == '-'); he++)
				;
			while (he > h && he[-1] == '.')
				he--;
			if (he == h || !memchr(h, '.', (size_t)(he - h)))
				continue;
			if (!add_joined(m, r, first, lp, (size_t)(le - lp), h, (size_t)(he - h), diag, dl))
				return;
		}
	}
}

static void read_split_address(const bw_msg *m, bw_report *r, size_t first, size_t len)
{
	static const char *const locals[] = { BW_PHRASES_READ_SPLIT_ADDRESS_LOCALS };
	static const char *const domains[] = { BW_PHRASES_READ_SPLIT_ADDRESS_DOMAINS };
	const char *l, *lv, *dv, *diag;
	size_t n, lvl = 0, dvl = 0, dl = 0, k;
	bw_lines it;

	if (!has_trigger(m->body, len))
		return;
	bw_lines__init(&it, m->body, len);
	while (bw_lines__next(&it, &l, &n)) {
		bw_lines ahead;
		const char *l2;
		size_t n2;

		if (quoted(l, n) ||
		    !(lv = label_value(l, n, locals, sizeof(locals) / sizeof(locals[0]), "._-+!'%=", &lvl)))
			continue;
		ahead = it;
		for (k = 0, dv = NULL; k < SPLIT_ADDRESS_LINES && !dv && bw_lines__next(&ahead, &l2, &n2); k++)
			dv = label_value(l2, n2, domains, sizeof(domains) / sizeof(domains[0]), ".-", &dvl);
		if (dv && memchr(dv, '.', dvl) && (diag = failure_line(m->body, len, &dl)) &&
		    !add_joined(m, r, first, lv, lvl, dv, dvl, diag, dl))
			return;
	}
}

/* A bounce subject that names the failed address ("Undeliverable:
 * x@example.com"), for a report whose text names no one. */
static void read_subject(const bw_msg *m, bw_report *r, size_t first, size_t len)
{
	const char *subject = bw_msg__header(m, "Subject");
	size_t dl = 0;
	const char *diag;
	char *a;

	if (!subject || !strchr(subject, '@') || !(bw_sniff__bounce_subject(m) || mail_to_subject(m)) ||
	    !(diag = failure_line(m->body, len, &dl)))
		return;
	if ((a = bw_text__first_address(subject, strlen(subject))) && !ignorable_address(m, a, "", 0))
		add_once(m, r, first, a, diag, dl);
	free(a);
}

/* A bounce sent to a VERP address names its failed recipient in that
 * address: the envelope headers of the bounce (To, Delivered-To,
 * X-Original-To, Envelope-To) or the returned original's Return-Path. */
static void read_verp(const bw_msg *m, bw_report *r, size_t first, size_t len)
{
	const char *diag;
	size_t dl = 0;
	char *d;

	if (!(diag = failure_line(m->body, len, &dl)))
		return;
	d = bw_decoders__verp_subscriber(m);
	if (d && !ignorable_address(m, d, "", 0))
		add_once(m, r, first, d, diag, dl);
	free(d);
}

/* The length of a header block that opens the text, through the blank
 * line under it (an old gateway's notice that starts with the fields it
 * kept of the original: "Sender:", "Received: from ...", "Subject:"), or
 * 0.  The report follows it, so its fields end nothing. */
static size_t leading_header_block(const char *text, size_t len)
{
	const char *l;
	size_t n, fields = 0, known = 0, tl;
	bw_lines it;

	bw_lines__init(&it, text, len);
	while (bw_lines__next(&it, &l, &n)) {
		bw_text__trim(l, n, &tl);
		if (!tl)
			return fields >= 2 && known ? (size_t)(l + n - text) : 0;
		if (*l == ' ' || *l == '\t') {
			if (!fields)
				return 0;
			continue;       /* a folded field goes on */
		}
		if (!starts_label(l, n))
			return 0;
		fields++;
		known += header_line(l, n);
	}
	return 0;
}

/* The length of the report in m->body: before the returned original (a
 * marker line, or a header block pasted without one). */
static size_t report_text_length(const bw_msg *m)
{
	size_t len = bw_text__report_length(m), top = leading_header_block(m->body, len);
	const char *end = bw_text__find_any(m->body + top, len - top, ends, sizeof(ends) / sizeof(ends[0]), NULL);

	if (!memchr(m->body, '@', len)) {
		/* cut at a "The original message was received" preamble */
		len = m->body_len;
		end = bw_text__find_any(m->body + top, len - top, ends, sizeof(ends) / sizeof(ends[0]), NULL);
	}
	/* a marker over a summary of the original at the notice's top, before
	 * it names anyone or quotes a failure (NetEase's "原邮件信息" over
	 * subject and recipient, the cause below them): the report goes on
	 * past it */
	while (end && !memchr(m->body + top, '@', (size_t)(end - m->body - top)) &&
	       !bw_smtp__has_failure_code(m->body + top, (size_t)(end - m->body - top))) {
		const char *nl = memchr(end, '\n', (size_t)(m->body + len - end));
		const char *next = nl ? bw_text__find_any(nl, (size_t)(m->body + len - nl), ends,
		                                          sizeof(ends) / sizeof(ends[0]), NULL) : NULL;
		size_t rest = nl ? (size_t)((next ? next : m->body + len) - nl) : 0;

		if (!nl || !memchr(nl, '@', rest) || !bw_smtp__has_failure_code(nl, rest))
			break;
		end = next;
	}
	if (end) {
		/* back to the start of that line, or of the sentence the marker
		 * begins when another ends before it on the line ("... (550
		 * 5.1.1). The original message is attached.") */
		const char *line = end;
		while (line > m->body && line[-1] != '\n')
			line--;
		while (end > line && !(end - line >= 2 && end[-1] == ' ' && strchr(".!?", end[-2])))
			end--;
		len = (size_t)(end - m->body);
	}
	return before_original(m->body, len);
}

/* Tiers 1 and 2: "<address>:" paragraphs, else the line reader. */
static void read_text(const bw_msg *m, bw_report *r, size_t first, size_t len)
{
	size_t pos = 0;
	bw_addr_para p;

	while (bw_text__next_addr_para(m->body, len, &pos, &p)) {
		if (!bw_decoders__is_own_address(m, p.address))
			add_once(m, r, first, p.address, p.text, p.len);
		bw_addr_para__clear(&p);
	}
	if (r->n_rcpt == first)
		read_lines(m, r, first, len);
}

/* Does the comma-separated address list `list` name `a`? */
static bool list_names(const char *list, const char *a)
{
	const char *q = list;
	bool found = false;

	while (*q && !found) {
		size_t k = strcspn(q, ",");
		char *x = bw_text__first_address(q, k);
		found = x && bw_strcasecmp(x, a) == 0;
		free(x);
		q += k;
		if (*q == ',')
			q++;
	}
	return found;
}

/* Tier 3: X-Failed-Recipients, when the mail system gives it, is the list
 * of failed addresses: the text's addresses it does not name are dropped,
 * and those it names that the text did not are added. */
static void keep_failed_recipients(const bw_msg *m, bw_report *r, size_t first)
{
	const char *failed = bw_msg__header(m, "X-Failed-Recipients");
	const char *q;
	size_t i;

	if (!failed || !strchr(failed, '@'))
		return;
	for (i = r->n_rcpt; i > first; i--) {
		const char *a = bw_recipient__get(r->rcpt[i - 1], BW_RCPT_RECIPIENT);
		if (!a || !list_names(failed, a))
			bw_report__remove_recipient(r, i - 1);
	}
	for (q = failed; *q; ) {
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

/* A report forwarded by a person with every line quoted needs at least
 * this many quoted lines. */
#define QUOTED_MIN 3

/* The quoted lines of text[0..len) with one level of quoting ("> " or
 * ">") removed, the others left out; NULL when fewer than QUOTED_MIN
 * lines are quoted.  Caller frees. */
static char *unquoted(const char *text, size_t len, size_t *out_len)
{
	bw_buf b = BW_BUF_INIT;
	const char *l;
	size_t n, count = 0;
	bw_lines it;

	bw_lines__init(&it, text, len);
	while (bw_lines__next(&it, &l, &n)) {
		size_t i = 0;
		if (!quoted(l, n))
			continue;
		while (l[i] != '>')
			i++;
		i++;
		if (i < n && l[i] == ' ')
			i++;
		bw_buf__put(&b, l + i, n - i);
		bw_buf__putc(&b, '\n');
		count++;
	}
	if (count < QUOTED_MIN) {
		bw_buf__free(&b);
		return NULL;
	}
	*out_len = b.len;
	return bw_buf__detach(&b);
}

/* A bounce forwarded by a person inline with its lines quoted ("> "): its
 * recipients are read from the quoted text.  Returns BW_OK or BW_ENOMEM. */
static int read_quoted(const bw_msg *m, bw_report *r, size_t first, size_t len)
{
	bw_msg inner = *m;
	size_t ulen = 0, ilen;
	char *u = unquoted(m->body, len, &ulen);
	int rc = BW_OK;

	if (!u)
		return BW_OK;
	inner.body = u;
	inner.body_len = ulen;
	inner.report_length_known = false;
	ilen = report_text_length(&inner);
	if (!bw_sniff__challenge(u, ilen)) {
		read_text(&inner, r, first, ilen);
		if (r->n_rcpt > first)
			rc = finish(&inner, r, first, ilen);
	}
	free(u);
	return rc;
}

/* An address alone on its line anywhere in the report, when no other
 * tier found anyone: a notice that lists the failed address below its
 * explanation ("Possible causes: ... / <tab>x@y").  Not a contact, a
 * sender, a role address or the list the original went to; the line
 * before it must not present it ("Please write to:"). */
static void read_lone(const bw_msg *m, bw_report *r, size_t first, size_t len)
{
	const bw_kvlist *orig = &m->orig_headers;
	const char *l, *prev = NULL;
	size_t n, prev_n = 0, dl = 0;
	bw_lines it;

	/* only in a notice that says something failed */
	if (!failure_line(m->body, len, &dl))
		return;
	bw_lines__init(&it, m->body, len);
	for (; bw_lines__next(&it, &l, &n); prev = l, prev_n = n) {
		const char *at;
		size_t after;
		char *a;

		if (quoted(l, n) || !memchr(l, '@', n) || !(a = bw_addrline__lone(l, n)))
			continue;
		at = bw_memcasemem(l, n, a);
		after = at ? (size_t)(at - l) + strlen(a) : n;
		if (!ignorable_address(m, a, l, n) && !(prev && ignorable_address(m, a, prev, prev_n)) &&
		    !contact_after(l + after, n - after, it.p, m->body + len) && !bw_decoders__list_address(m, orig, a))
			add_once(m, r, first, a, NULL, 0);
		free(a);
	}
}

/* Is address a in the domain of reader, the notice's own recipient (the
 * sender's organisation; NULL: none known)? */
static bool same_domain_as_reader(const char *a, const char *reader)
{
	const char *at = strrchr(a, '@'), *rat = reader ? strrchr(reader, '@') : NULL;

	return at && rat && bw_strcasecmp(at, rat) == 0;
}

/* A notice in words none of the tiers above reads (a language they do
 * not know) that quotes a server's failure reply ("550 5.1.1 ...") and
 * names one address besides its own, its reader's domain, contacts and
 * role addresses: that address failed. */
static void read_sole_address(const bw_msg *m, bw_report *r, size_t first, size_t len)
{
	const bw_kvlist *orig = &m->orig_headers;
	char *sole = NULL, *reader;
	const char *l, *prev = NULL, *to;
	size_t n, prev_n = 0;
	bw_lines it;
	bool several = false;

	if (!bw_sniff__quotes_failure_reply(m->body, len))
		return;
	to = bw_msg__header(m, "To");
	reader = to ? bw_text__first_address(to, strlen(to)) : NULL;
	bw_lines__init(&it, m->body, len);
	for (; !several && bw_lines__next(&it, &l, &n); prev = l, prev_n = n) {
		size_t pos = 0, start;
		char *a;

		if (quoted(l, n) || !memchr(l, '@', n))
			continue;
		while (!several && (a = bw_addrline__next(l, n, &pos, &start))) {
			/* nor the sender's colleagues ("contact your administrator
			 * (it@sender.example)") */
			if (ignorable_address(m, a, l, start) || presented_before(m, a, l, start, prev, prev_n) ||
			    contact_after(l + pos, n - pos, it.p, m->body + len) ||
			    same_domain_as_reader(a, reader) || bw_decoders__list_address(m, orig, a))
				free(a);
			else if (!sole)
				sole = a;
			else {
				several = bw_strcasecmp(sole, a) != 0;
				free(a);
			}
		}
	}
	if (sole && !several)
		add_once(m, r, first, sole, NULL, 0);
	free(sole);
	free(reader);
}

/* Tier 9: a failure list whose entries name only a local part, each
 * with its cause in parentheses ("The message that you sent was
 * undeliverable to the following:" / "mtrujillo (user not found)"), that
 * no address of the returned original has: an old gateway's own user, at
 * the domain of the mail system that signs the notice (its mailer-daemon
 * or postmaster From). */
static bool local_entry(const char *t, size_t tl, size_t *local_len)
{
	size_t k = 0;

	while (k < tl && (bw_isalnum((unsigned char)t[k]) || strchr("._+-", t[k])))
		k++;
	if (k < 2 || k > 64 || !bw_isalnum((unsigned char)t[0]))
		return false;
	*local_len = k;
	while (k < tl && (t[k] == ' ' || t[k] == '\t'))
		k++;
	/* "(cause)" closing the line, with words inside */
	return k < tl - 2 && t[k] == '(' && t[tl - 1] == ')' && bw_isalpha((unsigned char)t[k + 1]);
}

static void read_local_entries(const bw_msg *m, bw_report *r, size_t first, size_t len)
{
	const char *from = bw_msg__header(m, "From"), *l, *at;
	char *sender = from && bw_sniff__from_daemon(m) ? bw_text__first_address(from, strlen(from)) : NULL;
	bool intro = false, listed = false;
	size_t n;
	bw_lines it;

	if (!sender || !(at = strrchr(sender, '@')) || !strchr(at, '.')) {
		free(sender);
		return;
	}
	bw_lines__init(&it, m->body, len);
	while (bw_lines__next(&it, &l, &n)) {
		size_t tl, ll;
		const char *t = bw_text__trim(l, n, &tl);

		if (!tl) {
			if (listed)
				break;
			continue;
		}
		if (intro && local_entry(t, tl, &ll)) {
			char *a = bw_addr__join(t, ll, at + 1, strlen(at + 1));

			if (!a)
				break;
			add_once(m, r, first, a, t, tl);
			free(a);
			listed = true;
			continue;
		}
		if (listed)
			break;
		/* a line that says something failed and ends in a colon */
		intro = t[tl - 1] == ':' && has_trigger(t, tl);
	}
	free(sender);
}

static int read_report(const bw_msg *m, bw_report *r)
{
	size_t first = r->n_rcpt, len = report_text_length(m);
	int rc;

	if (bw_sniff__challenge(m->body, len))
		return 0;
	/* a notice about the reader's own mailbox ("4 incoming messages were
	 * held, release them to your inbox"), returning no message of theirs:
	 * the addresses it lists are not recipients of a failed message.  One
	 * such phrase may be a forwarding service's ("your mailbox provider
	 * refused it"); two make the notice about the reader's mailbox */
	if (!m->has_original && !m->dsn.n && bw_decoders__about_readers_box(m) >= 2)
		return 0;
	read_text(m, r, first, len);
	keep_failed_recipients(m, r, first);
	if (r->n_rcpt == first) {
		if ((rc = read_quoted(m, r, first, len)) < 0)
			return rc;
		if (r->n_rcpt > first)
			return (int)(r->n_rcpt - first);
	}
	if (r->n_rcpt == first)
		read_weak_labels(m, r, first, len);
	if (r->n_rcpt == first)
		read_split_address(m, r, first, len);
	if (r->n_rcpt == first)
		read_account_on_host(m, r, first, len);
	if (r->n_rcpt == first)
		read_subject(m, r, first, len);
	if (r->n_rcpt == first)
		read_verp(m, r, first, len);
	if (r->n_rcpt == first)
		read_lone(m, r, first, len);
	if (r->n_rcpt == first)
		read_sole_address(m, r, first, len);
	if (r->n_rcpt == first)
		from_original(m, r, first, len);
	if (r->n_rcpt == first)
		read_local_entries(m, r, first, len);
	if (r->n_rcpt > first && (rc = finish(m, r, first, len)) < 0)
		return rc;
	return (int)(r->n_rcpt - first);
}

/* Delivery-status fields pasted into the text (a help desk's ticket
 * quoting "the technical part of the bounce", or quoted in a reply) are
 * read as such; otherwise the report as read, or a copy with its folded
 * addresses joined. */
static int decode(const bw_msg *m, bw_report *r)
{
	int rc;

	if (!m->dsn.n && (rc = bw_decoders__inline_dsn(m, r)) != 0)
		return rc;
	return bw_decoders__read_unfolded(m, r, read_report);
}

const bw_decoder bw_decoder_prose = { "prose", sniff, decode, false, NULL, 0 };
