/* The mail log reader (bouncewhy/log.h): the same attempts whatever the
 * input (buffer, descriptor, pushed in chunks of any size), cut and
 * unterminated lines, invalid UTF-8, year inference, time stamp forms,
 * copies, and the summary's grouping and fault query. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bouncewhy/log.h"
#include "check.h"

static const char sample[] =
	"Dec 31 23:59:58 mail postfix/smtp[1]: AAA111: to=<a@example.net>, relay=mx.example.net[192.0.2.5]:25, delay=1, dsn=2.0.0, status=sent (250 ok)\n"
	"Dec 31 23:59:59 mail postfix/smtpd[2]: connect from unknown[192.0.2.9]\n"
	"Jan  1 00:00:01 mail postfix/smtp[1]: BBB222: to=<b@hotmail.com>, relay=mx2.hotmail.com[65.54.188.72]:25, delay=1, dsn=5.0.0, status=bounced (host mx2.hotmail.com[65.54.188.72] said: 550 SC-001 (BAY004-MC1F7) Unfortunately, messages from 203.0.113.25 weren't sent. (in reply to MAIL FROM command))\r\n"
	"2026-01-01T00:00:02+01:00 mail postfix/smtp[1]: CCC333: to=<c@example.net>, relay=mx.example.net[192.0.2.5]:25, delay=1, dsn=4.2.2, status=deferred (host mx.example.net[192.0.2.5] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command))\n"
	"2026-01-01 00:00:03 1tGZ9A-0001Qx-7b ** d\xe9@example.net R=dnslookup T=remote_smtp H=mx.example.net [192.0.2.5]: SMTP error from remote mail server after RCPT TO:<d@example.net>: 550 5.1.1 unknown\n"
	"sm-mta[3]: DDD444: to=<e@example.org>,<f@example.org>, delay=00:00:01, mailer=esmtp, relay=mx.example.org. [198.51.100.1], dsn=5.1.1, stat=User unknown\n"
	"EEE555: to=<g@example.com>, relay=none, delay=1, dsn=4.4.1, status=deferred (connect to mx.example.com[198.51.100.7]:25: Connection timed out)";

/* One line per attempt: the fields that matter, for comparing readers. */
static char *digest(bw_log *log)
{
	const bw_log_attempt *a;
	size_t cap = 1 << 16, len = 0;
	char *out = calloc(1, cap);
	int f;

	while (bw_log_next(log, &a) == BW_OK) {
		const bw_report *r = bw_log_attempt_report(a);
		for (f = 0; f < BW_LOG_FIELD_COUNT; f++)
			len += (size_t)snprintf(out + len, cap - len, "%s|", bw_log_attempt_get(a, (bw_log_field)f));
		len += (size_t)snprintf(out + len, cap - len, "%llu|%lld|%s\n", bw_log_attempt_line(a),
		                        bw_log_attempt_time(a),
		                        r ? bw_recipient_get(bw_report_recipient(r, 0), BW_RCPT_REASON) : "-");
	}
	return out;
}

static bw_log_options opts_with_ref(void)
{
	bw_log_options o = BW_LOG_OPTIONS_INIT;
	o.reference_time = 1767225600 + 3600;    /* 2026-01-01T01:00:00Z */
	return o;
}

int main(void)
{
	bw_rules *rules = NULL;
	bw_log_options o = opts_with_ref(), bad = opts_with_ref();
	bw_log *log = NULL;
	const bw_log_attempt *a;
	bw_log_attempt *copy = NULL;
	char *whole, *pieces, *json = NULL;
	size_t len = sizeof(sample) - 1, step, i;

	setenv("TZ", "UTC", 1);
	if (bw_rules_open(&rules, NULL) != BW_OK) {
		fprintf(stderr, "rules: %s\n", bw_error_message());
		return 1;
	}
	bad.version = 99;
	CHECK(bw_log_open_buffer(&log, rules, sample, len, &bad) == BW_EINVALID && log == NULL);
	CHECK(bw_log_options_init(&bad, BW_LOG_OPTIONS_VERSION) == BW_OK && bad.max_line_length == 0);

	/* the whole buffer */
	CHECK(bw_log_open_buffer(&log, rules, sample, len, &o) == BW_OK);
	whole = digest(log);
	CHECK(bw_log_stat_get(log, BW_LOG_STAT_LINES) == 7);
	CHECK(bw_log_stat_get(log, BW_LOG_STAT_ATTEMPTS) == 7);   /* two recipients on the Sendmail line */
	CHECK(bw_log_stat_get(log, BW_LOG_STAT_SKIPPED) == 1);
	CHECK(bw_log_stat_get(log, BW_LOG_STAT_BYTES) == len);
	bw_log_free(log);
	/* classic stamps: Dec 31 is in the year before the reference, Jan 1 in its year */
	CHECK(strncmp(whole, "2025-12-31T23:59:58Z|mail|postfix/smtp|postfix|AAA111|a@example.net||mx.example.net|192.0.2.5|1|2.0.0|sent|250 ok|1|1767225598|-\n", 129) == 0);
	CHECK(strstr(whole, "2026-01-01T00:00:01Z|mail|postfix/smtp|postfix|BBB222|b@hotmail.com||mx2.hotmail.com|65.54.188.72|") != NULL);
	CHECK(strstr(whole, "|bounced|") != NULL && strstr(whole, "|3|1767225601|blocked\n") != NULL);
	/* RFC 3339 with an offset; Exim's own stamp; invalid UTF-8 read as Latin-1 */
	CHECK(strstr(whole, "2025-12-31T23:00:02Z|mail|postfix/smtp|postfix|CCC333|c@example.net|") != NULL);
	CHECK(strstr(whole, "2026-01-01T00:00:03Z||exim|exim|1tGZ9A-0001Qx-7b|d\xc3\xa9@example.net||mx.example.net|192.0.2.5|") != NULL);
	/* no stamp, program given; Sendmail's list split in two attempts */
	CHECK(strstr(whole, "||sm-mta|sendmail|DDD444|e@example.org||mx.example.org|198.51.100.1|00:00:01|5.1.1|bounced|User unknown|6|-1|userunknown\n") != NULL);
	CHECK(strstr(whole, "||sm-mta|sendmail|DDD444|f@example.org|") != NULL);
	/* bare (journalctl -o cat), and the last line has no newline */
	CHECK(strstr(whole, "||postfix|postfix|EEE555|g@example.com||none||1|4.4.1|deferred|connect to mx.example.com[198.51.100.7]:25: Connection timed out|7|-1|networkerror\n") != NULL);

	/* pushed in chunks of every size from 1 byte: the same attempts */
	for (step = 1; step <= 64; step += (step < 8 ? 1 : 7)) {
		bw_log *p = NULL;
		size_t cap = 1 << 16, glen = 0;
		pieces = calloc(1, cap);
		CHECK(bw_log_open_push(&p, rules, &o) == BW_OK);
		for (i = 0; i < len; i += step) {
			size_t n = len - i < step ? len - i : step;
			char *d;
			CHECK(bw_log_feed(p, sample + i, n) == BW_OK);
			d = digest(p);
			glen += (size_t)snprintf(pieces + glen, cap - glen, "%s", d);
			free(d);
		}
		CHECK(bw_log_feed_end(p) == BW_OK);
		{
			char *d = digest(p);
			glen += (size_t)snprintf(pieces + glen, cap - glen, "%s", d);
			free(d);
		}
		if (strcmp(pieces, whole) != 0)
			check_fail(__FILE__, __LINE__, "chunked read differs", pieces);
		else
			check_passed++;
		bw_log_free(p);
		free(pieces);
	}

	/* a descriptor */
	{
		char path[] = "/tmp/bw-test-log-XXXXXX";
		int fd = mkstemp(path);
		CHECK(write(fd, sample, len) == (ssize_t)len);
		lseek(fd, 0, SEEK_SET);
		CHECK(bw_log_open_fd(&log, rules, fd, &o) == BW_OK);
		pieces = digest(log);
		CHECK(strcmp(pieces, whole) == 0);
		free(pieces);
		bw_log_free(log);
		close(fd);
		unlink(path);
		CHECK(bw_log_open_file(&log, rules, "/nonexistent/mail.log", NULL) == BW_EIO);
	}

	/* a line over the limit is cut, read from what is kept, and counted */
	{
		size_t big = (1 << 20) + 100;
		char *buf = malloc(big + 400);
		const char *head = "Dec  1 10:00:00 mail postfix/smtp[1]: FFF666: to=<h@example.net>, relay=mx.example.net[192.0.2.5]:25, delay=1, dsn=5.7.1, status=bounced (host mx.example.net[192.0.2.5] said: 550 5.7.1 ";
		const char *next = "\nDec  1 10:00:01 mail postfix/smtp[1]: GGG777: to=<i@example.net>, relay=mx.example.net[192.0.2.5]:25, delay=1, dsn=2.0.0, status=sent (250 ok)\n";
		size_t hl = strlen(head);
		memcpy(buf, head, hl);
		memset(buf + hl, 'x', big - hl);
		memcpy(buf + big, next, strlen(next) + 1);
		CHECK(bw_log_open_buffer(&log, rules, buf, strlen(buf), &o) == BW_OK);
		CHECK(bw_log_next(log, &a) == BW_OK);
		CHECK_STR(bw_log_attempt_get(a, BW_LOG_QUEUE_ID), "FFF666");
		CHECK(strlen(bw_log_attempt_get(a, BW_LOG_REPLY)) < 70000);
		CHECK(bw_log_attempt_report(a) != NULL);
		CHECK(bw_log_next(log, &a) == BW_OK);
		CHECK_STR(bw_log_attempt_get(a, BW_LOG_QUEUE_ID), "GGG777");
		CHECK(bw_log_attempt_line(a) == 2);
		CHECK(bw_log_next(log, &a) == BW_ENOTFOUND);
		CHECK(bw_log_stat_get(log, BW_LOG_STAT_CUT_LINES) == 1);
		bw_log_free(log);
		free(buf);
	}

	/* copies outlive the reader; JSON; the summary */
	{
		bw_log_summary *s = NULL;
		char *text = NULL;
		CHECK(bw_log_summary_new(&s, rules) == BW_OK);
		CHECK(bw_log_open_buffer(&log, rules, sample, len, &o) == BW_OK);
		while (bw_log_next(log, &a) == BW_OK) {
			CHECK(bw_log_summary_add(s, a) == BW_OK);
			if (!copy && bw_log_attempt_failed(a))
				CHECK(bw_log_attempt_dup(&copy, a) == BW_OK);
		}
		bw_log_summary_add_stats(s, log);
		bw_log_free(log);
		CHECK(copy && strcmp(bw_log_attempt_get(copy, BW_LOG_QUEUE_ID), "BBB222") == 0);
		CHECK(copy && strcmp(bw_recipient_get(bw_report_recipient(bw_log_attempt_report(copy), 0),
		                                      BW_RCPT_PROVIDER_CODE), "SC-001") == 0);
		CHECK(bw_log_attempt_to_json(&json, copy, "x.log", 0) == BW_OK);
		CHECK(json && strstr(json, "\"source\":\"x.log\"") && strstr(json, "\"reason\":\"blocked\""));
		bw_free(json);
		bw_log_attempt_free(copy);
		CHECK(bw_log_summary_has_fault(s, "sender") == 1);
		CHECK(bw_log_summary_has_fault(s, "receiver") == 0);
		CHECK(bw_log_summary_has_fault(s, "any") == 1);
		CHECK(bw_log_summary_to_text(&text, s, 0) == BW_OK);
		/* the sender-side problem comes first */
		CHECK(text && strstr(text, "1. Microsoft Outlook.com (consumer)") != NULL);
		bw_free(text);
		CHECK(bw_log_summary_to_json(&text, s, 0) == BW_OK);
		CHECK(text && strstr(text, "\"attempts\":7,\"sent\":1,\"deferred\":2,\"bounced\":4"));
		bw_free(text);
		bw_log_summary_free(s);
	}
	free(whole);
	bw_rules_free(rules);
	return check_done();
}
