/*
 * smtp.h - the one recogniser of SMTP facts in text.
 *
 * Every module that looks for a reply code (RFC 5321 §4.2: "550"), an
 * enhanced status code (RFC 3463 §2: "5.1.1"), the command or stage a reply
 * answered ("RCPT"), the remote host and its address, or that unfolds a
 * multi-line reply joined onto one line, asks this module: the decoders, the
 * DSN reader, evidence.c, the rule engine's value checks and the rule
 * self-test.  The boundary rules (what may stand before and after a code)
 * are written here once.
 *
 * The scanners take a text and its length; they never read past it (a NUL
 * inside ends nothing: it is simply not a digit).  Internal, not installed.
 */
#ifndef BW_SMTP_H
#define BW_SMTP_H

#include <stdbool.h>
#include <stddef.h>

/* Is s[0..len) an enhanced status code by RFC 3463 §2's grammar:
 * class "." subject "." detail, class 2, 4 or 5, subject and detail 1 to 3
 * digits "expressed without leading zero digits" (so 0-999; "5.01.1" is
 * not one)?  No white space, nothing else. */
bool bw_smtp__status_valid(const char *s, size_t len);
/* Is s[0..len) a class's generic status, X.0.0 (RFC 3463: no detail)? */
bool bw_smtp__status_generic(const char *s, size_t len);

/* The length of an enhanced status code starting at t[i] and standing alone
 * in t[0..len), or 0: not preceded by a letter, digit, '.', '/', '_', '@',
 * ':' or '=' (a version "v5.1.1", an address "10.5.1.1", a path or URL),
 * nor by a '-' that follows a letter ("Exim-4.94.2"; "550-5.1.1" is fine);
 * not followed by a letter, a digit or another ".digit" ("5.1.1.1",
 * "5.1.1a").  Dots after it (a sentence's end) are not part of it. */
size_t bw_smtp__status_at(const char *t, size_t len, size_t i);

/* Is there a reply code at t[i] in t[0..len): [245][0-5][0-9] not inside a
 * word, number, address, path or URL (not preceded by a letter, digit, '.',
 * '-', '/', '+', '_', '@', ':', '$', ',', '%' or '='), followed by the end, white
 * space, '-', ')', ']', ',', ';', '"' or a '.' that is not a decimal point?
 * A success code (2xx) counts only with text after it ("250 OK", "250-2.1.5"),
 * not as a bare number. */
bool bw_smtp__reply_at(const char *t, size_t len, size_t i);

/* Does s[0..len) start with a reply code followed by ' ', '-' or the end
 * ("550 ...", "421-...", "550")? */
bool bw_smtp__starts_with_reply(const char *s, size_t len);

/* Does s[0..len) hold a failure code anywhere: a 4xx/5xx reply code or a
 * 4.x.x/5.x.x status code? */
bool bw_smtp__has_failure_code(const char *s, size_t len);

/* A rule value: "5.1.1", "5.7.*" or "5.*" (a status pattern); "550", "55*"
 * or "5*" (a reply pattern). */
bool bw_smtp__status_pattern_valid(const char *w, size_t len);
bool bw_smtp__reply_pattern_valid(const char *w, size_t len);

/* The SMTP stages a failure can be tied to, as the library names them:
 * CONN (connection, greeting), HELO (HELO/EHLO), MAIL, RCPT, DATA (DATA
 * and end of data), STARTTLS, AUTH.  NULL-terminated. */
extern const char *const bw_smtp__stages[];

/* Is w[0..len) one of bw_smtp__stages? */
bool bw_smtp__stage_known(const char *w, size_t len);

/* The stage of an SMTP command: the first word of w[0..len) (ending at
 * white space or ':'), case-insensitive: HELO, EHLO and LHLO are HELO; MAIL,
 * RCPT; DATA, BDAT and "." (end of data) are DATA; STARTTLS; AUTH; and the
 * stage name CONN (the connection, which has no command).  NULL for any
 * other word. */
const char *bw_smtp__stage_of_command(const char *w, size_t len);

/* The stage a reply text says it answered ("... (in reply to RCPT TO
 * command)", "after end of data", qmail's "does not like recipient"), the
 * phrase found earliest winning; NULL when it names none. */
const char *bw_smtp__stage_of_reply(const char *text);

/* The stage a line names outside any reply, as some bounces do ("RCPT
 * command", "TEXT command", "[RCPT_TO]", "[MAIL_FROM]", "[DATA]",
 * "[CONNECT]"); NULL when none. */
const char *bw_smtp__stage_named(const char *line, size_t len);

/* What one scan of a text finds. */
typedef struct bw_smtp_evidence {
	char reply_code[4];     /* "550" or "" */
	char status[12];        /* "5.1.1" or "" */
	char command[12];       /* "RCPT" or "" */
	char host[256];         /* "mx2.hotmail.com" or "" */
	char ip[64];            /* "65.54.188.72" or "" */
	int status_paired;      /* the status follows a reply code of its class ("550 5.1.1") */
} bw_smtp_evidence;

/* Scans `text` (NUL-terminated, may be NULL) and fills `ev` (empty strings
 * where nothing was found).  Of several codes it keeps the likeliest reply:
 * one followed by a status of its class, then one after "said:", "<<<",
 * "reply:"... or at the start of a line, then the first. */
void bw_smtp__scan(const char *text, bw_smtp_evidence *ev);

/* The remote host and address named in `text` ("host NAME[IP]", "connect to
 * NAME[IP]", "host: NAME (IP)"), written to host[hsize] and ip[isize]; both
 * empty when no host with an address is named. */
void bw_smtp__host_ip(const char *text, char *host, size_t hsize, char *ip, size_t isize);

/* The next host name `text` names in a URL ("https://mx.example.com/...")
 * or in brackets ("[mx.example.com]"), looking from text[*pos]: copies it to
 * host[size] and returns true, *pos advanced past it; false when there is no
 * more.  A name is letters, digits, '-' and '.', with at least one '.'. */
bool bw_smtp__next_named_host(const char *text, size_t *pos, char *host, size_t size);

/* The reply text a multi-line SMTP reply joined into one line should be
 * read as ("550-5.7.1 Messages with multiple 550 5.7.1 addresses ..."): the
 * repeated "NNN-X.Y.Z" / "NNN X.Y.Z" line prefixes after the first reply
 * code are dropped.  Returns a new string the caller frees, or NULL when
 * there is nothing to drop (or no memory): then `text` itself is the one to
 * read. */
char *bw_smtp__unfold_reply(const char *text);

#endif
