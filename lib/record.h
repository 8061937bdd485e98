/*
 * record.h - the internal shape of a report and its recipients.
 *
 * Decoders fill these records; classify.c completes them; report.c exposes
 * them through the public accessors; json.c serialises them.  Every string
 * field is either NULL (absent) or a heap string owned by the record; the
 * public accessors turn NULL into "".
 */
#ifndef BW_RECORD_H
#define BW_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bouncewhy.h"
#include "util.h"

typedef struct bw_strlist {
	char **v;
	size_t n, cap;
} bw_strlist;

typedef struct bw_kvlist {
	/* name, value and key lie in one block that name points to (record.c,
	 * kv_grow()); only bw_kvlist__push_take() grows it, only
	 * bw_kvlist__clear() frees it */
	char **name;
	char **value;
	/* bw_kvlist__key() of each name: a lookup compares these before
	 * reading any name (decoders look headers up by name ~100 times a
	 * message). */
	uint32_t *key;
	size_t n, cap;
} bw_kvlist;

struct bw_recipient {
	char *f[BW_RCPT_FIELD_COUNT];
	int permanent;          /* -1 unknown (decided by classify), 0, 1 */
	int hard_bounce;        /* -1 unknown (decided by classify), 0, 1 */
	int confidence;         /* 0..100, set by classify */
	bw_strlist remedies;
	bw_strlist references;
	bw_strlist evidence;
	bw_kvlist extras;
	char *limit_rule;       /* a rule whose pattern hit a PCRE2 limit, or NULL */
	/* The notice's own text (a generic reader's report before the returned
	 * message), read by classify only when the recipient's diagnostic
	 * decides nothing; never output. NULL when the decoder gave none. */
	char *notice;
};

struct bw_report {
	char *f[BW_REPORT_FIELD_COUNT];
	bw_kind kind;
	bool kind_set;              /* a decoder decided the kind itself */
	bw_recipient **rcpt;
	size_t n_rcpt, cap_rcpt;
	size_t max_rcpt;            /* limit from the parse options */
	bool rcpt_dropped;          /* the limit was hit */
	size_t max_line;            /* longest field value kept (0: no limit) */
	bool line_cut;              /* a value was cut to max_line (warned once) */
	bw_kvlist original_headers;
	bw_kvlist envelope;          /* the bounce's own Message-ID, To, Delivered-To... */
	bw_kvlist extras;
	bw_strlist warnings;
};

/* Lists.  Functions returning int give BW_OK or BW_ENOMEM. */
int bw_strlist__push(bw_strlist *l, const char *s);
int bw_strlist__push_len(bw_strlist *l, const char *s, size_t len);
void bw_strlist__clear(bw_strlist *l);
int bw_kvlist__push(bw_kvlist *l, const char *name, const char *value);
/* The same with name and value allocated by the caller and taken (freed
 * on failure; NULL for either is ENOMEM). */
int bw_kvlist__push_take(bw_kvlist *l, char *name, char *value);
const char *bw_kvlist__get(const bw_kvlist *l, const char *name); /* case-insensitive, NULL if none */
/* A name's length and lower-cased first byte in one number: two names
 * equal but for ASCII case have the same key. */
static inline uint32_t bw_kvlist__key(const char *name)
{
	size_t len = strlen(name);

	return (uint32_t)(len > 0xFFFFFF ? 0xFFFFFF : len) << 8 | (uint32_t)bw_lower((unsigned char)name[0]);
}
void bw_kvlist__clear(bw_kvlist *l);
/* Drops the entries from index n on (their names and values freed); the
 * list keeps its block. */
void bw_kvlist__truncate(bw_kvlist *l, size_t n);

/* Reports and recipients. */
bw_report *bw_report__new(size_t max_rcpt);
/* Appends an empty recipient; NULL on ENOMEM or when the limit is reached
 * (a warning is recorded then). */
bw_recipient *bw_report__add_recipient(bw_report *r);
/* Frees a recipient that is not (or no longer) in a report. */
void bw_recipient__free(bw_recipient *rc);
/* Removes recipient i (used when a decoder retracts one). */
void bw_report__remove_recipient(bw_report *r, size_t i);
int bw_report__set(bw_report *r, bw_report_field f, const char *value);
int bw_report__warn(bw_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Setting a field replaces its value; NULL or "" clears it. */
int bw_recipient__set(bw_recipient *rc, bw_recipient_field f, const char *value);
int bw_recipient__set_len(bw_recipient *rc, bw_recipient_field f, const char *value, size_t len);
static inline const char *bw_recipient__get(const bw_recipient *rc, bw_recipient_field f)
{
	return rc->f[f];
}
/* Keeps text[0..len) (at most BW_NOTICE_MAX bytes, cut at a line end) as
 * the recipient's notice text, its white space runs made single spaces;
 * BW_OK or BW_ENOMEM. */
#define BW_NOTICE_MAX 3000
int bw_recipient__set_notice(bw_recipient *rc, const char *text, size_t len);
/* Appends "what: detail" to the evidence chain. */
int bw_recipient__evidence(bw_recipient *rc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
