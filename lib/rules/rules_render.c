/*
 * rules_render.c - a rule set as text for a person: the listing of
 * `bouncewhy rules list` and the page of `bouncewhy rules show ID`
 * (bw_rules_list, bw_rules_show).  The CLI and the Python module print
 * these strings.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bouncewhy.h"
#include "../error.h"
#include "../util.h"

static const char *tier_name(int tier)
{
	static const char *const names[] = {
		"overlay", "provider", "text", "status", "lexicon", "generic text", "reply/other"
	};

	return tier >= 0 && tier <= 6 ? names[tier] : "?";
}

static int detach(char **out, bw_buf *b)
{
	if (b->oom || !(*out = bw_buf__detach(b))) {
		bw_buf__free(b);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	return BW_OK;
}

int bw_rules_list(char **out, const bw_rules *rules)
{
	bw_buf b = BW_BUF_INIT;
	size_t i;

	if (!out || !rules)
		return bw_error__set(BW_EINVALID, "bw_rules_list: NULL argument");
	*out = NULL;
	for (i = 0; i < bw_rules_count(rules); i++) {
		const bw_rule *r = bw_rules_at(rules, i);
		const char *prov = bw_rule_get(r, BW_RULE_PROVIDER);

		bw_buf__printf(&b, "%-44s %-16s %s\n", bw_rule_get(r, BW_RULE_ID),
		               bw_rule_get(r, BW_RULE_REASON), *prov ? prov : "-");
	}
	return detach(out, &b);
}

/* One "name:  value" line; nothing for an empty value. */
static void field(bw_buf *b, const char *name, const char *value)
{
	if (value && *value)
		bw_buf__printf(b, "%-12s %s\n", name, value);
}

int bw_rules_show(char **out, const bw_rules *rules, const char *id)
{
	const bw_rule *r;
	bw_buf b = BW_BUF_INIT;
	char buf[512];
	size_t i;

	if (!out || !rules || !id)
		return bw_error__set(BW_EINVALID, "bw_rules_show: NULL argument");
	*out = NULL;
	if (!(r = bw_rules_find(rules, id)))
		return bw_error__set(BW_ENOTFOUND, "no rule '%s'", id);
	field(&b, "id:", bw_rule_get(r, BW_RULE_ID));
	snprintf(buf, sizeof(buf), "%s:%u", bw_rule_get(r, BW_RULE_FILE), bw_rule_line(r));
	field(&b, "source:", buf);
	if (bw_rule_layer(r))
		snprintf(buf, sizeof(buf), "overlay %zu", bw_rule_layer(r));
	else
		snprintf(buf, sizeof(buf), "base %s", bw_rules_path(rules));
	field(&b, "layer:", buf);
	snprintf(buf, sizeof(buf), "%d (%s), priority %d", bw_rule_tier(r),
	         tier_name(bw_rule_tier(r)), bw_rule_priority(r));
	field(&b, "tier:", buf);
	if (*bw_rule_get(r, BW_RULE_PROVIDER)) {
		snprintf(buf, sizeof(buf), "%s (%s)", bw_rule_get(r, BW_RULE_PROVIDER),
		         bw_rule_get(r, BW_RULE_PROVIDER_NAME));
		field(&b, "provider:", buf);
	}
	field(&b, "text:", bw_rule_get(r, BW_RULE_TEXT));
	field(&b, "status:", bw_rule_get(r, BW_RULE_STATUS));
	field(&b, "reply:", bw_rule_get(r, BW_RULE_REPLY));
	field(&b, "command:", bw_rule_get(r, BW_RULE_COMMAND));
	field(&b, "format:", bw_rule_get(r, BW_RULE_FORMAT));
	field(&b, "action:", bw_rule_get(r, BW_RULE_ACTION));
	field(&b, "reason:", bw_rule_get(r, BW_RULE_REASON));
	field(&b, "fault:", bw_rule_get(r, BW_RULE_FAULT));
	field(&b, "permanent:", bw_rule_get(r, BW_RULE_PERMANENT));
	field(&b, "hard:", bw_rule_get(r, BW_RULE_HARD));
	field(&b, "explain:", bw_rule_get(r, BW_RULE_EXPLANATION));
	for (i = 0; i < bw_rule_remedy_count(r); i++)
		field(&b, "remedy:", bw_rule_remedy(r, i));
	for (i = 0; i < bw_rule_reference_count(r); i++)
		field(&b, "ref:", bw_rule_reference(r, i));
	for (i = 0; i < bw_rule_example_count(r); i++)
		field(&b, "example:", bw_rule_example(r, i));
	return detach(out, &b);
}
