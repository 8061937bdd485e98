/*
 * log.h - the internals of the mail log reader (bouncewhy/log.h).
 *
 *   log.c           the reader: input, lines, cut lines, dispatch, diagnosis
 *   log_time.c      time stamps and the syslog header of a line
 *   log_postfix.c   log_exim.c   log_sendmail.c   log_opensmtpd.c
 *                   one delivery-line parser per MTA
 *   log_attempt.c   attempts: fields, copies, JSON
 *   log_summary.c   grouping failures for a person (log_summary.h)
 *   log_summary_text.c, log_summary_json.c   rendering the groups
 *   log_json.c      the diagnosis of an attempt as JSON (jsonw.c writes it)
 */
#ifndef BW_LOG_H
#define BW_LOG_H

#include <stdbool.h>
#include <stddef.h>

#include "bouncewhy/log.h"
#include "util.h"

/* Attempt statuses (BW_LOG_STATUS). */
#define BW_LOG_SENT "sent"
#define BW_LOG_DEFERRED "deferred"
#define BW_LOG_BOUNCED "bounced"
#define BW_LOG_EXPIRED "expired"

/* An attempt: its strings live in `arena` (which starts with a NUL, so
 * offset 0 is ""), addressed by offset so that the arena may grow. */
struct bw_log_attempt {
	bw_buf arena;
	size_t off[BW_LOG_FIELD_COUNT];
	long long time;             /* -1 unknown */
	unsigned long long line;
	bw_report *report;          /* failures only */
};

void bw_log_attempt__reset(bw_log_attempt *a);
void bw_log_attempt__clear(bw_log_attempt *a);
/* Sets a field to s[0..len) with surrounding white space trimmed. */
void bw_log_attempt__set(bw_log_attempt *a, bw_log_field f, const char *s, size_t len);
static inline const char *bw_log_attempt__get(const bw_log_attempt *a, bw_log_field f)
{
	return a->arena.p ? a->arena.p + a->off[f] : "";
}

/* The parts of a line before the message. */
typedef struct bw_log_head {
	long long time;             /* -1: no stamp */
	const char *host;           /* NULL or not NUL-terminated, see *_len */
	size_t host_len;
	const char *prog;           /* "postfix/smtp", without "[pid]" */
	size_t prog_len;
	const char *msg;            /* the message, NUL-terminated (the rest of the line) */
} bw_log_head;

/* Converts local civil times to epoch seconds, with a small cache
 * (mktime is slow).  `ref` is the reference time for year inference. */
typedef struct bw_log_clock {
	long long ref;
	int ref_year;
	struct { int key; long long t; } cache[2];
} bw_log_clock;

void bw_log__clock_init(bw_log_clock *c, long long ref);
/* Splits a NUL-terminated line into time stamp, host, program and message. */
void bw_log__head(bw_log_clock *c, const char *line, bw_log_head *h);
/* Formats epoch seconds as "2026-12-02T05:31:37Z" (buf >= 32 bytes). */
void bw_log__iso(long long t, char *buf);

/* The per-MTA parsers.  Each reads one message (the line after its head)
 * and fills `a` (MTA, QUEUE_ID, RECIPIENT, STATUS, ...); 1 when the line is
 * a delivery attempt of that MTA, 0 when it is not (then `a` is reset by
 * the caller).  RECIPIENT may be a list ("a@x,b@y"), split by the reader. */
int bw_log__postfix(const bw_log_head *h, bw_log_attempt *a);
int bw_log__exim(const bw_log_head *h, bw_log_attempt *a);
int bw_log__sendmail(const bw_log_head *h, bw_log_attempt *a);
int bw_log__opensmtpd(const bw_log_head *h, bw_log_attempt *a);

/* Helpers for the parsers. */
/* Is the program name (prog[0..len)) `name`, or does it end in "/name"? */
bool bw_log__prog_is(const bw_log_head *h, const char *name);
/* The value of `key=` in s (first match at a word start), its length in
 * *len: up to ", " (or the end); a value in <...> or "..." is taken whole,
 * without the brackets or quotes.  NULL if absent. */
const char *bw_log__kv(const char *s, const char *key, size_t *len);
/* Splits "host[ip]:port", "host. [ip]", "ip (host)" etc. into RELAY and RELAY_IP. */
void bw_log__set_relay(bw_log_attempt *a, const char *s, size_t len);

/* JSON writing (log_json.c), through the one JSON writer (jsonw.c).
 * The recipient of a report as the JSON object the bounce JSON gives it. */
struct bw_jsonw;
void bw_log__json_recipient(struct bw_jsonw *w, const bw_recipient *rc, unsigned int flags);

#endif
