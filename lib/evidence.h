/*
 * evidence.h - a recipient's SMTP facts (reply code, enhanced status code,
 * command, remote host and address) completed from its diagnostic text.
 */
#ifndef BW_EVIDENCE_H
#define BW_EVIDENCE_H

#include <stddef.h>

#include "record.h"
#include "smtp.h"

/* Fills the recipient's REPLY_CODE, STATUS, SMTP_COMMAND, REMOTE_MTA and
 * REMOTE_IP from its diagnostic text where they are empty.  A status the
 * remote server gave with its reply ("550 5.7.1 ...") replaces the one the
 * reporting MTA put in the DSN when they differ (the DSN's is the MTA's own
 * mapping); a generic DSN status (X.0.0) also gives way to a specific one of
 * the same class found anywhere in the text; the MTA's own verdict on the
 * message's time stays (X.4.7 under Action: delayed or failed).  Notes what it took in the evidence chain. */
void bw_evidence__complete(bw_recipient *rc);

/* The status that says why: the recipient's STATUS, except under a delay
 * report's own verdict on a recipient it still retries (Action: delayed,
 * Status X.4.7), which bw_evidence__complete() keeps as the status; then
 * the status the remote server paired with its reply in the diagnostic,
 * copied into out (12 bytes), when there is one.  NULL when neither. */
const char *bw_evidence__cause_status(const bw_recipient *rc, char out[12]);

/* Fills the recipient's SMTP_COMMAND, REMOTE_MTA and REMOTE_IP where they
 * are empty from `text`, other words about it than its diagnostic (a
 * notice's paragraph on the recipient, blanks squeezed). */
void bw_evidence__route_from_text(bw_recipient *rc, const char *text);

#endif
