/*
 * bouncewhy-ledger.h - what a list manager does with a diagnosis: a bounce
 * ledger and a suppression policy.
 *
 * A bw_ledger records every diagnosis it is given (one row per recipient of
 * a bounce, delay, complaint or success) in a database, and keeps for every
 * address a state decided by a policy: active, suppressed (stop sending),
 * unsubscribed (an ARF complaint) or held (part of a burst of "unknown
 * user" at one domain: a suspected outage of the receiver, not a dead
 * address).  Every change of state records the rule of the policy that made
 * it.  Feeding the same bounce twice counts it once.
 *
 * Storage: a SQLite file (WAL, busy timeout; several processes may write at
 * once) or a PostgreSQL database named by a "postgresql://" URI, when the
 * library was built with libpq.  Both backends hold the same schema and
 * give the same answers.
 *
 * The policy is data: a small "key = value" file (see bw_ledger_policy()
 * and README.md, "Bounce ledger"), every key optional, with documented
 * defaults.
 *
 * The conventions of bouncewhy.h apply: fallible functions return BW_OK or
 * a negative bw_error_code with the detail in bw_error_message(); strings
 * returned through `out` are freed with bw_free().  A bw_ledger is used by
 * one thread at a time (open one per thread or process).
 */
#ifndef BOUNCEWHY_LEDGER_H
#define BOUNCEWHY_LEDGER_H

#include <bouncewhy.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An open ledger: a database connection, its policy and its clock. */
typedef struct bw_ledger bw_ledger;

/** The schema version this library writes (and the newest it reads). */
#define BW_LEDGER_SCHEMA_VERSION 2

#define BW_LEDGER_OPTIONS_VERSION 1

/** Options for bw_ledger_open().  Initialise with BW_LEDGER_OPTIONS_INIT. */
typedef struct bw_ledger_options {
	unsigned int version;        /**< BW_LEDGER_OPTIONS_VERSION */
	/**
	 * Policy file.  NULL: the environment variable BOUNCEWHY_LEDGER_POLICY
	 * if set, else the built-in defaults.  "" forces the defaults.
	 */
	const char *policy_path;
	/**
	 * The clock, in seconds since the epoch: "now" for events without a
	 * date, for the alert window and for state changes.  0: the real clock.
	 * Tests and replays set it.
	 */
	long long now;
	/** How long a writer waits for another one, in ms (0: 30000). */
	unsigned int busy_timeout_ms;
} bw_ledger_options;

#define BW_LEDGER_OPTIONS_INIT { BW_LEDGER_OPTIONS_VERSION, NULL, 0, 0 }

/** Fills `opts` with the defaults.  Returns BW_EINVALID on a version mismatch. */
BW_EXTERN(int) bw_ledger_options_init(bw_ledger_options *opts, unsigned int version);

/**
 * Opens a ledger, creating it when it does not exist and migrating an
 * older schema to BW_LEDGER_SCHEMA_VERSION.
 *
 * @param out       receives the ledger; free it with bw_ledger_free()
 * @param location  a file path (SQLite), or a "postgresql://" or
 *                  "postgres://" URI (PostgreSQL)
 * @param opts      options, or NULL for the defaults
 * @return BW_OK; BW_ELEDGER when the database cannot be opened, is not a
 *         ledger, or was written by a newer version (its schema is newer
 *         than BW_LEDGER_SCHEMA_VERSION; the message says both versions);
 *         BW_EINVALID for a bad policy file (the message names file:line)
 *         or a PostgreSQL URI when built without libpq; BW_ENOMEM.
 */
BW_EXTERN(int) bw_ledger_open(bw_ledger **out, const char *location,
                              const bw_ledger_options *opts);

/** Closes a ledger; an open batch is rolled back.  NULL is fine. */
BW_EXTERN(void) bw_ledger_free(bw_ledger *ledger);

/** "sqlite" or "postgresql". */
BW_EXTERN(const char *) bw_ledger_backend(const bw_ledger *ledger);

/** Moves the ledger's clock (see bw_ledger_options.now; 0: the real clock). */
BW_EXTERN(void) bw_ledger_set_now(bw_ledger *ledger, long long now);

/* ------------------------------------------------------------------ */
/* Recording                                                            */
/* ------------------------------------------------------------------ */

/** What an entry says happened to a message sent to an address. */
typedef enum bw_ledger_event {
	BW_LEDGER_BOUNCE = 0,   /**< delivery failed */
	BW_LEDGER_DELAY,        /**< delivery delayed, still being retried */
	BW_LEDGER_SUCCESS,      /**< delivered: ends a run of soft bounces */
	BW_LEDGER_COMPLAINT,    /**< an ARF complaint by the address */
} bw_ledger_event;

/** "bounce", "delay", "success", "complaint"; "" out of range. */
BW_EXTERN(const char *) bw_ledger_event_name(bw_ledger_event event);

#define BW_LEDGER_ENTRY_VERSION 1

/**
 * One diagnosis given by the caller (bw_ledger_record()).  A transparent
 * input struct like the *_options ones: initialise with
 * BW_LEDGER_ENTRY_INIT, then set what is known; NULL strings are absent.
 */
typedef struct bw_ledger_entry {
	unsigned int version;       /**< BW_LEDGER_ENTRY_VERSION */
	bw_ledger_event event;
	const char *address;        /**< the subscriber (required) */
	long long time;             /**< seconds since the epoch; 0: the ledger's now */
	const char *reason;         /**< reason name ("mailboxfull") */
	const char *fault;          /**< recipient, sender, receiver, transit */
	const char *provider;
	const char *provider_code;
	const char *status;         /**< enhanced status code */
	int hard;                   /**< 1 hard bounce, 0 soft, -1 unknown */
	double confidence;          /**< 0..100 as bw_recipient_confidence(); negative: none (NULL) */
	/** The bounce's identity: an entry with the same report_id,
	 *  original_id, recipient and event as one already recorded is a
	 *  duplicate.  All NULL: identity is the address, time and reason. */
	const char *report_id;      /**< Message-ID of the report (the bounce) */
	const char *original_id;    /**< Message-ID of the returned original */
	const char *recipient;      /**< the recipient as the report names it */
	const char *source;         /**< where it came from (a path), for people */
} bw_ledger_entry;

#define BW_LEDGER_ENTRY_INIT { BW_LEDGER_ENTRY_VERSION, BW_LEDGER_BOUNCE, NULL, 0, \
	NULL, NULL, NULL, NULL, NULL, -1, -1.0, NULL, NULL, NULL, NULL }

/**
 * Records one diagnosis and applies the policy to its address.
 *
 * @param ledger  the ledger
 * @param entry   the diagnosis (not retained)
 * @param added   if not NULL, receives 1 when recorded, 0 for a duplicate
 * @return BW_OK, BW_EINVALID (no address), BW_ELEDGER (storage), BW_ENOMEM
 */
BW_EXTERN(int) bw_ledger_record(bw_ledger *ledger, const bw_ledger_entry *entry, int *added);

/**
 * Records every recipient of a parsed report: bounces, delays, successes
 * ("delivered") and complaints (feedback reports); auto-replies and
 * non-bounces record nothing.  The subscriber is found, in this order, from
 * a VERP address the bounce was sent to (policy key verp_prefix), a header
 * of the returned original (subscriber_header), Original-Recipient, and
 * the recipient itself.  The time is the recipient's Last-Attempt-Date,
 * else the bounce's Date, else Arrival-Date, else now.
 *
 * @param added  if not NULL, receives the number of new entries
 * @return as bw_ledger_record()
 */
BW_EXTERN(int) bw_ledger_add_report(bw_ledger *ledger, const bw_report *report,
                                    const char *source, size_t *added);

/**
 * Records the recipients of one JSON record as `bouncewhy --format ndjson`
 * prints it (one line), as bw_ledger_add_report() does for a report.  The
 * CLI's JSON carries no envelope headers of the bounce, so VERP cannot be
 * used and the bounce's identity is its Date, From and Subject: feed a
 * bounce either as mail or as NDJSON, not both.  Error records are
 * skipped (nothing added).
 *
 * @return BW_OK, BW_EPARSE (not a JSON object), BW_ELEDGER, BW_ENOMEM
 */
BW_EXTERN(int) bw_ledger_add_json(bw_ledger *ledger, const char *json, size_t len,
                                  size_t *added);

/**
 * Groups the following records in one transaction, up to bw_ledger_commit()
 * (much faster for many records; a crash loses the open batch only).
 * Without a batch each record is its own transaction.
 */
BW_EXTERN(int) bw_ledger_begin(bw_ledger *ledger);
/** Commits the open batch (BW_OK when none is open). */
BW_EXTERN(int) bw_ledger_commit(bw_ledger *ledger);
/** Rolls the open batch back (BW_OK when none is open). */
BW_EXTERN(int) bw_ledger_rollback(bw_ledger *ledger);

#define BW_LEDGER_ADD_OPTIONS_VERSION 1

/** How bw_ledger_add_paths() reads its operands and what it tells.
 *  Initialise with BW_LEDGER_ADD_OPTIONS_INIT.  Every callback may be NULL. */
typedef struct bw_ledger_add_options {
	unsigned int version;             /**< BW_LEDGER_ADD_OPTIONS_VERSION */
	/** Standard input ("-") holds NDJSON records, not mail.  (Files are
	 *  recognised by themselves: NDJSON when the first non-blank byte is
	 *  '{'.) */
	int ndjson_stdin;
	const bw_parse_options *parse;    /**< the limits for mail; NULL: the defaults */
	/** Gives the rule set mail is read with, asked once, when the first
	 *  operand that is not NDJSON comes (NDJSON needs none); borrowed
	 *  until bw_ledger_add_paths() returns.  NULL: the library's default
	 *  rules (bw_rules_open() with no options). */
	int (*rules)(const bw_rules **out, void *payload);
	/** Receives the closing line "N messages read, N entries recorded, N
	 *  unreadable" (the command's standard output), when nothing failed. */
	bw_write_cb write;
	/** Receives whole lines for a person (the command's standard error):
	 *  for a message that could not be read its bw_error_line() and
	 *  "bouncewhy: SOURCE (message N): MESSAGE"; "bouncewhy: SOURCE:LINE:
	 *  MESSAGE" for an NDJSON line that is not a record;
	 *  "bouncewhy: ledger: ..." and "bouncewhy: cannot load the rules:
	 *  ..." before a failure. */
	bw_write_cb diag;
	/** Told each input that could not be read (a message, an NDJSON line,
	 *  a file that cannot be opened): its source and what went wrong. */
	void (*on_unreadable)(const char *source, const char *message, void *payload);
	/** Told the counts after each message read as mail (a progress line). */
	void (*progress)(unsigned long messages, unsigned long errors, void *payload);
	void *payload;                    /**< passed to every callback */
} bw_ledger_add_options;

#define BW_LEDGER_ADD_OPTIONS_INIT \
	{ BW_LEDGER_ADD_OPTIONS_VERSION, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL }

/** Fills `opts` with the defaults.  Returns BW_EINVALID on a version mismatch. */
BW_EXTERN(int) bw_ledger_add_options_init(bw_ledger_add_options *opts, unsigned int version);

/** What bw_ledger_add_paths() did. */
typedef struct bw_ledger_add_result {
	unsigned long messages;     /**< messages and NDJSON records read (unreadable ones too) */
	unsigned long entries;      /**< new entries recorded (a bounce seen before adds none) */
	unsigned long unreadable;   /**< inputs that could not be read */
	unsigned long errors;       /**< of those, messages and records (not whole files) */
} bw_ledger_add_result;

/**
 * Records the diagnoses of every operand, as `bouncewhy ledger add` does:
 * each path is a file of NDJSON records printed by `bouncewhy --format
 * ndjson` (first non-blank byte '{'), or mail read with the scanner (one
 * message, an mbox, a directory or Maildir; "-" is standard input).  With
 * no path, standard input is read.  Batches of 500 messages are committed
 * as they go (a crash loses the open batch only; feeding the same bounces
 * again records each once).  Inputs that cannot be read are counted, told
 * and skipped.
 *
 * @param out     receives the counts (also when something failed); may be NULL
 * @param ledger  the ledger; no batch may be open
 * @param paths   the operands
 * @param n       how many
 * @param opts    options and callbacks, or NULL
 * @return BW_OK (even when some inputs were unreadable: see out->unreadable);
 *         BW_ERULES when the rule set could not be had; BW_ELEDGER when the
 *         ledger failed (both after rolling the open batch back);
 *         BW_EINVALID.
 */
BW_EXTERN(int) bw_ledger_add_paths(bw_ledger_add_result *out, bw_ledger *ledger,
                                   const char *const *paths, size_t n,
                                   const bw_ledger_add_options *opts);

/**
 * Forgets an address's history (a person asked to be re-added): its state
 * becomes active (rule "forget") and the entries recorded so far no longer
 * count; they stay in the ledger, so feeding the same bounces again still
 * counts them once.
 * @return BW_OK, BW_ENOTFOUND (the ledger does not know the address), BW_ELEDGER
 */
BW_EXTERN(int) bw_ledger_forget(bw_ledger *ledger, const char *address);

/* ------------------------------------------------------------------ */
/* States and reports                                                   */
/* ------------------------------------------------------------------ */

/** The state of an address. */
typedef enum bw_ledger_state {
	BW_LEDGER_ACTIVE = 0,      /**< keep sending */
	BW_LEDGER_SUPPRESSED,      /**< stop: the address bounces */
	BW_LEDGER_UNSUBSCRIBED,    /**< stop: the person complained */
	BW_LEDGER_HELD,            /**< wait: suspected outage at the domain */
} bw_ledger_state;

/** "active", "suppressed", "unsubscribed", "held"; "" out of range. */
BW_EXTERN(const char *) bw_ledger_state_name(bw_ledger_state state);

/**
 * The state of an address (BW_LEDGER_ACTIVE when unknown).
 * @param rule  if not NULL, receives the policy rule that set it, as a
 *              string to free with bw_free() ("" when none)
 */
BW_EXTERN(int) bw_ledger_state_of(bw_ledger *ledger, const char *address,
                                  bw_ledger_state *out, char **rule);

/** Output formats of the report functions below. */
typedef enum bw_ledger_format {
	BW_LEDGER_TEXT = 0,   /**< for people */
	BW_LEDGER_JSON,       /**< one JSON document */
	BW_LEDGER_CSV,        /**< header line, the address in the first column */
	BW_LEDGER_POSTFIX,    /**< a Postfix access map ("address REJECT text") */
} bw_ledger_format;

/**
 * The format named `name` ("text", "json", "csv", "postfix").
 * @return BW_OK, or BW_EINVALID ("ledger: unknown format 'NAME'")
 */
BW_EXTERN(int) bw_ledger_format_from_name(const char *name, bw_ledger_format *out);

/**
 * Whether the `bouncewhy ledger` command `command` (add, status,
 * suppressed, alerts, stats, forget, policy) may run with `n_operands`
 * operands and `format`: the command line's rules, shared by the CLI and
 * the Python module.
 * @return BW_OK; BW_ENOTFOUND for an unknown command ("ledger: unknown
 *         command 'X'"); BW_EINVALID for a wrong operand count or a format
 *         the command does not write (the message says which)
 */
BW_EXTERN(int) bw_ledger_check_command(const char *command, size_t n_operands,
                                       bw_ledger_format format);

/**
 * The `--now` clock: decimal digits only, seconds since 1970, above 0.
 * @return BW_OK, or BW_EINVALID ("ledger: --now wants seconds since 1970")
 */
BW_EXTERN(int) bw_ledger_clock_from_text(const char *text, long long *out);

/**
 * An address's state, the rule and time of each state change, and its
 * entries.  TEXT or JSON.  Unknown addresses are reported as active with
 * no entries.
 */
BW_EXTERN(int) bw_ledger_status(char **out, bw_ledger *ledger, const char *address,
                                bw_ledger_format format);

/**
 * The addresses to stop sending to (suppressed and unsubscribed), sorted,
 * with state, rule, since and the reason of the deciding entry.  TEXT (one
 * address a line), CSV, JSON or POSTFIX.
 */
BW_EXTERN(int) bw_ledger_suppressed(char **out, bw_ledger *ledger, bw_ledger_format format);

/**
 * Alerts: sender-side failures per provider within the policy's alert
 * window (the sender's problem: block lists, reputation, authentication,
 * rate limits), and domains with held addresses (suspected outages).
 * TEXT or JSON.
 */
BW_EXTERN(int) bw_ledger_alerts(char **out, bw_ledger *ledger, bw_ledger_format format);

/** Counts: addresses by state; entries by event, reason, provider, domain
 *  and day.  TEXT or JSON. */
BW_EXTERN(int) bw_ledger_stats(char **out, bw_ledger *ledger, bw_ledger_format format);

/** The effective policy, as a policy file with a comment per key (TEXT),
 *  or JSON. */
BW_EXTERN(int) bw_ledger_policy(char **out, const bw_ledger *ledger, bw_ledger_format format);

#ifdef __cplusplus
}
#endif

#endif /* BOUNCEWHY_LEDGER_H */
