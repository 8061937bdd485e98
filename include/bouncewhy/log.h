/*
 * bouncewhy/log.h - read a mail server's own log (Postfix, Exim, Sendmail,
 * OpenSMTPD) as a stream of delivery attempts, diagnose every failure with
 * the same rules as a bounce, and summarise them for the server's operator.
 *
 *     #include <bouncewhy/log.h>     (includes <bouncewhy.h>)
 *
 * The conventions of bouncewhy.h hold: BW_OK or a negative bw_error_code,
 * `out` first, borrowed `const char *` never NULL ("" when absent).
 *
 * Reading:
 *
 *     bw_log *log;
 *     const bw_log_attempt *a;
 *     bw_log_open_file(&log, rules, "/var/log/mail.log", NULL);
 *     while (bw_log_next(log, &a) == BW_OK)
 *             printf("%s %s %s\n", bw_log_attempt_get(a, BW_LOG_TIME),
 *                    bw_log_attempt_get(a, BW_LOG_RECIPIENT),
 *                    bw_log_attempt_get(a, BW_LOG_STATUS));
 *     bw_log_free(log);
 *
 * A line is one delivery attempt when it is a delivery line of one of the
 * four MTAs (Postfix smtp/lmtp/local/virtual/error/pipe: "status=";
 * Exim main log: "=>", "->", "==", "**"; Sendmail: "stat="; OpenSMTPD:
 * "result=").  Every other line is skipped and counted, never classified.
 * Lines may carry a classic syslog time stamp ("Dec  2 05:31:37", year
 * inferred), an RFC 3339 / ISO 8601 one (rsyslog, journalctl -o short-iso,
 * Exim's "2026-12-02 05:31:37"), or none (journalctl -o cat).
 *
 * Memory is bounded whatever the input: a line longer than
 * bw_log_options.max_line_length is cut (the attempt is still read from the
 * part kept, and counted in BW_LOG_STAT_CUT_LINES).  Bytes that are not
 * UTF-8 are read as Latin-1.
 */
#ifndef BOUNCEWHY_LOG_H
#define BOUNCEWHY_LOG_H

#include <bouncewhy.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A log reader.  Belongs to one thread at a time. */
typedef struct bw_log bw_log;
/** One delivery attempt read from a log. */
typedef struct bw_log_attempt bw_log_attempt;
/** Failures grouped for a person (see bw_log_summary_new()). */
typedef struct bw_log_summary bw_log_summary;

#define BW_LOG_OPTIONS_VERSION 1

/** Options of a log reader.  Initialise with BW_LOG_OPTIONS_INIT. */
typedef struct bw_log_options {
	unsigned int version;       /**< BW_LOG_OPTIONS_VERSION */
	/** Time the log was last written (seconds since the epoch), used to
	 *  infer the year of classic syslog stamps, which have none: a stamp
	 *  is put in the latest year that does not make it more than a day
	 *  later than this.  0: now.  (The CLI passes a file's mtime.) */
	long long reference_time;
	/** Longest line kept, in bytes; longer lines are cut.  0: 64 KiB. */
	size_t max_line_length;
} bw_log_options;

#define BW_LOG_OPTIONS_INIT { BW_LOG_OPTIONS_VERSION, 0, 0 }

/** Fills `opts` with the defaults.  Returns BW_EINVALID on a version mismatch. */
BW_EXTERN(int) bw_log_options_init(bw_log_options *opts, unsigned int version);

/**
 * Opens a reader over `fd`, which it reads to its end (not closed by the
 * reader).  Memory stays bounded however much the descriptor gives.
 *
 * @param out    receives the reader; free it with bw_log_free()
 * @param rules  the rule set failures are classified with; borrowed, must
 *               outlive the reader
 * @param fd     an open descriptor
 * @param opts   options, or NULL for the defaults
 * @return BW_OK, BW_EINVALID, BW_ENOMEM
 */
BW_EXTERN(int) bw_log_open_fd(bw_log **out, const bw_rules *rules, int fd,
                              const bw_log_options *opts);

/** As bw_log_open_fd(), opening `path` (closed by bw_log_free()).  When
 *  opts->reference_time is 0, the file's modification time is used.
 *  BW_EIO when the file cannot be opened. */
BW_EXTERN(int) bw_log_open_file(bw_log **out, const bw_rules *rules, const char *path,
                                const bw_log_options *opts);

/** As bw_log_open_fd(), over `len` bytes at `buf`, which are borrowed and
 *  must stay unchanged until bw_log_free(). */
BW_EXTERN(int) bw_log_open_buffer(bw_log **out, const bw_rules *rules,
                                  const char *buf, size_t len,
                                  const bw_log_options *opts);

/**
 * Opens a reader that is given its input piece by piece with
 * bw_log_feed() (for decompressed or followed logs).  bw_log_next() returns
 * BW_ENOTFOUND when it needs more; bw_log_feed_end() says there is no more,
 * after which a last line without its newline is read too.
 */
BW_EXTERN(int) bw_log_open_push(bw_log **out, const bw_rules *rules,
                                const bw_log_options *opts);

/**
 * Gives a push reader the next `len` bytes of the log.  They are borrowed,
 * not copied (except the piece of a line that continues in the next
 * chunk): keep them unchanged until bw_log_next() has returned
 * BW_ENOTFOUND.  Lines may be split anywhere between chunks.
 * @return BW_OK, BW_EINVALID (not a push reader, or the previous chunk is
 *         not used up yet)
 */
BW_EXTERN(int) bw_log_feed(bw_log *log, const char *buf, size_t len);

/** Marks the end of a push reader's input. */
BW_EXTERN(int) bw_log_feed_end(bw_log *log);

/**
 * Reads the next delivery attempt.
 *
 * @param log  the reader
 * @param out  receives the attempt, borrowed from the reader and valid until
 *             the next call of bw_log_next() or bw_log_free() (copy it with
 *             bw_log_attempt_dup() to keep it)
 * @return BW_OK with an attempt; BW_ENOTFOUND at the end of the input (for a
 *         push reader: when the data fed so far is used up); BW_EIO on a read
 *         error; BW_ENOMEM; a rule engine error.
 */
BW_EXTERN(int) bw_log_next(bw_log *log, const bw_log_attempt **out);

/** Counters of a reader. */
typedef enum bw_log_stat {
	BW_LOG_STAT_LINES = 0,      /**< lines read */
	BW_LOG_STAT_ATTEMPTS,       /**< delivery attempts returned */
	BW_LOG_STAT_SKIPPED,        /**< lines that were not delivery attempts */
	BW_LOG_STAT_CUT_LINES,      /**< lines longer than max_line_length (cut) */
	BW_LOG_STAT_BYTES,          /**< bytes read */
	BW_LOG_STAT_COUNT
} bw_log_stat;

/** The value of a counter (0 for an unknown one). */
BW_EXTERN(unsigned long long) bw_log_stat_get(const bw_log *log, bw_log_stat stat);

/** Releases a reader (and closes the file bw_log_open_file() opened).  NULL is fine. */
BW_EXTERN(void) bw_log_free(bw_log *log);

/* ------------------------------------------------------------------ */
/* Attempts                                                             */
/* ------------------------------------------------------------------ */

/** String fields of an attempt. */
typedef enum bw_log_field {
	BW_LOG_TIME = 0,         /**< "2026-12-02T05:31:37Z" (UTC), "" when the line had no stamp */
	BW_LOG_HOST,             /**< the host that wrote the line (syslog), or "" */
	BW_LOG_PROGRAM,          /**< "postfix/smtp", "exim", "sm-mta", "smtpd" */
	BW_LOG_MTA,              /**< "postfix", "exim", "sendmail" or "opensmtpd" */
	BW_LOG_QUEUE_ID,         /**< the MTA's message id */
	BW_LOG_RECIPIENT,        /**< the recipient address */
	BW_LOG_ORIG_RECIPIENT,   /**< the address before aliasing, when logged */
	BW_LOG_RELAY,            /**< the host delivered to ("mx2.hotmail.com"), or a transport */
	BW_LOG_RELAY_IP,         /**< its address */
	BW_LOG_DELAY,            /**< as logged ("1.2", "00:00:01", "1s") */
	BW_LOG_DSN,              /**< the DSN status the MTA logged ("5.0.0") */
	BW_LOG_STATUS,           /**< "sent", "deferred", "bounced" or "expired" */
	BW_LOG_REPLY,            /**< the MTA's text about the attempt (the remote reply) */
	BW_LOG_FIELD_COUNT
} bw_log_field;

/** A field's value, "" when absent.  Borrowed from the attempt. */
BW_EXTERN(const char *) bw_log_attempt_get(const bw_log_attempt *a, bw_log_field field);

/** The JSON key of a field ("queue_id"), or "" if out of range. */
BW_EXTERN(const char *) bw_log_field_name(bw_log_field field);

/** The attempt's time in seconds since the epoch, or -1 when unknown. */
BW_EXTERN(long long) bw_log_attempt_time(const bw_log_attempt *a);

/** The line number (from 1) the attempt was read from. */
BW_EXTERN(unsigned long long) bw_log_attempt_line(const bw_log_attempt *a);

/** 1 when the attempt failed (deferred, bounced or expired), 0 when sent. */
BW_EXTERN(int) bw_log_attempt_failed(const bw_log_attempt *a);

/**
 * The diagnosis of a failed attempt, as for a bounce: a report of kind
 * BW_KIND_BOUNCE (bounced, expired) or BW_KIND_DELAY (deferred) with one
 * recipient carrying reason, fault, provider, provider code, remedies, rule
 * and evidence.  NULL for a successful attempt.  Borrowed from the attempt.
 */
BW_EXTERN(const bw_report *) bw_log_attempt_report(const bw_log_attempt *a);

/** A copy of `a` that the caller owns (free with bw_log_attempt_free()). */
BW_EXTERN(int) bw_log_attempt_dup(bw_log_attempt **out, const bw_log_attempt *a);

/** Releases a copy made by bw_log_attempt_dup().  NULL is fine. */
BW_EXTERN(void) bw_log_attempt_free(bw_log_attempt *a);

/**
 * One attempt as a one-line JSON object: the fields above by their JSON
 * names (absent ones null), "line", "timestamp" (epoch seconds or null),
 * and for failures "diagnosis", the recipient object of the bounce JSON
 * (reason, fault, provider, provider_code, remedies, rule...).
 *
 * @param out     receives the string; free it with bw_free()
 * @param source  value of a "source" member, or NULL to leave it out
 * @param flags   BW_JSON_EVIDENCE adds the evidence chain
 */
BW_EXTERN(int) bw_log_attempt_to_json(char **out, const bw_log_attempt *a,
                                      const char *source, unsigned int flags);

/* ------------------------------------------------------------------ */
/* Summary                                                              */
/* ------------------------------------------------------------------ */

/**
 * Creates an empty summary.  Failures added to it are grouped by provider
 * (or recipient domain when no provider is known), reason and provider
 * code; each group counts attempts, messages and recipients, lists the
 * domains, first and last seen, the latest reply and the remedies.  A group
 * is still happening unless a later successful attempt went to the same
 * provider (not told for problems of the recipient's own address or
 * mailbox, whose fault is "recipient": mail to other addresses getting
 * through does not end them).  Memory is bounded: at most 200 groups
 * (failures beyond are counted as not grouped), and at most 4096 distinct
 * messages, recipients and domains are told apart per group (counts beyond
 * that are marked as lower bounds).
 */
BW_EXTERN(int) bw_log_summary_new(bw_log_summary **out, const bw_rules *rules);

/** Adds one attempt (successful ones only end the problems of their provider). */
BW_EXTERN(int) bw_log_summary_add(bw_log_summary *s, const bw_log_attempt *a);

/** Also counts these reader statistics in the summary's totals. */
BW_EXTERN(void) bw_log_summary_add_stats(bw_log_summary *s, const bw_log *log);

/** Number of groups. */
BW_EXTERN(size_t) bw_log_summary_group_count(const bw_log_summary *s);

/** 1 when some group's fault is `fault` ("sender", "recipient",
 *  "receiver", "transit"; "any" for any group), else 0. */
BW_EXTERN(int) bw_log_summary_has_fault(const bw_log_summary *s, const char *fault);

/**
 * The summary as text for a person: totals, then one paragraph per group,
 * sender-side problems first (they affect every recipient at that
 * provider), then by number of messages.  Times are shown in local time.
 * @param out  receives the text; free it with bw_free()
 */
BW_EXTERN(int) bw_log_summary_to_text(char **out, const bw_log_summary *s, unsigned int flags);

/** The same summary as one JSON object {"totals":{...}, "groups":[...]},
 *  in the same order.  BW_JSON_PRETTY indents it. */
BW_EXTERN(int) bw_log_summary_to_json(char **out, const bw_log_summary *s, unsigned int flags);

/** Releases a summary.  NULL is fine. */
BW_EXTERN(void) bw_log_summary_free(bw_log_summary *s);

/* ------------------------------------------------------------------ */
/* The log command: log files read, filtered and summarised            */
/* ------------------------------------------------------------------ */

#define BW_LOG_RUN_OPTIONS_VERSION 1

/**
 * What bw_log_run() reads and prints.  Initialise with
 * BW_LOG_RUN_OPTIONS_INIT; the options that the command line gives as text
 * are best set with bw_log_run_option(), which checks them.
 */
typedef struct bw_log_run_options {
	unsigned int version;       /**< BW_LOG_RUN_OPTIONS_VERSION */
	/** BW_OUTPUT_TEXT: the summary as text (when following, also one line
	 *  per failure as it happens, and an empty line before the summary);
	 *  BW_OUTPUT_JSON: the summary as one indented JSON object;
	 *  BW_OUTPUT_NDJSON: one bw_log_attempt_to_json() record per attempt,
	 *  with "source", and no summary. */
	bw_output_format format;
	int explain;                /**< NDJSON: add each verdict's evidence chain */
	/** Keep reading the last path as it grows, through log rotation and
	 *  truncation (like tail -F), until `stop` says to end. */
	int follow;
	long long since;            /**< only attempts at or after this epoch second; -1: no bound */
	long long until;            /**< only attempts at or before this epoch second; -1: no bound */
	/** bw_log_options.reference_time of every reader (the year of classic
	 *  syslog stamps); 0: each file's modification time. */
	long long reference_time;
	/** NULL, or "sender", "recipient", "receiver", "transit" or "any":
	 *  bw_log_run() tells whether the summary has a problem of that side. */
	const char *fail_on;
	bw_write_cb write;          /**< receives the output (the command's standard output) */
	/** Receives the diagnostics, whole lines "bouncewhy log: ...\n" (the
	 *  command's standard error): a path that cannot be opened or read.
	 *  NULL: none. */
	bw_write_cb diag;
	/** Asked while following, about five times a second; non-zero ends the
	 *  run (the summary is still printed).  NULL: never. */
	int (*stop)(void *payload);
	void *payload;              /**< passed to write, diag and stop */
} bw_log_run_options;

#define BW_LOG_RUN_OPTIONS_INIT \
	{ BW_LOG_RUN_OPTIONS_VERSION, BW_OUTPUT_TEXT, 0, 0, -1, -1, 0, NULL, NULL, NULL, NULL, NULL }

/** Fills `opts` with the defaults.  Returns BW_EINVALID on a version mismatch. */
BW_EXTERN(int) bw_log_run_options_init(bw_log_run_options *opts, unsigned int version);

/**
 * Sets one option of `bouncewhy log` from its command-line text:
 *
 *   "format"   text, json or ndjson
 *   "since", "until"  a time: 2026-12-01, "2026-12-01 09:30[:00]" (local
 *              time), 2026-12-01T09:30:00Z, @EPOCH, or an age back from
 *              now: 30s, 30m, 24h, 7d
 *   "year"     the year of classic syslog stamps (1970-9999): the
 *              reference time becomes the end of that year (local time)
 *   "fail-on"  sender, recipient, receiver, transit or any
 *
 * @return BW_OK, or BW_EINVALID with the message the command prints
 *         ("cannot read the time '...'", "unknown format '...' (text, json
 *         or ndjson)", ...)
 */
BW_EXTERN(int) bw_log_run_option(bw_log_run_options *opts, const char *name, const char *value);

/**
 * Runs `bouncewhy log`: reads every path in order ("-": standard input;
 * gzip-compressed files and streams are recognised by their magic bytes),
 * each with its own push reader, keeps the attempts within since/until,
 * and prints them or their summary through opts->write.  With no path,
 * standard input is read (never followed).  A path that cannot be read is
 * told on opts->diag and the others are still read.
 *
 * @param fault_seen  receives 1 when opts->fail_on is set and the summary
 *                    has a problem of that side, else 0; may be NULL
 * @param rules       the rule set failures are classified with
 * @param paths       the log files
 * @param n           how many
 * @param opts        what to print and how
 * @return BW_OK; the error of the first path that could not be read
 *         (BW_EIO...), the others being read all the same; BW_EIO when
 *         opts->write refused the output (reading stops); BW_ENOMEM;
 *         BW_EINVALID.
 */
BW_EXTERN(int) bw_log_run(int *fault_seen, const bw_rules *rules, const char *const *paths,
                          size_t n, const bw_log_run_options *opts);

#ifdef __cplusplus
}
#endif

#endif /* BOUNCEWHY_LOG_H */
