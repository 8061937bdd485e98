/*
 * reason.h - the reason vocabulary.
 *
 * The table is data: rules/vocabulary/reasons.vocab, turned into C at build
 * time by tools/gen-vocab.c.  Nothing else writes a reason's properties.
 * It sits at the bottom of the include graph (it includes nothing of the
 * library): the rule engine's value checks, the classifier and the text
 * renderer read it.
 */
#ifndef BW_REASON_H
#define BW_REASON_H

#include <stddef.h>

typedef struct bw_reason_info {
	const char *name;
	int hard;              /* 1, 0, or -1: hard only when permanent */
	const char *fault;     /* default fault, or NULL (not a failure, undecided) */
	int failure;           /* 0 for reports that are not delivery failures */
	const char *subjects;  /* status subjects ("127") the reason fits; NULL any */
	const char *meaning;
	const char *headline;  /* "the address does not exist" */
	const char *const *remedies;  /* default advice, NULL-terminated */
	size_t n_remedies;
	/* While the sender still retries (action delayed), or NULL: the same
	 * cause reads differently before the server gives up. */
	const char *delayed_meaning;
	const char *delayed_headline;
	const char *const *delayed_remedies;
	size_t n_delayed_remedies;
} bw_reason_info;

/* A code and the reason it means when no rule decided. */
typedef struct bw_code_reason {
	const char *code;
	const char *reason;
} bw_code_reason;

/* The entry for `name`, or NULL. */
const bw_reason_info *bw_reason__find(const char *name);
/* Is `name` one of the reason names of the vocabulary? */
int bw_reason__known(const char *name);
/* Whether `reason` can be what an enhanced status code of this subject
 * (the x of 5.x.y) means: a lexicon cue never turns "5.1.1" into spam.
 * True for a missing status and for the generic subject 0. */
int bw_reason__fits_status(const char *reason, const char *status);
/* Whether `reason` can be the cause of a refusal at this SMTP stage: a
 * refusal of the connection or the greeting (CONN, HELO) is about the
 * client, never about a recipient's mailbox. */
int bw_reason__fits_stage(const char *reason, const char *command);
/* 0 when `reason` is the recipient's fault and the reply code is one of
 * RFC 5321's command-level codes (500 and 501 syntax, 502 and 504 not
 * implemented, 503 bad sequence: the reply codes the vocabulary gives
 * syntaxerror) given without an enhanced status code (or with a generic
 * X.0.0):
 * such a reply refuses a command or its syntax, not a mailbox; 1
 * otherwise.  (The lexicon asks it; a phrase rule may still say more.) */
int bw_reason__fits_reply(const char *reason, const char *reply_code, const char *status);
/* The reason an enhanced status code's subject.detail ("1.1" of 5.1.1)
 * means in the vocabulary, or NULL. */
const char *bw_reason__of_status_detail(const char *detail);
/* The reason a reply code ("552") means in the vocabulary, or NULL. */
const char *bw_reason__of_reply(const char *code);

#endif
