/*
 * classify.c - from evidence to verdict.
 *
 * Order: a reason a decoder already set for a non-failure report (feedback,
 * vacation, delivered) stands; then the rule database (provider codes, text,
 * status, reply, in that precedence, see rules.h); then the vocabulary's
 * reading of RFC 3463 subject.detail codes and RFC 5321 reply codes.
 *
 * The record is read once into a view; every tier produces the same
 * verdict structure; write_verdict() is the one place a verdict reaches the
 * record.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "error.h"
#include "evidence.h"
#include "reason.h"
#include "rules.h"
#include "text.h"
#include "util.h"

/* The built-in readings of the codes come from the vocabulary
 * (rules/vocabulary/reasons.vocab: `status`, `reply`); the class is decided
 * here: 2.x.x is a delivery, 4.0.0 says nothing. */
const char *bw_classify__by_status(const char *status)
{
	if (!status || strlen(status) < 5)
		return NULL;
	if (status[0] == '2')
		return "delivered";
	if (status[0] == '4' && strcmp(status + 1, ".0.0") == 0)
		return NULL;
	return bw_reason__of_status_detail(status + 2);
}

const char *bw_classify__by_reply(const char *code)
{
	if (!code)
		return NULL;
	if (code[0] == '2')
		return "delivered";
	return bw_reason__of_reply(code);
}

/* What the tiers read of one recipient: its fields, read once. */
typedef struct view {
	const char *reason;       /* a decoder's own reason (feedback...), or NULL */
	const char *status;
	const char *reply;
	const char *action;
	const char *diagnostic;
	const char *command;      /* the SMTP command refused or after which it failed */
	bool delayed;             /* a delay report: the sender still retries */
	char cause_status[12];    /* storage for status (bw_evidence__cause_status) */
} view;

static void read_view(const bw_recipient *rc, view *w)
{
	w->reason = bw_recipient__get(rc, BW_RCPT_REASON);
	w->status = bw_evidence__cause_status(rc, w->cause_status);
	w->reply = bw_recipient__get(rc, BW_RCPT_REPLY_CODE);
	w->action = bw_recipient__get(rc, BW_RCPT_ACTION);
	w->diagnostic = bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC);
	w->command = bw_recipient__get(rc, BW_RCPT_SMTP_COMMAND);
	w->delayed = w->action && strcmp(w->action, "delayed") == 0;
}

static bool action_is(const view *w, const char *a)
{
	return w->action && strcmp(w->action, a) == 0;
}

static int decide_permanent(const view *w)
{
	if (w->delayed || action_is(w, "delivered") || action_is(w, "relayed") ||
	    action_is(w, "expanded"))
		return 0;
	if (w->status)
		return w->status[0] == '5';
	if (w->reply)
		return w->reply[0] == '5';
	/* A failure report that gives no code at all ("The recipient name is
	 * not recognized"): the report itself says delivery failed. */
	return 1;
}

static bool is_success(const view *w)
{
	if (action_is(w, "delivered") || action_is(w, "relayed") || action_is(w, "expanded"))
		return !w->status || w->status[0] == '2';
	return w->status && w->status[0] == '2' && !action_is(w, "failed");
}

static void copy_list(bw_strlist *dst, const char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		bw_strlist__push(dst, v[i]);
}

/* The vocabulary's lower-case phrase as a sentence: capital, full stop. */
static void sentence(char *out, size_t size, const char *phrase)
{
	snprintf(out, size, "%s.", phrase);
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
}

/* One verdict: what the tiers conclude, written to the record once
 * (write_verdict).  Strings are borrowed from the view, the rule set or
 * the rule engine's result; evidence lines are owned. */
typedef struct verdict {
	const char *reason;
	const char *decided_by;   /* the tier, for BW_RCPT_DECIDED_BY */
	int confidence;           /* 0..100 */
	const bw_match_result *rule;   /* the deciding rule, or NULL */
	const char *provider;     /* the receiving provider, found even when */
	const char *provider_id;  /* no provider rule decided */
	const char *limit_rule;   /* a rule that hit the PCRE2 match limit */
	char *evidence[2];        /* why, in order */
	size_t n_evidence;
} verdict;

static void note(verdict *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(verdict *v, const char *fmt, ...)
{
	va_list ap;
	char *line;
	int n;

	if (v->n_evidence >= sizeof(v->evidence) / sizeof(v->evidence[0]))
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (!(line = malloc((size_t)n + 1))) {
		bw_error__oom();   /* reported by the parse: see error.h */
		return;
	}
	va_start(ap, fmt);
	vsnprintf(line, (size_t)n + 1, fmt, ap);
	va_end(ap);
	v->evidence[v->n_evidence++] = line;
}

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

	v->rule = res;
	v->reason = res->reason;
	v->decided_by = tiers[t].name;
	v->confidence = tiers[t].confidence;
	/* The lexicon: one weak cue says little, several or a strong one more. */
	if (t == BW_TIER_LEXICON) {
		v->confidence = res->lexicon_score >= 6 ? 75 : res->lexicon_score >= 3 ? 65 : 50;
		note(v, "lexicon %s: cue words for %s (score %d): %s", res->rule_id, res->reason,
		     res->lexicon_score, res->evidence ? res->evidence : "matched");
	} else {
		note(v, "rule %s: %s", res->rule_id, res->evidence ? res->evidence : "matched");
	}
}

/* The rule engine's verdict into `v` (its strings borrowed from `res`); 1
 * when a rule decided, 0 when none matched, or a negative bw_error_code. */
static int by_rules(const bw_rules *rules, const bw_recipient *rc, const view *w,
                    bw_match_result *res, verdict *v)
{
	bw_match_input in;
	char *unfolded, *joined, *cut;
	int matched;

	if (!rules)
		return 0;
	memset(&in, 0, sizeof(in));
	unfolded = bw_smtp__unfold_reply(w->diagnostic);
	in.diagnostic = unfolded ? unfolded : w->diagnostic;
	if ((joined = bw_text__join_cjk(in.diagnostic)))
		in.diagnostic = joined;
	if ((cut = bw_text__cut_advice(in.diagnostic)))
		in.diagnostic = cut;
	in.status = w->status;
	in.reply_code = w->reply;
	in.smtp_command = bw_recipient__get(rc, BW_RCPT_SMTP_COMMAND);
	in.remote_mta = bw_recipient__get(rc, BW_RCPT_REMOTE_MTA);
	in.recipient = bw_recipient__get(rc, BW_RCPT_RECIPIENT);
	in.format = bw_recipient__get(rc, BW_RCPT_FORMAT);
	in.action = w->action;
	memset(res, 0, sizeof(*res));
	res->permanent = res->hard_bounce = -1;
	matched = bw_rules__match(rules, &in, res);
	free(cut);
	free(joined);
	free(unfolded);
	if (matched < 0)
		return matched;
	if (res->limit_rule) {
		/* Not silently "no match": the evidence and a warning say so. */
		v->limit_rule = res->limit_rule;
		note(v, "rule %s: its pattern hit the PCRE2 match limit on this text; "
		     "counted as not matching", res->limit_rule);
	}
	v->provider = res->provider;
	v->provider_id = res->provider_id;
	if (matched > 0)
		rule_tier_verdict(res, v);
	return matched;
}

/* When the recipient's own lines matched no rule: the notice's text as a
 * whole (rc->notice, a generic reader's report about this one recipient),
 * read by the same rules; what it decides is less certain, and the
 * evidence says where it was read.  Same returns as by_rules(). */
static int by_notice(const bw_rules *rules, const bw_recipient *rc, const view *w,
                     bw_match_result *res, verdict *v)
{
	view nw = *w;
	const char *provider = v->provider, *provider_id = v->provider_id;
	int matched;

	nw.diagnostic = rc->notice;
	matched = by_rules(rules, rc, &nw, res, v);
	if (!v->provider) {
		/* the provider found by the recipient's own lines stands */
		v->provider = provider;
		v->provider_id = provider_id;
	}
	if (matched > 0) {
		v->confidence = v->confidence > 20 ? v->confidence - 20 : v->confidence;
		note(v, "read in the notice's text around the recipient, not in its own lines");
	}
	return matched;
}

/* Frees the evidence lines of `v`. */
static void verdict_clear(verdict *v)
{
	size_t i;

	for (i = 0; i < v->n_evidence; i++)
		free(v->evidence[i]);
	v->n_evidence = 0;
}

/* Own lines that only a generic rule read (a status code's catch-all, a
 * bare wrapper): the notice's words, when a phrase, a provider's rule or
 * the lexicon reads them, say more and replace `v` (its rule then in
 * `nres`, which must outlive it).  Returns `matched`, or a negative
 * bw_error_code. */
static int notice_over_generic(const bw_rules *rules, const bw_recipient *rc, const view *w,
                               bw_match_result *nres, verdict *v, int matched)
{
	verdict nv;
	int nm;

	memset(&nv, 0, sizeof(nv));
	nv.provider = v->provider;
	nv.provider_id = v->provider_id;
	nm = by_notice(rules, rc, w, nres, &nv);
	if (nm > 0 && nres->tier <= BW_TIER_LEXICON) {
		verdict_clear(v);
		*v = nv;
		return matched;
	}
	verdict_clear(&nv);
	return nm < 0 ? nm : matched;
}

/* The built-in reading of the codes themselves, when no rule decided. */
static void by_codes(const view *w, verdict *v)
{
	if ((v->reason = bw_classify__by_status(w->status))) {
		v->decided_by = "status code";
		v->confidence = 70;
		note(v, "built-in table: status %s means %s", w->status, v->reason);
	} else if ((v->reason = bw_classify__by_reply(w->reply))) {
		v->decided_by = "reply code";
		v->confidence = 45;
		note(v, "built-in table: reply code %s means %s", w->reply, v->reason);
	} else if (w->delayed) {
		v->reason = "expired";
		v->decided_by = "report";
		v->confidence = 35;
		note(v, "action delayed and no more specific evidence");
	} else {
		/* a recipient refused at a known stage failed, for a reason not
		 * given: on hold; with nothing at all known, undefined */
		v->reason = (w->status || w->reply || w->diagnostic || w->command) ? "onhold" : "undefined";
		v->decided_by = "none";
		v->confidence = 0;
		note(v, "no rule and no specific code: %s", v->reason);
	}
}

/* The one place a verdict reaches the record. */
static void write_verdict(bw_recipient *rc, const view *w, const verdict *v)
{
	const bw_match_result *res = v->rule;
	const bw_reason_info *info = bw_reason__find(v->reason);
	char text[256];
	size_t i;
	int hard;

	if (v->limit_rule && !rc->limit_rule)
		rc->limit_rule = bw_strdup(v->limit_rule);
	if (v->provider)
		bw_recipient__set(rc, BW_RCPT_PROVIDER, v->provider);
	if (v->provider_id)
		bw_recipient__set(rc, BW_RCPT_PROVIDER_ID, v->provider_id);
	if (res) {
		/* The deciding rule's account replaces whatever a decoder said. */
		bw_recipient__set(rc, BW_RCPT_RULE, res->rule_id);
		bw_recipient__set(rc, BW_RCPT_FAULT, res->fault);
		bw_recipient__set(rc, BW_RCPT_EXPLANATION, res->explanation);
		bw_recipient__set(rc, BW_RCPT_PROVIDER_CODE, res->provider_code);
		bw_recipient__set(rc, BW_RCPT_SERVER_TAG, res->server_tag);
		copy_list(&rc->remedies, res->remedies, res->n_remedies);
		copy_list(&rc->references, res->references, res->n_references);
		/* A rule's "permanent" describes its cause's final failure;
		 * a delay report has not failed for good whatever the cause. */
		if (res->permanent >= 0 && !w->delayed)
			rc->permanent = res->permanent;
		if (res->hard_bounce >= 0)
			rc->hard_bounce = res->hard_bounce;
	}
	for (i = 0; i < v->n_evidence; i++)
		if (v->evidence[i])
			bw_recipient__evidence(rc, "%s", v->evidence[i]);
	/* A decoder's own reason is the record's string already. */
	if (v->reason != w->reason)
		bw_recipient__set(rc, BW_RCPT_REASON, v->reason);
	bw_recipient__set(rc, BW_RCPT_DECIDED_BY, v->decided_by);
	rc->confidence = v->confidence;
	if (rc->permanent < 0)
		rc->permanent = decide_permanent(w);
	if (rc->hard_bounce < 0) {
		/* An address-level reason makes a hard bounce even when the
		 * server answered with a temporary code ("450 4.1.1 User
		 * unknown") or is still retrying: the words say the address is
		 * bad (the sets' authors and the shared corpus label it so; it
		 * was soft while retried until the tenth session); a reason
		 * that depends on permanence (notaccept) needs a permanent
		 * failure. */
		hard = info ? info->hard : 0;
		rc->hard_bounce = hard > 0 ? 1 : (hard < 0 ? rc->permanent : 0);
	}
	if (!info)
		return;
	/* A delay report: the server has not given up, whatever the rule's
	 * wording of the same cause says. */
	if (info->delayed_meaning && w->delayed) {
		sentence(text, sizeof(text), info->delayed_meaning);
		bw_recipient__set(rc, BW_RCPT_EXPLANATION, text);
		bw_strlist__clear(&rc->remedies);
		copy_list(&rc->remedies, info->delayed_remedies, info->n_delayed_remedies);
	}
	if (!bw_recipient__get(rc, BW_RCPT_FAULT) && info->fault)
		bw_recipient__set(rc, BW_RCPT_FAULT, info->fault);
	if (!bw_recipient__get(rc, BW_RCPT_EXPLANATION)) {
		sentence(text, sizeof(text), info->meaning);
		bw_recipient__set(rc, BW_RCPT_EXPLANATION, text);
	}
	/* Every verdict carries advice: the vocabulary's when the deciding
	 * rule gave none. */
	if (!rc->remedies.n)
		copy_list(&rc->remedies, info->remedies, info->n_remedies);
}

int bw_classify__recipient(const bw_rules *rules, bw_recipient *rc)
{
	view w;
	verdict v;
	bw_match_result res, nres;
	int matched = 0;

	read_view(rc, &w);
	memset(&v, 0, sizeof(v));
	v.reason = w.reason;
	v.decided_by = "report";
	v.confidence = 90;
	if (!v.reason && is_success(&w)) {
		v.reason = "delivered";
		v.confidence = 95;
		note(&v, "action %s: the message was delivered", w.action ? w.action : "none");
	}
	if (!v.reason) {
		matched = by_rules(rules, rc, &w, &res, &v);
		if (matched == 0 && rc->notice)
			matched = by_notice(rules, rc, &w, &res, &v);
		else if (matched > 0 && rc->notice && res.tier >= BW_TIER_GENERIC)
			matched = notice_over_generic(rules, rc, &w, &nres, &v, matched);
		if (matched == 0)
			by_codes(&w, &v);
	}
	if (matched >= 0)
		write_verdict(rc, &w, &v);
	verdict_clear(&v);
	return matched < 0 ? matched : BW_OK;
}
