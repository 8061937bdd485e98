/*
 * rules_check.c - the self-test of a rule set (bw_rules_check).
 *
 * Every example of every rule is classified as a bare reply and must be won
 * by its own rule.  The reply code, status and remote host come from the
 * example text (rules_example.c).  Conditions the text cannot carry are
 * stood in for from the rule itself: the provider's first host (or a
 * mailbox at its first domain) when the example names no host, and the
 * rule's first command, format and action when it has those conditions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_impl.h"
#include "rules_example.h"
#include "../error.h"
#include "../util.h"

/* First word of a space-separated list into buf; NULL for no list or for
 * "none" (the condition asks for a missing value). */
static const char *first_word(const char *list, char *buf, size_t size)
{
	size_t n = 0;

	if (!list)
		return NULL;
	while (list[n] && list[n] != ' ' && n + 1 < size) {
		buf[n] = list[n];
		n++;
	}
	buf[n] = '\0';
	/* "none", or an exclusion ("!reply"): the example stands for a record
	 * without the value. */
	return bw_strcasecmp(buf, "none") == 0 || buf[0] == '!' ? NULL : buf;
}

static void shorten(const char *s, char *buf, size_t size)
{
	size_t n = strlen(s);

	if (n < size) {
		memcpy(buf, s, n + 1);
		return;
	}
	memcpy(buf, s, size - 4);
	memcpy(buf + size - 4, "...", 4);
}

static int check_example(const bw_rules *rules, const struct bw_rule *r, size_t k,
                         bw_buf *rep)
{
	const bw_rset_rule *s = r->src;
	const char *text = s->examples.v[k];
	bw_example_facts f;
	bw_match_input in;
	bw_match_result res;
	char cmd[16], fmt[64], act[32], rcpt[300], shortbuf[100];
	int m;

	memset(&in, 0, sizeof(in));
	bw_rules__read_example(&f, text);
	in.diagnostic = text;
	in.reply_code = f.reply;
	in.status = f.status;
	in.remote_mta = f.host;
	in.smtp_command = f.command[0] ? f.command : first_word(s->command, cmd, sizeof(cmd));
	in.format = first_word(s->format, fmt, sizeof(fmt));
	in.action = first_word(s->action, act, sizeof(act));
	if (!f.host[0] && s->provider) {
		const bw_rset_provider *p = bw_rules__provider_by_id(rules, s->provider);

		if (p && p->hosts.n)
			in.remote_mta = p->hosts.v[0];
		else if (p && p->domains.n) {
			snprintf(rcpt, sizeof(rcpt), "postmaster@%s", p->domains.v[0]);
			in.recipient = rcpt;
		}
	}
	m = bw_rules__match(rules, &in, &res);
	if (m < 0)
		return m;
	if (m == 1 && res.rule_id == s->id)
		return 0;
	shorten(text, shortbuf, sizeof(shortbuf));
	if (m == 0) {
		bw_buf__printf(rep, "%s:%u: rule %s: example %zu is won by no rule: %s\n",
		               s->file, s->line, s->id, k + 1, shortbuf);
	} else {
		const bw_rule *w = bw_rules_find(rules, res.rule_id);

		bw_buf__printf(rep, "%s:%u: rule %s: example %zu is won by rule %s (%s:%u): %s\n",
		               s->file, s->line, s->id, k + 1, res.rule_id,
		               w ? w->src->file : "?", w ? w->src->line : 0, shortbuf);
	}
	return 1;
}

int bw_rules_check(char **out, const bw_rules *rules)
{
	bw_buf rep = BW_BUF_INIT;
	size_t i, k, failures = 0, examples = 0;
	int rc = BW_OK;

	if (!out || !rules)
		return bw_error__set(BW_EINVALID, "bw_rules_check: NULL argument");
	*out = NULL;
	for (i = 0; i < rules->n_prov; i++) {
		const bw_rset_provider *p = rules->prov[i];

		if (!p->hosts.n && !p->domains.n) {
			bw_buf__printf(&rep, "%s:%u: provider %s has neither hosts nor domains: it can never be detected\n",
			               p->file, p->line, p->id);
			failures++;
		}
	}
	if (rules->n_rules > bw_rules__candidate_capacity()) {
		bw_buf__printf(&rep, "%zu rules are more than the matcher's candidate lists hold (%zu): "
		               "every reply would test every alternative of every rule; raise HITS_RULES "
		               "in lib/rules/rules_match.c\n",
		               rules->n_rules, bw_rules__candidate_capacity());
		failures++;
	}
	for (i = 0; i < rules->n_rules && rc >= 0; i++) {
		const struct bw_rule *r = &rules->rules[i];

		if (!r->src->examples.n) {
			bw_buf__printf(&rep, "%s:%u: rule %s has no example\n",
			               r->src->file, r->src->line, r->src->id);
			failures++;
		}
		for (k = 0; k < r->src->examples.n && rc >= 0; k++) {
			examples++;
			rc = check_example(rules, r, k, &rep);
			if (rc > 0)
				failures += (size_t)rc;
		}
	}
	if (rc < 0) {
		bw_buf__free(&rep);
		return rc;
	}
	bw_buf__printf(&rep, "%zu rules, %zu providers, %zu examples checked: %zu failure%s\n",
	               rules->n_rules, rules->n_prov, examples, failures, failures == 1 ? "" : "s");
	*out = bw_buf__detach(&rep);
	if (!*out)
		return bw_error__set(BW_ENOMEM, "out of memory");
	if (failures)
		return bw_error__set(BW_ERULES, "rule self-test: %zu failure%s", failures,
		                     failures == 1 ? "" : "s");
	return BW_OK;
}
