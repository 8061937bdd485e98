/*
 * bouncewhy.h - read a bounced email and say, for every recipient, what
 * failed, why, and what to do about it.
 *
 * Conventions (see README.md, "Library API"):
 *
 *  - Every public name starts with bw_ / BW_.
 *  - Public types are opaque; only the *_options structs are transparent,
 *    and they start with an `unsigned int version` field.
 *  - A function that can fail returns an int: BW_OK (0) or a negative
 *    bw_error_code.  The detail is in bw_error_message(), a thread-local
 *    string that is never NULL.  The library never aborts on bad input.
 *  - Output parameters come first and are named `out`.  An object returned
 *    through `out` belongs to the caller, who releases it with the matching
 *    *_free() function (all of which accept NULL).  Strings allocated for the
 *    caller are released with bw_free().
 *  - Every `const char *` returned by an accessor is borrowed from the object
 *    it was read from and lives as long as that object.  Accessors never
 *    return NULL: an absent value is the empty string "".
 *  - A bw_rules object is immutable once opened: any number of threads may
 *    parse with the same bw_rules at the same time.  A bw_report belongs to
 *    one thread at a time.
 *  - Process state: the first parse initialises GMime, which would set
 *    SIGPIPE to ignored (through gpgme); the library restores the
 *    disposition the program had, so it changes no signal handling and
 *    installs no handlers.  A program that ignores SIGPIPE itself sees
 *    write errors (EPIPE) instead.  The rule database is opened read-only
 *    and never written.
 */
#ifndef BOUNCEWHY_H
#define BOUNCEWHY_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && !defined(BW_STATIC_BUILD)
#define BW_EXTERN(type) __attribute__((visibility("default"))) type
#else
#define BW_EXTERN(type) type
#endif

/** Library version. */
#define BW_VERSION_MAJOR 0
#define BW_VERSION_MINOR 1
#define BW_VERSION_PATCH 0
#define BW_VERSION_STRING "0.1.0"

/** Returns the version string of the library actually linked ("0.1.0"). */
BW_EXTERN(const char *) bw_version(void);

/* ------------------------------------------------------------------ */
/* Errors                                                               */
/* ------------------------------------------------------------------ */

/** Return codes of fallible functions. */
typedef enum bw_error_code {
	BW_OK = 0,          /**< success */
	BW_ERROR = -1,      /**< generic failure */
	BW_ENOMEM = -2,     /**< out of memory */
	BW_EINVALID = -3,   /**< invalid argument */
	BW_EIO = -4,        /**< a file could not be read */
	BW_EPARSE = -5,     /**< the input is not a usable message */
	BW_ELIMIT = -6,     /**< the input exceeds a configured limit */
	BW_ERULES = -7,     /**< the rule database is missing, corrupt or too new */
	BW_ENOTFOUND = -8,  /**< the requested item does not exist */
	BW_ELEDGER = -9,    /**< the ledger's database failed, or its schema is too new */
} bw_error_code;

/**
 * The message describing the last error raised in the calling thread.
 * Never NULL ("" when there was none); valid until the next failing call
 * in the same thread.  Do not free it.
 */
BW_EXTERN(const char *) bw_error_message(void);

/** The code of the last error raised in the calling thread (BW_OK if none). */
BW_EXTERN(int) bw_error_code_last(void);

/** A short constant name for an error code ("BW_EPARSE"). Never NULL. */
BW_EXTERN(const char *) bw_error_code_name(int code);

/** Releases a string the library allocated for the caller.  NULL is fine. */
BW_EXTERN(void) bw_free(void *ptr);

/* ------------------------------------------------------------------ */
/* Rules                                                                */
/* ------------------------------------------------------------------ */

/** A compiled, immutable rule set.  Open once, share between threads. */
typedef struct bw_rules bw_rules;

#define BW_RULES_OPTIONS_VERSION 1

/** Options for bw_rules_open().  Initialise with BW_RULES_OPTIONS_INIT. */
typedef struct bw_rules_options {
	unsigned int version;      /**< BW_RULES_OPTIONS_VERSION */
	/**
	 * Rule database to open.  NULL: the environment variable
	 * BOUNCEWHY_RULES if set, else the installed database.
	 */
	const char *path;
	/**
	 * Extra rule sources loaded on top of `path`, highest priority last.
	 * Each is either a compiled database or a rules text file
	 * (see README.md, "Rule format").  May be NULL when n_overlays is 0.
	 */
	const char *const *overlays;
	size_t n_overlays;
	/** PCRE2 match limit per pattern (0: library default). */
	unsigned long match_limit;
	/** PCRE2 depth limit per pattern (0: library default). */
	unsigned long depth_limit;
	/** PCRE2 heap limit in KiB per match (0: library default). */
	unsigned long heap_limit_kib;
} bw_rules_options;

#define BW_RULES_OPTIONS_INIT { BW_RULES_OPTIONS_VERSION, NULL, NULL, 0, 0, 0, 0 }

/** Fills `opts` with the defaults.  Returns BW_EINVALID on a version mismatch. */
BW_EXTERN(int) bw_rules_options_init(bw_rules_options *opts, unsigned int version);

/**
 * Opens and compiles a rule set.
 *
 * @param out   receives the rule set; the caller frees it with bw_rules_free()
 * @param opts  options, or NULL for all defaults
 * @return BW_OK, BW_ERULES (missing, corrupt or newer-schema database, bad
 *         pattern), BW_EIO or BW_ENOMEM.
 */
BW_EXTERN(int) bw_rules_open(bw_rules **out, const bw_rules_options *opts);

/** Releases a rule set.  Reports parsed with it copy what they need and
 *  stay valid.  NULL is fine. */
BW_EXTERN(void) bw_rules_free(bw_rules *rules);

/** Number of rules loaded (all layers). */
BW_EXTERN(size_t) bw_rules_count(const bw_rules *rules);

/** The path of the base database actually opened ("" for built-in rules). */
BW_EXTERN(const char *) bw_rules_path(const bw_rules *rules);

/**
 * Metadata of the rule set: key is "schema_version", "source_hash",
 * "rule_count" or "provider_count".  Returns "" for an unknown key.
 * Borrowed from `rules`.
 */
BW_EXTERN(const char *) bw_rules_meta(const bw_rules *rules, const char *key);

/* ------------------------------------------------------------------ */
/* Rule tooling                                                         */
/* ------------------------------------------------------------------ */

/*
 * Compiling, inspecting and self-testing rule sets.  The text format and the
 * precedence are described in doc/rules-format.md.
 *
 * Setting bw_rules_options.path to "" opens no base database: only the
 * overlays are loaded (bw_rules_path() then returns "").
 */

/**
 * Compiles rule text into a database that bw_rules_open() can load.
 *
 * @param out_db   the database to write; replaced atomically.  The same
 *                 sources always give a byte-identical file.
 * @param sources  .rules files, or directories scanned recursively for
 *                 *.rules; all files are read in the order of their recorded
 *                 path (a file given directly is recorded as given; a file
 *                 found in directory D as basename(D)/relative/path).
 * @param n        number of sources
 * @return BW_OK; BW_ERULES for a syntax or validation error (the message
 *         names file:line); BW_EIO; BW_EINVALID; BW_ENOMEM.
 */
BW_EXTERN(int) bw_rules_compile(const char *out_db, const char *const *sources, size_t n);

/** One rule of a rule set.  Borrowed from its bw_rules. */
typedef struct bw_rule bw_rule;

/**
 * The i-th rule in precedence order (the order in which rules are tried),
 * or NULL when i >= bw_rules_count().  Borrowed from `rules`.
 */
BW_EXTERN(const bw_rule *) bw_rules_at(const bw_rules *rules, size_t i);

/**
 * The rule with this id, or NULL.  When an overlay reuses an id, the one
 * that takes precedence is returned.  Borrowed from `rules`.
 */
BW_EXTERN(const bw_rule *) bw_rules_find(const bw_rules *rules, const char *id);

/** String fields of a rule. */
typedef enum bw_rule_field {
	BW_RULE_ID = 0,
	BW_RULE_FILE,           /**< source file ("rules/providers/microsoft.rules") */
	BW_RULE_REASON,         /**< the reason name */
	BW_RULE_FAULT,          /**< recipient, sender, receiver, transit or "" */
	BW_RULE_PERMANENT,      /**< "yes", "no" or "" (rule does not say) */
	BW_RULE_HARD,           /**< "yes", "no" or "" */
	BW_RULE_PROVIDER,       /**< provider id of the provider condition, or "" */
	BW_RULE_PROVIDER_NAME,  /**< that provider's display name, or "" */
	BW_RULE_TEXT,           /**< the PCRE2 pattern, or "" */
	BW_RULE_STATUS,         /**< status condition ("5.7.1 5.7.*"), or "" */
	BW_RULE_REPLY,          /**< reply condition ("550 5*"), or "" */
	BW_RULE_COMMAND,        /**< command condition, or "" */
	BW_RULE_FORMAT,         /**< decoder-name condition, or "" */
	BW_RULE_ACTION,         /**< DSN action condition, or "" */
	BW_RULE_EXPLANATION,    /**< plain-words explanation, or "" */
	BW_RULE_CONDITIONS,     /**< all conditions on one line (the evidence text) */
	BW_RULE_FIELD_COUNT
} bw_rule_field;

/** A rule's string field, "" when absent or out of range.  Borrowed. */
BW_EXTERN(const char *) bw_rule_get(const bw_rule *rule, bw_rule_field field);

/** The name of a rule field ("provider_name"), or "" if out of range. */
BW_EXTERN(const char *) bw_rule_field_name(bw_rule_field field);

/** Line of the [rule] header in its source file. */
BW_EXTERN(unsigned int) bw_rule_line(const bw_rule *rule);

/** Precedence tier: 0 overlay, 1 provider, 2 text, 3 status, 4 lexicon,
 *  5 generic text, 6 reply/other (doc/rules-format.md). */
BW_EXTERN(int) bw_rule_tier(const bw_rule *rule);

/** The rule's priority within its tier (higher wins; default 0). */
BW_EXTERN(int) bw_rule_priority(const bw_rule *rule);

/** Which layer defined the rule: 0 the base database, 1.. the overlays. */
BW_EXTERN(size_t) bw_rule_layer(const bw_rule *rule);

/** Remedies, references and examples of a rule, in source order.  The
 *  item accessors return NULL when i is out of range.  Borrowed. */
BW_EXTERN(size_t) bw_rule_remedy_count(const bw_rule *rule);
BW_EXTERN(const char *) bw_rule_remedy(const bw_rule *rule, size_t i);
BW_EXTERN(size_t) bw_rule_reference_count(const bw_rule *rule);
BW_EXTERN(const char *) bw_rule_reference(const bw_rule *rule, size_t i);
BW_EXTERN(size_t) bw_rule_example_count(const bw_rule *rule);
BW_EXTERN(const char *) bw_rule_example(const bw_rule *rule, size_t i);

/**
 * Self-tests a rule set.  Patterns, reasons and provider ids are already
 * verified by bw_rules_open(); this adds what needs the whole set: every
 * rule has at least one example, every example is won by its own rule when
 * classified as a bare reply (see doc/rules-format.md, "Self-test"), and
 * every provider can be detected (has hosts or domains).
 *
 * @param out    receives the report, one line per failure and a summary
 *               line; free it with bw_free().  Set even when checks fail.
 * @param rules  the rule set
 * @return BW_OK when everything passed, BW_ERULES when something failed,
 *         BW_EINVALID, BW_ENOMEM.
 */
BW_EXTERN(int) bw_rules_check(char **out, const bw_rules *rules);

/**
 * Every rule in precedence order, one line each: id, reason and provider
 * ("-" for none) in columns, as `bouncewhy rules list` prints them.
 *
 * @param out  receives the text; free it with bw_free()
 * @return BW_OK, BW_EINVALID, BW_ENOMEM
 */
BW_EXTERN(int) bw_rules_list(char **out, const bw_rules *rules);

/**
 * Everything about the rule with this id (bw_rules_find()), one "name:
 * value" line per field that has a value, as `bouncewhy rules show ID`
 * prints it: id, source file and line, layer, tier and priority, provider,
 * conditions, verdict, explanation, remedies, references and examples.
 *
 * @param out  receives the text; free it with bw_free()
 * @return BW_OK, BW_ENOTFOUND ("no rule 'ID'"), BW_EINVALID, BW_ENOMEM
 */
BW_EXTERN(int) bw_rules_show(char **out, const bw_rules *rules, const char *id);

/* ------------------------------------------------------------------ */
/* Parsing                                                              */
/* ------------------------------------------------------------------ */

/** The result of parsing one message. */
typedef struct bw_report bw_report;
/** One recipient of a report.  Borrowed from its bw_report. */
typedef struct bw_recipient bw_recipient;

#define BW_PARSE_OPTIONS_VERSION 1

/** Limits and switches for parsing.  Initialise with BW_PARSE_OPTIONS_INIT. */
typedef struct bw_parse_options {
	unsigned int version;         /**< BW_PARSE_OPTIONS_VERSION */
	size_t max_message_size;      /**< bytes; 0: 64 MiB */
	unsigned int max_mime_depth;  /**< nesting of multiparts/messages; 0: 32 */
	unsigned int max_parts;       /**< MIME parts walked; 0: 2000 */
	unsigned int max_recipients;  /**< recipients kept; 0: 10000 */
	size_t max_line_length;       /**< longest header/field line kept; 0: 64 KiB */
} bw_parse_options;

#define BW_PARSE_OPTIONS_INIT { BW_PARSE_OPTIONS_VERSION, 0, 0, 0, 0, 0 }

/** Fills `opts` with the defaults.  Returns BW_EINVALID on a version mismatch. */
BW_EXTERN(int) bw_parse_options_init(bw_parse_options *opts, unsigned int version);

/**
 * Parses one message held in memory and diagnoses it.
 *
 * Any octets are accepted; a message that is not a bounce gives a report of
 * kind BW_KIND_NOT_A_BOUNCE with no recipients.  LF, CRLF and bare CR line
 * endings are all accepted.
 *
 * @param out    receives the report; free it with bw_report_free()
 * @param rules  the rule set (borrowed for the duration of the call)
 * @param buf    the message (not modified, not retained)
 * @param len    its length in bytes
 * @param opts   limits, or NULL for the defaults
 * @return BW_OK; BW_ELIMIT when the input exceeds a limit; BW_EPARSE when it
 *         is not a message at all (empty, binary); BW_EINVALID; BW_ENOMEM.
 *         On failure *out is set to NULL.
 */
BW_EXTERN(int) bw_parse_buffer(bw_report **out, const bw_rules *rules,
                               const char *buf, size_t len,
                               const bw_parse_options *opts);

/** As bw_parse_buffer(), reading the file at `path` (BW_EIO if unreadable). */
BW_EXTERN(int) bw_parse_file(bw_report **out, const bw_rules *rules,
                             const char *path, const bw_parse_options *opts);

/** As bw_parse_buffer(), reading `fd` to its end.  The fd is not closed. */
BW_EXTERN(int) bw_parse_fd(bw_report **out, const bw_rules *rules, int fd,
                           const bw_parse_options *opts);

/**
 * Classifies a bare SMTP reply, as a mail server sees it at SMTP time, or a
 * Postfix/Exim/Sendmail log line that carries one.  The report has kind
 * BW_KIND_REPLY and exactly one recipient (its address is "" unless the
 * text names one).
 *
 * @param reply        the reply text ("550 5.7.1 ...", "SC-001", a log line)
 * @param remote_host  the host that answered, or NULL
 * @param command      the SMTP command it answered ("RCPT", "MAIL", "DATA"...), or NULL
 */
BW_EXTERN(int) bw_classify_reply(bw_report **out, const bw_rules *rules,
                                 const char *reply, const char *remote_host,
                                 const char *command);

/** Releases a report and everything borrowed from it.  NULL is fine. */
BW_EXTERN(void) bw_report_free(bw_report *report);

/* ------------------------------------------------------------------ */
/* Reports                                                              */
/* ------------------------------------------------------------------ */

/** What kind of message was parsed. */
typedef enum bw_kind {
	BW_KIND_BOUNCE = 0,      /**< at least one recipient failed */
	BW_KIND_DELAY,           /**< delivery is delayed, still being retried */
	BW_KIND_DELIVERED,       /**< a success notification */
	BW_KIND_FEEDBACK,        /**< an RFC 5965 feedback (abuse) report */
	BW_KIND_AUTOREPLY,       /**< an RFC 3834 automatic reply (vacation) */
	BW_KIND_NOT_A_BOUNCE,    /**< none of the above */
	BW_KIND_REPLY,           /**< a bare SMTP reply, from bw_classify_reply() */
} bw_kind;

/** The name of a kind ("bounce", "delay", "delivered", "feedback",
 *  "autoreply", "not-a-bounce", "reply").  Never NULL. */
BW_EXTERN(const char *) bw_kind_name(bw_kind kind);

/** The kind of message the report describes. */
BW_EXTERN(bw_kind) bw_report_kind(const bw_report *report);

/** Per-message string fields of a report. */
typedef enum bw_report_field {
	BW_REPORT_FORMAT = 0,         /**< decoder that read the report ("rfc3464", "postfix"...) */
	BW_REPORT_REPORTING_MTA,      /**< Reporting-MTA, without its "dns;" type */
	BW_REPORT_ARRIVAL_DATE,
	BW_REPORT_RECEIVED_FROM_MTA,
	BW_REPORT_SUBJECT,            /**< Subject of the bounce itself */
	BW_REPORT_FROM,               /**< From of the bounce itself */
	BW_REPORT_DATE,               /**< Date of the bounce itself */
	BW_REPORT_ORIG_MESSAGE_ID,    /**< fields of the returned original message */
	BW_REPORT_ORIG_FROM,
	BW_REPORT_ORIG_TO,
	BW_REPORT_ORIG_SUBJECT,
	BW_REPORT_ORIG_DATE,
	BW_REPORT_ORIG_LIST_ID,
	BW_REPORT_FEEDBACK_TYPE,      /**< ARF Feedback-Type (feedback reports) */
	BW_REPORT_USER_AGENT,         /**< ARF User-Agent */
	BW_REPORT_SOURCE_IP,          /**< ARF Source-IP */
	BW_REPORT_SUBSCRIBER,         /**< the list subscriber a VERP return address of the
	                                   notice names ("list-bounces+jane=example.org@..."
	                                   in its Delivered-To, X-Original-To, Envelope-To
	                                   or To, or the returned original's Return-Path):
	                                   whose subscription the notice concerns, also when
	                                   the failed address is another (a forwarding
	                                   target) */
	BW_REPORT_FIELD_COUNT
} bw_report_field;

/** A report field's value, "" when absent.  Borrowed from `report`. */
BW_EXTERN(const char *) bw_report_get(const bw_report *report, bw_report_field field);

/** The JSON key of a report field ("reporting_mta"), or "" if out of range. */
BW_EXTERN(const char *) bw_report_field_name(bw_report_field field);

/** Number of headers kept from the returned original message (Message-ID,
 *  From, To, Subject, Date, List-Id and all X- headers). */
BW_EXTERN(size_t) bw_report_original_header_count(const bw_report *report);

/** The i-th kept original header; name and value are borrowed from `report`.
 *  Returns BW_ENOTFOUND when i is out of range. */
BW_EXTERN(int) bw_report_original_header(const bw_report *report, size_t i,
                                         const char **name, const char **value);

/**
 * A header of the bounce message itself, kept for matching a bounce to a
 * subscriber: "Message-ID", "To", "Delivered-To", "X-Original-To",
 * "Envelope-To" or "X-Envelope-To" (case-insensitive).  "" when absent or
 * not one of those.  Borrowed from `report`.
 */
BW_EXTERN(const char *) bw_report_message_header(const bw_report *report, const char *name);

/** Per-message extension fields of the delivery-status part (X-Postfix-Queue-ID...). */
BW_EXTERN(size_t) bw_report_extra_count(const bw_report *report);
BW_EXTERN(int) bw_report_extra(const bw_report *report, size_t i,
                               const char **name, const char **value);

/** Things that were tolerated while parsing (malformed fields...). */
BW_EXTERN(size_t) bw_report_warning_count(const bw_report *report);
BW_EXTERN(const char *) bw_report_warning(const bw_report *report, size_t i);

/** Number of recipients in the report (0 for not-a-bounce). */
BW_EXTERN(size_t) bw_report_recipient_count(const bw_report *report);

/** The i-th recipient, in the order the report lists them; NULL when out
 *  of range.  Borrowed from `report`. */
BW_EXTERN(const bw_recipient *) bw_report_recipient(const bw_report *report, size_t i);

/* ------------------------------------------------------------------ */
/* Recipients                                                           */
/* ------------------------------------------------------------------ */

/** Per-recipient string fields. */
typedef enum bw_recipient_field {
	BW_RCPT_RECIPIENT = 0,      /**< the failed address, normalised */
	BW_RCPT_ORIGINAL_RECIPIENT, /**< Original-Recipient, when given */
	BW_RCPT_ACTION,             /**< failed, delayed, delivered, relayed, expanded */
	BW_RCPT_STATUS,             /**< RFC 3463 code "5.1.1", validated */
	BW_RCPT_REPLY_CODE,         /**< RFC 5321 reply code "550" */
	BW_RCPT_SMTP_COMMAND,       /**< CONN, HELO, MAIL, RCPT, DATA, STARTTLS, AUTH */
	BW_RCPT_REMOTE_MTA,         /**< host that answered */
	BW_RCPT_REMOTE_IP,          /**< its address */
	BW_RCPT_DIAGNOSTIC_TYPE,    /**< "smtp", "x-unix"... */
	BW_RCPT_DIAGNOSTIC,         /**< the full diagnostic text, unfolded */
	BW_RCPT_LAST_ATTEMPT_DATE,
	BW_RCPT_WILL_RETRY_UNTIL,
	BW_RCPT_REASON,             /**< one of the reason names, see README */
	BW_RCPT_FAULT,              /**< recipient, sender, receiver, transit or "" */
	BW_RCPT_FORMAT,             /**< decoder that produced the record */
	BW_RCPT_RULE,               /**< id of the rule that decided the reason */
	BW_RCPT_PROVIDER,           /**< receiving provider ("Microsoft Outlook.com") */
	BW_RCPT_PROVIDER_CODE,      /**< provider code ("SC-001", "TSS04") */
	BW_RCPT_SERVER_TAG,         /**< answering host tag ("BAY004-MC1F7") */
	BW_RCPT_EXPLANATION,        /**< what happened, in plain words */
	BW_RCPT_FEEDBACK_TYPE,      /**< ARF feedback type for feedback reports */
	BW_RCPT_DECIDED_BY,         /**< which tier decided the reason: "provider rule",
	                                 "phrase rule", "status code", "lexicon",
	                                 "generic phrase", "reply code", "report", "none" */
	BW_RCPT_PROVIDER_ID,        /**< the provider's stable id ("microsoft"); JSON puts
	                                 it right after "provider" */
	BW_RCPT_FIELD_COUNT
} bw_recipient_field;

/** A recipient field's value, "" when absent.  Borrowed from the report. */
BW_EXTERN(const char *) bw_recipient_get(const bw_recipient *rcpt, bw_recipient_field field);

/** The JSON key of a recipient field ("reply_code"), or "" if out of range. */
BW_EXTERN(const char *) bw_recipient_field_name(bw_recipient_field field);

/** 1 when the failure is permanent (not worth retrying as it is), else 0. */
BW_EXTERN(int) bw_recipient_permanent(const bw_recipient *rcpt);

/** 1 when the address itself is bad and should be removed from a list. */
BW_EXTERN(int) bw_recipient_hard_bounce(const bw_recipient *rcpt);

/** How strongly the evidence supports the reason, 0 (none) to 100 (a
 *  provider's own code); which tier decided is BW_RCPT_DECIDED_BY. */
BW_EXTERN(int) bw_recipient_confidence(const bw_recipient *rcpt);

/** Ordered remedies (what to do), most useful first. */
BW_EXTERN(size_t) bw_recipient_remedy_count(const bw_recipient *rcpt);
BW_EXTERN(const char *) bw_recipient_remedy(const bw_recipient *rcpt, size_t i);

/** Reference URLs (provider documentation, delisting forms). */
BW_EXTERN(size_t) bw_recipient_reference_count(const bw_recipient *rcpt);
BW_EXTERN(const char *) bw_recipient_reference(const bw_recipient *rcpt, size_t i);

/** The evidence chain that led to the verdict, one step a line
 *  ("decoder postfix: Status 5.1.1", "rule generic.userunknown.en: ..."). */
BW_EXTERN(size_t) bw_recipient_evidence_count(const bw_recipient *rcpt);
BW_EXTERN(const char *) bw_recipient_evidence(const bw_recipient *rcpt, size_t i);

/** Per-recipient extension fields (X-Actual-Recipient...). */
BW_EXTERN(size_t) bw_recipient_extra_count(const bw_recipient *rcpt);
BW_EXTERN(int) bw_recipient_extra(const bw_recipient *rcpt, size_t i,
                                  const char **name, const char **value);

/* ------------------------------------------------------------------ */
/* JSON                                                                 */
/* ------------------------------------------------------------------ */

/** The "schema_version" every JSON record carries (doc/record.schema.json).
 *  It grows when a member changes meaning or goes away, not when one is
 *  added. */
#define BW_JSON_SCHEMA_VERSION 1

/** Flags for bw_report_to_json(), bw_report_write_json() and the error
 *  records. */
enum {
	BW_JSON_PRETTY = 1 << 0,    /**< indented output instead of one line */
	BW_JSON_EVIDENCE = 1 << 1,  /**< include the evidence chain */
};

/**
 * Serialises a report as one JSON object.
 *
 * @param out     receives a NUL-terminated string; free it with bw_free()
 * @param report  the report
 * @param source  value of the "source" member, or NULL to leave it out
 * @param flags   BW_JSON_* flags
 */
BW_EXTERN(int) bw_report_to_json(char **out, const bw_report *report,
                                 const char *source, unsigned int flags);

/**
 * Receives JSON text written by bw_report_write_json() or
 * bw_error_write_json(), in order, in pieces of up to some tens of
 * kilobytes (not NUL-terminated; a piece may end inside a string).
 *
 * @param data     the next piece of text
 * @param len      its length in bytes
 * @param payload  the pointer given with the callback
 * @return 0 to go on; any other value stops the writing (BW_EIO)
 */
typedef int (*bw_write_cb)(const char *data, size_t len, void *payload);

/**
 * Writes a report as one JSON object, the text bw_report_to_json() gives,
 * through `write` while it is produced: memory stays small whatever the
 * number of recipients (the report is not copied).  Nothing follows the
 * closing brace (no newline).
 *
 * @param report   the report
 * @param source   value of the "source" member, or NULL to leave it out
 * @param flags    BW_JSON_* flags
 * @param write    receives the text
 * @param payload  passed to `write`
 * @return BW_OK, BW_EINVALID for a NULL report or write, BW_ENOMEM, or
 *         BW_EIO when `write` stopped (part of the text may have gone out)
 */
BW_EXTERN(int) bw_report_write_json(const bw_report *report, const char *source,
                                    unsigned int flags, bw_write_cb write, void *payload);

/**
 * Writes the error record of bw_error_to_json() through `write`, as
 * bw_report_write_json() does for a report.
 *
 * @return BW_OK, BW_EINVALID for a NULL write, BW_ENOMEM or BW_EIO
 */
BW_EXTERN(int) bw_error_write_json(const char *source, int code, const char *message,
                                   unsigned int flags, bw_write_cb write, void *payload);

/**
 * Receives the members of a record in order, as bw_report_walk() and
 * bw_error_walk() give them: the structure of the JSON record (objects,
 * arrays, keys and values), told once for every consumer (the JSON writer,
 * the Python binding's dicts).  Each callback returns 0 to go on; any
 * other value stops the walk (BW_EIO).  Strings are the record's own bytes
 * (not necessarily UTF-8; NULL is an absent value, JSON null).
 */
typedef struct bw_record_visitor {
	int (*begin_object)(void *ctx);
	int (*end_object)(void *ctx);
	int (*begin_array)(void *ctx);
	int (*end_array)(void *ctx);
	int (*key)(void *ctx, const char *name);
	int (*string)(void *ctx, const char *value);
	int (*integer)(void *ctx, long value);
	int (*boolean)(void *ctx, int value);
} bw_record_visitor;

/**
 * Walks a report as its JSON record: "mbox_index" first when mbox_index >=
 * 0, then "schema_version", "source" (when not NULL), "kind", the report's
 * fields, "original_headers", "extras" (when there are any), "warnings" and
 * "recipients" (each with its fields, "permanent", "hard_bounce",
 * "confidence", "remedies", "references", "extras" when any, and
 * "evidence" with BW_JSON_EVIDENCE).
 *
 * @param flags  BW_JSON_EVIDENCE or 0 (BW_JSON_PRETTY is the writer's)
 * @return BW_OK, BW_EINVALID (a NULL report or callback), or BW_EIO when a
 *         callback stopped the walk
 */
BW_EXTERN(int) bw_report_walk(const bw_report *report, const char *source, long mbox_index,
                              unsigned int flags, const bw_record_visitor *visitor, void *ctx);

/**
 * Walks the error record of a message that could not be read, as
 * bw_error_to_json() writes it.
 *
 * @return BW_OK, BW_EINVALID or BW_EIO
 */
BW_EXTERN(int) bw_error_walk(const char *source, long mbox_index, int code, const char *message,
                             const bw_record_visitor *visitor, void *ctx);

/** Flags for bw_report_to_text(). */
enum {
	BW_TEXT_EXPLAIN = 1 << 0,   /**< add each verdict's rule, evidence chain and the warnings */
};

/**
 * Renders a report as text for people, as the bouncewhy command prints it:
 * a line naming the input and its kind, then per recipient a headline in
 * plain words, the verdict (reason, permanence, whose side, remove or keep
 * the address), provider and code, the explanation, what the server said,
 * the numbered remedies and the references, word-wrapped at 78 columns.
 * Ends with an empty line.  Text taken from the message or the source name
 * has its control characters and non-UTF-8 bytes written as \xHH.  A
 * message of an mbox is named "SOURCE (mbox_index N)", N as in the JSON.
 *
 * @param out         receives a NUL-terminated UTF-8 string; free it with bw_free()
 * @param report      the report
 * @param source      the input's name for the first line; NULL prints "-"
 * @param mbox_index  the message's 0-based position in an mbox, or -1 for
 *                    a message read on its own
 * @param flags       BW_TEXT_* flags
 * @return BW_OK, BW_EINVALID for a NULL out or report, BW_ENOMEM
 */
BW_EXTERN(int) bw_report_to_text(char **out, const bw_report *report, const char *source,
                                 long mbox_index, unsigned int flags);

/**
 * The text record the bouncewhy command prints for a message it could not
 * read: "SOURCE (mbox_index N): error: MESSAGE" and an empty line, with
 * control characters and non-UTF-8 bytes written as \xHH.
 *
 * @param out         receives a NUL-terminated string; free it with bw_free()
 * @param source      the input's name, or NULL ("-")
 * @param mbox_index  the message's index in its mbox, or -1
 * @param message     what went wrong
 */
BW_EXTERN(int) bw_error_to_text(char **out, const char *source, long mbox_index,
                                const char *message);

/* ------------------------------------------------------------------ */
/* Output: records framed as the bouncewhy command prints them         */
/* ------------------------------------------------------------------ */

/** A sequence of records written through a bw_write_cb: one JSON array,
 *  NDJSON, or text.  One thread at a time. */
typedef struct bw_output bw_output;

/** The framing of a bw_output. */
typedef enum bw_output_format {
	BW_OUTPUT_TEXT = 0,    /**< bw_report_to_text() and bw_error_to_text(), one after another */
	BW_OUTPUT_JSON,        /**< one indented JSON array, "[" at the start, "]" at the end */
	BW_OUTPUT_NDJSON       /**< one compact JSON object per line */
} bw_output_format;

/** Flags for bw_output_new(). */
enum {
	BW_OUTPUT_EXPLAIN = 1 << 0,   /**< evidence in JSON, rule and evidence in text */
};

/**
 * Starts an output (for BW_OUTPUT_JSON, writes the opening bracket).
 *
 * @param out      receives the output; free it with bw_output_free()
 * @param format   the framing
 * @param flags    BW_OUTPUT_* flags
 * @param write    receives the text, in order
 * @param payload  passed to `write`
 * @return BW_OK, BW_EINVALID, BW_ENOMEM, or BW_EIO when `write` refused
 */
BW_EXTERN(int) bw_output_new(bw_output **out, bw_output_format format, unsigned int flags,
                             bw_write_cb write, void *payload);

/**
 * Writes one report: in JSON its object (with "mbox_index": N first when
 * mbox_index >= 0) after the separator the framing needs, streamed; in text
 * its rendering.  A failure before anything of the record was written (no
 * memory) leaves the output as it was, so that the caller can write an
 * error record instead; after part of it was written the output is cut
 * off, and every later call fails with BW_EIO.
 *
 * @return BW_OK, BW_EINVALID, BW_ENOMEM or BW_EIO
 */
BW_EXTERN(int) bw_output_report(bw_output *o, const bw_report *report, const char *source,
                                long mbox_index);

/**
 * Writes the record of a message that could not be read: the JSON error
 * record of bw_error_write_json() (framed as a report is), or the text of
 * bw_error_to_text().
 *
 * @return BW_OK, BW_EINVALID, BW_ENOMEM or BW_EIO
 */
BW_EXTERN(int) bw_output_error(bw_output *o, const char *source, long mbox_index, int code,
                               const char *message);

/**
 * Ends the output (for BW_OUTPUT_JSON, writes the closing bracket).  Call
 * once; nothing can be written after it.
 *
 * @return BW_OK, BW_EINVALID, or BW_EIO (refused, or cut off earlier)
 */
BW_EXTERN(int) bw_output_finish(bw_output *o);

/** Releases an output (it does not finish it).  NULL is fine. */
BW_EXTERN(void) bw_output_free(bw_output *o);

/**
 * The line the bouncewhy command writes on standard error for an input it
 * could not read: "bouncewhy: SOURCE: MESSAGE" and a newline, with
 * " (mbox_index N)" after SOURCE for a message of an mbox.  In SOURCE,
 * control characters (below 0x20, 0x7F, and the C1 controls 0xC2 0x80-0x9F)
 * and the bytes 0x80-0xC1 and 0xF5-0xFF are written as \xHH (a file name
 * cannot break the line or steer a terminal); MESSAGE is written as given.
 * The CLI and `python3 -m bouncewhy` write this line.
 *
 * @param out         receives the line; free it with bw_free()
 * @param source      the input's name, or NULL ("-")
 * @param mbox_index  the message's index in its mbox, or -1
 * @param message     what went wrong, or NULL ("")
 * @return BW_OK, BW_EINVALID for a NULL out, BW_ENOMEM
 */
BW_EXTERN(int) bw_error_line(char **out, const char *source, long mbox_index,
                             const char *message);

/**
 * Serialises an error record {"source":..., "error":..., "error_code":...,
 * "recipients":[]}, for an input that gave no report.
 *
 * @param out     receives the string; free it with bw_free()
 * @param source  value of "source", or NULL
 * @param code    the bw_error_code
 * @param message what went wrong
 */
BW_EXTERN(int) bw_error_to_json(char **out, const char *source, int code,
                                const char *message, unsigned int flags);

/* ------------------------------------------------------------------ */
/* Mailbox reading                                                      */
/* ------------------------------------------------------------------ */

/** Streams messages out of an mbox file, one at a time, in bounded memory. */
typedef struct bw_mbox bw_mbox;

/**
 * Opens an mbox reader over `fd` (not closed by the reader).
 * @return BW_OK, BW_EINVALID or BW_ENOMEM.
 */
BW_EXTERN(int) bw_mbox_open_fd(bw_mbox **out, int fd, size_t max_message_size);

/**
 * As bw_mbox_open_fd(), for a descriptor whose first bytes were already
 * read (a pipe cannot seek back after bw_mbox_detect()): the reader reads
 * `head` first, then `fd`.  Standard input is read this way, as a stream.
 * @param head      the bytes already read (copied; at most 64 KiB)
 * @return BW_OK, BW_EINVALID or BW_ENOMEM.
 */
BW_EXTERN(int) bw_mbox_open_fd_head(bw_mbox **out, int fd, const char *head, size_t head_len,
                                    size_t max_message_size);

/**
 * Reads the next message.  `*msg` points into the reader's buffer and stays
 * valid until the next call or bw_mbox_free().  ">From " quoting (mboxrd) is
 * undone.
 * @return BW_OK with a message, BW_ENOTFOUND at the end, BW_EIO on a read
 *         error, BW_ELIMIT for a message over the size limit (it is skipped
 *         and the next call continues after it).
 */
BW_EXTERN(int) bw_mbox_next(bw_mbox *mbox, const char **msg, size_t *len);

/** 1 if the buffer starts like an mbox file (a "From " line, after any
 * blank lines), else 0. */
BW_EXTERN(int) bw_mbox_detect(const char *buf, size_t len);

/** Releases an mbox reader (the fd stays open).  NULL is fine. */
BW_EXTERN(void) bw_mbox_free(bw_mbox *mbox);

/* ------------------------------------------------------------------ */
/* Scanning inputs                                                      */
/* ------------------------------------------------------------------ */

/*
 * A scanner turns inputs into diagnosed messages, one at a time, as the
 * bouncewhy command reads its operands:
 *
 *  - a file is one message, or an mbox file when it starts with a "From "
 *    line (each message numbered from 0 by its mbox index);
 *  - a directory is read recursively, entries in byte order of their names;
 *    hidden entries, files other than regular ones and the notes kept
 *    beside samples (*.json, *.tsv, *.md) are skipped; a directory with
 *    cur/ or new/ is a Maildir, where tmp/ and the files the mail and IMAP
 *    servers keep there (dovecot*, courier*, subscriptions, maildirfolder)
 *    are skipped too; a directory reached twice through symbolic links is
 *    read once, and nesting deeper than 64 is an error;
 *  - a descriptor (standard input) is read as a stream: one message, refused
 *    as soon as it exceeds max_message_size, or an mbox of any length.
 *
 * The walk is lazy and bounded in memory.  Every input that gives no report
 * (unreadable, over a limit, not a message) gives an error item instead, so
 * no message is dropped silently.  A scanner belongs to one thread at a
 * time; several scanners may share one bw_rules.
 */

/** A scanner over queued inputs. */
typedef struct bw_scan bw_scan;
/** One result of a scanner: a report or an error.  Borrowed from its scanner. */
typedef struct bw_scan_item bw_scan_item;

/**
 * Creates a scanner with nothing queued.
 *
 * @param out    receives the scanner; free it with bw_scan_free()
 * @param rules  the rule set, borrowed: it must outlive the scanner
 * @param opts   limits (copied), or NULL for the defaults
 * @return BW_OK, BW_EINVALID (NULL rules, options version) or BW_ENOMEM.
 */
BW_EXTERN(int) bw_scan_new(bw_scan **out, const bw_rules *rules, const bw_parse_options *opts);

/**
 * Queues a file, mbox or directory (the path is copied).  Nothing is read
 * until bw_scan_next(); a path that cannot be read gives an error item.
 * @return BW_OK, BW_EINVALID or BW_ENOMEM.
 */
BW_EXTERN(int) bw_scan_add_path(bw_scan *scan, const char *path);

/**
 * Queues a descriptor, read to its end when its turn comes.  It is not
 * closed.  A regular file is read from its start; anything else as a stream.
 * @param source  the name items carry (copied); NULL gives "-"
 * @return BW_OK, BW_EINVALID or BW_ENOMEM.
 */
BW_EXTERN(int) bw_scan_add_fd(bw_scan *scan, int fd, const char *source);

/**
 * As bw_scan_add_fd(), for a descriptor whose first bytes the caller
 * already read (a buffered stream): `head` is read first, then `fd`, as a
 * stream.
 * @param head  the bytes already read (copied; at most 64 KiB)
 * @return BW_OK, BW_EINVALID or BW_ENOMEM.
 */
BW_EXTERN(int) bw_scan_add_fd_head(bw_scan *scan, int fd, const char *source,
                                   const char *head, size_t head_len);

/**
 * Reads and diagnoses the next message of the queued inputs, in order.
 *
 * @param out   receives the item, valid until the next bw_scan_next() or
 *              bw_scan_free() on this scanner (report included)
 * @param scan  the scanner
 * @return BW_OK with an item; BW_ENOTFOUND when every input is done;
 *         BW_ENOMEM or BW_EINVALID when the scanner itself failed (an input
 *         that fails gives an item, not an error code).
 */
BW_EXTERN(int) bw_scan_next(const bw_scan_item **out, bw_scan *scan);

/** Releases a scanner, its current item and any descriptor it opened.
 *  Queued descriptors stay open.  NULL is fine. */
BW_EXTERN(void) bw_scan_free(bw_scan *scan);

/** The item's input: the path as queued or as found in a directory, or the
 *  descriptor's source name.  Never NULL. */
BW_EXTERN(const char *) bw_scan_item_source(const bw_scan_item *item);

/** The message's 0-based position in its mbox, or -1 for a message read on
 *  its own and for an error about a whole input. */
BW_EXTERN(long) bw_scan_item_mbox_index(const bw_scan_item *item);

/** The report, or NULL for an error item.  Borrowed from the scanner. */
BW_EXTERN(const bw_report *) bw_scan_item_report(const bw_scan_item *item);

/** BW_OK when the item has a report, else the bw_error_code of the failure. */
BW_EXTERN(int) bw_scan_item_error_code(const bw_scan_item *item);

/** What went wrong ("" when the item has a report).  Never NULL. */
BW_EXTERN(const char *) bw_scan_item_error(const bw_scan_item *item);

#ifdef __cplusplus
}
#endif

#endif /* BOUNCEWHY_H */
