/*
 * decoder.h - the interface of a format decoder.
 *
 * One decoder per reporting-server family (Postfix, Exim, Exchange, ...).
 * Each reads the bw_msg view (never raw MIME) and appends one bw_recipient per
 * failed recipient to the report, in the order the bounce lists them, filling
 * what it finds: BW_RCPT_RECIPIENT (required), BW_RCPT_DIAGNOSTIC (the
 * server's reply or explanation, as complete as possible), and where the
 * format gives them ACTION, STATUS, REPLY_CODE, SMTP_COMMAND, REMOTE_MTA,
 * ORIGINAL_RECIPIENT, DIAGNOSTIC_TYPE, LAST_ATTEMPT_DATE.  The registry sets
 * BW_RCPT_FORMAT to the decoder's name.
 *
 * A decoder does not decide the reason of a failure: classify.c does, from
 * the evidence, with the rules.  It may set BW_RCPT_REASON only for reports
 * that are not failures (feedback, vacation, delivered) and may set the
 * report's kind (r->kind, r->kind_set = true) for those.
 *
 * After the decoders, evidence.c extracts reply code, enhanced status code,
 * SMTP command and remote host/IP from the diagnostic text for every field
 * a decoder left empty.
 */
#ifndef BW_DECODER_H
#define BW_DECODER_H

#include "../dsn.h"
#include "../msg.h"
#include "../record.h"
#include "markers.h"

/* What a sniff returns: 0 when the message is surely not of the family,
 * else a rung of this ladder.  Only the order matters (the registry runs
 * the decoders best sniff first), so the rungs are named once, here, and
 * re-tuning one moves every decoder that stands on it. */
enum bw_sniff_confidence {
	BW_SNIFF_NO = 0,
	BW_SNIFF_LAST_RESORT = 1,   /* prose: anything that reads like a bounce */
	BW_SNIFF_FAINT = 2,         /* auto-replies: a subject word */
	BW_SNIFF_SLIGHT = 3,        /*   an Auto-Submitted header */
	BW_SNIFF_TRACE = 5,         /*   an X-Autoreply style header */
	BW_SNIFF_WEAK = 30,         /* a name that ordinary mail can carry too */
	BW_SNIFF_HINT = 40,
	BW_SNIFF_SOME = 45,
	BW_SNIFF_STANDARD = 50,     /* a standard report, nothing family-specific */
	BW_SNIFF_PARTIAL = 55,      /* part of the family's markers */
	BW_SNIFF_WORDING = 60,      /* the family's wording, without its headers */
	BW_SNIFF_PROBABLE = 65,
	BW_SNIFF_LIKELY = 70,
	BW_SNIFF_STRONG = 75,
	BW_SNIFF_MARKERS = 80,      /* the family's own markers and layout */
	BW_SNIFF_SIGNED = 85,       /* the product names itself (header, signature) */
	BW_SNIFF_DISTINCT = 90,
	BW_SNIFF_CERTAIN = 95,      /* a structure only this family writes */
};
/* Added by a decoder to win a tie against a sibling on the same rung. */
#define BW_SNIFF_TIE_BREAK 2

typedef struct bw_decoder {
	const char *name;
	/* Cheap evidence (From, Subject, X-Mailer, Received, body markers):
	 * a bw_sniff_confidence.  Must not allocate.  `f` says where the
	 * decoder's markers (below) occur in the body (markers.h): a sniff
	 * reads them there rather than searching the body itself. */
	int (*sniff)(const bw_msg *m, const bw_found *f);
	/* Appends the recipients.  Returns how many were added (0: not this
	 * format after all; nothing may have been added then), or a negative
	 * bw_error_code. */
	int (*decode)(const bw_msg *m, bw_report *r);
	/* Reads a mailing list's own notices (a refused post, a list
	 * manager's report), which come as list mail; the other decoders do
	 * not run on a list's distribution of posts (bw_sniff__list_post). */
	bool list_notices;
	/* The phrases the sniff looks for in the body (ASCII case ignored),
	 * found for all decoders in one pass before the sniffs. */
	const char *const *markers;
	size_t n_markers;
} bw_decoder;

/* Runs the decoders on `m`, best sniff first, and keeps the first that
 * finds recipients.  Returns the number of recipients or a negative code.
 * Their body searches are fastest with the body indexed (textindex.h;
 * parse.c does it). */
int bw_decoders__run(const bw_msg *m, bw_report *r);
/* Is name[0..len) a decoder's name, or "reply" (what a rule's `format`
 * may name: the vocabulary of BW_RCPT_FORMAT)? */
bool bw_decoders__known_format(const char *name, size_t len);

#endif
