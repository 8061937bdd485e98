/*
 * rules_info.c - read-only introspection of single rules (bw_rule_*).
 */
#include <string.h>

#include "rules_impl.h"

const bw_rule *bw_rules_at(const bw_rules *rules, size_t i)
{
	return rules && i < rules->n_rules ? &rules->rules[i] : NULL;
}

const bw_rule *bw_rules_find(const bw_rules *rules, const char *id)
{
	size_t i;

	for (i = 0; rules && id && i < rules->n_rules; i++)
		if (strcmp(rules->rules[i].src->id, id) == 0)
			return &rules->rules[i];
	return NULL;
}

static const char *const field_names[BW_RULE_FIELD_COUNT] = {
	[BW_RULE_ID] = "id",
	[BW_RULE_FILE] = "file",
	[BW_RULE_REASON] = "reason",
	[BW_RULE_FAULT] = "fault",
	[BW_RULE_PERMANENT] = "permanent",
	[BW_RULE_HARD] = "hard",
	[BW_RULE_PROVIDER] = "provider",
	[BW_RULE_PROVIDER_NAME] = "provider_name",
	[BW_RULE_TEXT] = "text",
	[BW_RULE_STATUS] = "status",
	[BW_RULE_REPLY] = "reply",
	[BW_RULE_COMMAND] = "command",
	[BW_RULE_FORMAT] = "format",
	[BW_RULE_ACTION] = "action",
	[BW_RULE_EXPLANATION] = "explanation",
	[BW_RULE_CONDITIONS] = "conditions",
};

const char *bw_rule_field_name(bw_rule_field field)
{
	return (unsigned)field < BW_RULE_FIELD_COUNT ? field_names[field] : "";
}

static const char *yes_no(int v)
{
	return v < 0 ? "" : v ? "yes" : "no";
}

const char *bw_rule_get(const bw_rule *rule, bw_rule_field field)
{
	const bw_rset_rule *s;
	const char *v = NULL;

	if (!rule)
		return "";
	s = rule->src;
	switch (field) {
	case BW_RULE_ID: v = s->id; break;
	case BW_RULE_FILE: v = s->file; break;
	case BW_RULE_REASON: v = s->reason; break;
	case BW_RULE_FAULT: v = s->fault; break;
	case BW_RULE_PERMANENT: v = yes_no(s->permanent); break;
	case BW_RULE_HARD: v = yes_no(s->hard); break;
	case BW_RULE_PROVIDER: v = s->provider; break;
	case BW_RULE_PROVIDER_NAME: v = rule->provider_name; break;
	case BW_RULE_TEXT: v = s->text; break;
	case BW_RULE_STATUS: v = s->status; break;
	case BW_RULE_REPLY: v = s->reply; break;
	case BW_RULE_COMMAND: v = s->command; break;
	case BW_RULE_FORMAT: v = s->format; break;
	case BW_RULE_ACTION: v = s->action; break;
	case BW_RULE_EXPLANATION: v = s->explain; break;
	case BW_RULE_CONDITIONS: v = bw_rules__evidence(rule); break;
	default: break;
	}
	return v ? v : "";
}

unsigned int bw_rule_line(const bw_rule *rule)
{
	return rule ? rule->src->line : 0;
}

int bw_rule_tier(const bw_rule *rule)
{
	return rule ? rule->tier : 0;
}

int bw_rule_priority(const bw_rule *rule)
{
	return rule ? rule->src->priority : 0;
}

size_t bw_rule_layer(const bw_rule *rule)
{
	return rule ? rule->layer : 0;
}

static const char *item(const bw_rstrv *l, size_t i)
{
	return i < l->n ? l->v[i] : NULL;
}

size_t bw_rule_remedy_count(const bw_rule *rule)
{
	return rule ? rule->src->remedies.n : 0;
}

const char *bw_rule_remedy(const bw_rule *rule, size_t i)
{
	return rule ? item(&rule->src->remedies, i) : NULL;
}

size_t bw_rule_reference_count(const bw_rule *rule)
{
	return rule ? rule->src->refs.n : 0;
}

const char *bw_rule_reference(const bw_rule *rule, size_t i)
{
	return rule ? item(&rule->src->refs, i) : NULL;
}

size_t bw_rule_example_count(const bw_rule *rule)
{
	return rule ? rule->src->examples.n : 0;
}

const char *bw_rule_example(const bw_rule *rule, size_t i)
{
	return rule ? item(&rule->src->examples, i) : NULL;
}
