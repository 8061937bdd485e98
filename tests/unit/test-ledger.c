/*
 * The bounce ledger: the policy's cases one by one (with the clock set by
 * the test), recording once, forget, the schema (a newer one refused, the
 * migration from version 1), the policy file, finding the subscriber.
 *
 *   test-ledger                 runs against SQLite files in a temporary directory
 *   test-ledger postgresql://   runs against PostgreSQL (tests/ledger-pg.sh
 *                               starts a throw-away server with pg_virtualenv)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bouncewhy-ledger.h"
#include "check.h"
#include "ledger.h"

#define BASE 1780000000LL   /* 2026-05-28 */
#define DAY 86400LL

static const char *pg_uri;      /* NULL: SQLite */
static char tmpdir[] = "/tmp/bw-test-ledger-XXXXXX";
static int serial;

int bw_ledger__create_v1(bw_ledger_store *s);

static void location(char *buf, size_t n, const char *tag)
{
	if (pg_uri)
		snprintf(buf, n, "%s", pg_uri);
	else
		snprintf(buf, n, "%s/%s.db", tmpdir, tag);
}

/* An empty store: a new file, or a database without the ledger's tables. */
static bw_ledger_store *raw_store(const char *tag)
{
	bw_ledger_store *s = NULL;
	char loc[512];

	location(loc, sizeof(loc), tag);
	if (pg_uri) {
		if (bw_ledger__pg_open(&s, loc, 5000) < 0) {
			fprintf(stderr, "cannot connect to %s: %s\n", loc, bw_error_message());
			exit(1);
		}
		s->ops->script(s, "DROP TABLE IF EXISTS bw_event, bw_subscriber, bw_transition, bw_meta");
	} else {
		unlink(loc);
		if (bw_ledger__sqlite_open(&s, loc, 5000) < 0)
			exit(1);
	}
	return s;
}

static bw_ledger *fresh(const char *tag, const char *policy)
{
	bw_ledger_options o = BW_LEDGER_OPTIONS_INIT;
	bw_ledger *l = NULL;
	char loc[512];
	bw_ledger_store *s = raw_store(tag);

	s->ops->close(s);
	location(loc, sizeof(loc), tag);
	o.policy_path = policy ? policy : "";
	o.now = BASE;
	if (bw_ledger_open(&l, loc, &o) < 0) {
		fprintf(stderr, "open %s: %s\n", loc, bw_error_message());
		exit(1);
	}
	return l;
}

static int rec(bw_ledger *l, bw_ledger_event ev, const char *addr, double day,
               const char *reason, const char *fault, int hard)
{
	bw_ledger_entry e = BW_LEDGER_ENTRY_INIT;
	char id[32];
	int added = -1;

	snprintf(id, sizeof(id), "<r%d@test>", ++serial);
	e.event = ev;
	e.address = addr;
	e.time = BASE + (long long)(day * DAY);
	e.reason = reason;
	e.fault = fault;
	e.hard = hard;
	e.report_id = id;
	e.provider = fault && !strcmp(fault, "sender") ? "Example Mail" : NULL;
	if (bw_ledger_record(l, &e, &added) < 0) {
		fprintf(stderr, "record: %s\n", bw_error_message());
		return -1;
	}
	return added;
}

static bw_ledger_state state(bw_ledger *l, const char *addr, char *rule, size_t n)
{
	bw_ledger_state s = (bw_ledger_state)-1;
	char *r = NULL;

	if (bw_ledger_state_of(l, addr, &s, &r) < 0)
		fprintf(stderr, "state_of: %s\n", bw_error_message());
	if (rule)
		snprintf(rule, n, "%s", r ? r : "");
	bw_free(r);
	return s;
}

static bool contains(char *s, const char *needle)
{
	bool yes = s && strstr(s, needle);

	if (!yes)
		fprintf(stderr, "  expected '%s' in: %s\n", needle, s ? s : "(null)");
	bw_free(s);
	return yes;
}

static void test_hard_bounce(void)
{
	bw_ledger *l = fresh("hard", NULL);
	char rule[32], *out = NULL;

	CHECK(rec(l, BW_LEDGER_BOUNCE, "Bob@Example.ORG", 0, "userunknown", "recipient", 1) == 1);
	CHECK(state(l, "bob@example.org", rule, sizeof(rule)) == BW_LEDGER_SUPPRESSED);
	CHECK_STR(rule, "hard-bounce");
	/* a hard bounce blamed on the receiver is not the address's fault */
	CHECK(rec(l, BW_LEDGER_BOUNCE, "eve@example.org", 0, "systemerror", "receiver", 1) == 1);
	CHECK(state(l, "eve@example.org", NULL, 0) == BW_LEDGER_ACTIVE);
	CHECK(bw_ledger_status(&out, l, "bob@example.org", BW_LEDGER_JSON) == BW_OK);
	CHECK(contains(out, "\"rule\":\"hard-bounce\""));
	CHECK(bw_ledger_suppressed(&out, l, BW_LEDGER_CSV) == BW_OK);
	CHECK(contains(out, "address,state,rule,since,reason\nbob@example.org,suppressed,hard-bounce,"));
	CHECK(bw_ledger_suppressed(&out, l, BW_LEDGER_POSTFIX) == BW_OK);
	CHECK(contains(out, "bob@example.org REJECT"));
	bw_ledger_free(l);
}

static void test_sender_fault(void)
{
	bw_ledger *l = fresh("sender", NULL);
	char *out = NULL;
	int i;

	for (i = 0; i < 10; i++)
		CHECK(rec(l, BW_LEDGER_BOUNCE, "carol@example.net", i * 5, "blocked", "sender", i % 2) == 1);
	CHECK(state(l, "carol@example.net", NULL, 0) == BW_LEDGER_ACTIVE);
	bw_ledger_set_now(l, BASE + 46 * DAY);
	CHECK(bw_ledger_alerts(&out, l, BW_LEDGER_JSON) == BW_OK);
	/* 7-day window: the bounces of days 40 and 45 */
	CHECK(contains(out, "{\"provider\":\"Example Mail\",\"reason\":\"blocked\",\"count\":2"));
	bw_ledger_set_now(l, BASE + 400 * DAY);
	CHECK(bw_ledger_alerts(&out, l, BW_LEDGER_JSON) == BW_OK);
	CHECK(contains(out, "\"sender\":[]"));
	bw_ledger_free(l);
}

static void test_soft_run(void)
{
	bw_ledger *l = fresh("soft", NULL);
	char rule[32];

	/* 3 soft bounces within 2 days: not yet (default: 3 over >= 14 days) */
	rec(l, BW_LEDGER_BOUNCE, "dan@example.com", 0, "mailboxfull", "recipient", 0);
	rec(l, BW_LEDGER_BOUNCE, "dan@example.com", 1, "mailboxfull", "recipient", 0);
	rec(l, BW_LEDGER_BOUNCE, "dan@example.com", 2, "mailboxfull", "recipient", 0);
	CHECK(state(l, "dan@example.com", NULL, 0) == BW_LEDGER_ACTIVE);
	rec(l, BW_LEDGER_BOUNCE, "dan@example.com", 13.9, "mailboxfull", "recipient", 0);
	CHECK(state(l, "dan@example.com", NULL, 0) == BW_LEDGER_ACTIVE);
	rec(l, BW_LEDGER_BOUNCE, "dan@example.com", 14, "mailboxfull", "recipient", 0);
	CHECK(state(l, "dan@example.com", rule, sizeof(rule)) == BW_LEDGER_SUPPRESSED);
	CHECK_STR(rule, "soft-bounces");

	/* a success in between starts the run again */
	rec(l, BW_LEDGER_BOUNCE, "fay@example.com", 0, "mailboxfull", "recipient", 0);
	rec(l, BW_LEDGER_BOUNCE, "fay@example.com", 5, "mailboxfull", "recipient", 0);
	rec(l, BW_LEDGER_SUCCESS, "fay@example.com", 6, NULL, NULL, -1);
	rec(l, BW_LEDGER_BOUNCE, "fay@example.com", 10, "mailboxfull", "recipient", 0);
	rec(l, BW_LEDGER_BOUNCE, "fay@example.com", 20, "mailboxfull", "recipient", 0);
	CHECK(state(l, "fay@example.com", NULL, 0) == BW_LEDGER_ACTIVE);
	rec(l, BW_LEDGER_BOUNCE, "fay@example.com", 23, "mailboxfull", "recipient", 0);
	CHECK(state(l, "fay@example.com", NULL, 0) == BW_LEDGER_ACTIVE);   /* 13 days */
	rec(l, BW_LEDGER_BOUNCE, "fay@example.com", 24, "mailboxfull", "recipient", 0);
	CHECK(state(l, "fay@example.com", NULL, 0) == BW_LEDGER_SUPPRESSED);

	/* fed out of order: the same answer */
	rec(l, BW_LEDGER_BOUNCE, "gil@example.com", 20, "mailboxfull", "recipient", 0);
	rec(l, BW_LEDGER_BOUNCE, "gil@example.com", 10, "mailboxfull", "recipient", 0);
	CHECK(state(l, "gil@example.com", NULL, 0) == BW_LEDGER_ACTIVE);
	rec(l, BW_LEDGER_BOUNCE, "gil@example.com", 0, "mailboxfull", "recipient", 0);
	CHECK(state(l, "gil@example.com", NULL, 0) == BW_LEDGER_SUPPRESSED);

	/* delays do not count by default; sender faults never */
	rec(l, BW_LEDGER_DELAY, "hal@example.com", 0, "expired", "transit", 0);
	rec(l, BW_LEDGER_DELAY, "hal@example.com", 10, "expired", "transit", 0);
	rec(l, BW_LEDGER_BOUNCE, "hal@example.com", 15, "blocked", "sender", 0);
	rec(l, BW_LEDGER_DELAY, "hal@example.com", 20, "expired", "transit", 0);
	CHECK(state(l, "hal@example.com", NULL, 0) == BW_LEDGER_ACTIVE);
	bw_ledger_free(l);
}

static void test_complaint(void)
{
	bw_ledger *l = fresh("complaint", NULL);
	char rule[32];

	rec(l, BW_LEDGER_COMPLAINT, "ivy@example.com", 0, "feedback", NULL, 0);
	CHECK(state(l, "ivy@example.com", rule, sizeof(rule)) == BW_LEDGER_UNSUBSCRIBED);
	CHECK_STR(rule, "complaint");
	rec(l, BW_LEDGER_BOUNCE, "jo@example.com", 0, "userunknown", "recipient", 1);
	rec(l, BW_LEDGER_COMPLAINT, "jo@example.com", 1, "feedback", NULL, 0);
	CHECK(state(l, "jo@example.com", NULL, 0) == BW_LEDGER_UNSUBSCRIBED);
	/* ARF from NDJSON: abuse unsubscribes, not-spam is no complaint */
	{
		static const char abuse[] = "{\"kind\":\"feedback\",\"feedback_type\":\"abuse\","
			"\"date\":\"Thu, 28 May 2026 10:00:00 +0000\",\"recipients\":"
			"[{\"recipient\":\"pat@example.com\",\"reason\":\"feedback\"}]}";
		static const char notspam[] = "{\"kind\":\"feedback\",\"feedback_type\":\"not-spam\","
			"\"date\":\"Thu, 28 May 2026 10:00:00 +0000\",\"recipients\":"
			"[{\"recipient\":\"quinn@example.com\",\"reason\":\"feedback\"}]}";
		size_t added = 9;
		CHECK(bw_ledger_add_json(l, abuse, sizeof(abuse) - 1, &added) == BW_OK && added == 1);
		CHECK(state(l, "pat@example.com", NULL, 0) == BW_LEDGER_UNSUBSCRIBED);
		CHECK(bw_ledger_add_json(l, notspam, sizeof(notspam) - 1, &added) == BW_OK && added == 0);
		CHECK(state(l, "quinn@example.com", NULL, 0) == BW_LEDGER_ACTIVE);
		CHECK(bw_ledger_add_json(l, "[1,2]", 5, &added) == BW_EPARSE);
	}
	bw_ledger_free(l);
}

static void test_outage(void)
{
	bw_ledger *l = fresh("outage", NULL);
	char addr[64], rule[32], *out = NULL;
	int i;

	/* 10 addresses at one domain within 30 minutes: held, not suppressed */
	for (i = 0; i < 10; i++) {
		snprintf(addr, sizeof(addr), "user%d@burst.example", i);
		rec(l, BW_LEDGER_BOUNCE, addr, i * 3.0 / 1440, "userunknown", "recipient", 1);
		CHECK(state(l, addr, NULL, 0) == (i < 9 ? BW_LEDGER_SUPPRESSED : BW_LEDGER_HELD));
	}
	for (i = 0; i < 10; i++) {
		snprintf(addr, sizeof(addr), "user%d@burst.example", i);
		CHECK(state(l, addr, rule, sizeof(rule)) == BW_LEDGER_HELD);
		CHECK_STR(rule, "outage-hold");
	}
	CHECK(bw_ledger_alerts(&out, l, BW_LEDGER_JSON) == BW_OK);
	CHECK(contains(out, "\"outages\":[{\"domain\":\"burst.example\",\"held\":10"));
	/* alone, hours later: an ordinary hard bounce */
	rec(l, BW_LEDGER_BOUNCE, "late@burst.example", 0.5, "userunknown", "recipient", 1);
	CHECK(state(l, "late@burst.example", NULL, 0) == BW_LEDGER_SUPPRESSED);
	/* a held address that then bounces on its own is suppressed; one that
	 * gets mail through is active again */
	rec(l, BW_LEDGER_BOUNCE, "user1@burst.example", 3, "userunknown", "recipient", 1);
	CHECK(state(l, "user1@burst.example", NULL, 0) == BW_LEDGER_SUPPRESSED);
	rec(l, BW_LEDGER_SUCCESS, "user2@burst.example", 1, NULL, NULL, -1);
	CHECK(state(l, "user2@burst.example", rule, sizeof(rule)) == BW_LEDGER_ACTIVE);
	CHECK_STR(rule, "success");
	bw_ledger_free(l);
}

static void test_once_and_forget(void)
{
	bw_ledger *l = fresh("once", NULL);
	bw_ledger_entry e = BW_LEDGER_ENTRY_INIT;
	char rule[32], *out = NULL;
	int added = -1;

	e.address = "kim@example.com";
	e.time = BASE;
	e.reason = "userunknown";
	e.fault = "recipient";
	e.hard = 1;
	e.report_id = "<bounce-1@mx>";
	e.original_id = "<orig-1@list>";
	e.recipient = "kim@example.com";
	CHECK(bw_ledger_record(l, &e, &added) == BW_OK && added == 1);
	CHECK(bw_ledger_record(l, &e, &added) == BW_OK && added == 0);
	CHECK(bw_ledger_stats(&out, l, BW_LEDGER_JSON) == BW_OK);
	CHECK(contains(out, "\"events\":{\"bounce\":1}"));
	CHECK(bw_ledger_forget(l, "KIM@example.com") == BW_OK);
	CHECK(state(l, "kim@example.com", rule, sizeof(rule)) == BW_LEDGER_ACTIVE);
	CHECK_STR(rule, "forget");
	CHECK(bw_ledger_record(l, &e, &added) == BW_OK && added == 0);
	CHECK(state(l, "kim@example.com", NULL, 0) == BW_LEDGER_ACTIVE);
	e.report_id = "<bounce-2@mx>";
	e.time = BASE + DAY;
	CHECK(bw_ledger_record(l, &e, &added) == BW_OK && added == 1);
	CHECK(state(l, "kim@example.com", NULL, 0) == BW_LEDGER_SUPPRESSED);
	CHECK(bw_ledger_forget(l, "nobody@example.com") == BW_ENOTFOUND);
	CHECK(bw_ledger_status(&out, l, "kim@example.com", BW_LEDGER_TEXT) == BW_OK);
	CHECK(contains(out, "active -> suppressed  (rule hard-bounce)"));
	e.address = "not an address";
	CHECK(bw_ledger_record(l, &e, &added) == BW_EINVALID);
	bw_ledger_free(l);
}

static void test_schema(void)
{
	bw_ledger_store *s;
	bw_ledger *l = NULL;
	bw_ledger_options o = BW_LEDGER_OPTIONS_INIT;
	char loc[512], *out = NULL;

	/* a ledger written by a newer bouncewhy is refused, clearly */
	l = fresh("newer", NULL);
	bw_ledger_free(l);
	location(loc, sizeof(loc), "newer");
	if (pg_uri)
		bw_ledger__pg_open(&s, loc, 5000);
	else
		bw_ledger__sqlite_open(&s, loc, 5000);
	CHECK(s->ops->script(s, "UPDATE bw_meta SET value = '99' WHERE key = 'schema_version'") == BW_OK);
	s->ops->close(s);
	l = NULL;
	CHECK(bw_ledger_open(&l, loc, &o) == BW_ELEDGER);
	CHECK(l == NULL);
	CHECK(strstr(bw_error_message(), "schema version 99, newer than the 2") != NULL);

	/* version 1 -> 2: the entries stay, the confidence column appears */
	s = raw_store("v1");
	CHECK(s->ops->script(s, "CREATE TABLE bw_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)") == BW_OK);
	CHECK(bw_ledger__create_v1(s) == BW_OK);
	CHECK(s->ops->script(s, "INSERT INTO bw_event (identity, address, domain, ts, event, reason,"
	                     " fault, hard, recorded) VALUES ('old', 'old@example.com', 'example.com',"
	                     " 1780000000, 'bounce', 'userunknown', 'recipient', 1, 1780000000);"
	                     "INSERT INTO bw_subscriber (address, domain, state, rule, since)"
	                     " VALUES ('old@example.com', 'example.com', 'suppressed', 'hard-bounce', 1780000000)") == BW_OK);
	s->ops->close(s);
	location(loc, sizeof(loc), "v1");
	CHECK(bw_ledger_open(&l, loc, &o) == BW_OK);
	if (!l)
		return;
	CHECK(state(l, "old@example.com", NULL, 0) == BW_LEDGER_SUPPRESSED);
	{
		bw_ledger_entry e = BW_LEDGER_ENTRY_INIT;
		e.address = "new@example.com";
		e.time = BASE;
		e.reason = "mailboxfull";
		e.confidence = 0.5;
		e.report_id = "<x@y>";
		CHECK(bw_ledger_record(l, &e, NULL) == BW_OK);
	}
	CHECK(bw_ledger_status(&out, l, "new@example.com", BW_LEDGER_JSON) == BW_OK);
	CHECK(contains(out, "\"confidence\":0.5"));
	CHECK(bw_ledger_status(&out, l, "old@example.com", BW_LEDGER_JSON) == BW_OK);
	CHECK(contains(out, "\"confidence\":null"));
	bw_ledger_free(l);
	/* and opening it again is a no-op */
	CHECK(bw_ledger_open(&l, loc, &o) == BW_OK);
	bw_ledger_free(l);
}

static void test_policy_file(void)
{
	char path[600], *out = NULL;
	FILE *f;
	bw_ledger *l;
	bw_ledger_options o = BW_LEDGER_OPTIONS_INIT;
	char loc[512];

	snprintf(path, sizeof(path), "%s/policy.conf", tmpdir);
	f = fopen(path, "w");
	fputs("# a site policy\nsoft_count = 2\nsoft_days = 1   # a day\ncomplaint_unsubscribes = no\n", f);
	fclose(f);
	l = fresh("policy", path);
	CHECK(bw_ledger_policy(&out, l, BW_LEDGER_TEXT) == BW_OK);
	CHECK(contains(out, "\nsoft_count = 2\n"));
	rec(l, BW_LEDGER_BOUNCE, "lea@example.com", 0, "mailboxfull", "recipient", 0);
	rec(l, BW_LEDGER_BOUNCE, "lea@example.com", 1, "mailboxfull", "recipient", 0);
	CHECK(state(l, "lea@example.com", NULL, 0) == BW_LEDGER_SUPPRESSED);
	rec(l, BW_LEDGER_COMPLAINT, "max@example.com", 0, "feedback", NULL, 0);
	CHECK(state(l, "max@example.com", NULL, 0) == BW_LEDGER_ACTIVE);
	bw_ledger_free(l);

	f = fopen(path, "w");
	fputs("soft_count = 2\nsoft_dayz = 1\n", f);
	fclose(f);
	location(loc, sizeof(loc), "policy");
	o.policy_path = path;
	l = NULL;
	CHECK(bw_ledger_open(&l, loc, &o) == BW_EINVALID);
	CHECK(strstr(bw_error_message(), "policy.conf:2: unknown key 'soft_dayz'") != NULL);
	f = fopen(path, "w");
	fputs("soft_count = many\n", f);
	fclose(f);
	CHECK(bw_ledger_open(&l, loc, &o) == BW_EINVALID);
}

static void test_subscriber(void)
{
	static const char bounce[] =
		"From: MAILER-DAEMON@mx.example.net\n"
		"To: list-bounces+alice=example.org@lists.example.net\n"
		"Message-ID: <b1@mx.example.net>\n"
		"Date: Thu, 28 May 2026 10:00:00 +0000\n"
		"Subject: Undelivered Mail Returned to Sender\n"
		"MIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n"
		"--b\nContent-Type: text/plain\n\nMail could not be delivered.\n\n"
		"--b\nContent-Type: message/delivery-status\n\n"
		"Reporting-MTA: dns; mx.example.net\n\n"
		"Final-Recipient: rfc822; forward-target@elsewhere.example\n"
		"Action: failed\nStatus: 5.1.1\n"
		"Diagnostic-Code: smtp; 550 5.1.1 <forward-target@elsewhere.example>: User unknown\n\n"
		"--b--\n";
	bw_policy p;
	bw_rules *rules = NULL;
	bw_report *r = NULL;
	bw_ledger *l;
	char path[600], *s;
	size_t added = 0;
	long long t = 0;
	FILE *f;

	bw_policy__defaults(&p);
	CHECK(bw_ledger__verp_decode(&p, "list-bounces+a=b.example@l.example") == NULL);  /* off */
	free(p.verp_prefix);
	p.verp_prefix = strdup("list-bounces");
	s = bw_ledger__verp_decode(&p, "<List-Bounces+Joe.Q=Example.COM@lists.example>");
	CHECK_STR(s, "joe.q@example.com");
	free(s);
	CHECK(bw_ledger__verp_decode(&p, "other+joe=example.com@lists.example") == NULL);
	CHECK(bw_ledger__verp_decode(&p, "list-bounces@lists.example") == NULL);
	bw_policy__clear(&p);

	CHECK(bw_ledger__parse_date("Thu, 28 May 2026 12:00:00 +0200", &t) && t == 1779962400LL);
	CHECK(bw_ledger__parse_date("28 May 2026 10:00 GMT", &t) && t == 1779962400LL);
	CHECK(bw_ledger__parse_date("2026-05-28T10:00:00Z", &t) && t == 1779962400LL);
	CHECK(!bw_ledger__parse_date("yesterday", &t));

	snprintf(path, sizeof(path), "%s/verp.conf", tmpdir);
	f = fopen(path, "w");
	fputs("verp_prefix = list-bounces\n", f);
	fclose(f);
	l = fresh("verp", path);
	if (bw_rules_open(&rules, NULL) < 0) {
		fprintf(stderr, "rules: %s\n", bw_error_message());
		check_failed++;
		bw_ledger_free(l);
		return;
	}
	CHECK(bw_parse_buffer(&r, rules, bounce, sizeof(bounce) - 1, NULL) == BW_OK);
	CHECK(bw_ledger_add_report(l, r, "verp.eml", &added) == BW_OK && added == 1);
	CHECK(state(l, "alice@example.org", NULL, 0) == BW_LEDGER_SUPPRESSED);
	CHECK(state(l, "forward-target@elsewhere.example", NULL, 0) == BW_LEDGER_ACTIVE);
	CHECK(bw_ledger_add_report(l, r, "verp.eml", &added) == BW_OK && added == 0);
	CHECK(bw_ledger_status(&s, l, "alice@example.org", BW_LEDGER_JSON) == BW_OK);
	CHECK(strstr(s, "\"confidence\":null") == NULL);   /* the record's confidence is kept */
	CHECK(contains(s, "\"report_id\":\"<b1@mx.example.net>\""));
	bw_report_free(r);
	bw_rules_free(rules);
	bw_ledger_free(l);
}

int main(int argc, char **argv)
{
	char cmd[600];

	if (argc > 1)
		pg_uri = argv[1];
	if (!mkdtemp(tmpdir))
		return 1;
	printf("backend: %s\n", pg_uri ? "postgresql" : "sqlite");
	test_hard_bounce();
	test_sender_fault();
	test_soft_run();
	test_complaint();
	test_outage();
	test_once_and_forget();
	test_schema();
	test_policy_file();
	test_subscriber();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return check_done();
}
