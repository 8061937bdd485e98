/*
 * test-rules.c - the rule engine: parsing, compiling, opening, matching,
 * precedence, overlays, captures, errors, determinism, threads, self-test.
 *
 *   test-rules FIXTURE_DIR WORK_DIR
 *
 * FIXTURE_DIR is tests/rules (base.rules, overlay.rules, overlay2.rules);
 * WORK_DIR a writable directory for the databases and bad sources made here.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bouncewhy.h"
#include "rules.h"
#include "rules/rules_example.h"
#include "rules/rules_impl.h"

static int failures, checks;
static const char *fixtures, *work;

#define CHECK(cond) do { checks++; if (!(cond)) { failures++; \
	fprintf(stderr, "%s:%d: CHECK failed: %s (last error: %s)\n", __FILE__, __LINE__, \
	        #cond, bw_error_message()); } } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); checks++; \
	if (!a_ || !b_ || strcmp(a_, b_) != 0) { failures++; \
	fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
	        #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } } while (0)

static char *path_in(const char *dir, const char *name)
{
	static _Thread_local char buf[32][1024];
	static _Thread_local int k;
	char *p = buf[k++ % 32];

	snprintf(p, 1024, "%s/%s", dir, name);
	return p;
}

static void write_file(const char *path, const char *content, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(content, 1, len, f) != len) {
		perror(path);
		exit(99);
	}
	fclose(f);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static int compile_one(const char *out, const char *src)
{
	const char *srcs[1] = { src };

	return bw_rules_compile(out, srcs, 1);
}

static bw_rules *open_with(const char *db, const char *const *overlays, size_t n)
{
	bw_rules_options o = BW_RULES_OPTIONS_INIT;
	bw_rules *r = NULL;

	o.path = db;
	o.overlays = overlays;
	o.n_overlays = n;
	if (bw_rules_open(&r, &o) != BW_OK) {
		fprintf(stderr, "open %s: %s\n", db, bw_error_message());
		return NULL;
	}
	return r;
}

/* `txt` written to work/NAME.rules, compiled as a base into work/NAME.db and
 * opened; NULL (a check failed) when any step does. */
static bw_rules *base_from(const char *name, const char *txt)
{
	char src[64], db[64];
	const char *p;

	snprintf(src, sizeof(src), "%s.rules", name);
	snprintf(db, sizeof(db), "%s.db", name);
	p = path_in(work, src);
	write_file(p, txt, strlen(txt));
	CHECK(compile_one(path_in(work, db), p) == BW_OK);
	return open_with(path_in(work, db), NULL, 0);
}

/* Matches and returns the winning rule id ("" for none). */
static const char *win(const bw_rules *r, const char *diag, const char *status,
                       const char *reply, const char *host, const char *rcpt,
                       bw_match_result *res)
{
	bw_match_input in;
	bw_match_result local;
	int m;

	if (!res)
		res = &local;
	memset(&in, 0, sizeof(in));
	in.diagnostic = diag;
	in.status = status;
	in.reply_code = reply;
	in.remote_mta = host;
	in.recipient = rcpt;
	m = bw_rules__match(r, &in, res);
	CHECK(m == 0 || m == 1);
	return m == 1 ? res->rule_id : "";
}

static const char seed1[] =
	"host mx2.hotmail.com[65.54.188.72] said: 550 SC-001 (BAY004-MC1F7) Unfortunately, "
	"messages from 192.0.2.1 weren't sent. Please contact your Internet service provider "
	"since part of their network is on our block list. (in reply to MAIL FROM command)";

static void test_compile_and_open(const char *db)
{
	bw_rules *r;
	const char *hash;

	CHECK(compile_one(db, path_in(fixtures, "base.rules")) == BW_OK);
	r = open_with(db, NULL, 0);
	CHECK(r != NULL);
	if (!r)
		return;
	CHECK(bw_rules_count(r) == 9);
	CHECK_STR(bw_rules_path(r), db);
	CHECK_STR(bw_rules_meta(r, "schema_version"), "2");
	CHECK_STR(bw_rules_meta(r, "rule_count"), "9");
	CHECK_STR(bw_rules_meta(r, "provider_count"), "2");
	CHECK_STR(bw_rules_meta(r, "nonsense"), "");
	hash = bw_rules_meta(r, "source_hash");
	CHECK(strlen(hash) == 64 && strspn(hash, "0123456789abcdef") == 64);
	bw_rules_free(r);
}

static void test_captures(const char *db)
{
	bw_rules *r = open_with(db, NULL, 0);
	bw_match_result res;

	if (!r)
		return;
	CHECK_STR(win(r, seed1, NULL, "550", "mx2.hotmail.com", "a@hotmail.com", &res),
	          "microsoft-consumer.sc-001");
	CHECK_STR(res.provider_code, "SC-001");
	CHECK_STR(res.server_tag, "BAY004-MC1F7");
	CHECK_STR(res.reason, "blocked");
	CHECK_STR(res.fault, "sender");
	CHECK_STR(res.provider, "Microsoft Outlook.com (consumer)");
	CHECK(res.permanent == 1 && res.hard_bounce == 0);
	CHECK(res.n_remedies == 2 && res.n_references == 1);
	CHECK(res.n_remedies == 2 && strstr(res.remedies[1], "SNDS") != NULL);
	CHECK(res.explanation && strstr(res.explanation, "network range is on Microsoft") != NULL);
	CHECK(res.evidence && strstr(res.evidence, "provider microsoft-consumer") != NULL);
	CHECK_STR(res.provider_id, "microsoft-consumer");
	/* the evidence quotes the text the pattern matched, not the pattern */
	CHECK(res.evidence && strstr(res.evidence, "text \"SC-001 (BAY004-MC1F7)\"") != NULL);
	CHECK(res.evidence && strstr(res.evidence, "(?<code>") == NULL);
	{
		/* a long match is cut, at a UTF-8 boundary, with "..." */
		char longtext[600];
		size_t k;

		strcpy(longtext, "552 mailbox is full ");
		for (k = strlen(longtext); k < 400; k += 2)
			memcpy(longtext + k, "\xc3\xa9", 2);
		strcpy(longtext + k, " quota");
		CHECK_STR(win(r, longtext, NULL, "552", NULL, NULL, &res), "generic.priority-high");
		CHECK(res.evidence && strstr(res.evidence, "text \"mailbox is full \xc3\xa9") != NULL);
		CHECK(res.evidence && strstr(res.evidence, "\xc3\xa9...\"") != NULL);
		CHECK(res.evidence && strlen(res.evidence) < 250);
	}
	/* the tag group is optional */
	CHECK_STR(win(r, "550 SC-001 Unfortunately", NULL, "550", "mx4.hotmail.com", NULL, &res),
	          "microsoft-consumer.sc-001");
	CHECK_STR(res.provider_code, "SC-001");
	CHECK_STR(res.server_tag, "");
	/* seed 3: the rate limit, provider found from the recipient's domain */
	CHECK_STR(win(r, "421 RP-001 (BLU004-MC1F5) Unfortunately, some messages from 192.0.2.1 "
	              "weren't sent.", NULL, "421", NULL, "someone@outlook.com", &res),
	          "microsoft-consumer.rp-001");
	CHECK_STR(res.provider_code, "RP-001");
	CHECK_STR(res.server_tag, "BLU004-MC1F5");
	CHECK(res.permanent == 0 && res.hard_bounce == -1);
	bw_rules_free(r);
}

static void test_tiers(const char *db)
{
	bw_rules *r = open_with(db, NULL, 0);
	const char *all = "550 5.7.1 SC-001 your network is on our block list";
	bw_match_result res;

	if (!r)
		return;
	/* provider code beats generic text beats status beats reply */
	CHECK_STR(win(r, all, "5.7.1", "550", "mx2.hotmail.com", NULL, NULL), "microsoft-consumer.sc-001");
	CHECK_STR(win(r, all, "5.7.1", "550", "mx.elsewhere.org", "a@elsewhere.org", NULL), "generic.blocklist");
	CHECK_STR(win(r, "550 5.7.1 nope", "5.7.1", "550", NULL, NULL, NULL), "generic.status-5.7");
	CHECK_STR(win(r, "550 nope", NULL, "550", NULL, NULL, NULL), "generic.reply-550");
	CHECK_STR(win(r, "551 nope", NULL, "551", NULL, NULL, &res), "");
	CHECK(res.rule_id == NULL && res.provider == NULL);
	/* provider by host suffix at a label boundary, else by recipient domain */
	CHECK_STR(win(r, all, NULL, "550", "HOTMAIL.COM.", NULL, NULL), "microsoft-consumer.sc-001");
	CHECK_STR(win(r, all, NULL, "550", "nothotmail.com", NULL, NULL), "generic.blocklist");
	CHECK_STR(win(r, all, NULL, "550", NULL, "x@eu.hotmail.com", NULL), "microsoft-consumer.sc-001");
	CHECK_STR(win(r, all, NULL, "550", NULL, "x@nothotmail.com", NULL), "generic.blocklist");
	/* the host decides before the domain */
	CHECK_STR(win(r, all, NULL, "550", "mx.example.net", "x@hotmail.com", NULL), "generic.blocklist");
	/* the provider is reported even when a generic rule wins */
	CHECK_STR(win(r, "550 5.7.1 nope", "5.7.1", "550", "mx.example.net", NULL, &res), "generic.status-5.7");
	CHECK_STR(res.provider, "Example Mail");
	/* priority inside a tier, and source order otherwise */
	CHECK_STR(win(r, "552 the mailbox is full: quota", NULL, "552", NULL, NULL, NULL), "generic.priority-high");
	CHECK_STR(win(r, "552 the mailbox is full", NULL, "552", NULL, NULL, NULL), "generic.priority-low");
	/* list conditions: prefix wildcards, command, action */
	{
		bw_match_input in;

		memset(&in, 0, sizeof(in));
		in.diagnostic = "554 no";
		in.reply_code = "554";
		in.smtp_command = "RCPT TO";
		in.remote_mta = "mx.example.net";
		CHECK(bw_rules__match(r, &in, &res) == 1 && strcmp(res.rule_id, "example.command") == 0);
		in.smtp_command = "DATA";
		CHECK(bw_rules__match(r, &in, &res) == 0);
		memset(&in, 0, sizeof(in));
		in.diagnostic = "451 4.4.7 still trying";
		in.status = "4.4.7";
		in.action = "delayed";
		CHECK(bw_rules__match(r, &in, &res) == 1 && strcmp(res.rule_id, "generic.delayed") == 0);
		in.action = "failed";
		CHECK(bw_rules__match(r, &in, &res) == 0);
	}
	/* invalid UTF-8 in the diagnostic is matched, not an error */
	CHECK_STR(win(r, "550 \xff\xfe on our block list", NULL, "550", NULL, NULL, NULL), "generic.blocklist");
	bw_rules_free(r);
}

static void test_overlays(const char *db)
{
	const char *ov1 = path_in(fixtures, "overlay.rules");
	const char *ov2 = path_in(fixtures, "overlay2.rules");
	const char *ov1db = path_in(work, "overlay.db");
	const char *both[2], *rev[2];
	bw_rules *r;
	const bw_rule *rule;

	both[0] = ov1, both[1] = ov2;
	rev[0] = ov2, rev[1] = ov1;
	r = open_with(db, both, 1);
	if (r) {
		/* a reply-only overlay rule beats the base's provider rule */
		CHECK_STR(win(r, seed1, NULL, "550", "mx2.hotmail.com", NULL, NULL), "site.sc-001-is-ours");
		CHECK(bw_rules_count(r) == 10);
		rule = bw_rules_at(r, 0);
		CHECK_STR(bw_rule_get(rule, BW_RULE_ID), "site.sc-001-is-ours");
		CHECK(bw_rule_tier(rule) == 0 && bw_rule_layer(rule) == 1);
		/* the base still answers what the overlay does not claim */
		CHECK_STR(win(r, "421 RP-001", NULL, "421", "mx2.hotmail.com", NULL, NULL), "microsoft-consumer.rp-001");
		bw_rules_free(r);
	}
	r = open_with(db, both, 2);
	if (r) {
		CHECK_STR(win(r, seed1, NULL, "550", "mx2.hotmail.com", NULL, NULL), "site2.all-550");
		bw_rules_free(r);
	}
	r = open_with(db, rev, 2);
	if (r) {
		CHECK_STR(win(r, seed1, NULL, "550", "mx2.hotmail.com", NULL, NULL), "site.sc-001-is-ours");
		bw_rules_free(r);
	}
	/* a compiled overlay works like its text */
	CHECK(compile_one(ov1db, ov1) == BW_OK);
	both[0] = ov1db;
	r = open_with(db, both, 1);
	if (r) {
		CHECK_STR(win(r, seed1, NULL, "550", "mx2.hotmail.com", NULL, NULL), "site.sc-001-is-ours");
		bw_rules_free(r);
	}
	/* no base at all: only the overlay */
	both[0] = ov1;
	r = open_with("", both, 1);
	if (r) {
		CHECK(bw_rules_count(r) == 1);
		CHECK_STR(bw_rules_path(r), "");
		bw_rules_free(r);
	}
	/* an overlay rule may use the base's providers */
	{
		const char *p = path_in(work, "uses-base-provider.rules");
		const char *txt = "[rule site.ms]\nprovider = microsoft-consumer\nreply = 4*\nreason = speeding\n"
		                  "example = 421 slow down\n";

		write_file(p, txt, strlen(txt));
		both[0] = p;
		r = open_with(db, both, 1);
		CHECK(r != NULL);
		if (r) {
			CHECK_STR(win(r, "421 RP-001", NULL, "421", "mx2.hotmail.com", NULL, NULL), "site.ms");
			bw_rules_free(r);
		}
	}
}

/* Issue 11's rule format: lexicon votes, generic wrappers below status
 * codes, format exclusions, provider marks, advice and fragments. */
static void test_lexicon_and_sharing(void)
{
	const char *txt =
		"[provider acme]\nname = Acme Mail\nhosts = acme.example\nmarks = acmesmtp\n\n"
		"[rule acme.own]\nprovider = acme\ntext = \\bwidget\\b\nreason = blocked\n"
		"example = 550 widget - acmesmtp\n\n"
		"[fragment nobody]\ntext = \\bno\\s+such\\s+person\\b\n\n"
		"[advice gone]\nexplain = Nobody by that name.\nremedy = Remove it.\n"
		"ref = https://example.org/gone\n\n"
		"[rule words.nobody]\ntext = %{nobody}\nformat = !reply\nreason = filtered\n"
		"advice = gone\nremedy = Ask them.\nexample = 550 no such person\n\n"
		"[rule wrap.rejected]\ntext = \\brecipient\\s+rejected\\b\ngeneric = yes\n"
		"reason = userunknown\nexample = 550 recipient rejected\n\n"
		"[rule st.full]\nstatus = 5.2.2\nreason = mailboxfull\nexample = 552 5.2.2 x\n\n"
		"[rule lex.spam]\ncues = spam | junk mail\nweight = 3\nreason = spamdetected\n"
		"example = 550 looks like junk mail\n\n"
		"[rule lex.full]\ncues = quota\nweight = 2\nreason = mailboxfull\n"
		"example = 552 quota\n\n"
		"[rule lex.blocked]\ncues = listed\nweight = 1\nreason = blocked\n"
		"example = 554 listed\n";
	bw_match_result res;
	bw_match_input in;
	bw_rules *r;

	/* as a base: an overlay's own rules would all rank as site rules */
	r = base_from("lexicon", txt);
	CHECK(r != NULL);
	if (!r)
		return;
	/* the lexicon is a vote: two weak cues lose to one strong one */
	CHECK_STR(win(r, "550 listed: spam", NULL, "550", NULL, NULL, &res), "lex.spam");
	CHECK(res.lexicon_score == 3);
	CHECK_STR(win(r, "452 quota, quota and spam", NULL, "452", NULL, NULL, NULL), "lex.full");
	/* a Latin cue glued to hangul or kana is still a word ("spam에",
	 * "スパムspamです"), not inside a Latin word ("spamx") */
	CHECK_STR(win(r, "550 spam에 해당합니다", NULL, "550", NULL, NULL, NULL), "lex.spam");
	CHECK_STR(win(r, "550 内容がspamです", NULL, "550", NULL, NULL, NULL), "lex.spam");
	CHECK_STR(win(r, "550 spamx", NULL, "550", NULL, NULL, NULL), "");
	CHECK_STR(win(r, "550 xspam", NULL, "550", NULL, NULL, NULL), "");
	/* a spam cue never turns 5.1.1 into spam */
	CHECK_STR(win(r, "550 5.1.1 spam", "5.1.1", "550", NULL, NULL, NULL), "");
	/* a mailbox reason is no cue at the connection stage */
	memset(&in, 0, sizeof(in));
	in.diagnostic = "554 quota";
	in.reply_code = "554";
	in.smtp_command = "CONN";
	CHECK(bw_rules__match(r, &in, &res) == 0);
	/* a status code outranks the lexicon, the lexicon a generic wrapper */
	CHECK_STR(win(r, "552 5.2.2 recipient rejected: spam", "5.2.2", "552", NULL, NULL, NULL), "st.full");
	CHECK_STR(win(r, "550 recipient rejected: spam", NULL, "550", NULL, NULL, NULL), "lex.spam");
	CHECK_STR(win(r, "550 recipient rejected", NULL, "550", NULL, NULL, NULL), "wrap.rejected");
	/* fragments, advice, and a format exclusion */
	memset(&in, 0, sizeof(in));
	in.diagnostic = "550 No such person here";
	in.reply_code = "550";
	in.format = "postfix";
	CHECK(bw_rules__match(r, &in, &res) == 1 && strcmp(res.rule_id, "words.nobody") == 0);
	CHECK_STR(res.explanation, "Nobody by that name.");
	CHECK(res.n_remedies == 2 && strcmp(res.remedies[0], "Remove it.") == 0 &&
	      strcmp(res.remedies[1], "Ask them.") == 0);
	CHECK(res.n_references == 1);
	in.format = "reply";
	CHECK(bw_rules__match(r, &in, &res) == 0);
	/* the provider named by a mark in a remote reply */
	CHECK_STR(win(r, "550 widget - acmesmtp", NULL, "550", NULL, NULL, &res), "acme.own");
	CHECK_STR(res.provider, "Acme Mail");
	/* ... or by its host in a URL */
	CHECK_STR(win(r, "550 widget, see https://help.acme.example/x", NULL, "550", NULL, NULL, NULL),
	          "acme.own");
	/* not by a notice without a reply code (the sender's own words) */
	CHECK_STR(win(r, "widget - acmesmtp", NULL, NULL, NULL, NULL, NULL), "");
	bw_rules_free(r);
}

/* Lexicon frames: a subject and its state in one clause, a few words
 * apart; the nearer subject decides; a frame beats a bare cue of another
 * reason on its own words, and defers to a cue of its own reason. */
static void test_lexicon_frames(void)
{
	const char *txt =
		"[rule fr.host]\nsubject = domain\nstate = does not exist | no entry\n"
		"weight = 3\nreason = hostunknown\nexample = 550 the domain, sadly, has no entry\n\n"
		"[rule fr.user]\nsubject = recipient\nstate = does not exist\nweight = 3\n"
		"reason = userunknown\nexample = 550 the recipient you named does not exist\n\n"
		"[rule fr.spool]\nsubject = spool\nstate = no space left | no space\nweight = 3\n"
		"order = subject-first\nreason = systemfull\nexample = 452 the spool has no space left\n\n"
		"[rule lex.full]\ncues = no space left\nweight = 3\nreason = mailboxfull\n"
		"example = 452 no space left\n\n"
		"[rule lex.host]\ncues = no entry\nweight = 3\nreason = hostunknown\n"
		"example = 550 no entry\n";
	bw_match_result res;
	bw_rules *r;

	r = base_from("frames", txt);
	CHECK(r != NULL);
	if (!r)
		return;
	/* words between, a name among them, either order */
	CHECK_STR(win(r, "550 the domain of kim@mail.example.org (old) does not exist", NULL, "550",
	              NULL, NULL, &res), "fr.host");
	CHECK(res.lexicon_score == 3);
	CHECK_STR(win(r, "550 does not exist, that domain", NULL, "550", NULL, NULL, NULL), "fr.host");
	/* not across a sentence, nor more than eight words apart */
	CHECK_STR(win(r, "550 the domain is fine. It does not exist", NULL, "550", NULL, NULL, NULL), "");
	CHECK_STR(win(r, "550 the domain a b c d e f g h i does not exist", NULL, "550", NULL, NULL,
	              NULL), "");
	/* the nearer subject says whose state it is */
	CHECK_STR(win(r, "550 recipient domain does not exist", NULL, "550", NULL, NULL, NULL), "fr.host");
	CHECK_STR(win(r, "550 domain of the recipient does not exist", NULL, "550", NULL, NULL, NULL),
	          "fr.user");
	/* a frame reads a bare cue of another reason as its state ... */
	CHECK_STR(win(r, "452 the spool has no space left", NULL, "452", NULL, NULL, NULL), "fr.spool");
	CHECK_STR(win(r, "452 no space left", NULL, "452", NULL, NULL, NULL), "lex.full");
	/* ... but only in its order */
	CHECK_STR(win(r, "452 no space left in the spool", NULL, "452", NULL, NULL, NULL), "lex.full");
	/* and a cue of its own reason counts the words once */
	CHECK_STR(win(r, "550 the domain has no entry", NULL, "550", NULL, NULL, &res), "lex.host");
	CHECK(res.lexicon_score == 3);
	bw_rules_free(r);
}

/* Each case: file content, then the expected start of the error message
 * after the file name ("file:line: ..."). */
static void test_parse_errors(void)
{
	static const struct { const char *text, *expect; } cases[] = {
		{ "# c\n[rule a]\nreason = blocked\nfoo = bar\n", ":4: unknown key 'foo'" },
		{ "[rule a]\nreply = 550\n\nreason = nosuchreason\n", ":4: rule a: unknown reason 'nosuchreason'" },
		{ "[rule a]\nprovider = nobody\nreason = blocked\n", ":1: rule a: unknown provider 'nobody'" },
		{ "[rule a]\ntext = (unclosed\nreason = blocked\n", ":2: rule a: text: pattern does not compile" },
		{ "[rule a]\n  reason = blocked\n", ":2: continuation line without a key" },
		{ "\n\nreason = blocked\n", ":3: 'reason' outside a [provider], [rule], [advice], [fragment] or [synonym] section" },
		{ "[rule a]\nreply = 550\n", ":1: rule a: missing reason" },
		{ "[rule a]\nreason = blocked\n", ":1: rule a: a rule needs at least one condition" },
		{ "[rule a]\nstatus = 5.7.x\nreason = blocked\n", ":2: rule a: status: status must be" },
		{ "[rule a]\nreply = 550\nreason = blocked\nreason = blocked\n", ":4: 'reason' given twice (first at line 3)" },
		{ "[rule a]\nreply = 550\nreason = blocked\n[rule a]\nreply = 551\nreason = blocked\n",
		  ":4: rule a is already defined at " },
		{ "[frobnicate a]\n", ":1: unknown section 'frobnicate'" },
		{ "[provider p]\ndomains = example.com\n", ":1: provider p: missing name" },
		{ "[rule a]\nreply = 550\nreason = blocked\nfault = nobody\n", ":4: rule a: fault: " },
		{ "[rule a]\nreply = 550\nreason = blocked\npermanent = maybe\n", ":4: rule a: permanent: " },
		{ "[rule a]\ncommand = FROB\nreason = blocked\n", ":2: rule a: command: " },
		{ "[rule a]\nreply = 550\nreason =\n", ":3: 'reason' has an empty value" },
		{ "[rule a]\ntext = %{nope}\nreason = blocked\n", ":1: rule a: text: unknown fragment %{nope}" },
		{ "[rule a]\nreply = 550\nadvice = nope\nreason = blocked\n", ":1: rule a: advice: unknown advice nope" },
		{ "[advice x]\nremedy = a\n[advice x]\nremedy = b\n", ":3: advice x is already defined" },
		{ "[rule a]\ncues = spam\ntext = x\nreason = blocked\n", ":1: rule a: a lexicon rule has" },
		{ "[rule a]\ncues = spam\nweight = 10\nreason = blocked\n", ":3: rule a: weight: " },
		{ "[rule a]\ncues = spam ||\nreason = blocked\n", ":1: rule a: cues: expected phrases" },
		{ "[rule a]\nsubject = domain\nreason = hostunknown\n", ":1: rule a: a frame has `subject` and `state`" },
		{ "[rule a]\nsubject = domain\nstate = gone\ncues = x\nreason = hostunknown\n", ":1: rule a: a frame has" },
		{ "[rule a]\nsubject = domain\nstate = gone\norder = backwards\nreason = hostunknown\n", ":1: rule a: order: expected" },
		{ "[rule a]\nsubject = domain | |\nstate = gone\nreason = hostunknown\n", ":1: rule a: subject or state: expected phrases" },
		{ "[rule a]\ncues = spam | junk |\n  Spam\nreason = blocked\n", ":1: rule a: cue 'spam' given twice" },
		{ "[rule a]\nformat = postifx\nreason = blocked\n", ":2: rule a: format: expected decoder names" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char name[64], expect[512];
		const char *p, *msg;
		int rc;

		snprintf(name, sizeof(name), "bad%zu.rules", i);
		p = path_in(work, name);
		write_file(p, cases[i].text, strlen(cases[i].text));
		rc = compile_one(path_in(work, "bad.db"), p);
		msg = bw_error_message();
		snprintf(expect, sizeof(expect), "%s%s", p, cases[i].expect);
		checks++;
		if (rc != BW_ERULES || strncmp(msg, expect, strlen(expect)) != 0) {
			failures++;
			fprintf(stderr, "parse case %zu: rc %d, message \"%s\", expected \"%s...\"\n",
			        i, rc, msg, expect);
		}
	}
	/* a duplicate across two files names both places */
	{
		const char *a = path_in(work, "dupa.rules"), *b = path_in(work, "dupb.rules");
		const char *srcs[2] = { b, a };
		const char *t = "\n[rule same]\nreply = 550\nreason = blocked\n";

		write_file(a, t, strlen(t));
		write_file(b, t, strlen(t));
		CHECK(bw_rules_compile(path_in(work, "bad.db"), srcs, 2) == BW_ERULES);
		/* files are read in path order, so b's copy is the duplicate */
		CHECK(strstr(bw_error_message(), "dupb.rules:2: rule same is already defined at") != NULL);
		CHECK(strstr(bw_error_message(), "dupa.rules:2") != NULL);
	}
	/* CRLF line ends, a UTF-8 BOM, and a capture longer than the result buffer */
	{
		const char *p = path_in(work, "crlf.rules");
		const char *t = "\xEF\xBB\xBF# crlf\r\n[rule crlf.x]\r\ntext = (?<code>X+)\r\n"
		                "reason = blocked\r\nexplain = one\r\n  two\r\nexample = 550 XX\r\n";
		const char *ov[1];
		bw_rules *r;
		bw_match_result res;
		char longx[200];

		write_file(p, t, strlen(t));
		ov[0] = p;
		r = open_with("", ov, 1);
		CHECK(r != NULL);
		if (r) {
			const bw_rule *rule = bw_rules_find(r, "crlf.x");

			CHECK_STR(bw_rule_get(rule, BW_RULE_REASON), "blocked");
			CHECK_STR(bw_rule_get(rule, BW_RULE_EXPLANATION), "one two");
			CHECK_STR(bw_rule_example(rule, 0), "550 XX");
			CHECK(bw_rule_line(rule) == 2);
			memset(longx, 'X', sizeof(longx) - 1);
			longx[sizeof(longx) - 1] = '\0';
			CHECK_STR(win(r, longx, NULL, NULL, NULL, NULL, &res), "crlf.x");
			CHECK(strlen(res.provider_code) == sizeof(res.provider_code) - 1);
			bw_rules_free(r);
		}
	}
	/* a missing source */
	CHECK(compile_one(path_in(work, "bad.db"), path_in(work, "no-such.rules")) == BW_EIO);
}

static void patch(const char *path, const char *find, const char *repl)
{
	size_t len, n = strlen(find), i;
	char *buf = read_all(path, &len);

	for (i = 0; buf && i + n <= len; i++)
		if (memcmp(buf + i, find, n) == 0) {
			memcpy(buf + i, repl, n);
			write_file(path, buf, len);
			free(buf);
			return;
		}
	fprintf(stderr, "patch: '%s' not found in %s\n", find, path);
	exit(99);
}

/* patch() at every occurrence: a database holds its rules twice, in the
 * tables and in rule_image (rules_db.c), and is read from the image. */
static void patch_all(const char *path, const char *find, const char *repl)
{
	size_t len, n = strlen(find), i, hits = 0;
	char *buf = read_all(path, &len);

	for (i = 0; buf && i + n <= len; i++)
		if (memcmp(buf + i, find, n) == 0) {
			memcpy(buf + i, repl, n);
			hits++;
		}
	if (!hits) {
		fprintf(stderr, "patch: '%s' not found in %s\n", find, path);
		exit(99);
	}
	write_file(path, buf, len);
	free(buf);
}

static void expect_open_error(const char *db, const char *what)
{
	bw_rules_options o = BW_RULES_OPTIONS_INIT;
	bw_rules *r = (bw_rules *)1;
	int rc;

	o.path = db;
	rc = bw_rules_open(&r, &o);
	checks++;
	if (rc != BW_ERULES || r != NULL || !strstr(bw_error_message(), what)) {
		failures++;
		fprintf(stderr, "open %s: rc %d, message \"%s\", expected BW_ERULES with \"%s\"\n",
		        db, rc, bw_error_message(), what);
	}
}

static void test_db_errors(const char *db)
{
	const char *bad;
	size_t len;
	char *buf = read_all(db, &len);

	expect_open_error(path_in(work, "no-such.db"), "rule database not found");
	bad = path_in(work, "text.db");
	write_file(bad, "hello, I am not a database\n", 27);
	expect_open_error(bad, "not a SQLite database");
	bad = path_in(work, "empty.db");
	write_file(bad, "", 0);
	expect_open_error(bad, "not a SQLite database");
	expect_open_error(work, "not a regular file");
	if (!buf)
		return;
	/* truncated in the middle */
	bad = path_in(work, "truncated.db");
	write_file(bad, buf, len / 2);
	expect_open_error(bad, bad);
	/* the schema page overwritten */
	bad = path_in(work, "garbage.db");
	memset(buf + 100, 0x5a, 3000);
	write_file(bad, buf, len);
	expect_open_error(bad, bad);
	free(buf);
	/* newer schema: patch the stored schema_version value from 2 to 9 */
	bad = path_in(work, "newer.db");
	buf = read_all(db, &len);
	write_file(bad, buf, len);
	free(buf);
	patch(bad, "schema_version2", "schema_version9");
	expect_open_error(bad, "schema version 9 is newer");
	/* an unknown reason stored in a database is caught with file:line */
	bad = path_in(work, "badreason.db");
	buf = read_all(db, &len);
	write_file(bad, buf, len);
	free(buf);
	patch_all(bad, "policyviolation", "policyvi0lation");
	expect_open_error(bad, "base.rules:42: rule generic.status-5.7: unknown reason 'policyvi0lation'");
	/* environment variable */
	{
		bw_rules *r = NULL;

		setenv("BOUNCEWHY_RULES", db, 1);
		CHECK(bw_rules_open(&r, NULL) == BW_OK);
		CHECK_STR(bw_rules_path(r), db);
		bw_rules_free(r);
		unsetenv("BOUNCEWHY_RULES");
	}
	{
		bw_rules_options o;

		CHECK(bw_rules_options_init(&o, 99) == BW_EINVALID);
		CHECK(bw_rules_options_init(&o, BW_RULES_OPTIONS_VERSION) == BW_OK && o.path == NULL);
		o.version = 7;
		CHECK(bw_rules_open((bw_rules **)&o.path, &o) == BW_EINVALID);
	}
}

static void test_determinism(void)
{
	const char *a = path_in(work, "det-a.db"), *b = path_in(work, "det-b.db");
	const char *srcs[1] = { fixtures };
	size_t la = 0, lb = 0;
	char *ba, *bb;
	bw_rules *r;

	CHECK(bw_rules_compile(a, srcs, 1) == BW_OK);
	CHECK(bw_rules_compile(b, srcs, 1) == BW_OK);
	ba = read_all(a, &la);
	bb = read_all(b, &lb);
	CHECK(ba && bb && la == lb && la > 0 && memcmp(ba, bb, la) == 0);
	free(ba);
	free(bb);
	/* compiling over an existing file replaces it */
	CHECK(bw_rules_compile(a, srcs, 1) == BW_OK);
	ba = read_all(a, &la);
	CHECK(ba && la == lb);
	free(ba);
	/* a directory source records paths below the directory's own name */
	r = open_with(a, NULL, 0);
	if (r) {
		CHECK_STR(bw_rule_get(bw_rules_find(r, "generic.reply-550"), BW_RULE_FILE), "rules/base.rules");
		CHECK(bw_rules_find(r, "site2.all-550") != NULL);
		bw_rules_free(r);
	}
}

static void test_introspection(const char *db)
{
	bw_rules *r = open_with(db, NULL, 0);
	const bw_rule *rule;
	size_t i;

	if (!r)
		return;
	rule = bw_rules_find(r, "microsoft-consumer.sc-001");
	CHECK(rule != NULL);
	CHECK_STR(bw_rule_get(rule, BW_RULE_REASON), "blocked");
	CHECK_STR(bw_rule_get(rule, BW_RULE_PROVIDER), "microsoft-consumer");
	CHECK_STR(bw_rule_get(rule, BW_RULE_PROVIDER_NAME), "Microsoft Outlook.com (consumer)");
	CHECK_STR(bw_rule_get(rule, BW_RULE_PERMANENT), "yes");
	CHECK_STR(bw_rule_get(rule, BW_RULE_HARD), "no");
	CHECK_STR(bw_rule_get(rule, BW_RULE_STATUS), "");
	CHECK_STR(bw_rule_get(rule, BW_RULE_FIELD_COUNT), "");
	CHECK_STR(bw_rule_field_name(BW_RULE_PROVIDER_NAME), "provider_name");
	CHECK(bw_rule_line(rule) == 15);
	CHECK(bw_rule_tier(rule) == 1 && bw_rule_layer(rule) == 0);
	CHECK(bw_rule_remedy_count(rule) == 2 && bw_rule_remedy(rule, 2) == NULL);
	CHECK(bw_rule_reference_count(rule) == 1);
	CHECK(bw_rule_example_count(rule) == 1 && strstr(bw_rule_example(rule, 0), "SC-001"));
	/* continuation lines are joined with one space */
	CHECK(strstr(bw_rule_get(rule, BW_RULE_EXPLANATION), "network range is on") != NULL);
	CHECK(bw_rules_find(r, "nope") == NULL && bw_rules_at(r, 9) == NULL);
	/* bw_rules_at walks the precedence order: tiers never go down */
	for (i = 1; i < bw_rules_count(r); i++)
		CHECK(bw_rule_tier(bw_rules_at(r, i - 1)) <= bw_rule_tier(bw_rules_at(r, i)));
	CHECK_STR(bw_rule_get(bw_rules_at(r, 8), BW_RULE_ID), "generic.reply-550");
	bw_rules_free(r);
}

static void test_example_reader(void)
{
	bw_example_facts f;

	bw_rules__read_example(&f, seed1);
	CHECK_STR(f.reply, "550");
	CHECK_STR(f.status, "");
	CHECK_STR(f.host, "mx2.hotmail.com");
	CHECK_STR(f.command, "MAIL");
	bw_rules__read_example(&f, "from 203.0.113.5: 550-5.7.26 unauthenticated (in reply to end of DATA command)");
	CHECK_STR(f.reply, "550");
	CHECK_STR(f.status, "5.7.26");
	CHECK_STR(f.host, "");
	CHECK_STR(f.command, "DATA");
	bw_rules__read_example(&f, "Status 4.2.2. Over quota, 452 later");
	CHECK_STR(f.status, "4.2.2");
	CHECK_STR(f.reply, "452");
}

static void test_check(const char *db)
{
	const char *ov[1];
	bw_rules *r = open_with(db, NULL, 0);
	char *rep = NULL;

	if (r) {
		CHECK(bw_rules_check(&rep, r) == BW_OK);
		CHECK(rep && strstr(rep, "9 rules, 2 providers, 9 examples checked: 0 failures"));
		bw_free(rep);
		bw_rules_free(r);
	}
	/* the overlay steals the examples of SC-001 and of the 550 rule */
	ov[0] = path_in(fixtures, "overlay.rules");
	r = open_with(db, ov, 1);
	if (r) {
		rep = NULL;
		CHECK(bw_rules_check(&rep, r) == BW_ERULES);
		CHECK(rep && strstr(rep, "rule microsoft-consumer.sc-001: example 1 is won by rule site.sc-001-is-ours"));
		CHECK(rep && strstr(rep, "rule generic.reply-550: example 1 is won by rule site.sc-001-is-ours"));
		CHECK(rep && strstr(rep, ": 5 failures"));
		bw_free(rep);
		bw_rules_free(r);
	}
	/* no example, an example won by nobody, an undetectable provider */
	{
		const char *p = path_in(work, "check.rules");
		const char *t = "[provider ghost]\nname = Ghost\n\n"
		                "[rule x.none]\nreply = 550\nreason = blocked\n\n"
		                "[rule x.lost]\nreply = 421\nreason = speeding\nexample = 450 other\n";

		write_file(p, t, strlen(t));
		ov[0] = p;
		r = open_with("", ov, 1);
		if (r) {
			rep = NULL;
			CHECK(bw_rules_check(&rep, r) == BW_ERULES);
			CHECK(rep && strstr(rep, "check.rules:1: provider ghost has neither hosts nor domains"));
			CHECK(rep && strstr(rep, "check.rules:4: rule x.none has no example"));
			CHECK(rep && strstr(rep, "check.rules:8: rule x.lost: example 1 is won by no rule: 450 other"));
			bw_free(rep);
			bw_rules_free(r);
		}
	}
}

/* ---- threads --------------------------------------------------------- */

static const char *const thread_inputs[][3] = {
	{ seed1, "550", "mx2.hotmail.com" },
	{ "550 SC-001 (COL004-MC2F22) Unfortunately", "550", "mx3.hotmail.com" },
	{ "421 RP-001 (BLU004-MC1F5) Unfortunately", "421", "mx1.hotmail.com" },
	{ "550 5.7.1 on our block list", "550", NULL },
	{ "552 the mailbox is full: quota", "552", NULL },
	{ "550 nothing special", "550", NULL },
	{ "999 nothing at all", "", NULL },
};
#define N_INPUTS (sizeof(thread_inputs) / sizeof(thread_inputs[0]))

typedef struct expect {
	const char *rule_id;
	char code[64], tag[64];
} expect;

typedef struct thread_arg {
	const bw_rules *rules;
	const expect *want;
	int mismatches;
} thread_arg;

static void run_one(const bw_rules *r, size_t i, expect *out)
{
	bw_match_input in;
	bw_match_result res;

	memset(&in, 0, sizeof(in));
	in.diagnostic = thread_inputs[i][0];
	in.reply_code = thread_inputs[i][1];
	in.remote_mta = thread_inputs[i][2];
	memset(&res, 0, sizeof(res));
	out->rule_id = bw_rules__match(r, &in, &res) == 1 ? res.rule_id : NULL;
	memcpy(out->code, res.provider_code, sizeof(out->code));
	memcpy(out->tag, res.server_tag, sizeof(out->tag));
}

/* The same rule id (from two rule sets, or none in both)? */
static bool same_id(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static void *thread_main(void *p)
{
	thread_arg *a = p;
	int round;
	size_t i;

	for (round = 0; round < 300; round++)
		for (i = 0; i < N_INPUTS; i++) {
			expect got;

			run_one(a->rules, (i + (size_t)round) % N_INPUTS, &got);
			const expect *w = &a->want[(i + (size_t)round) % N_INPUTS];
			if (!same_id(got.rule_id, w->rule_id) || strcmp(got.code, w->code) != 0 ||
			    strcmp(got.tag, w->tag) != 0)
				a->mismatches++;
		}
	return NULL;
}

/* Eight threads matching the inputs over r, each result checked against
 * want. */
static void run_threads(const bw_rules *r, const expect *want)
{
	pthread_t t[8];
	thread_arg args[8];
	size_t i;

	for (i = 0; i < 8; i++) {
		args[i].rules = r;
		args[i].want = want;
		args[i].mismatches = 0;
		CHECK(pthread_create(&t[i], NULL, thread_main, &args[i]) == 0);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		CHECK(args[i].mismatches == 0);
	}
}

static void test_threads(const char *db)
{
	bw_rules *r = open_with(db, NULL, 0), *fresh;
	expect want[N_INPUTS];
	size_t i;

	if (!r)
		return;
	for (i = 0; i < N_INPUTS; i++)
		run_one(r, i, &want[i]);
	CHECK_STR(want[1].tag, "COL004-MC2F22");
	CHECK(want[6].rule_id == NULL);
	run_threads(r, want);
	/* and from a rule set nothing has matched with yet: the threads race
	 * to make what is made on first use (the candidate index, the
	 * prefilters, the compiled patterns) */
	if ((fresh = open_with(db, NULL, 0))) {
		run_threads(fresh, want);
		bw_rules_free(fresh);
	}
	bw_rules_free(r);
}

/* The prefilter's index of first triple bits (rules_match.c) only skips
 * rules whose prefilter would have failed: every example of the real rule
 * database, whole, cut in half, and upper-cased, gives the same winner with
 * the index and without it. */
static void test_first_bit_index(const char *real_db)
{
	bw_rules_options o = BW_RULES_OPTIONS_INIT;
	bw_rules *r;
	struct bw_pf_index *ix;
	size_t i, j, n = 0;

	o.path = real_db;
	CHECK(bw_rules_open(&r, &o) == BW_OK);
	if (!r)
		return;
	CHECK(atomic_load(&r->index) == NULL);   /* made on the first match */
	win(r, "550 5.1.1 user unknown", "5.1.1", "550", NULL, NULL, NULL);
	ix = atomic_load(&r->index);
	CHECK(ix != NULL && ix->start != NULL);
	if (!ix)
		return;
	for (i = 0; i < r->n_rules; i++) {
		const bw_rstrv *ex = &r->rules[i].src->examples;

		for (j = 0; j < ex->n; j++) {
			char text[1024], *p;
			int variant;

			for (variant = 0; variant < 3; variant++) {
				bw_match_result a, b;
				uint32_t *start = ix->start;
				const char *wa, *wb;

				snprintf(text, sizeof(text), "%s", ex->v[j]);
				if (variant == 1)
					text[strlen(text) / 2] = '\0';
				for (p = text; variant == 2 && *p; p++)
					if (*p >= 'a' && *p <= 'z')
						*p = (char)(*p - 32);
				wa = win(r, text, "5.0.0", "550", NULL, NULL, &a);
				ix->start = NULL;         /* every prefilter runs */
				wb = win(r, text, "5.0.0", "550", NULL, NULL, &b);
				ix->start = start;
				CHECK_STR(wa, wb);
				n++;
			}
		}
	}
	CHECK(n > 300);
	printf("first-bit index: %zu texts, same winners\n", n);
	bw_rules_free(r);
}

/* The providers' suffix tables (rules_suffix.c) find what the scan of
 * every provider's list finds: each host and domain of the real database
 * as it is, under a new label, upper-cased, with a trailing dot or '>',
 * cut at its first dot, and glued to a label without a dot. */
static void test_suffix_tables(const char *real_db)
{
	bw_rules_options o = BW_RULES_OPTIONS_INIT;
	bw_rules *r;
	size_t i, j, n = 0;
	int list;

	o.path = real_db;
	CHECK(bw_rules_open(&r, &o) == BW_OK);
	if (!r)
		return;
	CHECK(r->host_suffix != NULL && r->domain_suffix != NULL);
	for (i = 0; i < r->n_prov; i++) {
		for (list = 0; list < 2; list++) {
			const bw_rstrv *l = list ? &r->prov[i]->hosts : &r->prov[i]->domains;

			for (j = 0; j < l->n; j++) {
				char name[300], *p;
				int variant;

				for (variant = 0; variant < 6; variant++) {
					struct bw_suffix_table *hs = r->host_suffix, *ds = r->domain_suffix;
					const bw_rset_provider *a, *b;
					const char *dot = strchr(l->v[j], '.');

					if (variant == 0)
						snprintf(name, sizeof(name), "%s", l->v[j]);
					else if (variant == 1)
						snprintf(name, sizeof(name), "mx1.%s", l->v[j]);
					else if (variant == 2)
						snprintf(name, sizeof(name), "[%s.]", l->v[j]);
					else if (variant == 3)
						snprintf(name, sizeof(name), "%s>", dot ? dot + 1 : l->v[j]);
					else if (variant == 4)
						snprintf(name, sizeof(name), "x%s", l->v[j]);
					else
						snprintf(name, sizeof(name), "a.b.%s", l->v[j]);
					for (p = name; variant == 1 && *p; p++)
						if (*p >= 'a' && *p <= 'z')
							*p = (char)(*p - 32);
					a = bw_rules__provider(r, list ? name : NULL, list ? NULL : name, NULL);
					if (!list) {   /* a recipient: the domain after its '@' */
						char addr[320];

						snprintf(addr, sizeof(addr), "kim@%s", name);
						a = bw_rules__provider(r, NULL, addr, NULL);
						r->host_suffix = r->domain_suffix = NULL;   /* the scan */
						b = bw_rules__provider(r, NULL, addr, NULL);
					} else {
						r->host_suffix = r->domain_suffix = NULL;
						b = bw_rules__provider(r, name, NULL, NULL);
					}
					r->host_suffix = hs;
					r->domain_suffix = ds;
					CHECK(a == b);
					n++;
				}
			}
		}
	}
	CHECK(n > 100);
	printf("suffix tables: %zu names, same providers\n", n);
	{   /* a name of 30,000 labels: the same answer, in no time */
		size_t len = 60000, k;
		char *big = malloc(len + 32);

		CHECK(big != NULL);
		if (big) {
			for (k = 0; k < len; k += 2)
				memcpy(big + k, "a.", 2);
			snprintf(big + len, 32, "%s", r->n_prov && r->prov[0]->hosts.n
			         ? r->prov[0]->hosts.v[0] : "example.org");
			CHECK(bw_rules__provider(r, big, NULL, NULL) ==
			      bw_rules__provider(r, big + len, NULL, NULL));
			free(big);
		}
	}
	bw_rules_free(r);
}

int main(int argc, char **argv)
{
	const char *db;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: test-rules FIXTURE_DIR WORK_DIR [RULES_DB]\n");
		return 2;
	}
	if (argc == 4 && argv[3][0]) {
		test_first_bit_index(argv[3]);
		test_suffix_tables(argv[3]);
	}
	fixtures = argv[1];
	work = argv[2];
	mkdir(work, 0777);
	db = strdup(path_in(work, "base.db"));
	test_compile_and_open(db);
	test_captures(db);
	test_tiers(db);
	test_overlays(db);
	test_lexicon_and_sharing();
	test_lexicon_frames();
	test_parse_errors();
	test_db_errors(db);
	test_determinism();
	test_introspection(db);
	test_example_reader();
	test_check(db);
	test_threads(db);
	printf("%d checks, %d failures\n", checks, failures);
	free((char *)db);
	return failures ? 1 : 0;
}
