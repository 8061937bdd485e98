/*
 * evidence.h - SMTP evidence in free text: reply code, enhanced status
 * code, the command the reply answered, the remote host and its address.
 */
#ifndef BW_EVIDENCE_H
#define BW_EVIDENCE_H

#include <stddef.h>

#include "record.h"

typedef struct bw_smtp_evidence {
	char reply_code[4];     /* "550" or "" */
	char status[12];        /* "5.1.1" or "" */
	char command[12];       /* "RCPT" or "" */
	char host[256];         /* "mx2.hotmail.com" or "" */
	char ip[64];            /* "65.54.188.72" or "" */
	int status_paired;      /* the status follows a reply code of its class ("550 5.1.1") */
} bw_smtp_evidence;

/* Scans `text` and fills `ev` with what it finds (empty strings otherwise). */
void bw_evidence__scan(const char *text, bw_smtp_evidence *ev);

/* Fills the recipient's REPLY_CODE, STATUS, SMTP_COMMAND, REMOTE_MTA and
 * REMOTE_IP from its diagnostic text where they are empty.  A status the
 * remote server gave with its reply ("550 5.7.1 ...") replaces the one the
 * reporting MTA put in the DSN when they differ (the DSN's is the MTA's own
 * mapping); a generic DSN status (X.0.0) also gives way to a specific one of
 * the same class found anywhere in the text.  Notes what it took in the
 * evidence chain. */
void bw_evidence__complete(bw_recipient *rc);

/* The text rules should read for a multi-line SMTP reply that a reporting
 * server joined into one line ("550-5.7.1 Messages with multiple 550 5.7.1
 * addresses ..."): the repeated "NNN-X.Y.Z" / "NNN X.Y.Z" line prefixes after
 * the first reply code are dropped.  Returns a new string the caller frees,
 * or NULL when there is nothing to drop (or no memory): then `text` itself
 * is the one to read. */
char *bw_evidence__unfold_reply(const char *text);

#endif
