/*
 * text.h - scanning text for the facts a report is made of: line ends and
 * UTF-8, markers, where a report ends, addresses and the paragraphs that
 * start with one, role addresses.
 *
 * The MIME reader, the DSN and RFC 2047 decoders and every format decoder
 * use these instead of a private copy.  (A report rendered as text for
 * people is report_text.c's bw_report_to_text.)
 */
#ifndef BW_TEXT_H
#define BW_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "msg.h"

struct bw_buf;

/* Rewrites CRLF and bare CR as LF in place; returns the new length. */
size_t bw_text__normalize_eol(char *s, size_t len);
/* Is s[0..len) valid UTF-8 (no NUL bytes)? */
bool bw_text__valid_utf8(const char *s, size_t len);
/* Whether s[0..len) may go to a terminal as it is: no control character
 * (C0, DEL, C1) and valid UTF-8. */
bool bw_text__terminal_clean(const char *s, size_t len);
/* Appends s[0..len) to b with what may not go to a terminal (see above)
 * written as \xHH, valid UTF-8 characters whole. */
void bw_text__put_terminal(struct bw_buf *b, const char *s, size_t len);
/* A valid UTF-8 copy: valid sequences kept, other bytes read as Latin-1
 * (Windows-1252 is not worth its table here), NULs dropped. */
char *bw_text__latin1_to_utf8(const char *s, size_t len);

/* The first of `markers` found in text[0..len) (case-insensitive), or NULL;
 * *which (if not NULL) receives its index. */
const char *bw_text__find_any(const char *text, size_t len, const char *const *markers,
                              size_t n_markers, size_t *which);

/* Length of m->body before the returned original message starts (a line such
 * as "------ This is a copy of the message" or "--- Below this line is a copy
 * of the message"), or m->body_len if none of the common markers is found. */
size_t bw_text__report_length(const bw_msg *m);

/* The first e-mail address in s[0..len) ("<a@b.c>", "a@b.c", "rfc822;a@b.c"),
 * normalised (addr.h); NULL when there is none.  Caller frees. */
char *bw_text__first_address(const char *s, size_t len);

/* The next address of the text from *pos (at least `text`) up to `end`: the
 * word around its next '@' (cut at white space, brackets and quotes),
 * normalised; *pos moves past that word.  NULL when no address is left.
 * Caller frees. */
char *bw_text__next_address(const char *text, const char *end, const char **pos);

/* Folds address `a` (owned, taken) into *sole, the one distinct address
 * met so far (case-insensitively; the first spelling stays): false when
 * `a` is a second distinct one, and then *sole and `a` are freed and
 * *sole is NULL. */
bool bw_text__keep_sole(char **sole, char *a);

/* When s[0..len) holds nothing but one address (white space, "<>", quotes,
 * a "mailto:"/"rfc822;" prefix and a trailing ':' or ',' allowed), that
 * address normalised; otherwise NULL.  Caller frees. */
char *bw_text__address_line(const char *s, size_t len);

/* s[0..len) without leading and trailing white space: *out_len receives the
 * new length, the new start is returned. */
const char *bw_text__trim(const char *s, size_t len, size_t *out_len);

/* Does s[0..len) start with `prefix` (case-insensitive)? */
bool bw_text__starts(const char *s, size_t len, const char *prefix);

/* When (*s)[0..*len) starts with `prefix` (case-insensitive), advances *s
 * and *len past it and returns true (the length is the prefix's own, never
 * counted by hand at the call). */
bool bw_text__skip(const char **s, size_t *len, const char *prefix);

/* The first `word` in text[0..len) (case-insensitive) standing as a word:
 * not preceded by a letter, a digit or one of `joins_before`, not followed
 * by a letter, a digit or one of `joins_after`.  NULL when none. */
const char *bw_text__find_word(const char *text, size_t len, const char *word,
                               const char *joins_before, const char *joins_after);

/* Just past the first `needle` (case-insensitive) in hay[0..len), or NULL. */
const char *bw_text__after(const char *hay, size_t len, const char *needle);

/* Recipient paragraphs ("<a@b.c>: text", "a@b.c:" then text, Postfix's
 * "<a@b.c> (expanded from <x@y.z>): text"), as qmail, Postfix, OpenSMTPD and
 * many others write them.  A paragraph starts with an address at the start of
 * a line followed by ':' and runs to the first blank line or the next such
 * start. */
typedef struct bw_addr_para {
	char *address;      /* normalised; owned */
	char *original;     /* the "expanded from" address or NULL; owned */
	const char *text;   /* the text after the colon, up to the paragraph end */
	size_t len;
} bw_addr_para;

/* The next paragraph in text[*pos..len), advancing *pos past it.  false when
 * there is none.  Free with bw_addr_para__clear. */
bool bw_text__next_addr_para(const char *text, size_t len, size_t *pos, bw_addr_para *out);
void bw_addr_para__clear(bw_addr_para *p);

/* The offset just past the first line that contains `marker` (case-insensitive)
 * in text[0..len), or len when absent. */
size_t bw_text__after_line(const char *text, size_t len, const char *marker);

/* Is the address one that signs or explains a report rather than one that
 * failed (postmaster@, mailer-daemon@, abuse@, ...)? */
bool bw_text__is_role_address(const char *addr);

/* What s[0..len) says beside the addresses it names: in its words (runs
 * of non-space), the letters (ASCII letters and non-ASCII bytes) into
 * *letters and the words of three such letters or more into *words; a word
 * that holds an address ('@') counts its non-ASCII letters only.  A line
 * that gives an address alone or after a label says little; a sentence
 * around it says more.  Either pointer may be NULL. */
void bw_text__beside_addresses(const char *s, size_t len, size_t *letters, size_t *words);

/* Is s[0..len) only white space (or empty)? */
bool bw_text__blank(const char *s, size_t len);

/* Does s[0..len) end in a colon, ASCII or full-width (U+FF1A), white space
 * after it ignored: a line that announces what follows ("for the following
 * reason:", "以下の通りです：")? */
bool bw_text__ends_with_colon(const char *s, size_t len);

/* s with the white space between two characters of a script written
 * without spaces (Chinese, Japanese: CJK punctuation, kana, ideographs,
 * full-width forms; not hangul, which has spaces) taken out: a notice
 * wrapped mid-sentence ("因为您不是\n列表订户") reads as one sentence
 * again.  A string for the caller to free; NULL when there is nothing to
 * join (or on ENOMEM). */
char *bw_text__join_cjk(const char *s);

/* s cut before the advice a notice gives after its cause ("Solution:",
 * "Suggestions:", "解决建议", "対処方法"): what the reader should do is no
 * evidence of why it failed ("... check whether the recipient set up a
 * blacklist").  A string for the caller to free; NULL when s gives no such
 * advice after some text of its own (or on ENOMEM). */
char *bw_text__cut_advice(const char *s);

/* Is s[0..n) only the generic name of a status code, RFC 3463's or an
 * MTA's ("Other or undefined security status", "unknown temporary
 * failure"), words that say nothing the code does not (or no word)? */
bool bw_text__only_status_name(const char *s, size_t n);

/* A reply as another program stored it, with its escapes undone: URL
 * escapes ("554%205.7.1%20User%20unknown", in a word holding two of them or
 * more), quoted-printable ones left undecoded ("550=205.1.1=20User=20unknown",
 * in a word holding two of them or more, one an encoded space), JSON escapes ("\u003c", "\n") and HTML character references
 * ("d&eacute;lai", "&#39;"), and qmail's log's underscores for spaces
 * ("Sorry,_no_mailbox_here").  A string for the caller to free; NULL when
 * there is nothing to undo (or on ENOMEM). */
char *bw_text__unescape(const char *s);

/* A subject's own words: after sending services' tags ("[Mailgun] ...")
 * and "Fwd:" prefixes (a pointer into s). */
const char *bw_text__subject_words(const char *s);

/* Does a subject (NULL: none) open, after those, with the words of a
 * delivery failure's subject ("Undeliverable", "Returned mail", ...;
 * rules/vocabulary/notices.vocab)? */
bool bw_text__is_bounce_subject(const char *subject);

#endif
