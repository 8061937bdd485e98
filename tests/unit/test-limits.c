/*
 * Input beyond the parse limits must give an error or a warning in bounded
 * time and memory, never a crash or a hang: deep nesting, many parts, many
 * recipients, a single 10 MB header line, messages over the size limit.
 * No case asserts a time (that depends on the machine; figures go to
 * bench/README.md): each asserts the work instead, the bytes handed to
 * GMime (bw_prepare__input), lines cut, parts counted, warnings present.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bouncewhy.h"
#include "check.h"
#include "prepare.h"
#include "util.h"

static bw_rules *rules;

static bool has_warning(const bw_report *r, const char *needle)
{
	size_t i;
	for (i = 0; i < bw_report_warning_count(r); i++)
		if (strstr(bw_report_warning(r, i), needle))
			return true;
	return false;
}

/* Parses b with opts; returns the report (or NULL). */
static bw_report *parse(const char *what, const bw_buf *b, const bw_parse_options *opts, int *rc)
{
	bw_report *r = NULL;

	*rc = bw_parse_buffer(&r, rules, b->p, b->len, opts);
	printf("%-28s %9zu bytes  rc %s\n", what, b->len, bw_error_code_name(*rc));
	CHECK((*rc == BW_OK) == (r != NULL));
	return r;
}

/* What GMime is given for b: the bytes, lines cut and parts counted. */
static bw_prepared prepared(const bw_buf *b, size_t max_line, unsigned max_parts)
{
	bw_prepared p;

	CHECK(bw_prepare__input(&p, b->p, b->len, max_line, max_parts) == BW_OK);
	bw_prepare__clear(&p);
	printf("  handed to GMime: %zu of %zu bytes, %zu lines cut, %u parts%s\n", p.len, b->len,
	       p.lines_cut, p.parts, p.parts_cut ? ", cut" : "");
	return p;
}

static void head(bw_buf *b, const char *ctype)
{
	bw_buf__puts(b, "From: MAILER-DAEMON@mx.example.org\nTo: sender@example.com\n"
	             "Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n");
	bw_buf__puts(b, ctype);
	bw_buf__puts(b, "\n\n");
}

static void dsn_recipients(bw_buf *b, unsigned n)
{
	unsigned i;
	char line[256];

	bw_buf__puts(b, "Reporting-MTA: dns; mx.example.org\n");
	for (i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "\nFinal-Recipient: rfc822; user%u@example.net\n"
		         "Action: failed\nStatus: 5.1.1\n", i);
		bw_buf__puts(b, line);
	}
}

static void test_deep_nesting(void)
{
	bw_buf b = BW_BUF_INIT;
	bw_report *r;
	unsigned i, depth = 10000;
	char line[128];
	int rc;

	head(&b, "Content-Type: multipart/mixed; boundary=\"b0\"");
	for (i = 0; i < depth; i++) {
		snprintf(line, sizeof(line), "--b%u\nContent-Type: multipart/mixed; boundary=\"b%u\"\n\n", i, i + 1);
		bw_buf__puts(&b, line);
	}
	snprintf(line, sizeof(line), "--b%u\nContent-Type: message/delivery-status\n\n", depth);
	bw_buf__puts(&b, line);
	dsn_recipients(&b, 1);
	for (i = depth + 1; i-- > 0;) {
		snprintf(line, sizeof(line), "--b%u--\n", i);
		bw_buf__puts(&b, line);
	}
	CHECK(!b.oom);
	r = parse("10,000 nested multiparts", &b, NULL, &rc);
	CHECK(rc == BW_OK || rc == BW_ELIMIT);
	if (r) {
		/* The report at depth 10,000 is beyond the default depth of 32. */
		CHECK(bw_report_recipient_count(r) == 0);
		CHECK(has_warning(r, "nested too deeply") || bw_report_warning_count(r) > 0);
	}
	bw_report_free(r);
	bw_buf__free(&b);
}

static void test_many_parts(void)
{
	bw_buf b = BW_BUF_INIT;
	bw_report *r;
	unsigned i;
	int rc;

	head(&b, "Content-Type: multipart/report; report-type=delivery-status; boundary=\"P\"");
	bw_buf__puts(&b, "--P\nContent-Type: message/delivery-status\n\n");
	dsn_recipients(&b, 1);
	for (i = 0; i < 100000; i++)
		bw_buf__puts(&b, "--P\nContent-Type: text/plain\n\nx\n");
	bw_buf__puts(&b, "--P--\n");
	CHECK(!b.oom);
	r = parse("100,000 parts", &b, NULL, &rc);
	CHECK(rc == BW_OK);
	if (r) {
		CHECK(has_warning(r, "too many MIME parts"));
		CHECK(bw_report_recipient_count(r) == 1); /* the report came first */
	}
	bw_report_free(r);
	{
		/* GMime sees the first 2,000 parts only (default max_parts). */
		bw_prepared p = prepared(&b, 65536, 2000);
		CHECK(p.parts_cut);
		CHECK(p.parts == 2001);
		CHECK(p.len < 2001 * 40);
	}
	bw_buf__free(&b);
}

/* 5 MB of empty parts with --max-parts=10 (issue 15, item 6: GMime built a
 * tree of 1.3 GB before the limit was looked at). */
static void test_empty_parts(void)
{
	bw_buf b = BW_BUF_INIT;
	bw_parse_options opts = BW_PARSE_OPTIONS_INIT;
	bw_report *r;
	bw_prepared p;
	int rc;

	head(&b, "Content-Type: multipart/report; report-type=delivery-status; boundary=\"E\"");
	bw_buf__puts(&b, "--E\nContent-Type: message/delivery-status\n\n");
	dsn_recipients(&b, 1);
	while (b.len < (size_t)5 << 20)
		bw_buf__puts(&b, "--E\n--E\n\n--E\n\n\n");
	bw_buf__puts(&b, "--E--\n");
	CHECK(!b.oom);
	p = prepared(&b, 65536, 10);
	CHECK(p.parts_cut && p.parts == 11);
	CHECK(p.len < 1024);
	/* Nested messages count too: message/rfc822 in message/rfc822... */
	opts.max_parts = 10;
	r = parse("5 MB of empty parts, max 10", &b, &opts, &rc);
	CHECK(rc == BW_OK);
	if (r) {
		CHECK(has_warning(r, "too many MIME parts"));
		CHECK(bw_report_recipient_count(r) == 1);
	}
	bw_report_free(r);
	b.len = 0;
	head(&b, "Content-Type: message/rfc822");
	while (b.len < (size_t)1 << 20)
		bw_buf__puts(&b, "Content-Type: message/rfc822\n\n");
	CHECK(!b.oom);
	p = prepared(&b, 65536, 10);
	CHECK(p.parts_cut && p.len < 1024);
	bw_buf__free(&b);
}

static void test_many_recipients(void)
{
	bw_buf b = BW_BUF_INIT;
	bw_parse_options opts = BW_PARSE_OPTIONS_INIT;
	bw_report *r;
	int rc;

	head(&b, "Content-Type: multipart/report; report-type=delivery-status; boundary=\"R\"");
	bw_buf__puts(&b, "--R\nContent-Type: message/delivery-status\n\n");
	dsn_recipients(&b, 100000);
	bw_buf__puts(&b, "--R--\n");
	CHECK(!b.oom);
	r = parse("100,000 recipients", &b, NULL, &rc);
	CHECK(rc == BW_OK);
	if (r) {
		CHECK(bw_report_recipient_count(r) == 10000); /* the default limit */
		CHECK(has_warning(r, "recipients"));
		CHECK_STR(bw_recipient_get(bw_report_recipient(r, 9999), BW_RCPT_RECIPIENT), "user9999@example.net");
	}
	bw_report_free(r);
	opts.max_recipients = 5;
	r = parse("100,000 recipients, max 5", &b, &opts, &rc);
	CHECK(rc == BW_OK);
	if (r)
		CHECK(bw_report_recipient_count(r) == 5);
	bw_report_free(r);
	bw_buf__free(&b);
}

static void fill(bw_buf *b, char c, size_t n)
{
	char chunk[4096];
	memset(chunk, c, sizeof(chunk));
	while (n) {
		size_t k = n < sizeof(chunk) ? n : sizeof(chunk);
		bw_buf__put(b, chunk, k);
		n -= k;
	}
}

static void test_long_lines(void)
{
	bw_buf b = BW_BUF_INIT;
	bw_parse_options opts = BW_PARSE_OPTIONS_INIT;
	bw_report *r;
	size_t ten_mb = (size_t)10 << 20;
	int rc;

	/* A 10 MB Subject line on the bounce itself. */
	bw_buf__puts(&b, "From: MAILER-DAEMON@mx.example.org\nSubject: ");
	fill(&b, 'a', ten_mb);
	bw_buf__puts(&b, "\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"L\"\n\n"
	             "--L\nContent-Type: message/delivery-status\n\n");
	dsn_recipients(&b, 1);
	/* A 10 MB Diagnostic-Code line inside the delivery-status part. */
	bw_buf__puts(&b, "\nFinal-Recipient: rfc822; long@example.net\nAction: failed\nStatus: 5.0.0\n"
	             "Diagnostic-Code: smtp; 550 ");
	fill(&b, 'd', ten_mb);
	/* A 10 MB header line in the returned original's headers. */
	bw_buf__puts(&b, "\n\n--L\nContent-Type: text/rfc822-headers\n\nFrom: sender@example.com\nX-Long: ");
	fill(&b, 'x', ten_mb);
	bw_buf__puts(&b, "\nMessage-ID: <m@example.com>\n\n--L--\n");
	CHECK(!b.oom);
	{
		/* Only the top header block is GMime's to read line by line: its
		 * Subject is cut before GMime sees it; the bodies are left whole
		 * (the DSN and header parts are cut as they are read). */
		bw_prepared p = prepared(&b, 100, 2000);
		CHECK(p.lines_cut == 1);
		CHECK(p.len == b.len - (strlen("Subject: ") + ten_mb) + 100);
	}
	r = parse("10 MB header lines", &b, NULL, &rc);
	CHECK(rc == BW_OK);
	if (r) {
		size_t i, max = 64 * 1024; /* the default max_line_length */
		CHECK(bw_report_recipient_count(r) == 2);
		CHECK(strlen(bw_report_get(r, BW_REPORT_SUBJECT)) <= max);
		for (i = 0; i < bw_report_recipient_count(r); i++)
			CHECK(strlen(bw_recipient_get(bw_report_recipient(r, i), BW_RCPT_DIAGNOSTIC)) <= max);
		for (i = 0; i < bw_report_original_header_count(r); i++) {
			const char *name, *value;
			bw_report_original_header(r, i, &name, &value);
			CHECK(strlen(value) <= max);
		}
		CHECK(has_warning(r, "line"));
	}
	bw_report_free(r);
	opts.max_line_length = 100;
	r = parse("10 MB header lines, max 100", &b, &opts, &rc);
	CHECK(rc == BW_OK);
	if (r) {
		CHECK(strlen(bw_report_get(r, BW_REPORT_SUBJECT)) <= 100);
		CHECK(strlen(bw_recipient_get(bw_report_recipient(r, 1), BW_RCPT_DIAGNOSTIC)) <= 100);
	}
	bw_report_free(r);
	bw_buf__free(&b);
}

/* A Diagnostic-Code folded over 10,000 continuation lines of 1,000 bytes:
 * every line is short, the field is 10 MB. */
static void test_long_folded_field(void)
{
	bw_buf b = BW_BUF_INIT;
	bw_report *r;
	unsigned i;
	int rc;

	head(&b, "Content-Type: multipart/report; report-type=delivery-status; boundary=\"F\"");
	bw_buf__puts(&b, "--F\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
	             "Final-Recipient: rfc822; folded@example.net\nAction: failed\nStatus: 5.0.0\n"
	             "Diagnostic-Code: smtp; 550 rejected\n");
	for (i = 0; i < 10000; i++) {
		bw_buf__puts(&b, " ");
		fill(&b, 'f', 999);
		bw_buf__puts(&b, "\n");
	}
	bw_buf__puts(&b, "\n--F--\n");
	CHECK(!b.oom);
	r = parse("10 MB folded field", &b, NULL, &rc);
	CHECK(rc == BW_OK);
	if (r) {
		CHECK(bw_report_recipient_count(r) == 1);
		CHECK(strlen(bw_recipient_get(bw_report_recipient(r, 0), BW_RCPT_DIAGNOSTIC)) <= 64 * 1024);
		CHECK(has_warning(r, "longer than"));
	}
	bw_report_free(r);
	bw_buf__free(&b);
}

static void test_huge_message(void)
{
	bw_buf b = BW_BUF_INIT;
	bw_parse_options opts = BW_PARSE_OPTIONS_INIT;
	bw_report *r;
	int rc;

	/* Over the default 64 MiB: refused before any parsing. */
	head(&b, "Content-Type: text/plain");
	fill(&b, 'z', (size_t)65 << 20);
	CHECK(!b.oom);
	r = parse("65 MiB message", &b, NULL, &rc);
	CHECK(rc == BW_ELIMIT);
	CHECK(r == NULL);
	CHECK(strstr(bw_error_message(), "limit") != NULL);
	/* Under a raised limit: parsed, in bounded time. */
	opts.max_message_size = (size_t)128 << 20;
	r = parse("65 MiB message, limit 128", &b, &opts, &rc);
	CHECK(rc == BW_OK);
	/* a mailer-daemon's notice under a bounce subject, with nothing
	 * readable in it: a bounce that names no one, said in a warning */
	if (r) {
		CHECK(bw_report_kind(r) == BW_KIND_BOUNCE);
		CHECK(bw_report_recipient_count(r) == 0);
		CHECK(has_warning(r, "names no recipient"));
	}
	bw_report_free(r);
	/* A small limit applies to small messages too. */
	opts.max_message_size = 1000;
	r = parse("65 MiB message, limit 1000", &b, &opts, &rc);
	CHECK(rc == BW_ELIMIT);
	bw_report_free(r);
	bw_buf__free(&b);
}

int main(void)
{
	struct rusage ru;

	if (bw_rules_open(&rules, NULL) != BW_OK) {
		fprintf(stderr, "cannot open rules: %s\n", bw_error_message());
		return 1;
	}
	test_deep_nesting();
	test_many_parts();
	test_empty_parts();
	test_many_recipients();
	test_long_lines();
	test_long_folded_field();
	test_huge_message();
	getrusage(RUSAGE_SELF, &ru);
	printf("peak RSS %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
	bw_rules_free(rules);
	return check_done();
}
