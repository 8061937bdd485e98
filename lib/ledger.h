/*
 * ledger.h - internals of the bounce ledger (include/bouncewhy-ledger.h):
 * the storage interface both backends implement, the policy, and the
 * helpers shared by the ledger's modules.
 *
 *   ledger.c          open, schema and migrations, recording, the policy engine
 *   ledger_policy.c   the policy: defaults, the file format, printing it
 *   ledger_input.c    reports -> entries: finding the subscriber, dates, identity
 *   ledger_ndjson.c   NDJSON in (cJSON, the library's only parser of JSON)
 *   ledger_json.c     status, suppressed, alerts, stats out (JSON by jsonw.c)
 *   ledger_sqlite.c   the SQLite backend
 *   ledger_pg.c       the PostgreSQL backend (libpq; a stub without it)
 */
#ifndef BW_LEDGER_INTERNAL_H
#define BW_LEDGER_INTERNAL_H

#include <stdbool.h>

#include "bouncewhy-ledger.h"

/* ------------------------------------------------------------------ */
/* Storage interface                                                    */
/* ------------------------------------------------------------------ */

/* A statement parameter.  Statements are written once, in the SQL both
 * backends accept, with "?" placeholders (the PostgreSQL backend numbers
 * them). */
typedef struct bw_ledger_val {
	enum { BW_LV_NULL, BW_LV_TEXT, BW_LV_INT, BW_LV_REAL } type;
	const char *s;
	long long i;
	double d;
} bw_ledger_val;

#define LV_TEXT(x) ((bw_ledger_val){ (x) ? BW_LV_TEXT : BW_LV_NULL, (x), 0, 0 })
#define LV_INT(x) ((bw_ledger_val){ BW_LV_INT, NULL, (x), 0 })
#define LV_REAL(x) ((bw_ledger_val){ BW_LV_REAL, NULL, 0, (x) })
#define LV_NULL ((bw_ledger_val){ BW_LV_NULL, NULL, 0, 0 })

/* Called once per result row; values are text (NULL for SQL NULL).
 * Returning non-zero stops the query (not an error). */
typedef int (*bw_ledger_row_fn)(void *payload, int ncol, const char *const *vals);

typedef struct bw_ledger_store bw_ledger_store;

typedef struct bw_ledger_store_ops {
	const char *name;    /* "sqlite", "postgresql" */
	/* DDL type of an auto-numbered primary key column. */
	const char *serial_pk;
	/* Runs one statement.  `fn` may be NULL.  `changes`, if not NULL,
	 * receives the number of rows inserted/updated/deleted. */
	int (*exec)(bw_ledger_store *s, const char *sql, const bw_ledger_val *params,
	            int nparams, bw_ledger_row_fn fn, void *payload, long long *changes);
	/* Runs several statements without parameters (DDL). */
	int (*script)(bw_ledger_store *s, const char *sql);
	/* A write transaction that excludes other writers until commit. */
	int (*begin)(bw_ledger_store *s);
	int (*commit)(bw_ledger_store *s);
	int (*rollback)(bw_ledger_store *s);
	void (*close)(bw_ledger_store *s);
} bw_ledger_store_ops;

struct bw_ledger_store {
	const bw_ledger_store_ops *ops;
};

/* Backends.  Return BW_OK or BW_ELEDGER (message set). */
int bw_ledger__sqlite_open(bw_ledger_store **out, const char *path, unsigned busy_ms);
int bw_ledger__pg_open(bw_ledger_store **out, const char *uri, unsigned busy_ms);

/* ------------------------------------------------------------------ */
/* Policy                                                               */
/* ------------------------------------------------------------------ */

#define BW_POLICY_MAX_LIST 16

typedef struct bw_policy_list {
	char *v[BW_POLICY_MAX_LIST];
	int n;
} bw_policy_list;

typedef struct bw_policy {
	char *source;                /* the file read, or "" for the defaults */
	bool hard_suppress;          /* hard bounce + hard fault: suppress at once */
	bw_policy_list hard_faults;  /* faults that make a hard bounce count */
	long soft_count;             /* N soft bounces ... */
	long soft_days;              /* ... spread over at least D days */
	bool count_delays;           /* delays count as soft bounces */
	bw_policy_list sender_faults; /* never count against the address */
	long alert_days;             /* window of the sender alerts */
	bw_policy_list outage_reasons;
	long outage_threshold;       /* distinct addresses at one domain ... */
	long outage_minutes;         /* ... within this many minutes */
	bool complaint_unsubscribes;
	char *verp_prefix;           /* "" = VERP off; "*" any local part */
	char *verp_separator;        /* between prefix and the encoded address */
	char *subscriber_header;     /* a header of the returned original, or "" */
} bw_policy;

void bw_policy__defaults(bw_policy *p);
/* Reads a policy file over the defaults.  BW_OK, BW_EIO, BW_EINVALID
 * (file:line in the message), BW_ENOMEM. */
int bw_policy__load(bw_policy *p, const char *path);
void bw_policy__clear(bw_policy *p);
bool bw_policy__has(const bw_policy_list *l, const char *s);
/* The policy as a commented policy file, or as JSON. */
int bw_policy__render(char **out, const bw_policy *p, bw_ledger_format format);

/* ------------------------------------------------------------------ */
/* The ledger                                                           */
/* ------------------------------------------------------------------ */

struct bw_ledger {
	bw_ledger_store *store;
	bw_policy policy;
	long long now;          /* 0: the real clock */
	bool in_batch;
};

long long bw_ledger__now(const bw_ledger *l);

/* A view of one diagnosed message, filled from a bw_report or from a JSON
 * record; turned into entries by bw_ledger__add_view(). */
typedef struct bw_ledger_rcpt_view {
	const char *recipient, *original_recipient, *action, *status, *reason,
		*fault, *provider, *provider_code, *last_attempt, *feedback_type;
	int hard;
	double confidence;      /* negative: none */
} bw_ledger_rcpt_view;

typedef struct bw_ledger_view {
	const char *kind;                   /* bw_kind_name() */
	const char *date, *from, *subject, *arrival;
	const char *message_id;             /* of the bounce; "" unknown */
	const char *orig_message_id;
	const char *envelope[6];            /* To, Delivered-To... of the bounce */
	int n_envelope;
	const char *subscriber_header;      /* value of the policy's header, or "" */
	const char *source;
	bw_ledger_rcpt_view *rcpt;
	size_t n_rcpt;
} bw_ledger_view;

int bw_ledger__add_view(bw_ledger *l, const bw_ledger_view *v, size_t *added);

/* RFC 5322 date ("Tue, 1 Dec 2026 10:00:00 +0100") or ISO 8601 to epoch
 * seconds; false when it cannot be read. */
bool bw_ledger__parse_date(const char *s, long long *out);

/* Lower-cased address with angle brackets and "rfc822;" taken off; the
 * caller frees it.  NULL when there is no '@'. */
char *bw_ledger__norm_address(const char *s);

/* The subscriber address hidden in a VERP address, or NULL (caller frees). */
char *bw_ledger__verp_decode(const bw_policy *p, const char *addr);

/* Runs a statement on the ledger's store (BW_ELEDGER with the SQL's
 * message on failure). */
int bw_ledger__exec(bw_ledger *l, const char *sql, const bw_ledger_val *params, int n,
                    bw_ledger_row_fn fn, void *payload, long long *changes);

#endif
