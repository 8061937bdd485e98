/*
 * arf.c - RFC 5965 feedback reports (abuse complaints, feedback loops).
 *
 * Besides the standard multipart/report with a message/feedback-report part:
 *  - the feedback fields in a text part (senders that build the report by
 *    hand, or a relay that flattened the MIME structure): a line
 *    "Feedback-Type:" followed by other RFC 5965 fields;
 *  - Microsoft's JMRP (Hotmail/Outlook.com junk mail reporting): no
 *    feedback fields at all, From staff@hotmail.com, Subject "complaint about
 *    message from <ip>", the reported message attached, with the complaining
 *    address in its X-HmXmrOriginalRecipient header;
 *  - other complaints without feedback fields (complaint()): a program's
 *    message returning the reported one and calling itself a complaint;
 *    the complainant from X-Complainant or the original's To.
 */
#include <stdlib.h>
#include <string.h>

#include "../addr.h"
#include "../util.h"
#include "common.h"

/* The feedback fields in the text: a line starting "Feedback-Type:" with
 * another RFC 5965 field in the same block.  Returns its start or NULL. */
static const char *inline_fields(const bw_msg *m)
{
	static const char *const others[] = { "\nUser-Agent:", "\nVersion:", "\nOriginal-Mail-From:",
		"\nOriginal-Rcpt-To:", "\nArrival-Date:", "\nReported-Domain:", "\nSource-IP:" };
	const char *p = m->body, *end = m->body + m->body_len;

	while (p < end && (p = bw_memcasemem(p, (size_t)(end - p), "Feedback-Type:"))) {
		if (p == m->body || p[-1] == '\n') {
			const char *blank = bw_memcasemem(p, (size_t)(end - p), "\n\n");
			size_t n = blank ? (size_t)(blank - p) + 1 : (size_t)(end - p);
			if (bw_text__find_any(p, n, others, sizeof(others) / sizeof(others[0]), NULL))
				return p;
		}
		p += 14;
	}
	return NULL;
}

static bool jmrp(const bw_msg *m)
{
	if (!m->has_original)
		return false;
	if (bw_kvlist__get(&m->orig_headers, "X-HmXmrOriginalRecipient"))
		return true;
	return bw_sniff__header_has(m, "From", "staff@hotmail.com") &&
	       bw_sniff__subject_starts(m, "complaint about message from");
}

/* A complaint report without feedback fields, by its structure: a
 * program's message (not a mail system's notice: no mailer-daemon, no null
 * Return-Path) that returns the reported message and says it is a complaint
 * ("Spam complaint for your network", "our customer reported the attached
 * mail as unwanted"), or names the complainant in X-Complainant. */
static bool complaint(const bw_msg *m)
{
	static const char *const words[] = { "complaint", "abuse report", "spam report", "spamreport",
		"unsolicited", "feedback loop", "reported as spam", "marked as spam", "this is spam",
		"as unwanted", "as junk", "reported the attached", "clicked \"junk", "plainte",
		"beschwerde", "queja", "reclamação", "segnalazione" };
	/* without the reported message, the subject alone must say it: a
	 * desk's ticket ("Spam complaint for 203.0.113.58"), a sending
	 * service's notice ("A subscriber marked your campaign X as spam") */
	static const char *const subject_words[] = { "complaint", "abuse report", "spam report",
		"spamreport", "feedback loop", " as spam", "plainte", "beschwerde", "queja",
		"reclamação", "segnalazione" };
	const char *subject = bw_msg__header(m, "Subject");
	size_t len = bw_text__report_length(m);
	bool in_subject;

	/* a challenge that says it keeps out unsolicited mail complains of
	 * nothing */
	if (bw_sniff__challenge(m->body, len))
		return false;
	if (!m->has_original) {
		const char *hit = subject ? bw_text__find_any(subject, strlen(subject), subject_words,
		                                              sizeof(subject_words) / sizeof(subject_words[0]), NULL)
		                          : NULL;

		/* not a count in a campaign's statistics ("3 complaints"), not a
		 * desk's acknowledgement of a complaint (auto-replied, "Re:"),
		 * not a notice about the reader's own mailbox (phishing) */
		return hit && !bw_startswith_ci(hit, "complaints") &&
		       (bw_sniff__automated(m) || bw_sniff__header_has(m, "From", "abuse") ||
		        bw_sniff__header_has(m, "From", "report") || bw_sniff__header_has(m, "From", "spamcop")) &&
		       !bw_sniff__marked_auto_reply(m) &&
		       !bw_sniff__reply_subject(subject) && !bw_sniff__from_daemon(m) &&
		       !bw_sniff__null_return_path(m) && !bw_decoders__says_failure(m) &&
		       !bw_decoders__about_reader(m);
	}
	if (bw_msg__header(m, "X-Complainant"))
		return true;
	in_subject = (subject && bw_text__find_any(subject, strlen(subject), words,
	                                           sizeof(words) / sizeof(words[0]), NULL)) ||
	             bw_msg__header(m, "X-Complaint-Type");
	/* A postmaster's notice with a null reverse path is a bounce as often:
	 * its words ("rejected as spam") are about the message.  It is a
	 * complaint when its subject says so and nothing says delivery failed. */
	if (bw_sniff__from_daemon(m) || bw_sniff__null_return_path(m))
		return in_subject && !bw_decoders__says_failure(m);
	if (!bw_sniff__automated(m))
		return false;
	return in_subject || bw_text__find_any(m->body, len, words, sizeof(words) / sizeof(words[0]), NULL);
}

static int sniff(const bw_msg *m, const bw_found *f)
{
	if (m->feedback)
		return BW_SNIFF_DISTINCT;
	if (m->dsn.n)
		return 0;
	if (jmrp(m))
		return BW_SNIFF_LIKELY;
	if (inline_fields(m))
		return BW_SNIFF_WORDING;
	if (complaint(m))
		return BW_SNIFF_SOME;
	return 0;
}

static bool add(bw_report *r, const char *address, const char *type)
{
	char *a = *address ? bw_addr__normalize(address, strlen(address)) : NULL;
	bw_recipient *rc;

	if (!a && *address)
		return false;
	if ((rc = bw_report__add_recipient(r))) {
		bw_recipient__set(rc, BW_RCPT_RECIPIENT, a);
		bw_recipient__set(rc, BW_RCPT_REASON, "feedback");
		bw_recipient__set(rc, BW_RCPT_FEEDBACK_TYPE, type);
		bw_recipient__set(rc, BW_RCPT_ACTION, NULL);
		bw_recipient__evidence(rc, "feedback report, Feedback-Type %s", type ? type : "(none)");
		rc->permanent = 0;
		rc->hard_bounce = 0;
	}
	free(a);
	return rc != NULL;
}

/* Who complained when no feedback field names them: the report's
 * X-Complainant, Hotmail's X-HmXmrOriginalRecipient in the original (its
 * To may be redacted), or the original's To. */
static const char *complainant(const bw_msg *m)
{
	const char *to;

	if ((to = bw_msg__header(m, "X-Complainant")) ||
	    (to = bw_kvlist__get(&m->orig_headers, "X-HmXmrOriginalRecipient")))
		return to;
	return bw_kvlist__get(&m->orig_headers, "To");
}

/* The address on a line "Subscriber: a@b" or "Complainant: a@b" of the
 * notice's text, for the caller to free; NULL when there is none. */
static char *labelled_complainant(const bw_msg *m)
{
	static const char *const labels[] = { "Subscriber:", "Complainant:", "Reported by:" };
	size_t len = bw_text__report_length(m), i;
	const char *at;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if ((at = bw_memcasemem(m->body, len, labels[i])) && (at == m->body || at[-1] == '\n' ||
		                                                       at[-1] == ' ')) {
			const char *v = at + strlen(labels[i]);
			const char *eol = memchr(v, '\n', len - (size_t)(v - m->body));
			char *addr = bw_text__first_address(v, (size_t)((eol ? eol : m->body + len) - v));

			if (addr)
				return addr;
		}
	return NULL;
}

static int decode(const bw_msg *m, bw_report *r)
{
	bw_kvlist f = { 0 };
	const char *type, *to, *text;
	size_t i;
	int n = 0;
	char lower[32], *a;

	if (m->feedback) {
		bw_headers__parse(m->feedback, strlen(m->feedback), &f);
	} else if ((text = inline_fields(m))) {
		bw_headers__parse(text, m->body_len - (size_t)(text - m->body), &f);
	} else {
		/* JMRP and other complaints without feedback fields: the
		 * complaining user is named by the report or is the original's
		 * recipient */
		type = "abuse";
		bw_report__set(r, BW_REPORT_FEEDBACK_TYPE, type);
		if ((to = complainant(m)))
			n += add(r, to, type);
		/* a notice that names the complaining subscriber on a line of
		 * its own ("Subscriber: a@b") */
		if (n == 0 && (a = labelled_complainant(m))) {
			n += add(r, a, type);
			free(a);
		}
		/* none named: the complaint still counts, without a recipient */
		if (n == 0)
			n += add(r, "", type) ? 1 : 0;
		if (n > 0) {
			r->kind = BW_KIND_FEEDBACK;
			r->kind_set = true;
		}
		return n;
	}
	type = bw_kvlist__get(&f, "Feedback-Type");
	if (type) {
		for (i = 0; i < sizeof(lower) - 1 && type[i] && !bw_isspace((unsigned char)type[i]); i++)
			lower[i] = (char)bw_lower((unsigned char)type[i]);
		lower[i] = '\0';
		type = lower;
	}
	bw_report__set(r, BW_REPORT_FEEDBACK_TYPE, type);
	bw_report__set(r, BW_REPORT_USER_AGENT, bw_kvlist__get(&f, "User-Agent"));
	bw_report__set(r, BW_REPORT_SOURCE_IP, bw_kvlist__get(&f, "Source-IP"));
	if (bw_kvlist__get(&f, "Reporting-MTA"))
		bw_report__set(r, BW_REPORT_REPORTING_MTA, bw_kvlist__get(&f, "Reporting-MTA"));
	if (bw_kvlist__get(&f, "Arrival-Date"))
		bw_report__set(r, BW_REPORT_ARRIVAL_DATE, bw_kvlist__get(&f, "Arrival-Date"));
	for (i = 0; i < f.n; i++) {
		if (bw_strcasecmp(f.name[i], "Original-Rcpt-To") == 0 ||
		    bw_strcasecmp(f.name[i], "Removal-Recipient") == 0)
			n += add(r, f.value[i], type);
		else if (bw_strcasecmp(f.name[i], "Feedback-Type") && bw_strcasecmp(f.name[i], "User-Agent") &&
		         bw_strcasecmp(f.name[i], "Version"))
			bw_kvlist__push(&r->extras, f.name[i], f.value[i]);
	}
	/* No Original-Rcpt-To: the complaining address is complainant(), when
	 * it is an address ("To: <Undisclosed Recipients>" is none). */
	if (n == 0 && (to = complainant(m)) && strchr(to, '@'))
		n += add(r, to, type);
	/* none named: the report still counts, without a recipient */
	if (n == 0)
		n += add(r, "", type) ? 1 : 0;
	bw_kvlist__clear(&f);
	if (n > 0) {
		r->kind = BW_KIND_FEEDBACK;
		r->kind_set = true;
	}
	return n;
}

const bw_decoder bw_decoder_arf = { "arf", sniff, decode, false, NULL, 0 };
