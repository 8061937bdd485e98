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

typedef struct bw_decoder {
	const char *name;
	/* Cheap evidence (From, Subject, X-Mailer, Received, body markers):
	 * 0 when the message is surely not of this family, otherwise a
	 * confidence from 1 (weak) to 100 (certain).  Must not allocate. */
	int (*sniff)(const bw_msg *m);
	/* Appends the recipients.  Returns how many were added (0: not this
	 * format after all; nothing may have been added then), or a negative
	 * bw_error_code. */
	int (*decode)(const bw_msg *m, bw_report *r);
} bw_decoder;

/* Runs the decoders on `m`, best sniff first, and keeps the first that
 * finds recipients.  Returns the number of recipients or a negative code. */
int bw_decoders__run(const bw_msg *m, bw_report *r);

#endif
