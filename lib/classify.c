/*
 * classify.c - from evidence to verdict.
 *
 * Order: a reason a decoder already set for a non-failure report (feedback,
 * vacation, delivered) stands; then the rule database (provider codes, text,
 * status, reply, in that precedence, see rules.h); then the built-in tables
 * below, which read RFC 3463 subject.detail codes and RFC 5321 reply codes
 * for what they mean.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "evidence.h"
#include "reason.h"
#include "rules.h"
#include "util.h"

/* RFC 3463 / RFC 5248 subject.detail -> reason (class decided separately). */
static const struct { const char *detail; const char *reason; } status_table[] = {
	{ "1.1", "userunknown" }, { "1.2", "hostunknown" }, { "1.3", "userunknown" },
	{ "1.4", "userunknown" }, { "1.6", "hasmoved" }, { "1.7", "rejected" },
	{ "1.8", "rejected" }, { "1.10", "notaccept" },
	{ "2.1", "suspend" }, { "2.2", "mailboxfull" }, { "2.3", "exceedlimit" },
	{ "2.4", "systemerror" },
	{ "3.0", "systemerror" }, { "3.1", "systemfull" }, { "3.2", "notaccept" },
	{ "3.3", "systemerror" }, { "3.4", "mesgtoobig" }, { "3.5", "systemerror" },
	{ "4.0", "networkerror" }, { "4.1", "networkerror" }, { "4.2", "networkerror" },
	{ "4.3", "networkerror" }, { "4.4", "hostunknown" }, { "4.5", "networkerror" },
	{ "4.6", "networkerror" }, { "4.7", "expired" },
	{ "5.0", "syntaxerror" }, { "5.1", "syntaxerror" }, { "5.2", "syntaxerror" },
	{ "5.3", "toomanyconn" }, { "5.4", "syntaxerror" }, { "5.5", "syntaxerror" },
	{ "6.0", "contenterror" }, { "6.1", "contenterror" }, { "6.2", "contenterror" },
	{ "6.3", "contenterror" }, { "6.4", "contenterror" }, { "6.5", "contenterror" },
	{ "6.6", "contenterror" }, { "6.7", "contenterror" }, { "6.8", "contenterror" },
	{ "6.9", "contenterror" }, { "6.10", "contenterror" },
	{ "7.0", "securityerror" }, { "7.1", "rejected" }, { "7.2", "filtered" },
	{ "7.3", "securityerror" }, { "7.4", "securityerror" }, { "7.5", "securityerror" },
	{ "7.6", "securityerror" }, { "7.7", "securityerror" }, { "7.8", "securityerror" },
	{ "7.9", "securityerror" }, { "7.10", "failedstarttls" }, { "7.11", "failedstarttls" },
	{ "7.12", "securityerror" }, { "7.13", "suspend" }, { "7.14", "securityerror" },
	{ "7.15", "policyviolation" }, { "7.16", "mesgtoobig" }, { "7.17", "hasmoved" },
	{ "7.18", "hostunknown" }, { "7.20", "authfailure" }, { "7.21", "authfailure" },
	{ "7.22", "authfailure" }, { "7.23", "authfailure" }, { "7.24", "authfailure" },
	{ "7.25", "requireptr" }, { "7.26", "authfailure" }, { "7.27", "rejected" },
	{ "7.28", "speeding" }, { "7.29", "authfailure" }, { "7.30", "failedstarttls" },
};

const char *bw_classify__by_status(const char *status)
{
	size_t i;

	if (!status || strlen(status) < 5)
		return NULL;
	if (status[0] == '2')
		return "delivered";
	if (status[0] == '4' && strcmp(status + 1, ".0.0") == 0)
		return NULL;
	for (i = 0; i < sizeof(status_table) / sizeof(status_table[0]); i++)
		if (strcmp(status + 2, status_table[i].detail) == 0)
			return status_table[i].reason;
	return NULL;
}

/* RFC 5321 reply codes whose meaning is specific enough on its own. */
static const struct { const char *code; const char *reason; } reply_table[] = {
	{ "421", "systemerror" }, { "450", "systemerror" }, { "451", "systemerror" },
	{ "452", "systemfull" }, { "500", "syntaxerror" }, { "501", "syntaxerror" },
	{ "502", "syntaxerror" }, { "503", "syntaxerror" }, { "504", "syntaxerror" },
	{ "521", "notaccept" }, { "530", "securityerror" }, { "534", "securityerror" },
	{ "535", "securityerror" }, { "538", "securityerror" }, { "551", "hasmoved" },
	{ "552", "mailboxfull" }, { "553", "rejected" }, { "556", "notaccept" },
};

const char *bw_classify__by_reply(const char *code)
{
	size_t i;

	if (!code)
		return NULL;
	if (code[0] == '2')
		return "delivered";
	for (i = 0; i < sizeof(reply_table) / sizeof(reply_table[0]); i++)
		if (strcmp(code, reply_table[i].code) == 0)
			return reply_table[i].reason;
	return NULL;
}

static int decide_permanent(const bw_recipient *rc)
{
	const char *status = bw_recipient__get(rc, BW_RCPT_STATUS);
	const char *reply = bw_recipient__get(rc, BW_RCPT_REPLY_CODE);
	const char *action = bw_recipient__get(rc, BW_RCPT_ACTION);

	if (action && (strcmp(action, "delayed") == 0 || strcmp(action, "delivered") == 0 ||
	               strcmp(action, "relayed") == 0 || strcmp(action, "expanded") == 0))
		return 0;
	if (status)
		return status[0] == '5';
	if (reply)
		return reply[0] == '5';
	/* A failure report that gives no code at all ("The recipient name is
	 * not recognized"): the report itself says delivery failed. */
	return 1;
}

static void copy_list(bw_strlist *dst, const char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		bw_strlist__push(dst, v[i]);
}

static bool is_success(const bw_recipient *rc)
{
	const char *action = bw_recipient__get(rc, BW_RCPT_ACTION);
	const char *status = bw_recipient__get(rc, BW_RCPT_STATUS);

	if (action && (strcmp(action, "delivered") == 0 || strcmp(action, "relayed") == 0 ||
	               strcmp(action, "expanded") == 0))
		return !status || status[0] == '2';
	return status && status[0] == '2' && (!action || strcmp(action, "failed") != 0);
}

/* The vocabulary's lower-case phrase as a sentence: capital, full stop. */
static void sentence(char *out, size_t size, const char *phrase)
{
	snprintf(out, size, "%s.", phrase);
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
}

/* One verdict, built from the evidence and written to the record once. */
typedef struct verdict {
	const char *reason;
	const char *decided_by;   /* the tier, for BW_RCPT_DECIDED_BY */
	int confidence;           /* 0..100 */
} verdict;

/* How much each tier of the rule engine is trusted (rules_set.h). */
static void rule_tier_verdict(const bw_match_result *res, verdict *v)
{
	static const struct { const char *name; int confidence; } tiers[] = {
		[BW_TIER_OVERLAY] = { "site rule", 95 },
		[BW_TIER_PROVIDER] = { "provider rule", 95 },
		[BW_TIER_TEXT] = { "phrase rule", 85 },
		[BW_TIER_STATUS] = { "status code", 80 },
		[BW_TIER_LEXICON] = { "lexicon", 0 },
		[BW_TIER_GENERIC] = { "generic phrase", 55 },
		[BW_TIER_OTHER] = { "reply code", 45 },
	};
	int t = res->tier >= 0 && res->tier <= BW_TIER_OTHER ? res->tier : BW_TIER_OTHER;

	v->reason = res->reason;
	v->decided_by = tiers[t].name;
	v->confidence = tiers[t].confidence;
	/* The lexicon: one weak cue says little, several or a strong one more. */
	if (t == BW_TIER_LEXICON)
		v->confidence = res->lexicon_score >= 6 ? 75 : res->lexicon_score >= 3 ? 65 : 50;
}

static void apply_rule(bw_recipient *rc, const bw_match_result *res)
{
	bw_recipient__set(rc, BW_RCPT_RULE, res->rule_id);
	bw_recipient__set(rc, BW_RCPT_FAULT, res->fault);
	bw_recipient__set(rc, BW_RCPT_EXPLANATION, res->explanation);
	bw_recipient__set(rc, BW_RCPT_PROVIDER_CODE, res->provider_code);
	bw_recipient__set(rc, BW_RCPT_SERVER_TAG, res->server_tag);
	copy_list(&rc->remedies, res->remedies, res->n_remedies);
	copy_list(&rc->references, res->references, res->n_references);
	if (res->tier == BW_TIER_LEXICON)
		bw_recipient__evidence(rc, "lexicon %s: cue words for %s (score %d): %s",
		                       res->rule_id, res->reason, res->lexicon_score,
		                       res->evidence ? res->evidence : "matched");
	else
		bw_recipient__evidence(rc, "rule %s: %s", res->rule_id,
		                       res->evidence ? res->evidence : "matched");
	if (res->permanent >= 0)
		rc->permanent = res->permanent;
	if (res->hard_bounce >= 0)
		rc->hard_bounce = res->hard_bounce;
}

/* The rule engine's verdict; 1 when a rule decided, 0 when none matched,
 * or a negative bw_error_code. */
static int by_rules(const bw_rules *rules, bw_recipient *rc, verdict *v)
{
	bw_match_input in;
	bw_match_result res;
	char *unfolded;
	int matched;

	if (!rules)
		return 0;
	memset(&in, 0, sizeof(in));
	unfolded = bw_smtp__unfold_reply(bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC));
	in.diagnostic = unfolded ? unfolded : bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC);
	in.status = bw_recipient__get(rc, BW_RCPT_STATUS);
	in.reply_code = bw_recipient__get(rc, BW_RCPT_REPLY_CODE);
	in.smtp_command = bw_recipient__get(rc, BW_RCPT_SMTP_COMMAND);
	in.remote_mta = bw_recipient__get(rc, BW_RCPT_REMOTE_MTA);
	in.recipient = bw_recipient__get(rc, BW_RCPT_RECIPIENT);
	in.format = bw_recipient__get(rc, BW_RCPT_FORMAT);
	in.action = bw_recipient__get(rc, BW_RCPT_ACTION);
	memset(&res, 0, sizeof(res));
	res.permanent = res.hard_bounce = -1;
	matched = bw_rules__match(rules, &in, &res);
	if (matched >= 0 && res.limit_rule) {
		/* Not silently "no match": the evidence and a warning say so. */
		bw_recipient__evidence(rc, "rule %s: its pattern hit the PCRE2 match limit on this text; "
		                       "counted as not matching", res.limit_rule);
		if (!rc->limit_rule)
			rc->limit_rule = bw_strdup(res.limit_rule);
	}
	if (matched >= 0) {
		if (res.provider)
			bw_recipient__set(rc, BW_RCPT_PROVIDER, res.provider);
		if (res.provider_id)
			bw_recipient__set(rc, BW_RCPT_PROVIDER_ID, res.provider_id);
	}
	if (matched > 0) {
		rule_tier_verdict(&res, v);
		apply_rule(rc, &res);
	}
	free(unfolded);
	return matched;
}

/* The built-in reading of the codes themselves, when no rule decided. */
static void by_codes(bw_recipient *rc, verdict *v)
{
	const char *status = bw_recipient__get(rc, BW_RCPT_STATUS);
	const char *reply = bw_recipient__get(rc, BW_RCPT_REPLY_CODE);
	const char *action = bw_recipient__get(rc, BW_RCPT_ACTION);

	if ((v->reason = bw_classify__by_status(status))) {
		v->decided_by = "status code";
		v->confidence = 70;
		bw_recipient__evidence(rc, "built-in table: status %s means %s", status, v->reason);
	} else if ((v->reason = bw_classify__by_reply(reply))) {
		v->decided_by = "reply code";
		v->confidence = 45;
		bw_recipient__evidence(rc, "built-in table: reply code %s means %s", reply, v->reason);
	} else if (action && strcmp(action, "delayed") == 0) {
		v->reason = "expired";
		v->decided_by = "report";
		v->confidence = 35;
		bw_recipient__evidence(rc, "action delayed and no more specific evidence");
	} else {
		v->reason = (status || reply || bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC)) ? "onhold" : "undefined";
		v->decided_by = "none";
		v->confidence = 0;
		bw_recipient__evidence(rc, "no rule and no specific code: %s", v->reason);
	}
}

int bw_classify__recipient(const bw_rules *rules, bw_recipient *rc)
{
	verdict v = { bw_recipient__get(rc, BW_RCPT_REASON), "report", 90 };
	const char *action = bw_recipient__get(rc, BW_RCPT_ACTION);
	/* a delay report: the sender still retries */
	bool delayed = action && strcmp(action, "delayed") == 0;
	const bw_reason_info *info;
	int hard;

	if (!v.reason && is_success(rc)) {
		v.reason = "delivered";
		v.confidence = 95;
		bw_recipient__evidence(rc, "action %s: the message was delivered", action ? action : "none");
	}
	if (!v.reason) {
		int matched = by_rules(rules, rc, &v);

		if (matched < 0)
			return matched;
		if (!matched)
			by_codes(rc, &v);
	}
	/* A decoder's own reason is the record's string already. */
	if (v.reason != bw_recipient__get(rc, BW_RCPT_REASON))
		bw_recipient__set(rc, BW_RCPT_REASON, v.reason);
	v.reason = bw_recipient__get(rc, BW_RCPT_REASON);
	bw_recipient__set(rc, BW_RCPT_DECIDED_BY, v.decided_by);
	rc->confidence = v.confidence;
	if (rc->permanent < 0)
		rc->permanent = decide_permanent(rc);
	info = bw_reason__find(v.reason);
	if (rc->hard_bounce < 0) {
		/* An address-level reason makes a hard bounce even when the
		 * server answered with a temporary code ("450 4.1.1 User
		 * unknown"), unless the delivery is still being retried; a
		 * reason that depends on permanence (notaccept) needs a
		 * permanent failure. */
		hard = info ? info->hard : 0;
		rc->hard_bounce = hard > 0 ? !delayed : (hard < 0 ? rc->permanent : 0);
	}
	if (!info)
		return BW_OK;
	/* A delay report: the server has not given up, whatever the rule's
	 * wording of the same cause says. */
	if (info->delayed_meaning && delayed) {
		char text[256];

		sentence(text, sizeof(text), info->delayed_meaning);
		bw_recipient__set(rc, BW_RCPT_EXPLANATION, text);
		bw_strlist__clear(&rc->remedies);
		copy_list(&rc->remedies, info->delayed_remedies, info->n_delayed_remedies);
	}
	if (!bw_recipient__get(rc, BW_RCPT_FAULT) && info->fault)
		bw_recipient__set(rc, BW_RCPT_FAULT, info->fault);
	if (!bw_recipient__get(rc, BW_RCPT_EXPLANATION)) {
		char text[256];

		sentence(text, sizeof(text), info->meaning);
		bw_recipient__set(rc, BW_RCPT_EXPLANATION, text);
	}
	/* Every verdict carries advice: the vocabulary's when the deciding
	 * rule gave none. */
	if (!rc->remedies.n)
		copy_list(&rc->remedies, info->remedies, info->n_remedies);
	return BW_OK;
}
