/* The commands' logic as library calls (issue 10): bw_error_line,
 * bw_rules_list/bw_rules_show, bw_log_run_option/bw_log_run and
 * bw_ledger_add_paths, called directly as the CLI and the Python module
 * call them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bouncewhy-ledger.h"
#include "bouncewhy/log.h"
#include "check.h"

typedef struct sink {
	char out[1 << 16], err[4096];
	size_t out_len, err_len;
	int refuse;          /* the output refuses writes */
	int stops;           /* times stop() was asked */
	int rules_asked;
	int unreadable;
} sink;

static int put(char *buf, size_t *len, size_t cap, const char *data, size_t n)
{
	if (*len + n >= cap)
		n = cap - 1 - *len;
	memcpy(buf + *len, data, n);
	*len += n;
	buf[*len] = '\0';
	return 0;
}

static int w_out(const char *d, size_t n, void *p)
{
	sink *s = p;
	return s->refuse ? 1 : put(s->out, &s->out_len, sizeof(s->out), d, n);
}

static int w_err(const char *d, size_t n, void *p)
{
	sink *s = p;
	return put(s->err, &s->err_len, sizeof(s->err), d, n);
}

static int no_rules(const bw_rules **out, void *p)
{
	sink *s = p;
	s->rules_asked++;
	*out = NULL;
	return -1;
}

static void on_unreadable(const char *source, const char *message, void *p)
{
	sink *s = p;
	(void)source;
	(void)message;
	s->unreadable++;
}

static const char log_text[] =
	"2026-03-01T10:00:00Z mail postfix/smtp[1]: AAA111: to=<a@example.net>, relay=mx.example.net[192.0.2.5]:25, delay=1, dsn=2.0.0, status=sent (250 ok)\n"
	"2026-03-02T10:00:00Z mail postfix/smtp[1]: BBB222: to=<b@hotmail.com>, relay=mx2.hotmail.com[65.54.188.72]:25, delay=1, dsn=5.0.0, status=bounced (host mx2.hotmail.com[65.54.188.72] said: 550 SC-001 (BAY004-MC1F7) Unfortunately, messages from 203.0.113.25 weren't sent. (in reply to MAIL FROM command))\n"
	"2026-03-03T10:00:00Z mail postfix/smtp[1]: CCC333: to=<c@example.net>, relay=mx.example.net[192.0.2.5]:25, delay=1, dsn=4.2.2, status=deferred (host mx.example.net[192.0.2.5] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command))\n";

static size_t count(const char *s, const char *what)
{
	size_t n = 0;
	for (; (s = strstr(s, what)); s += strlen(what))
		n++;
	return n;
}

int main(void)
{
	char dir[] = "/tmp/bw-test-edge-XXXXXX", path[256], nd[256], *text = NULL;
	bw_log_run_options o = BW_LOG_RUN_OPTIONS_INIT;
	bw_ledger_add_options ao = BW_LEDGER_ADD_OPTIONS_INIT;
	bw_ledger_add_result res;
	bw_rules *rules = NULL;
	bw_ledger *l = NULL;
	const char *paths[3];
	sink s;
	FILE *f;
	int fault = -1;

	setenv("TZ", "UTC", 1);
	if (bw_rules_open(&rules, NULL) != BW_OK || !mkdtemp(dir)) {
		fprintf(stderr, "set-up: %s\n", bw_error_message());
		return 1;
	}

	/* ---- the error line: the source's control characters and bytes
	 * 0x80-0xC1 escaped (the CLI's rule), the message as given */
	CHECK(bw_error_line(&text, "a\x01" "b\x85" "c\x7f", 2, "bad \x01 news") == BW_OK);
	CHECK_STR(text, "bouncewhy: a\\x01b\\x85c\\x7f (mbox_index 2): bad \x01 news\n");
	bw_free(text);
	CHECK(bw_error_line(&text, NULL, -1, NULL) == BW_OK);
	CHECK_STR(text, "bouncewhy: -: \n");
	bw_free(text);
	CHECK(bw_error_line(NULL, "x", -1, "y") == BW_EINVALID);

	/* ---- rules as text */
	CHECK(bw_rules_list(&text, rules) == BW_OK);
	CHECK(text && count(text, "\n") == bw_rules_count(rules));
	CHECK(text && strncmp(text, bw_rule_get(bw_rules_at(rules, 0), BW_RULE_ID),
	                      strlen(bw_rule_get(bw_rules_at(rules, 0), BW_RULE_ID))) == 0);
	bw_free(text);
	CHECK(bw_rules_show(&text, rules, bw_rule_get(bw_rules_at(rules, 0), BW_RULE_ID)) == BW_OK);
	CHECK(text && strncmp(text, "id:          ", 13) == 0 && strstr(text, "\nlayer:       base "));
	bw_free(text);
	text = (char *)"untouched";
	CHECK(bw_rules_show(&text, rules, "no-such-rule") == BW_ENOTFOUND);
	CHECK(text == NULL);
	CHECK_STR(bw_error_message(), "no rule 'no-such-rule'");

	/* ---- log options from their command-line text */
	CHECK(bw_log_run_option(&o, "format", "ndjson") == BW_OK && o.format == BW_OUTPUT_NDJSON);
	CHECK(bw_log_run_option(&o, "format", "xml") == BW_EINVALID);
	CHECK_STR(bw_error_message(), "unknown format 'xml' (text, json or ndjson)");
	CHECK(bw_log_run_option(&o, "since", "2026-03-02T00:00:00Z") == BW_OK && o.since == 1772409600);
	CHECK(bw_log_run_option(&o, "until", "@1772582400") == BW_OK && o.until == 1772582400);
	CHECK(bw_log_run_option(&o, "since", "yesterday") == BW_EINVALID);
	CHECK_STR(bw_error_message(), "cannot read the time 'yesterday'");
	CHECK(bw_log_run_option(&o, "year", "1969") == BW_EINVALID);
	CHECK(bw_log_run_option(&o, "fail-on", "nobody") == BW_EINVALID);
	CHECK(bw_log_run_option(&o, "fail-on", "sender") == BW_OK && strcmp(o.fail_on, "sender") == 0);
	CHECK(bw_log_run_option(&o, "colour", "red") == BW_EINVALID);

	/* ---- a log run: NDJSON of the attempts within since..until, the
	 * unreadable path told and skipped, the fail-on side seen */
	snprintf(path, sizeof(path), "%s/mail.log", dir);
	f = fopen(path, "w");
	fputs(log_text, f);
	fclose(f);
	memset(&s, 0, sizeof(s));
	o.write = w_out;
	o.diag = w_err;
	o.payload = &s;
	paths[0] = "/nonexistent/mail.log";
	paths[1] = path;
	CHECK(bw_log_run(&fault, rules, paths, 2, &o) == BW_EIO);
	CHECK(count(s.out, "\n") == 2);                     /* the first attempt is before --since */
	CHECK(strstr(s.out, "b@hotmail.com") && strstr(s.out, "c@example.net") && !strstr(s.out, "a@example.net"));
	CHECK(count(s.out, "\"source\":") == 2);
	CHECK_STR(s.err, "bouncewhy log: cannot open /nonexistent/mail.log: No such file or directory\n");
	CHECK(fault == 1);                                  /* SC-001: the sender's side */
	/* text: the summary; a refused write stops with BW_EIO */
	memset(&s, 0, sizeof(s));
	o.format = BW_OUTPUT_TEXT;
	o.since = o.until = -1;
	o.fail_on = NULL;
	CHECK(bw_log_run(&fault, rules, paths + 1, 1, &o) == BW_OK && fault == 0);
	CHECK(s.out_len > 0 && s.err_len == 0);
	memset(&s, 0, sizeof(s));
	s.refuse = 1;
	CHECK(bw_log_run(NULL, rules, paths + 1, 1, &o) == BW_EIO);
	o.version = 99;
	CHECK(bw_log_run(NULL, rules, paths + 1, 1, &o) == BW_EINVALID);

	/* ---- ledger add: NDJSON needs no rules; mail asks for them once */
	snprintf(nd, sizeof(nd), "%s/r.ndjson", dir);
	f = fopen(nd, "w");
	fputs("\n{\"kind\":\"bounce\",\"recipients\":[]}\nnot json\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/l.db", dir);
	CHECK(bw_ledger_open(&l, path, NULL) == BW_OK);
	memset(&s, 0, sizeof(s));
	ao.rules = no_rules;
	ao.write = w_out;
	ao.diag = w_err;
	ao.on_unreadable = on_unreadable;
	ao.payload = &s;
	paths[0] = nd;
	paths[1] = "/nonexistent/dir";
	CHECK(bw_ledger_add_paths(&res, l, paths, 1, &ao) == BW_OK);
	CHECK(res.messages == 2 && res.unreadable == 1 && res.errors == 1 && s.unreadable == 1);
	CHECK(s.rules_asked == 0);
	CHECK_STR(s.out, "2 messages read, 0 entries recorded, 1 unreadable\n");
	CHECK(strstr(s.err, "/r.ndjson:3: ") != NULL);
	memset(&s, 0, sizeof(s));
	CHECK(bw_ledger_add_paths(&res, l, paths, 2, &ao) == BW_ERULES);
	CHECK(s.rules_asked == 1 && s.out_len == 0);
	CHECK(strstr(s.err, "bouncewhy: cannot load the rules: ") != NULL);
	bw_ledger_free(l);

	unlink(nd);
	unlink(path);
	snprintf(path, sizeof(path), "%s/mail.log", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/l.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/l.db-shm", dir);
	unlink(path);
	rmdir(dir);
	/* the ledger command line's vocabulary (bw_ledger_*_from_*, check_command) */
	{
		bw_ledger_format lf = BW_LEDGER_TEXT;
		long long now = 0;

		CHECK(bw_ledger_format_from_name("postfix", &lf) == BW_OK && lf == BW_LEDGER_POSTFIX);
		CHECK(bw_ledger_format_from_name("json", &lf) == BW_OK && lf == BW_LEDGER_JSON);
		CHECK(bw_ledger_format_from_name("xml", &lf) == BW_EINVALID);
		CHECK_STR(bw_error_message(), "ledger: unknown format 'xml'");
		CHECK(bw_ledger_check_command("suppressed", 0, BW_LEDGER_CSV) == BW_OK);
		CHECK(bw_ledger_check_command("add", 3, BW_LEDGER_TEXT) == BW_OK);
		CHECK(bw_ledger_check_command("stats", 0, BW_LEDGER_CSV) == BW_EINVALID);
		CHECK_STR(bw_error_message(), "ledger stats: csv and postfix are for `suppressed`");
		CHECK(bw_ledger_check_command("status", 0, BW_LEDGER_TEXT) == BW_EINVALID);
		CHECK_STR(bw_error_message(), "ledger status wants one ADDRESS");
		CHECK(bw_ledger_check_command("forget", 2, BW_LEDGER_TEXT) == BW_EINVALID);
		CHECK(bw_ledger_check_command("frob", 0, BW_LEDGER_TEXT) == BW_ENOTFOUND);
		CHECK_STR(bw_error_message(), "ledger: unknown command 'frob'");
		CHECK(bw_ledger_clock_from_text("1700000000", &now) == BW_OK && now == 1700000000LL);
		CHECK(bw_ledger_clock_from_text("+5", &now) == BW_EINVALID);
		CHECK(bw_ledger_clock_from_text(" 5", &now) == BW_EINVALID);
		CHECK(bw_ledger_clock_from_text("0", &now) == BW_EINVALID);
		CHECK(bw_ledger_clock_from_text("99999999999999999999", &now) == BW_EINVALID);
		CHECK_STR(bw_error_message(), "ledger: --now wants seconds since 1970");
	}
	bw_rules_free(rules);
	return check_done();
}
