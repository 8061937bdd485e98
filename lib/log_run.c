/*
 * log_run.c - the `bouncewhy log` command as one library call
 * (bw_log_run): log files (plain, gzip, standard input) read to their end
 * or followed through rotation, attempts filtered by time, printed as
 * NDJSON or summarised as text or JSON; and the reading of its options
 * (bw_log_run_option).  The CLI and `python3 -m bouncewhy log` are argv
 * handling around these two functions.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bouncewhy/log.h>

#include "error.h"
#include "log_source.h"
#include "util.h"

#define CHUNK ((size_t)128 << 10)
#define POLL_NS 200000000L      /* following: look for new data 5 times a second */

int bw_log_run_options_init(bw_log_run_options *opts, unsigned int version)
{
	static const bw_log_run_options init = BW_LOG_RUN_OPTIONS_INIT;

	if (!opts || version != BW_LOG_RUN_OPTIONS_VERSION)
		return bw_error__set(BW_EINVALID, "bw_log_run_options: version %u, this library has %u",
		                     version, BW_LOG_RUN_OPTIONS_VERSION);
	*opts = init;
	return BW_OK;
}

/* ---- options ------------------------------------------------------------ */

static bool parse_when(const char *s, long long *out)
{
	static const char *const forms[] = { "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
		"%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d" };
	char *end;
	size_t i;

	if (*s == '@') {
		*out = strtoll(s + 1, &end, 10);
		return end != s + 1 && !*end;
	}
	if (*s >= '0' && *s <= '9') {
		long long n = strtoll(s, &end, 10);
		long long unit = 0;
		if (end != s && end[0] && !end[1]) {
			unit = *end == 's' ? 1 : *end == 'm' ? 60 : *end == 'h' ? 3600 : *end == 'd' ? 86400 : 0;
			if (unit) {
				*out = (long long)time(NULL) - n * unit;
				return true;
			}
		}
	}
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		struct tm tm;
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, forms[i], &tm);
		if (!end)
			continue;
		if (*end == 'Z' && !end[1]) {
			*out = (long long)timegm(&tm);
			return true;
		}
		if (*end)
			continue;
		tm.tm_isdst = -1;
		*out = (long long)mktime(&tm);
		return true;
	}
	return false;
}

/* The end of that year (local time), less a day: stamps up to a day later
 * than the reference are allowed. */
static bool parse_year(const char *s, long long *out)
{
	char *end;
	long y = strtol(s, &end, 10);
	struct tm tm;

	if (end == s || *end || y < 1970 || y > 9999)
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = 11;
	tm.tm_mday = 30;
	tm.tm_hour = 23;
	tm.tm_min = 59;
	tm.tm_isdst = -1;
	*out = (long long)mktime(&tm);
	return true;
}

int bw_log_run_option(bw_log_run_options *opts, const char *name, const char *value)
{
	static const char *const formats[] = { "text", "json", "ndjson" };
	static const char *const faults[] = { "sender", "recipient", "receiver", "transit", "any" };
	size_t k;

	if (!opts || !name || !value)
		return bw_error__set(BW_EINVALID, "bw_log_run_option: NULL argument");
	if (strcmp(name, "format") == 0) {
		for (k = 0; k < 3; k++)
			if (strcmp(value, formats[k]) == 0) {
				opts->format = (bw_output_format)k;
				return BW_OK;
			}
		return bw_error__set(BW_EINVALID, "unknown format '%s' (text, json or ndjson)", value);
	}
	if (strcmp(name, "since") == 0 || strcmp(name, "until") == 0) {
		if (!parse_when(value, name[0] == 's' ? &opts->since : &opts->until))
			return bw_error__set(BW_EINVALID, "cannot read the time '%s'", value);
		return BW_OK;
	}
	if (strcmp(name, "year") == 0) {
		if (!parse_year(value, &opts->reference_time))
			return bw_error__set(BW_EINVALID, "--year wants a year such as 2026");
		return BW_OK;
	}
	if (strcmp(name, "fail-on") == 0) {
		for (k = 0; k < sizeof(faults) / sizeof(faults[0]); k++)
			if (strcmp(value, faults[k]) == 0) {
				opts->fail_on = faults[k];
				return BW_OK;
			}
		return bw_error__set(BW_EINVALID,
		                     "--fail-on wants sender, recipient, receiver, transit or any");
	}
	return bw_error__set(BW_EINVALID, "unknown option '%s'", name);
}

/* ---- one run ------------------------------------------------------------ */

typedef struct run {
	const bw_rules *rules;
	const bw_log_run_options *o;
	bool follow_text;           /* print failures as they come */
	bw_log_summary *sum;
	char *buf;
	bw_buf out;                 /* what one step prints, written at its end */
	bool write_failed;
} run;

static void diag(run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A "bouncewhy log: ..." line for the diagnostics. */
static void diag(run *r, const char *fmt, ...)
{
	bw_buf b = BW_BUF_INIT;
	va_list ap;

	if (!r->o->diag)
		return;
	bw_buf__puts(&b, "bouncewhy log: ");
	va_start(ap, fmt);
	bw_buf__vprintf(&b, fmt, ap);
	va_end(ap);
	bw_buf__putc(&b, '\n');
	if (!b.oom)
		r->o->diag(b.p, b.len, r->o->payload);
	bw_buf__free(&b);
}

/* Writes what the step printed; false when the output refused it. */
static bool flush_out(run *r)
{
	bool ok = true;

	if (r->out.oom) {
		bw_error__set(BW_ENOMEM, "out of memory");
		ok = false;
	} else if (r->out.len && !r->write_failed &&
	           r->o->write(r->out.p, r->out.len, r->o->payload) != 0) {
		r->write_failed = true;
	}
	bw_buf__free(&r->out);
	if (r->write_failed) {
		bw_error__set(BW_EIO, "cannot write the output");
		ok = false;
	}
	return ok;
}

static bool stopped(run *r)
{
	return r->o->follow && r->o->stop && r->o->stop(r->o->payload) != 0;
}

static void follow_line(run *r, const bw_log_attempt *a)
{
	const bw_report *rep = bw_log_attempt_report(a);
	const bw_recipient *rc = rep ? bw_report_recipient(rep, 0) : NULL;
	long long t = bw_log_attempt_time(a);
	char when[32] = "-";

	if (!rc)
		return;
	if (t >= 0) {
		time_t tt = (time_t)t;
		struct tm tm;
		localtime_r(&tt, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	}
	bw_buf__printf(&r->out, "%s %s %s: %s, %s%s%s%s%s\n", when, bw_log_attempt_get(a, BW_LOG_STATUS),
	       *bw_log_attempt_get(a, BW_LOG_RECIPIENT) ? bw_log_attempt_get(a, BW_LOG_RECIPIENT) : "(unknown)",
	       *bw_recipient_get(rc, BW_RCPT_PROVIDER) ? bw_recipient_get(rc, BW_RCPT_PROVIDER) : "provider unknown",
	       bw_recipient_get(rc, BW_RCPT_REASON),
	       *bw_recipient_get(rc, BW_RCPT_PROVIDER_CODE) ? " " : "",
	       bw_recipient_get(rc, BW_RCPT_PROVIDER_CODE),
	       *bw_recipient_get(rc, BW_RCPT_FAULT) ? ", cause on the side of the " : "",
	       bw_recipient_get(rc, BW_RCPT_FAULT));
}

/* Reads every attempt the reader has (0 when it needs more input), then
 * writes what they printed. */
static int drain(run *r, bw_log *log, const char *source)
{
	const bw_log_attempt *a;
	char *json;
	int err;

	while ((err = bw_log_next(log, &a)) == BW_OK) {
		long long t = bw_log_attempt_time(a);
		if (t >= 0 && ((r->o->since >= 0 && t < r->o->since) || (r->o->until >= 0 && t > r->o->until)))
			continue;
		if ((err = bw_log_summary_add(r->sum, a)) < 0)
			break;
		if (r->o->format == BW_OUTPUT_NDJSON) {
			if ((err = bw_log_attempt_to_json(&json, a, source,
			                                  r->o->explain ? BW_JSON_EVIDENCE : 0)) < 0)
				break;
			bw_buf__puts(&r->out, json);
			bw_buf__putc(&r->out, '\n');
			bw_free(json);
		} else if (r->follow_text && bw_log_attempt_failed(a)) {
			follow_line(r, a);
		}
	}
	if (!flush_out(r) && (err == BW_OK || err == BW_ENOTFOUND))
		return bw_error_code_last();
	return err == BW_ENOTFOUND ? 0 : err;
}

static void pause_a_moment(void)
{
	struct timespec ts = { 0, POLL_NS };

	nanosleep(&ts, NULL);
}

/* Has `path` been rotated away from `fd` (another file there now) or
 * truncated below the offset read?  1 rotated, 2 truncated, 0 neither. */
static int rotated(const char *path, int fd)
{
	struct stat now, open_st;
	off_t offset = lseek(fd, 0, SEEK_CUR);

	if (stat(path, &now) < 0 || fstat(fd, &open_st) < 0)
		return 0;            /* moved away and not yet re-created: keep reading the old one */
	if (now.st_ino != open_st.st_ino || now.st_dev != open_st.st_dev)
		return 1;
	if (offset >= 0 && now.st_size < offset)
		return 2;
	return 0;
}

/* Reads one operand to its end, or with `follow` until stopped.  BW_OK or
 * the error (told on the diagnostics). */
static int read_operand(run *r, const char *path, bool follow)
{
	bw_log_options opts = BW_LOG_OPTIONS_INIT;
	bw_log_source *src;
	bw_log *log = NULL;
	int status = BW_OK, e;

	if (bw_log_source__open(&src, path) < 0) {
		e = bw_error_code_last();
		diag(r, "%s", bw_error_message());
		return e;
	}
	follow = follow && bw_log_source__plain_file(src);
	opts.reference_time = r->o->reference_time ? r->o->reference_time : bw_log_source__mtime(src);
	if (bw_log_open_push(&log, r->rules, &opts) < 0) {
		e = bw_error_code_last();
		diag(r, "%s", bw_error_message());
		bw_log_source__close(src);
		return e;
	}
	for (;;) {
		ssize_t n = bw_log_source__read(src, r->buf, CHUNK);
		if (n < 0) {
			status = bw_error_code_last();
			diag(r, "%s: %s", path, bw_error_message());
			break;
		}
		if (n > 0) {
			bw_log_feed(log, r->buf, (size_t)n);
			if ((e = drain(r, log, path)) < 0)
				goto fail;
			continue;
		}
		if (!follow || stopped(r))
			break;
		switch (rotated(path, bw_log_source__fd(src))) {
		case 1: {
			bw_log_source *next;
			/* what was written to the old file before the switch is read above */
			if (bw_log_source__open(&next, path) < 0)
				break;
			bw_log_feed_end(log);
			if ((e = drain(r, log, path)) < 0) {
				bw_log_source__close(next);
				goto fail;
			}
			bw_log_summary_add_stats(r->sum, log);
			bw_log_free(log);
			bw_log_source__close(src);
			src = next;
			opts.reference_time = r->o->reference_time;
			if (bw_log_open_push(&log, r->rules, &opts) < 0) {
				log = NULL;
				goto fail;
			}
			continue;
		}
		case 2:
			lseek(bw_log_source__fd(src), 0, SEEK_SET);
			continue;
		default:
			break;
		}
		pause_a_moment();
		if (stopped(r))
			break;
	}
	bw_log_feed_end(log);
	if ((e = drain(r, log, path)) < 0)
		goto fail;
	bw_log_summary_add_stats(r->sum, log);
	bw_log_free(log);
	bw_log_source__close(src);
	return status;
fail:
	e = bw_error_code_last();
	diag(r, "%s: %s", path, bw_error_message());
	if (log)
		bw_log_summary_add_stats(r->sum, log);
	bw_log_free(log);
	bw_log_source__close(src);
	return e < 0 ? e : BW_ERROR;
}

int bw_log_run(int *fault_seen, const bw_rules *rules, const char *const *paths, size_t n,
               const bw_log_run_options *opts)
{
	static const char *const stdin_path[] = { "-" };
	run r;
	char *text = NULL;
	int status = BW_OK, e;
	size_t i;

	if (fault_seen)
		*fault_seen = 0;
	if (!rules || !opts || !opts->write || (n && !paths))
		return bw_error__set(BW_EINVALID, "bw_log_run: NULL argument");
	if (opts->version != BW_LOG_RUN_OPTIONS_VERSION)
		return bw_error__set(BW_EINVALID, "bw_log_run_options: version %u, this library has %u",
		                     opts->version, BW_LOG_RUN_OPTIONS_VERSION);
	memset(&r, 0, sizeof(r));
	r.rules = rules;
	r.o = opts;
	r.follow_text = opts->follow && opts->format == BW_OUTPUT_TEXT;
	if (!(r.buf = malloc(CHUNK)) || bw_log_summary_new(&r.sum, rules) < 0) {
		diag(&r, "out of memory");
		free(r.buf);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	if (n == 0) {
		paths = stdin_path;
		n = 1;
	}
	for (i = 0; i < n && !r.write_failed; i++) {
		if (i > 0 && stopped(&r))
			break;
		/* only the last path is followed, and never standard input given by default */
		e = read_operand(&r, paths[i], opts->follow && i == n - 1 && paths != stdin_path);
		if (e < 0 && status == BW_OK)
			status = e;
	}
	if (opts->format != BW_OUTPUT_NDJSON && !r.write_failed) {
		e = opts->format == BW_OUTPUT_JSON ? bw_log_summary_to_json(&text, r.sum, BW_JSON_PRETTY)
		                                   : bw_log_summary_to_text(&text, r.sum, 0);
		if (e < 0) {
			diag(&r, "%s", bw_error_message());
			if (status == BW_OK)
				status = e;
		} else {
			if (r.follow_text)
				bw_buf__putc(&r.out, '\n');
			bw_buf__puts(&r.out, text);
			bw_free(text);
			if (!flush_out(&r) && status == BW_OK)
				status = bw_error_code_last();
		}
	}
	if (fault_seen && opts->fail_on && bw_log_summary_has_fault(r.sum, opts->fail_on))
		*fault_seen = 1;
	bw_log_summary_free(r.sum);
	bw_buf__free(&r.out);
	free(r.buf);
	if (status < 0 && bw_error_code_last() != status)
		bw_error__set(status, "some input could not be read");
	return status;
}
