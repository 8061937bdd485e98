/*
 * rfc3834.c - automatic replies (vacation, out of office).
 *
 * Bounces carry "Auto-Submitted: auto-replied" too, so this decoder only
 * claims a message weakly, and only when it has no delivery-status part:
 * every bounce decoder is tried before it.
 */
#include <stdlib.h>
#include <string.h>

#include "../addr.h"
#include "../text.h"
#include "../util.h"
#include "../smtp.h"
#include "addrline.h"
#include "common.h"
#include "decoder.h"
#include "autoreply_phrases.h"

static const char *const subject_marks[] = { BW_PHRASES_SUBJECT_MARKS };

/* A help desk's acknowledgement that it received the mail and opened a
 * ticket: an automatic reply, whatever the subject it answers says ("Re:
 * Delivery failed ...").  Read in the report's text. */
static bool ticket_ack(const bw_msg *m)
{
	static const char *const acks[] = { BW_PHRASES_TICKET_ACK_ACKS };

	return bw_text__find_any(m->body, bw_text__report_length(m), acks,
	                         sizeof(acks) / sizeof(acks[0]), NULL) != NULL;
}

/* A forwarding service's notice that the forward failed, quoting the
 * target server's refusal ("... could not be forwarded ... 550 5.7.1 ..."):
 * auto-submitted, but a bounce about the forwarding target. */
static bool forward_failed(const bw_msg *m)
{
	static const char *const words[] = { BW_PHRASES_FORWARD_FAILED_WORDS };
	size_t len = bw_text__report_length(m);

	return bw_text__find_any(m->body, len, words, sizeof(words) / sizeof(words[0]), NULL) &&
	       bw_smtp__has_failure_code(m->body, len);
}

/* Bounces are auto-replied too: these say "delivery failure", not "away". */
static bool bounce_like(const bw_msg *m)
{
	static const char *const from_marks[] = { "mailer-daemon", "postmaster", "mail delivery",
		"mail administrator", "mailer_daemon" };
	static const char *const subject_bounce[] = { BW_PHRASES_BOUNCE_LIKE_SUBJECT_BOUNCE };
	const char *from = bw_msg__header(m, "From");
	const char *subject = bw_msg__header(m, "Subject");
	size_t i, n;

	for (i = 0; from && i < sizeof(from_marks) / sizeof(from_marks[0]); i++)
		if (bw_strcasestr(from, from_marks[i]))
			return true;
	if (bw_msg__header(m, "X-Failed-Recipients"))
		return true;
	/* "Out of Office: Delivery failed for order 5521?": an auto-reply's
	 * own mark first, then the subject it answers */
	for (i = 0; subject && i < sizeof(subject_marks) / sizeof(subject_marks[0]); i++)
		if (bw_startswith_ci(subject, subject_marks[i]))
			return false;
	/* the words of the subject being answered ("Re: ...") are not the
	 * notice's own */
	n = subject ? strlen(subject) : 0;
	for (i = 0; i + 3 <= n; i++)
		if (bw_strncasecmp(subject + i, "re:", 3) == 0 &&
		    (i == 0 || !bw_isalnum((unsigned char)subject[i - 1]))) {
			n = i;
			break;
		}
	for (i = 0; n && i < sizeof(subject_bounce) / sizeof(subject_bounce[0]); i++)
		if (bw_memcasemem(subject, n, subject_bounce[i]))
			return true;
	return n && (bw_sniff__bounce_subject(m) || bw_sniff__delivery_subject(m));
}

/* Does the start of the text say it is an automatic reply ("This is an
 * automatic reply", "这是来自QQ邮箱的假期自动回复邮件"), or that its author is
 * away and will answer on return ("out of the office ... when I return")?
 * What an auto-reply without its headers (forwarded, pasted, or sent by a
 * client that marks nothing) still says; and what `bouncewhy explain`
 * reads in a pasted auto-reply's text. */
bool bw_decoders__says_away(const char *text, size_t len)
{
	static const char *const automatic[] = { BW_PHRASES_TEXT_SAYS_AWAY_AUTOMATIC };
	static const char *const away[] = { BW_PHRASES_TEXT_SAYS_AWAY_AWAY };
	static const char *const back[] = { BW_PHRASES_TEXT_SAYS_AWAY_BACK };
	/* thanks for the mail and a promise to answer: an acknowledgement
	 * ("Thanks for your letter. I'll write back as soon as I can",
	 * "我已经收到你的邮件，我稍后会给你回复") */
	static const char *const thanks[] = { BW_PHRASES_TEXT_SAYS_AWAY_THANKS };
	static const char *const promise[] = { BW_PHRASES_TEXT_SAYS_AWAY_PROMISE };
	char *flat;
	size_t n;
	bool says;

	if (len > 1500)
		len = 1500;
	if (bw_sniff__quotes_failure_reply(text, len) || !(flat = bw_squeeze_dup(text, len)))
		return false;
	/* read with its lines joined: "nicht\nim Büro" */
	n = strlen(flat);
	says = bw_text__find_any(flat, n, automatic, sizeof(automatic) / sizeof(automatic[0]), NULL) ||
	       (bw_text__find_any(flat, n, away, sizeof(away) / sizeof(away[0]), NULL) &&
	        bw_text__find_any(flat, n, back, sizeof(back) / sizeof(back[0]), NULL)) ||
	       (bw_text__find_any(flat, n, thanks, sizeof(thanks) / sizeof(thanks[0]), NULL) &&
	        bw_text__find_any(flat, n, promise, sizeof(promise) / sizeof(promise[0]), NULL));
	free(flat);
	return says;
}

static bool text_says_away(const bw_msg *m)
{
	return bw_decoders__says_away(m->body, bw_text__report_length(m));
}

/* Is m a multipart/report of a delivery status (RFC 3462; "delivery-status"
 * or "global-delivery-status"), whatever parts it still has? */
static bool says_delivery_report(const bw_msg *m)
{
	return strcmp(m->content_type, "multipart/report") == 0 && bw_strcasestr(m->report_type, "delivery-status");
}

/* Does the notice, from no mail system, open by calling itself an
 * automated response to the reader's mail ("Thank you for writing x@y.
 * This is an automated response to the email you sent to this address")?
 * Then a bounce's subject it carries ("Returned mail: see transcript for
 * details", the subject of the mail it answers) does not make it one. */
static bool declares_itself(const bw_msg *m)
{
	static const char *const says[] = { BW_PHRASES_DECLARES_ITSELF_SAYS };
	size_t len = bw_text__report_length(m);

	if (len > 600)
		len = 600;
	return !bw_sniff__from_daemon(m) && !bw_sniff__quotes_failure_reply(m->body, bw_text__report_length(m)) &&
	       bw_text__find_any(m->body, len, says, sizeof(says) / sizeof(says[0]), NULL) != NULL;
}

/* Does the subject carry an auto-reply's mark ("Out of Office:",
 * "Automatic reply:")? */
static bool subject_marked(const char *subject)
{
	size_t i;

	for (i = 0; subject && i < sizeof(subject_marks) / sizeof(subject_marks[0]); i++)
		if (bw_strcasestr(subject, subject_marks[i]))
			return true;
	return false;
}

static int sniff(const bw_msg *m, const bw_found *f)
{
	const char *as = bw_msg__header(m, "Auto-Submitted");
	const char *subject = bw_msg__header(m, "Subject");
	const char *prec = bw_msg__header(m, "Precedence");

	/* a challenge-response request is not an auto-reply to keep; a
	 * message that calls itself a delivery report (an Exchange NDR's
	 * header, multipart/report of a delivery status) is not one either,
	 * even with its status part lost */
	if (m->dsn.n || m->feedback || bw_sniff__challenge(m->body, m->body_len) || forward_failed(m) ||
	    bw_msg__header(m, "X-MS-Exchange-Message-Is-Ndr") || says_delivery_report(m))
		return 0;
	/* a webmail's or an application's own "message not sent" notice is
	 * auto-replied too; one that quotes a server's failure reply ("556
	 * 5.1.10 <a@b>: ...") and says nothing of being away is about that
	 * failure.  Only the auto-replied marks below would claim it (the
	 * tests after them claim no message that quotes such a reply), so
	 * the body is scanned only when one of them is there. */
	if (((as && bw_strcasestr(as, "auto-replied")) || (prec && bw_strcasestr(prec, "auto_reply"))) &&
	    !subject_marked(subject) && !bw_msg__header(m, "X-Autoreply") &&
	    !bw_msg__header(m, "X-Autorespond") &&
	    bw_sniff__quotes_failure_reply(m->body, bw_text__report_length(m)) && !text_says_away(m))
		return 0;
	/* an acknowledgement quotes no server's failure reply; a notice that
	 * does is about a failure, whatever it says about tickets (from a
	 * postmaster desk too, when it says nothing failed) */
	if (ticket_ack(m) && (!bw_sniff__from_daemon(m) || !bw_decoders__says_failure(m)) &&
	    !bw_sniff__quotes_failure_reply(m->body, bw_text__report_length(m)))
		return BW_SNIFF_SLIGHT;
	if (bounce_like(m) && !declares_itself(m))
		return 0;
	if (bw_msg__header(m, "X-Autoreply") || bw_msg__header(m, "X-Autorespond") ||
	    (prec && bw_strcasestr(prec, "auto_reply")))
		return BW_SNIFF_TRACE;
	if (as && bw_strcasestr(as, "auto-replied"))
		return BW_SNIFF_SLIGHT;
	if (subject_marked(subject))
		return BW_SNIFF_FAINT;
	return text_says_away(m) ? BW_SNIFF_FAINT : 0;
}

/* The first address in header `name` when it is neither `from` nor the
 * reply's own To: (NULL otherwise; the caller frees it). */
static char *other_address(const bw_msg *m, const char *name, const char *from)
{
	const char *v = bw_msg__header(m, name), *to = bw_msg__header(m, "To");
	char *a = v ? bw_text__first_address(v, strlen(v)) : NULL;

	if (a && ((from && bw_strcasestr(from, a)) || (to && bw_strcasestr(to, a)))) {
		free(a);
		a = NULL;
	}
	return a;
}

/* Is `a` an address nobody reads, that a responder writes from ("noreply@",
 * "no-reply@", "donotreply@", "autoreply@", "helpdesk-noreply@")? */
static bool no_reply_address(const char *a)
{
	static const char *const marks[] = { BW_PHRASES_NO_REPLY_ADDRESS_MARKS };
	const char *at = a ? strrchr(a, '@') : NULL;
	size_t i;

	for (i = 0; at && i < sizeof(marks) / sizeof(marks[0]); i++)
		if (bw_memcasemem(a, (size_t)(at - a), marks[i]))
			return true;
	return false;
}

/* A reply written from an address nobody reads stands for the person its
 * text names ("Thank you for your email to x@y"): the first address of
 * its text that is neither that sender, nor the reply's own To, nor
 * another such address; NULL when the sender is a person's or the text
 * names no other. */
static char *no_reply_stands_for(const bw_msg *m, const char *from_addr)
{
	const char *to = bw_msg__header(m, "To"), *l;
	size_t len = bw_text__report_length(m), n;
	bw_lines it;

	/* a help desk's acknowledgement stands for the desk, whatever
	 * address its text is about */
	if (!no_reply_address(from_addr) || ticket_ack(m))
		return NULL;
	bw_lines__init(&it, m->body, len);
	while (bw_lines__next(&it, &l, &n)) {
		size_t pos = 0, start = 0;
		char *a;

		while ((a = bw_addrline__next(l, n, &pos, &start))) {
			if (bw_strcasecmp(a, from_addr) != 0 && !(to && bw_strcasestr(to, a)) &&
			    !no_reply_address(a))
				return a;
			free(a);
		}
	}
	return NULL;
}

/* The address the reply answers for.  Usually its sender; a
 * challenge-response service or a shared responder writes from an address
 * of its own and names the protected one: in X-Original-To (when that is
 * not the reply's own recipient), in the subject ("Please confirm your
 * message to x@y") or in the sender's display name ("Spam Guard for
 * x@y <confirm@...>"). */
static char *replied_for(const bw_msg *m)
{
	const char *from = bw_msg__header(m, "From");
	char *from_addr = from ? bw_addr__normalize(from, strlen(from)) : NULL;
	char *a;

	if (!(a = other_address(m, "X-Original-To", from_addr)) &&
	    !(a = other_address(m, "Subject", from_addr)) &&
	    !(a = no_reply_stands_for(m, from_addr)) && from) {
		const char *lt = strchr(from, '<');
		char *shown = lt ? bw_text__first_address(from, (size_t)(lt - from)) : NULL;
		if (shown && from_addr && bw_strcasecmp(shown, from_addr) != 0)
			a = shown;
		else
			free(shown);
	}
	if (a) {
		free(from_addr);
		return a;
	}
	return from_addr;
}

static int decode(const bw_msg *m, bw_report *r)
{
	bw_recipient *rc;
	char *a = replied_for(m);

	if (!(rc = bw_report__add_recipient(r))) {
		free(a);
		return 0;
	}
	bw_recipient__set(rc, BW_RCPT_RECIPIENT, a);
	bw_recipient__set(rc, BW_RCPT_REASON, "vacation");
	bw_recipient__set(rc, BW_RCPT_DIAGNOSTIC, bw_msg__header(m, "Subject"));
	bw_recipient__evidence(rc, "automatic reply (RFC 3834): not a failure");
	rc->permanent = 0;
	rc->hard_bounce = 0;
	free(a);
	r->kind = BW_KIND_AUTOREPLY;
	r->kind_set = true;
	return 1;
}

const bw_decoder bw_decoder_rfc3834 = { "rfc3834", sniff, decode, false, NULL, 0 };
