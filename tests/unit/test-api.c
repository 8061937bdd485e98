/* The public API end to end: parse from memory, file and fd; line endings;
 * error codes and messages; JSON; bare replies. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bouncewhy.h"
#include "check.h"

static const char *bounce =
	"From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\n"
	"To: sender@example.com\n"
	"Subject: Undelivered Mail Returned to Sender\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
	"\n"
	"--B\n"
	"Content-Type: text/plain\n"
	"\n"
	"I'm sorry to have to inform you that your message could not be delivered.\n"
	"--B\n"
	"Content-Type: message/delivery-status\n"
	"\n"
	"Reporting-MTA: dns; mx.example.org\n"
	"\n"
	"Final-Recipient: rfc822; nobody@example.net\n"
	"Action: failed\n"
	"Status: 5.1.1\n"
	"Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.net>: Recipient address\n"
	"    rejected: User unknown in virtual mailbox table\n"
	"--B\n"
	"Content-Type: text/rfc822-headers\n"
	"\n"
	"Message-ID: <abc@example.com>\n"
	"From: sender@example.com\n"
	"To: nobody@example.net\n"
	"Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\n"
	"List-Id: <news.example.com>\n"
	"X-Campaign: 42\n"
	"\n"
	"--B--\n";

static char *with_eol(const char *text, const char *eol)
{
	size_t n = 0;
	const char *p;
	char *out, *w;

	for (p = text; *p; p++)
		n += *p == '\n' ? strlen(eol) : 1;
	w = out = malloc(n + 1);
	for (p = text; *p; p++) {
		if (*p == '\n') {
			memcpy(w, eol, strlen(eol));
			w += strlen(eol);
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return out;
}

static char *json_of(const bw_rules *rules, const char *buf)
{
	bw_report *r = NULL;
	char *json = NULL;

	if (bw_parse_buffer(&r, rules, buf, strlen(buf), NULL) != BW_OK)
		return NULL;
	bw_report_to_json(&json, r, NULL, 0);
	bw_report_free(r);
	return json;
}

/* bw_report_write_json()'s callback: collects the pieces; with stop_at,
 * refuses that call. */
typedef struct pieces {
	char *text;
	size_t len, calls, stop_at;
} pieces;

static int collect(const char *data, size_t len, void *payload)
{
	pieces *p = payload;
	char *t;

	if (++p->calls == p->stop_at)
		return 1;
	if (!(t = realloc(p->text, p->len + len + 1)))
		return -1;
	memcpy(t + p->len, data, len);
	p->len += len;
	t[p->len] = '\0';
	p->text = t;
	return 0;
}

/* A DSN failing 2,000 recipients: its JSON is written in several pieces,
 * which together are bw_report_to_json()'s text, in every layout; a
 * callback that stops gives BW_EIO. */
static void streaming(const bw_rules *rules)
{
	static const unsigned flags[] = { 0, BW_JSON_PRETTY, BW_JSON_EVIDENCE, BW_JSON_PRETTY | BW_JSON_EVIDENCE };
	char *dsn = NULL;
	size_t dsn_len = 0;
	bw_report *r = NULL;
	pieces p = { NULL, 0, 0, 0 };
	char *json = NULL;
	FILE *f = open_memstream(&dsn, &dsn_len);
	size_t i;

	fputs("From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail\nMIME-Version: 1.0\n"
	      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
	      "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n", f);
	for (i = 0; i < 2000; i++)
		fprintf(f, "\nFinal-Recipient: rfc822; u%zu@example.net\nAction: failed\nStatus: 5.1.1\n"
		        "Diagnostic-Code: smtp; 550 5.1.1 <u%zu@example.net>: User unknown \"\\x\"\n", i, i);
	fputs("--B--\n", f);
	fclose(f);
	CHECK(bw_parse_buffer(&r, rules, dsn, dsn_len, NULL) == BW_OK);
	CHECK(bw_report_recipient_count(r) == 2000);
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		CHECK(bw_report_to_json(&json, r, "many.eml", flags[i]) == BW_OK);
		CHECK(bw_report_write_json(r, "many.eml", flags[i], collect, &p) == BW_OK);
		CHECK(p.calls > 2);
		CHECK(json && p.text && strcmp(json, p.text) == 0);
		bw_free(json);
		free(p.text);
		p.text = NULL;
		p.len = p.calls = 0;
	}
	p.stop_at = 2;
	CHECK(bw_report_write_json(r, NULL, 0, collect, &p) == BW_EIO);
	CHECK(p.calls == 2);
	free(p.text);
	CHECK(bw_report_write_json(NULL, NULL, 0, collect, &p) == BW_EINVALID);
	CHECK(bw_report_write_json(r, NULL, 0, NULL, NULL) == BW_EINVALID);
	/* the error record the same way */
	p = (pieces){ NULL, 0, 0, 0 };
	CHECK(bw_error_to_json(&json, "x", BW_EPARSE, "bad \"input\"", BW_JSON_PRETTY) == BW_OK);
	CHECK(bw_error_write_json("x", BW_EPARSE, "bad \"input\"", BW_JSON_PRETTY, collect, &p) == BW_OK);
	CHECK(json && p.text && strcmp(json, p.text) == 0);
	CHECK_STR(p.text, "{\n\t\"schema_version\":\t1,\n\t\"source\":\t\"x\",\n\t\"kind\":\t\"error\",\n"
	          "\t\"error\":\t\"bad \\\"input\\\"\",\n\t\"error_code\":\t\"BW_EPARSE\",\n\t\"recipients\":\t[]\n}");
	CHECK(bw_error_write_json("x", BW_EPARSE, "m", 0, NULL, NULL) == BW_EINVALID);
	bw_free(json);
	free(p.text);
	bw_report_free(r);
	free(dsn);
}

/* bw_output: the framing of a JSON array, NDJSON and text around records
 * and error records; a refused write cuts the output off, and nothing can
 * follow the end. */
static void framing(const bw_rules *rules)
{
	pieces p = { NULL, 0, 0, 0 };
	bw_output *o = NULL;
	bw_report *r = NULL;
	char *one = NULL, *text = NULL;

	CHECK(bw_parse_buffer(&r, rules, bounce, strlen(bounce), NULL) == BW_OK);
	if (!r)
		return;

	CHECK(bw_output_new(&o, BW_OUTPUT_JSON, 0, collect, &p) == BW_OK);
	CHECK(bw_output_finish(o) == BW_OK);
	CHECK_STR(p.text, "[\n]\n");
	CHECK(bw_output_finish(o) == BW_EINVALID);
	CHECK(bw_output_report(o, r, "a.eml", -1) == BW_EIO);
	bw_output_free(o);
	free(p.text);
	p = (pieces){ NULL, 0, 0, 0 };

	/* two records in the array: separator, mbox_index first, end */
	CHECK(bw_report_to_json(&one, r, "a.eml", BW_JSON_PRETTY) == BW_OK);
	CHECK(bw_output_new(&o, BW_OUTPUT_JSON, 0, collect, &p) == BW_OK);
	CHECK(bw_output_report(o, r, "a.eml", -1) == BW_OK);
	CHECK(bw_output_error(o, "b.eml", 4, BW_EPARSE, "bad") == BW_OK);
	CHECK(bw_output_finish(o) == BW_OK);
	CHECK(p.text && strncmp(p.text, "[\n", 2) == 0 && one &&
	      strncmp(p.text + 2, one, strlen(one)) == 0);
	CHECK(p.text && strstr(p.text, "},\n{\"mbox_index\":4,\n\t\"schema_version\"") != NULL);
	CHECK(p.len > 4 && strcmp(p.text + p.len - 4, "}\n]\n") == 0);
	bw_output_free(o);
	free(p.text);
	bw_free(one);
	p = (pieces){ NULL, 0, 0, 0 };

	/* NDJSON: one line each */
	CHECK(bw_output_new(&o, BW_OUTPUT_NDJSON, BW_OUTPUT_EXPLAIN, collect, &p) == BW_OK);
	CHECK(bw_output_report(o, r, "a.eml", 0) == BW_OK);
	CHECK(bw_output_report(o, r, "a.eml", 1) == BW_OK);
	CHECK(bw_output_finish(o) == BW_OK);
	CHECK(p.text && strncmp(p.text, "{\"mbox_index\":0,\"schema_version\"",
	                        strlen("{\"mbox_index\":0,\"schema_version\"")) == 0);
	CHECK(p.text && strstr(p.text, "}\n{\"mbox_index\":1,") != NULL && p.text[p.len - 1] == '\n');
	CHECK(p.text && strstr(p.text, "\"evidence\":") != NULL);
	bw_output_free(o);
	free(p.text);
	p = (pieces){ NULL, 0, 0, 0 };

	/* text: the report's rendering, then the error record */
	CHECK(bw_report_to_text(&text, r, "a.eml", -1, 0) == BW_OK);
	CHECK(bw_output_new(&o, BW_OUTPUT_TEXT, 0, collect, &p) == BW_OK);
	CHECK(bw_output_report(o, r, "a.eml", -1) == BW_OK);
	CHECK(bw_output_error(o, "b\x01.eml", -1, BW_EIO, "gone") == BW_OK);
	CHECK(bw_output_finish(o) == BW_OK);
	CHECK(p.text && text && strncmp(p.text, text, strlen(text)) == 0 &&
	      strcmp(p.text + strlen(text), "b\\x01.eml: error: gone\n\n") == 0);
	bw_output_free(o);
	free(p.text);
	bw_free(text);
	p = (pieces){ NULL, 0, 0, 0 };

	/* a refused write cuts the output off */
	p.stop_at = 1;
	CHECK(bw_output_new(&o, BW_OUTPUT_NDJSON, 0, collect, &p) == BW_OK);
	CHECK(bw_output_report(o, r, "a.eml", -1) == BW_EIO);
	CHECK(bw_output_error(o, "b.eml", -1, BW_EIO, "x") == BW_EIO);
	CHECK(bw_output_finish(o) == BW_EIO);
	bw_output_free(o);
	free(p.text);
	CHECK(bw_output_new(&o, 99, 0, collect, &p) == BW_EINVALID && o == NULL);
	CHECK(bw_output_new(&o, BW_OUTPUT_JSON, 0, NULL, NULL) == BW_EINVALID);
	bw_output_free(NULL);
	bw_report_free(r);
}

/* bw_report_walk: the members a visitor receives are the JSON record's
 * keys, in its order; a visitor that stops gives BW_EIO. */
typedef struct keys {
	char text[4096];
	int stop_after;    /* stop at this key (0: never) */
	int n;
} keys;

static int k_nop(void *ctx) { (void)ctx; return 0; }
static int k_string(void *ctx, const char *v) { (void)ctx; (void)v; return 0; }
static int k_integer(void *ctx, long v) { (void)ctx; (void)v; return 0; }
static int k_boolean(void *ctx, int v) { (void)ctx; (void)v; return 0; }
static int k_key(void *ctx, const char *name)
{
	keys *k = ctx;
	size_t len = strlen(k->text);

	snprintf(k->text + len, sizeof(k->text) - len, "%s,", name);
	return ++k->n == k->stop_after;
}

static void walking(const bw_rules *rules)
{
	static const bw_record_visitor v = { k_nop, k_nop, k_nop, k_nop, k_key, k_string,
	                                     k_integer, k_boolean };
	bw_record_visitor broken = v;
	keys k = { "", 0, 0 };
	bw_report *r = NULL;

	CHECK(bw_parse_buffer(&r, rules, bounce, strlen(bounce), NULL) == BW_OK);
	if (!r)
		return;
	CHECK(bw_report_walk(r, "a.eml", 2, 0, &v, &k) == BW_OK);
	CHECK(strncmp(k.text, "mbox_index,schema_version,source,kind,format,", 45) == 0);
	CHECK(strstr(k.text, ",provider,provider_id,") != NULL);
	CHECK(strstr(k.text, ",reason,permanent,hard_bounce,") != NULL);
	CHECK(strstr(k.text, ",decided_by,confidence,") != NULL);
	CHECK(strstr(k.text, "evidence") == NULL);
	k = (keys){ "", 0, 0 };
	CHECK(bw_report_walk(r, NULL, -1, BW_JSON_EVIDENCE, &v, &k) == BW_OK);
	CHECK(strncmp(k.text, "schema_version,kind,", 20) == 0 && strstr(k.text, ",evidence,") != NULL);
	k = (keys){ "", 3, 0 };
	CHECK(bw_report_walk(r, NULL, -1, 0, &v, &k) == BW_EIO && k.n == 3);
	k = (keys){ "", 0, 0 };
	CHECK(bw_error_walk("x", -1, BW_EPARSE, "bad", &v, &k) == BW_OK);
	CHECK_STR(k.text, "schema_version,source,kind,error,error_code,recipients,");
	broken.key = NULL;
	CHECK(bw_report_walk(r, NULL, -1, 0, &broken, &k) == BW_EINVALID);
	CHECK(bw_report_walk(NULL, NULL, -1, 0, &v, &k) == BW_EINVALID);
	bw_report_free(r);
}

int main(void)
{
	bw_rules *rules = NULL;
	bw_report *r = NULL;
	bw_parse_options opts;
	const bw_recipient *rc;
	const char *name, *value;
	char *lf, *crlf, *cr, *json = NULL, path[] = "/tmp/bw-test-api-XXXXXX";
	int fd, i;

	CHECK(bw_rules_open(&rules, NULL) == BW_OK);
	if (!rules) {
		fprintf(stderr, "cannot open rules: %s\n", bw_error_message());
		return check_done();
	}

	CHECK(bw_parse_buffer(&r, rules, bounce, strlen(bounce), NULL) == BW_OK);
	CHECK(bw_report_kind(r) == BW_KIND_BOUNCE);
	CHECK_STR(bw_kind_name(bw_report_kind(r)), "bounce");
	CHECK_STR(bw_report_get(r, BW_REPORT_FORMAT), "rfc3464");
	CHECK_STR(bw_report_get(r, BW_REPORT_REPORTING_MTA), "mx.example.org");
	CHECK_STR(bw_report_get(r, BW_REPORT_ORIG_MESSAGE_ID), "<abc@example.com>");
	CHECK_STR(bw_report_get(r, BW_REPORT_ORIG_SUBJECT), "Grüße");
	CHECK_STR(bw_report_get(r, BW_REPORT_ORIG_LIST_ID), "<news.example.com>");
	CHECK(bw_report_original_header_count(r) == 6);
	CHECK(bw_report_original_header(r, 5, &name, &value) == BW_OK);
	CHECK_STR(name, "X-Campaign");
	CHECK_STR(value, "42");
	CHECK(bw_report_original_header(r, 6, &name, &value) == BW_ENOTFOUND);
	CHECK(bw_report_recipient_count(r) == 1);
	CHECK(bw_report_recipient(r, 1) == NULL);
	rc = bw_report_recipient(r, 0);
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_RECIPIENT), "nobody@example.net");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_STATUS), "5.1.1");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_REPLY_CODE), "550");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_REASON), "userunknown");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_FAULT), "recipient");
	CHECK(bw_recipient_permanent(rc) == 1);
	CHECK(bw_recipient_hard_bounce(rc) == 1);
	CHECK(bw_recipient_evidence_count(rc) >= 1);
	/* Absent values are "", never NULL; out-of-range fields too. */
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_WILL_RETRY_UNTIL), "");
	CHECK_STR(bw_recipient_get(rc, (bw_recipient_field)999), "");
	CHECK_STR(bw_recipient_field_name(BW_RCPT_REPLY_CODE), "reply_code");
	CHECK_STR(bw_report_field_name(BW_REPORT_FIELD_COUNT), "");
	CHECK(bw_report_to_json(&json, r, "x.eml", 0) == BW_OK);
	CHECK(json && strstr(json, "\"source\":\"x.eml\""));
	CHECK(json && strstr(json, "\"reason\":\"userunknown\""));
	CHECK(json && strstr(json, "\"hard_bounce\":true"));
	bw_free(json);
	/* The text for people: headline, verdict, and with BW_TEXT_EXPLAIN the rule. */
	CHECK(bw_report_to_text(&json, r, "x.eml", -1, 0) == BW_OK);
	CHECK(json && strncmp(json, "x.eml: bounce (read as rfc3464), 1 recipient\n",
	                      sizeof("x.eml: bounce (read as rfc3464), 1 recipient\n") - 1) == 0);
	CHECK(json && strstr(json, "\n  nobody@example.net: the address does not exist.\n"));
	CHECK(json && strstr(json, "reason userunknown, permanent, cause on the recipient side: "
	                            "remove this address from your lists\n"));
	CHECK(json && !strstr(json, "    rule: "));
	CHECK(json && strlen(json) >= 2 && strcmp(json + strlen(json) - 2, "\n\n") == 0);
	bw_free(json);
	CHECK(bw_report_to_text(&json, r, NULL, 2, BW_TEXT_EXPLAIN) == BW_OK);
	CHECK(json && strncmp(json, "- (mbox_index 2): bounce", sizeof("- (mbox_index 2): bounce") - 1) == 0);
	CHECK(json && strstr(json, "    rule: userunknown."));
	CHECK(json && strstr(json, "    evidence 1: "));
	bw_free(json);
	CHECK(bw_report_to_text(NULL, r, NULL, -1, 0) == BW_EINVALID);
	CHECK(bw_report_to_text(&json, NULL, NULL, -1, 0) == BW_EINVALID);
	bw_report_free(r);
	r = NULL;

	/* LF, CRLF and bare CR give the same report. */
	lf = json_of(rules, bounce);
	crlf = with_eol(bounce, "\r\n");
	cr = with_eol(bounce, "\r");
	json = json_of(rules, crlf);
	CHECK(lf && json && strcmp(lf, json) == 0);
	bw_free(json);
	json = json_of(rules, cr);
	CHECK(lf && json && strcmp(lf, json) == 0);
	bw_free(json);
	free(crlf);
	free(cr);

	/* File and fd give the same report as memory. */
	fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(write(fd, bounce, strlen(bounce)) == (ssize_t)strlen(bounce));
	close(fd);
	CHECK(bw_parse_file(&r, rules, path, NULL) == BW_OK);
	CHECK(bw_report_to_json(&json, r, NULL, 0) == BW_OK);
	CHECK(lf && json && strcmp(lf, json) == 0);
	bw_free(json);
	bw_report_free(r);
	fd = open(path, O_RDONLY);
	CHECK(bw_parse_fd(&r, rules, fd, NULL) == BW_OK);
	CHECK(bw_report_recipient_count(r) == 1);
	bw_report_free(r);
	close(fd);
	unlink(path);
	free(lf);

	/* Errors: codes and messages, never a crash, *out left NULL. */
	r = (bw_report *)&r;
	CHECK(bw_parse_buffer(&r, rules, "", 0, NULL) == BW_EPARSE);
	CHECK(r == NULL);
	CHECK(strlen(bw_error_message()) > 0);
	CHECK(bw_error_code_last() == BW_EPARSE);
	CHECK(bw_parse_buffer(NULL, rules, "x", 1, NULL) == BW_EINVALID);
	CHECK(bw_parse_buffer(&r, NULL, "x", 1, NULL) == BW_EINVALID);
	CHECK(bw_parse_file(&r, rules, "/nonexistent/bounce.eml", NULL) == BW_EIO);
	CHECK(strstr(bw_error_message(), "/nonexistent/bounce.eml") != NULL);
	CHECK(bw_parse_options_init(&opts, BW_PARSE_OPTIONS_VERSION) == BW_OK);
	opts.max_message_size = 100;
	CHECK(bw_parse_buffer(&r, rules, bounce, strlen(bounce), &opts) == BW_ELIMIT);
	CHECK(bw_parse_options_init(&opts, 99) == BW_EINVALID);
	CHECK_STR(bw_error_code_name(BW_ELIMIT), "BW_ELIMIT");

	/* Not a bounce: a report with no recipients. */
	CHECK(bw_parse_buffer(&r, rules, "From: a@example.com\nSubject: hi\n\nhello\n", 40, NULL) == BW_OK);
	CHECK(bw_report_kind(r) == BW_KIND_NOT_A_BOUNCE);
	CHECK(bw_report_recipient_count(r) == 0);
	bw_report_free(r);

	/* Binary junk is handled without a crash. */
	{
		char junk[4096];
		for (i = 0; i < (int)sizeof(junk); i++)
			junk[i] = (char)(i * 7919 % 251);
		i = bw_parse_buffer(&r, rules, junk, sizeof(junk), NULL);
		CHECK(i == BW_OK || i == BW_EPARSE);
		bw_report_free(r);
	}

	/* A bare reply, as at SMTP time. */
	CHECK(bw_classify_reply(&r, rules, "550 5.1.1 <x@example.org>: Recipient address rejected: User unknown",
	                        "mx.example.org", "rcpt") == BW_OK);
	CHECK(bw_report_kind(r) == BW_KIND_REPLY);
	rc = bw_report_recipient(r, 0);
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_REPLY_CODE), "550");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_STATUS), "5.1.1");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_SMTP_COMMAND), "RCPT");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_REMOTE_MTA), "mx.example.org");
	CHECK_STR(bw_recipient_get(rc, BW_RCPT_REASON), "userunknown");
	CHECK(bw_recipient_hard_bounce(rc));
	bw_report_free(r);
	CHECK(bw_classify_reply(&r, rules, "421 4.7.0 try again later", NULL, NULL) == BW_OK);
	rc = bw_report_recipient(r, 0);
	CHECK(!bw_recipient_permanent(rc));
	CHECK(!bw_recipient_hard_bounce(rc));
	bw_report_free(r);

	streaming(rules);
	framing(rules);
	walking(rules);
	bw_rules_free(rules);
	bw_report_free(NULL);
	bw_rules_free(NULL);
	return check_done();
}
