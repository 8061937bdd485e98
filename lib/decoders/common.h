/*
 * common.h - helpers shared by the format decoders: line iteration,
 * appending recipients, cheap sniffing (the text scanning they share is
 * ../text.h).
 *
 * Use these instead of writing a private copy in a decoder; add what several
 * decoders need here.
 */
#ifndef BW_DECODERS_COMMON_H
#define BW_DECODERS_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include "../text.h"
#include "decoder.h"

/* Iterating over the lines of a text (LF endings; the LF is not included). */
typedef struct bw_lines {
	const char *p, *end;
} bw_lines;

void bw_lines__init(bw_lines *it, const char *text, size_t len);
bool bw_lines__next(bw_lines *it, const char **line, size_t *len);

/* Appends a recipient for `address` with `diag` (white space squeezed; may be
 * NULL) as its diagnostic.  NULL on ENOMEM or the recipient limit. */
bw_recipient *bw_decoders__add(bw_report *r, const char *address, const char *diag, size_t diag_len);

/* Appends text to a recipient's diagnostic, separated by one space. */
void bw_decoders__append_diag(bw_recipient *rc, const char *text, size_t len);

/* The recipient with this address (case-insensitive) among r->rcpt[first..],
 * or NULL. */
bw_recipient *bw_decoders__find(bw_report *r, size_t first, const char *address);

/* Relays that wrap the remote server's reply in their own ("554 4.4.7 Message
 * expired ... <421 4.4.2 Connection timed out>", "5.1.0 - Unknown address
 * error 550-'5.2.2 ... Mailbox Full'"): when the diagnostic holds more than
 * one reply code or status code, sets REPLY_CODE and STATUS from the last
 * of each (the innermost, the remote server's own).  Returns true if it set
 * anything. */
bool bw_decoders__use_inner_reply(bw_recipient *rc);

/* Sniffing: does a header of that (case-insensitive) name contain `needle`
 * (case-insensitive)?  Does the subject start with `prefix` (after "Fwd:"/
 * "Fw:" prefixes)?  Does the body contain `needle`? */
bool bw_sniff__header_has(const bw_msg *m, const char *name, const char *needle);
bool bw_sniff__subject_starts(const bw_msg *m, const char *prefix);
bool bw_sniff__body_has(const bw_msg *m, const char *needle);

/* For a decoder that started from the DSN: replaces a recipient's
 * BW_RCPT_DIAGNOSTIC with `diag` (a text found in the prose, squeezed) when
 * it had none or a shorter one.  `diag` NULL or empty does nothing. */
void bw_decoders__better_diag(bw_recipient *rc, const char *diag, size_t len);

/* Appends one recipient per address of the X-Failed-Recipients header(s)
 * (not already among the report's recipients), each with `diag` (may be
 * NULL).  Returns how many were added, or BW_ENOMEM. */
int bw_decoders__add_failed_recipients(const bw_msg *m, bw_report *r, const char *diag);

/* Sets the recipient's SMTP command (if still empty) from a line that names
 * it the way some bounces do outside the reply text: "RCPT command",
 * "TEXT command", "[RCPT_TO]", "[MAIL_FROM]", "[DATA]", "[CONNECT]"... */
void bw_decoders__command_from_line(bw_recipient *rc, const char *t, size_t tl);

/* Delivery-status fields quoted as text in the body (a bounce forwarded inline,
 * or a multipart the MIME reader could not split): parses the block after each
 * "Content-Type: message/delivery-status" line up to the next boundary line.
 * Returns the number of recipients added. */
int bw_decoders__inline_dsn(const bw_msg *m, bw_report *r);

/* Is the record's Diagnostic-Code a local program's output (type X-Unix)?
 * The notice's paragraph about the address then says more: which program
 * and how it ended ("Command died with status 1: ... Command output: ..."). */
bool bw_decoders__local_program(const bw_recipient *rc);

/* The address that the returned original's To or Cc gives for the display
 * name name[0..len) ("Boyd, Marcus" <MBoyd@example.com>), compared without
 * case, quotes or repeated white space; NULL when no mailbox there has that
 * name, or when two with that name have different addresses.  The caller
 * frees it.  For notices that list a recipient by name only (Exchange 5.5). */
char *bw_decoders__address_of_name(const bw_msg *m, const char *name, size_t len);

/* Is `addr` the bounce's own To: or Cc: address (whom the notice informs) or
 * the returned original's From: (never a failed recipient), or a "+tag"
 * subaddress of one of them? */
bool bw_decoders__is_own_address(const bw_msg *m, const char *addr);
/* Whether every address l[0..n) names is the notice's own (its reader's,
 * the original's sender: "550 5.7.1 <sender>: Sender address rejected");
 * true when it names none. */
bool bw_decoders__names_only_own(const bw_msg *m, const char *l, size_t n);

/* Is `a` the list's own address in a returned original `o` that came
 * through a mailing list (its List-Post or Reply-To, or an address at the
 * domain of the list robot that sent it or that the notice went to)? */
bool bw_decoders__list_address(const bw_msg *m, const bw_kvlist *o, const char *a);

/* Does line l[0..n) say that the message reached the addresses it names or
 * introduces ("The following recipients received the message:", "Delivered
 * to:", "delivered to the other recipients, including"), and nothing there
 * that something failed?  false for NULL. */
bool bw_decoders__says_received(const char *l, size_t n);

/* Does c[0..n) end with one of words[0..nw) as a whole word (case
 * ignored)? */
bool bw_decoders__ends_with_word(const char *c, size_t n, const char *const *words, size_t nw);

/* Do the words before an address (context[0..n), on its line) present it as
 * the author of the original: "a post from x@y", "sent by <x@y>", "from Ruth
 * Adler <x@y>"? context[n] must be readable (the address's first byte, or
 * a NUL). */
bool bw_decoders__presents_author(const char *context, size_t n);

/* Does text[0..len) ask the sender to prove they are a person so that a
 * held message is released (a challenge-response system: nothing failed)? */
bool bw_sniff__challenge(const char *text, size_t len);

/* Is the Return-Path the null reverse path "<>" (RFC 5321 4.5.5: what
 * mail systems send notices with)? */
bool bw_sniff__null_return_path(const bw_msg *m);

/* Mail a list or a person sent in bulk (List-Unsubscribe, List-Id,
 * Precedence: bulk/list): a bounce never carries these. */
bool bw_sniff__bulk_mail(const bw_msg *m);

/* A list's distribution of posts: List-Id (or a digest's subject) and
 * Precedence: bulk/list, from no mail system (not a mailer-daemon, not a
 * null Return-Path, no delivery-status part, not a multipart/report). */
bool bw_sniff__list_post(const bw_msg *m);

/* A person's reply in a conversation: In-Reply-To or References, a reply
 * subject ("Re: Returned mail"), from no mail system, no returned message
 * attached, nothing automatic about it (bw_sniff__automated).  Whatever
 * bounce it quotes, it is nobody's bounce. */
bool bw_sniff__person_reply(const bw_msg *m);
/* Does the subject, after any spaces and "[tag]"s, start as a reply's
 * ("Re:", "AW:", "SV:")? */
bool bw_sniff__reply_subject(const char *subject);

/* Does the subject (after "Fwd:") start the way delivery reports' subjects
 * do ("Undeliverable", "Returned mail", "Unzustellbar", ...)? */
bool bw_sniff__bounce_subject(const bw_msg *m);
/* The same for a subject given as text (NULL: false). */
bool bw_sniff__is_bounce_subject(const char *subject);

/* Does the message come from a mail system rather than a person, by its
 * structure: a mailer-daemon or postmaster sender, X-Failed-Recipients,
 * an Exchange NDR header, a null Return-Path with a bounce or delivery
 * subject (on mail without List-Unsubscribe or List-Id), or (for mail not
 * sent in bulk) a multipart/report of delivery-status?  Never a
 * challenge-response request.  (A program's own notice is a bounce only when a reader finds
 * whom it is about.) */
bool bw_sniff__system_notice(const bw_msg *m);

/* Is the message a program's, by its sender (a robot, no-reply,
 * notifications, mailer, gateway or list server address or name) or an
 * Auto-Submitted header other than "no" (RFC 3834)? */
bool bw_sniff__automated(const bw_msg *m);
/* Marked as an automatic reply (RFC 3834's Auto-Submitted: auto-replied,
 * or the X-Autoreply header vacation programs add). */
bool bw_sniff__marked_auto_reply(const bw_msg *m);

/* Does the subject say that mail was not delivered, not sent or is held
 * up ("Message not sent to 1 recipient", "copy not yet sent", "Your mail
 * could not be filed"): a word about mail and one about failure or delay,
 * in the languages notices arrive in?  Never a reply ("Re: ..."), a ticket
 * acknowledgement, a quarantine digest or a moderator's hold ("awaiting
 * approval"). */
bool bw_sniff__delivery_subject(const bw_msg *m);
/* The same test for a subject given as text (NULL: false). */
bool bw_sniff__says_undelivered(const char *subject);

/* Is the header From: a mailer-daemon (in any of its spellings:
 * MAILER_DAEMON, mail-daemon...), postmaster or "Mail Delivery" sender? */
bool bw_sniff__from_daemon(const bw_msg *m);

/* Is m a mail system's report to its postmaster about an SMTP session
 * (Postfix's "SMTP server: errors from ..." with a transcript), which
 * reports no failed message? */
bool bw_sniff__session_notice(const bw_msg *m);
/* Does a From value name a mail system (mailer-daemon, postmaster, "Mail
 * Delivery ...")? */
bool bw_sniff__names_daemon(const char *value);
/* Does `text` carry a bounce pasted or quoted into it (a person or a
 * help desk forwarding one): a header line "From:" naming a mail system or
 * "Subject:" with a bounce subject (or, after a "From:" of a program such as
 * no-reply@, a subject that says mail was not sent), quoted ("> ") or not, or delivery-status
 * fields (Final-Recipient: or "Action: failed", and a 4.x.x/5.x.x Status:)?  Reads the first
 * 64 KiB. */
bool bw_sniff__pasted_bounce(const char *text, size_t len);
/* Does `text` quote a remote server's failure reply the way mail systems
 * report one: a 4xx or 5xx reply code followed by an enhanced status code
 * of the same class ("550 5.1.1 <a@b>: ...", "said: 452-4.2.2 ...")?
 * Reads the first 64 KiB. */
bool bw_sniff__quotes_failure_reply(const char *text, size_t len);
/* Does the text say it is an automatic reply, or that its author is away
 * and will answer on return (rfc3834.c; the phrases of autoreply.vocab)? */
bool bw_decoders__says_away(const char *text, size_t len);
/* The same for reply classes of one's choice ("5": a permanent refusal,
 * "554 5.7.1 ..."); a NUL is never a class. */
bool bw_sniff__quotes_reply(const char *text, size_t len, const char *classes);
/* Does text[0..len) (at most its first 64 KB) give a failure's enhanced
 * status code (4.x.y or 5.x.y, RFC 3463) as the start of a sentence: the
 * code, a space and a letter ("Detail: 5.7.23 The message was rejected")?
 * Not a version or a section number inside words. */
bool bw_sniff__quotes_failure_status(const char *text, size_t len);

/* The words that label the cause of a failure ("Reason", "Ursache",
 * "server response"), NULL-terminated; compared without regard to ASCII
 * case (the Cyrillic ones are there in both cases). */
extern const char *const bw_decoders__reason_labels[];

/* Does s[0..n) say that the addresses it names were spared by the failure
 * ("The other addressees (x) received it", "also addressed to x, which
 * was not affected")? */
bool bw_decoders__says_spared(const char *s, size_t n);

/* Recipients listed one per line in text[0..len) (a block a decoder cut out
 * after its family's "following recipients" marker): each line holding an
 * address starts a recipient (the line is its diagnostic); the following
 * non-blank lines without another address are appended to it; a blank line
 * ends it.  Skips the bounce's own To:, the original sender and postmaster/
 * mailer-daemon addresses, and lines that only ask to contact someone.
 * `action` ("failed", "delayed" or NULL) is set on each recipient added.
 * Returns how many were added. */
int bw_decoders__listed(const bw_msg *m, bw_report *r, const char *text, size_t len,
                        const char *action);

/* Does the message read as a delay warning (the server still retries: "has
 * been delayed", "will keep trying", "WARNING message only", a "Delayed
 * Mail" / "Delivery delayed" subject) rather than a final failure? */
bool bw_sniff__delay_notice(const bw_msg *m);

/* For families whose wording varies between versions: the recipients listed
 * (bw_decoders__listed) from the first line of the report (the text before
 * the returned original) that announces failed or delayed recipients ("the
 * following recipients", "could not be delivered to", "undeliverable to",
 * ...) to the end of the report. */
int bw_decoders__listed_after_intro(const bw_msg *m, bw_report *r, const char *action);

/* Does the message present itself as a delivery report (From a mailer-daemon
 * or postmaster, a bounce or delay subject, X-Failed-Recipients, a
 * multipart/report)?  For sniffers keyed on a product name that also appears
 * in ordinary mail relayed by that product. */
bool bw_decoders__looks_like_report(const bw_msg *m);
/* For a notice whose text names no failed address: appends the one
 * envelope recipient the returned original's header names (its Received
 * fields' "for <x@y>", all the same, else its To when that holds one
 * address; never the notice's own address), with the report's failure
 * reply when one line quotes it, and a warning that says where the
 * address came from.  NULL when there is none (or several). */
bw_recipient *bw_decoders__add_original_recipient(const bw_msg *m, bw_report *r);
/* For a notice from a mail system whose text names no failed address: the
 * names it gives without a domain under a failure label ("Receiver not
 * found: 76543.1234") or below an intro to the failed recipients, each read
 * as an address at the domain of the notice's From: (bareid.c), with a
 * warning.  How many were added. */
int bw_decoders__add_bare_ids(const bw_msg *m, bw_report *r);
/* How many of the phrases that speak of the reader's own mailbox
 * ("incoming messages", "your inbox") the report uses. */
size_t bw_decoders__about_readers_box(const bw_msg *m);

/* Does the report text speak of the reader's own mailbox (it names the
 * notice's To as the one affected, or says "your inbox", "incoming
 * messages"): a notice to a mailbox owner, or phishing dressed as one? */
bool bw_decoders__about_reader(const bw_msg *m);
/* Does the report text say that delivery failed, in so many words (and
 * not of the reader's own mailbox)? */
bool bw_decoders__says_failure(const bw_msg *m);
/* The words alone: bw_decoders__says_failure() for a caller that has
 * asked bw_decoders__about_reader() already. */
bool bw_decoders__failure_words(const bw_msg *m);

/* A failure notice whose text names no one but whose subject names one
 * address ("Mail to x@y returned: account inactive"), not the
 * notice's own nor a list's: that address, added to r as failed (with the
 * notice's one failure reply, if any); NULL when none (or on ENOMEM). */
bw_recipient *bw_decoders__add_subject_recipient(const bw_msg *m, bw_report *r);

/* The subscriber the notice's own envelope names: the VERP address it was
 * sent to (Delivered-To, X-Original-To, Envelope-To, To), else the
 * returned original's Return-Path; NULL when none is one.  Caller frees. */
char *bw_decoders__verp_subscriber(const bw_msg *m);

/* A list's message returned by a notice that names, as its failed
 * recipients r->rcpt[first..], the list itself (bw_decoders__list_address),
 * a mailbox id without a domain or an Exchange-internal X.500 name
 * ("IMCEAEX-..."): each such recipient becomes the
 * subscriber the notice was returned for (a VERP address of its envelope,
 * else the returned original's envelope recipient), once.  0, or BW_ENOMEM. */
int bw_decoders__list_stand_ins(const bw_msg *m, bw_report *r, size_t first);

/* A copy of text[0..len) in which addresses folded over two lines are
 * joined (after a '.' or '-', or cut inside a label by a fixed-column
 * wrap), its length in *out_len; NULL when nothing was folded (or out of
 * memory: the text is read as it is). */
char *bw_decoders__unfold_addresses(const char *text, size_t len, size_t *out_len);

/* read(m, r) on the message, or on a copy of it whose body has its folded
 * addresses joined (bw_decoders__unfold_addresses); read's result. */
int bw_decoders__read_unfolded(const bw_msg *m, bw_report *r,
                               int (*read)(const bw_msg *m, bw_report *r));

#endif
