/*
 * rules.h - the internal interface of the rule engine.
 *
 * The public side (bw_rules_open and friends) is declared in bouncewhy.h.
 * rules*.c are the only files that use SQLite and PCRE2.
 *
 * A bw_rules is immutable once opened.  bw_rules__match() only reads it,
 * so any number of threads can match against one bw_rules at once; every
 * piece of per-call scratch (PCRE2 match data) is created per call or
 * kept in the caller's bw_match_scratch.
 */
#ifndef BW_RULES_H
#define BW_RULES_H

#include <stddef.h>

#include "bouncewhy.h"

/* Precedence tiers (doc/rules-format.md), tried in this order.  Overlay
 * rules come first whatever their own tier; the lexicon tier is scored
 * (every matching cue rule adds its weight to its reason) instead of won by
 * the first match. */
enum {
	BW_TIER_OVERLAY = 0,   /* site rules (only in a compiled bw_rules) */
	BW_TIER_PROVIDER = 1,  /* provider rules, `specific = yes` */
	BW_TIER_TEXT = 2,      /* text rules */
	BW_TIER_STATUS = 3,    /* enhanced status rules without text */
	BW_TIER_LEXICON = 4,   /* `cues` rules: weighted words per reason */
	BW_TIER_GENERIC = 5,   /* `generic = yes` text: wrappers, bare words */
	BW_TIER_OTHER = 6      /* reply code, command, format or action only */
};

/* What a rule can look at, for one recipient.  NULL or "" means unknown. */
typedef struct bw_match_input {
	const char *diagnostic;     /* unfolded diagnostic text */
	const char *status;         /* "5.1.1" */
	const char *reply_code;     /* "550" */
	const char *smtp_command;   /* "RCPT" */
	const char *remote_mta;     /* answering host name */
	const char *recipient;      /* the failed address (its domain picks a provider) */
	const char *format;         /* decoder that produced the record ("postfix") */
	const char *action;         /* failed, delayed, ... */
} bw_match_input;

/* A rule's verdict.  Strings are borrowed from the bw_rules, except the
 * captured provider code and server tag, which are copied into the fixed
 * buffers. */
typedef struct bw_match_result {
	const char *rule_id;
	const char *reason;         /* one of the reason names */
	const char *fault;          /* recipient|sender|receiver|transit or NULL */
	int permanent;              /* -1 rule does not say, 0, 1 */
	int hard_bounce;            /* -1 rule does not say, 0, 1 */
	const char *provider;       /* provider display name, or NULL */
	const char *explanation;    /* or NULL */
	const char *const *remedies;
	size_t n_remedies;
	const char *const *references;
	size_t n_references;
	const char *evidence;       /* which condition matched: "text /.../", "status 5.1.*" */
	int tier;                   /* BW_TIER_* of the winning rule (rules_set.h) */
	int lexicon_score;          /* lexicon tier: the winning reason's sum */
	char provider_code[64];     /* named capture "code", or "" */
	char server_tag[64];        /* named capture "tag", or "" */
} bw_match_result;

/*
 * Finds the winning rule for one recipient.
 * Returns 1 and fills `res` when a rule matched, 0 when none did (res
 * untouched except rule_id = NULL and provider), or a negative bw_error_code.
 * The provider (from remote_mta or the recipient's domain) is reported in
 * res->provider even when the winning rule is generic.
 */
int bw_rules__match(const bw_rules *rules, const bw_match_input *in,
                    bw_match_result *res);

/* Is `name` one of the reason names of the vocabulary (reason.c)? */
int bw_reason__known(const char *name);
/* 1 if the reason alone makes the address bad (userunknown...), 0 if not,
 * -1 if it depends on permanence (notaccept). */
int bw_reason__hard(const char *name);
/* Whether `reason` can be what an enhanced status code of this subject
 * (the x of 5.x.y) means: a lexicon cue never turns "5.1.1" into spam.
 * True for a missing status and for the generic subject 0. */
int bw_reason__fits_status(const char *reason, const char *status);
/* Whether `reason` can be the cause of a refusal at this SMTP stage: a
 * refusal of the connection or the greeting (CONN, HELO) is about the
 * client, never about a recipient's mailbox. */
int bw_reason__fits_stage(const char *reason, const char *command);

#endif
