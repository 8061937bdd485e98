/*
 * The bounce's own header block read without GMime (lib/mime.c, read_top):
 * GMime is given only the Content-* headers, From and the first header, so
 * the view must still hold every header, and GMime's warnings must still
 * name the byte of the message they are about.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "bouncewhy.h"
#include "check.h"
#include "msg.h"

static bw_rules *rules;

/* The warning that contains `needle`, or "". */
static const char *warning(const bw_report *r, const char *needle)
{
	size_t i;

	for (i = 0; r && i < bw_report_warning_count(r); i++)
		if (strstr(bw_report_warning(r, i), needle))
			return bw_report_warning(r, i);
	return "";
}

/* "... (first at byte N)" with N the offset of `what` in `msg`. */
static void check_at(const bw_report *r, const char *kind, const char *msg, const char *what)
{
	char want[160];
	const char *at = strstr(msg, what);

	CHECK(at != NULL);
	snprintf(want, sizeof(want), "MIME: %s (first at byte %zu)", kind, (size_t)(at - msg));
	CHECK_STR(warning(r, kind), want);
}

static bw_report *parse(const char *msg)
{
	bw_report *r = NULL;

	CHECK(bw_parse_buffer(&r, rules, msg, strlen(msg), NULL) == BW_OK);
	return r;
}

static const char *const HEAD =
	"Received: from a.example.org\n"
	"\tby b.example.org; Mon, 1 Jan 2024 00:00:00 +0000\n"
	"From: MAILER-DAEMON@mx.example.org\n"
	"To: sender@example.com\n"
	"Subject: =?UTF-8?Q?Undeliverable=3A_hello?=\n"
	"X-Mailer: test\n"
	"Delivered-To: sender@example.com\n"
	"MIME-Version: 1.0\n";

/* A warning about a part of the body: its offset in the message, not in
 * the shorter text GMime was given. */
static void test_body_warning_offset(void)
{
	char msg[2048];
	bw_report *r;

	snprintf(msg, sizeof(msg), "%sContent-Type: multipart/mixed; boundary=\"B\"\n\n"
	         "--B\nContent-Type: text/plain\n\nI could not deliver it.\n"
	         "--B\nContent-Type: bogus\n\nmore text\n--B--\n", HEAD);
	r = parse(msg);
	check_at(r, "an invalid Content-Type", msg, "Content-Type: bogus");
	/* the headers GMime was not given are in the view all the same */
	CHECK_STR(bw_report_get(r, BW_REPORT_SUBJECT), "Undeliverable: hello");
	CHECK_STR(bw_report_get(r, BW_REPORT_FROM), "MAILER-DAEMON@mx.example.org");
	CHECK_STR(bw_report_message_header(r, "To"), "sender@example.com");
	CHECK_STR(bw_report_message_header(r, "Delivered-To"), "sender@example.com");
	bw_report_free(r);
}

/* A warning about a top-level Content-* header after headers GMime was not
 * given. */
static void test_top_warning_offset(void)
{
	char msg[2048];
	bw_report *r;

	snprintf(msg, sizeof(msg), "%sContent-Type: bogus\n\nI could not deliver it.\n", HEAD);
	r = parse(msg);
	check_at(r, "an invalid Content-Type", msg, "Content-Type: bogus");
	CHECK_STR(bw_report_get(r, BW_REPORT_SUBJECT), "Undeliverable: hello");
	bw_report_free(r);
}

/* A once-only header repeated with another value: GMime reads the whole
 * block and says so, at the second one. */
static void test_repeated_header(void)
{
	char msg[2048];
	bw_report *r;

	snprintf(msg, sizeof(msg), "%sSubject: again\nContent-Type: bogus\n\nI could not deliver it.\n", HEAD);
	r = parse(msg);
	check_at(r, "conflicting headers", msg, "Subject: again");
	check_at(r, "an invalid Content-Type", msg, "Content-Type: bogus");
	bw_report_free(r);
}

/* A bounce attached to a message: forwarded by a person (the report is
 * read inside the attachment), unless the outer From, as GMime decodes it,
 * is itself a mail system's. */
static void test_forwarded(const char *from, bool nested)
{
	char msg[4096];
	bw_report *r;

	snprintf(msg, sizeof(msg),
	         "From: %s\nTo: postmaster@example.com\nSubject: Fwd: failure\n"
	         "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"F\"\n\n"
	         "--F\nContent-Type: text/plain\n\nsee below\n"
	         "--F\nContent-Type: message/rfc822\n\n"
	         "From: MAILER-DAEMON@mx.example.org\nTo: sender@example.com\nSubject: failure\n"
	         "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
	         "--B\nContent-Type: text/plain\n\nI could not deliver it.\n"
	         "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
	         "Final-Recipient: rfc822; nobody@example.net\nAction: failed\nStatus: 5.1.1\n\n"
	         "--B--\n\n--F--\n", from);
	r = parse(msg);
	CHECK((warning(r, "found inside an attached message")[0] != '\0') == nested);
	bw_report_free(r);
}

/* A plain-text message is read without GMime (plain_text_body()); with a
 * Content-Description header GMime reads it: the same view either way. */
static void check_text_view(const char *head, const char *body)
{
	char a[1024], b[1024];
	bw_msg ma, mb;
	size_t i;

	snprintf(a, sizeof(a), "From: MAILER-DAEMON@example.org\nSubject: failure\n%s\n%s", head, body);
	snprintf(b, sizeof(b), "From: MAILER-DAEMON@example.org\nSubject: failure\n%s"
	         "Content-Description: notice\n\n%s", head, body);
	CHECK(bw_msg__parse(&ma, a, strlen(a), NULL) == BW_OK);
	CHECK(bw_msg__parse(&mb, b, strlen(b), NULL) == BW_OK);
	CHECK(ma.body_len == mb.body_len && memcmp(ma.body, mb.body, ma.body_len) == 0);
	CHECK_STR(ma.content_type, mb.content_type);
	CHECK_STR(ma.report_type, mb.report_type);
	CHECK(ma.headers.n == mb.headers.n && ma.headers.n == 2);
	for (i = 0; i < ma.headers.n && i < mb.headers.n; i++) {
		CHECK_STR(ma.headers.name[i], mb.headers.name[i]);
		CHECK_STR(ma.headers.value[i], mb.headers.value[i]);
	}
	CHECK(ma.warnings.n == mb.warnings.n);
	bw_msg__clear(&ma);
	bw_msg__clear(&mb);
}

static void test_text_views(void)
{
	static const char *const heads[] = {
		"", "Content-Type: text/plain\n", "Content-Type: TEXT/PLAIN; charset=us-ascii\n",
		"Content-Type: text/plain; charset=\"UTF-8\"\nContent-Transfer-Encoding: 8bit\n",
		"Content-Type: text/plain; charset=utf8\nContent-Transfer-Encoding: 7bit\n",
		"Content-Type: text/plain; charset=iso-8859-1\n",
		"Content-Transfer-Encoding: quoted-printable\n",
	};
	static const char *const bodies[] = {
		"", "550 5.1.1 user unknown\n", "caf\xc3\xa9 550 unknown\n", "caf\xe9 550 unknown\n",
		"=E9t=E9 550\n", "no newline at the end",
	};
	size_t i, j;

	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
		for (j = 0; j < sizeof(bodies) / sizeof(bodies[0]); j++)
			check_text_view(heads[i], bodies[j]);
}

int main(void)
{
	if (bw_rules_open(&rules, NULL) != BW_OK) {
		fprintf(stderr, "cannot open rules: %s\n", bw_error_message());
		return 1;
	}
	test_body_warning_offset();
	test_top_warning_offset();
	test_repeated_header();
	test_text_views();
	test_forwarded("Alice <alice@example.com>", true);
	test_forwarded("=?UTF-8?Q?Mail_Delivery_System?= <mailer@example.com>", false);
	bw_rules_free(rules);
	return check_done();
}
