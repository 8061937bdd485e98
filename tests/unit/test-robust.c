/*
 * Nothing lost, nothing amplified (issue 15): behaviours of the library
 * that a hostile or merely odd input used to break.  Each case names the
 * item it covers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bouncewhy.h"
#include "check.h"
#include "text.h"
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

static const char *const HEAD =
	"From: MAILER-DAEMON@mx.example.org\nTo: sender@example.com\nSubject: failure\n"
	"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
	"--B\nContent-Type: message/delivery-status\n\n";

/* Item 5: a per-message Diagnostic-Code before 10,000 recipients is not
 * copied whole to each (it was: 650 MB for a 504 KB report). */
static void test_dsn_defaults_bounded(void)
{
	bw_buf b = BW_BUF_INIT;
	bw_report *r = NULL;
	size_t i, total = 0;

	bw_buf__puts(&b, HEAD);
	bw_buf__puts(&b, "Reporting-MTA: dns; mx.example.org\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 ");
	for (i = 0; i < 65000; i++)
		bw_buf__putc(&b, 'q');
	bw_buf__putc(&b, '\n');
	for (i = 0; i < 10000; i++)
		bw_buf__printf(&b, "\nFinal-Recipient: rfc822; u%zu@example.net\n", i);
	bw_buf__puts(&b, "\n--B--\n");
	CHECK(!b.oom);
	CHECK(bw_parse_buffer(&r, rules, b.p, b.len, NULL) == BW_OK);
	CHECK(r && bw_report_recipient_count(r) == 10000);
	for (i = 0; r && i < bw_report_recipient_count(r); i++) {
		const bw_recipient *rc = bw_report_recipient(r, i);
		total += strlen(bw_recipient_get(rc, BW_RCPT_DIAGNOSTIC));
		if (i == 0 || i == 9999) {
			CHECK_STR(bw_recipient_get(rc, BW_RCPT_STATUS), "5.1.1");
			CHECK_STR(bw_recipient_get(rc, BW_RCPT_ACTION), "failed");
			CHECK(strncmp(bw_recipient_get(rc, BW_RCPT_DIAGNOSTIC), "550 5.1.1 qqq", 13) == 0);
		}
	}
	printf("DSN defaults: %zu bytes of diagnostics over 10,000 recipients (input %zu)\n", total, b.len);
	CHECK(total <= (size_t)4 << 20);
	CHECK(r && has_warning(r, "per-message Diagnostic-Code given to 10000 recipients was cut"));
	bw_report_free(r);
	/* A small report is untouched: every recipient gets the whole text. */
	b.len = 0;
	bw_buf__puts(&b, HEAD);
	bw_buf__puts(&b, "Reporting-MTA: dns; mx.example.org\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 no such user here\n"
	             "\nFinal-Recipient: rfc822; a@example.net\n\nFinal-Recipient: rfc822; b@example.net\n\n--B--\n");
	r = NULL;
	CHECK(bw_parse_buffer(&r, rules, b.p, b.len, NULL) == BW_OK);
	CHECK(r && bw_report_recipient_count(r) == 2);
	if (r)
		CHECK_STR(bw_recipient_get(bw_report_recipient(r, 1), BW_RCPT_DIAGNOSTIC), "550 5.1.1 no such user here");
	CHECK(r && !has_warning(r, "per-message"));
	bw_report_free(r);
	bw_buf__free(&b);
}

/* Item 3: blank or white-space-only lines before the first header. */
static void test_leading_blank_lines(void)
{
	static const char *const leads[] = { "\n", "\n\n", "   \n", " \t \n\n", "\r\n" };
	size_t i;

	for (i = 0; i < sizeof(leads) / sizeof(leads[0]); i++) {
		bw_buf b = BW_BUF_INIT;
		bw_report *r = NULL;
		bw_buf__puts(&b, leads[i]);
		bw_buf__puts(&b, HEAD);
		bw_buf__puts(&b, "Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; a@example.net\n"
		             "Action: failed\nStatus: 5.1.1\n\n--B--\n");
		CHECK(bw_parse_buffer(&r, rules, b.p, b.len, NULL) == BW_OK);
		CHECK(r && bw_report_kind(r) == BW_KIND_BOUNCE && bw_report_recipient_count(r) == 1);
		bw_report_free(r);
		bw_buf__free(&b);
	}
}

/* Item 4: an 8-bit byte in a field name of a feedback report. */
static void test_8bit_feedback_field(void)
{
	const char *msg =
		"From: fbl@example.net\nTo: abuse@example.com\nSubject: complaint\nMIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=feedback-report; boundary=\"F\"\n\n"
		"--F\nContent-Type: text/plain\n\nA complaint.\n\n"
		"--F\nContent-Type: message/feedback-report\n\n"
		"X-Fi\xe9ld: odd\nFeedback-Type: abuse\nUser-Agent: FBL/1.0\nVersion: 1\n"
		"Original-Rcpt-To: <complainer@example.net>\n\n--F--\n";
	bw_report *r = NULL;
	char *json = NULL;

	CHECK(bw_parse_buffer(&r, rules, msg, strlen(msg), NULL) == BW_OK);
	CHECK(r && bw_report_kind(r) == BW_KIND_FEEDBACK);
	if (r)
		CHECK_STR(bw_report_get(r, BW_REPORT_FEEDBACK_TYPE), "abuse");
	CHECK(r && bw_report_to_json(&json, r, NULL, 0) == BW_OK);
	bw_free(json);
	bw_report_free(r);
}

/* Item 10: JSON is valid UTF-8 whatever the input's bytes: 8-bit header
 * names of the returned message, a file name in Latin-1, explain input. */
static void test_json_utf8(void)
{
	const char *msg =
		"From: MAILER-DAEMON@mx.example.org\nTo: sender@example.com\nSubject: failure\nMIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
		"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
		"Final-Recipient: rfc822; a@example.net\nAction: failed\nStatus: 5.1.1\n\n"
		"--B\nContent-Type: text/rfc822-headers\n\nFrom: s@example.com\nX-Na\xefve: v\xe9lue\nX-\xff\xfe: x\n\n--B--\n";
	bw_report *r = NULL;
	char *json = NULL;

	CHECK(bw_parse_buffer(&r, rules, msg, strlen(msg), NULL) == BW_OK);
	CHECK(r && bw_report_to_json(&json, r, "caf\xe9.eml", 0) == BW_OK);
	CHECK(json && bw_text__valid_utf8(json, strlen(json)));
	CHECK(json && strstr(json, "\"source\":\"caf\xc3\xa9.eml\""));
	bw_free(json);
	bw_report_free(r);
	r = NULL;
	json = NULL;
	CHECK(bw_classify_reply(&r, rules, "550 5.1.1 <us\xe9r@example.net> unknown \xff", NULL, NULL) == BW_OK);
	CHECK(r && bw_report_to_json(&json, r, NULL, BW_JSON_EVIDENCE) == BW_OK);
	CHECK(json && bw_text__valid_utf8(json, strlen(json)));
	bw_free(json);
	json = NULL;
	CHECK(bw_error_to_json(&json, "\xff.eml", BW_EPARSE, "bad \xfe", 0) == BW_OK);
	CHECK(json && bw_text__valid_utf8(json, strlen(json)));
	bw_free(json);
	bw_report_free(r);
}

/* Item 11: text output escapes control characters from the message and
 * the file name (no terminal escapes, no forged lines). */
static void test_text_escapes(void)
{
	bw_report *r = NULL;
	char *text = NULL;

	CHECK(bw_classify_reply(&r, rules, "550 5.1.1 user unknown \x1b]0;owned\x07 \x1b[2J \xc2\x9b" "31m", NULL, NULL) == BW_OK);
	CHECK(r && bw_report_to_text(&text, r, "a\nforged: bounce\r.eml", -1, BW_TEXT_EXPLAIN) == BW_OK);
	if (text) {
		CHECK(!strchr(text, '\x1b') && !strchr(text, '\x07') && !strchr(text, '\r'));
		CHECK(!strstr(text, "\xc2\x9b"));
		CHECK(strstr(text, "\\x1b]0;owned\\x07") != NULL);
		CHECK(strncmp(text, "a\\x0aforged: bounce\\x0d.eml: reply", 34) == 0);
		CHECK(bw_text__valid_utf8(text, strlen(text)));
	}
	bw_free(text);
	bw_report_free(r);
}

/* Item 13: a pattern that hits the PCRE2 match limit is a warning naming
 * the rule, and the recipient's evidence says so. */
static void test_match_limit_warns(void)
{
	char dir[] = "/tmp/bw-robust-XXXXXX", path[64];
	const char *overlay[1];
	bw_rules_options o = BW_RULES_OPTIONS_INIT;
	bw_rules *slow = NULL;
	bw_report *r = NULL;
	char reply[128];
	FILE *f;
	size_t i;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/site.rules", dir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fputs("[rule site.backtracks]\ntext = ^550 (a|aa)+$\nreason = userunknown\nexample = 550 aa\n", f);
	fclose(f);
	overlay[0] = path;
	o.overlays = overlay;
	o.n_overlays = 1;
	o.match_limit = 10000;
	CHECK(bw_rules_open(&slow, &o) == BW_OK);
	strcpy(reply, "550 ");
	for (i = 0; i < 60; i++)
		strcat(reply, "a");
	strcat(reply, "c");
	CHECK(slow && bw_classify_reply(&r, slow, reply, NULL, NULL) == BW_OK);
	CHECK(r && has_warning(r, "rule site.backtracks hit the PCRE2 match limit"));
	if (r) {
		const bw_recipient *rc = bw_report_recipient(r, 0);
		bool said = false;
		for (i = 0; i < bw_recipient_evidence_count(rc); i++)
			said |= strstr(bw_recipient_evidence(rc, i), "site.backtracks") != NULL;
		CHECK(said);
	}
	bw_report_free(r);
	bw_rules_free(slow);
	unlink(path);
	rmdir(dir);
}

/* Item 14: the rule database is opened read-only and immutable: a
 * database left in WAL mode gets no -wal or -shm file beside it. */
static void test_rules_db_immutable(const char *db_path)
{
	char dir[] = "/tmp/bw-robust-XXXXXX", copy[96], side[128], cmd[512];
	bw_rules_options o = BW_RULES_OPTIONS_INIT;
	bw_rules *r = NULL;
	sqlite3 *db = NULL;
	struct stat st;

	if (!db_path) {
		printf("BOUNCEWHY_RULES not set: rule database case skipped\n");
		return;
	}
	CHECK(mkdtemp(dir) != NULL);
	snprintf(copy, sizeof(copy), "%s/rules.db", dir);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", db_path, copy);
	CHECK(system(cmd) == 0);
	CHECK(sqlite3_open(copy, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "PRAGMA journal_mode=WAL;", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	snprintf(side, sizeof(side), "%s-wal", copy);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", copy);
	unlink(side);
	chmod(copy, 0444);
	o.path = copy;
	CHECK(bw_rules_open(&r, &o) == BW_OK);
	snprintf(side, sizeof(side), "%s-wal", copy);
	CHECK(stat(side, &st) != 0);
	snprintf(side, sizeof(side), "%s-shm", copy);
	CHECK(stat(side, &st) != 0);
	bw_rules_free(r);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}

int main(void)
{
	if (bw_rules_open(&rules, NULL) != BW_OK) {
		fprintf(stderr, "cannot open rules: %s\n", bw_error_message());
		return 1;
	}
	test_dsn_defaults_bounded();
	test_leading_blank_lines();
	test_8bit_feedback_field();
	test_json_utf8();
	test_text_escapes();
	test_match_limit_warns();
	test_rules_db_immutable(getenv("BOUNCEWHY_RULES"));
	bw_rules_free(rules);
	return check_done();
}
