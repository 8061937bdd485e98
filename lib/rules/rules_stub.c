/* Temporary stand-in for the rule engine: no rules, codes only. */
#include <stdlib.h>
#include <string.h>

#include "bouncewhy.h"
#include "../error.h"
#include "../rules.h"

struct bw_rules { int unused; };

int bw_rules_options_init(bw_rules_options *opts, unsigned int version)
{
	bw_rules_options init = BW_RULES_OPTIONS_INIT;

	if (!opts || version != BW_RULES_OPTIONS_VERSION)
		return bw_error__set(BW_EINVALID, "bw_rules_options_init: bad version");
	*opts = init;
	return BW_OK;
}

int bw_rules_open(bw_rules **out, const bw_rules_options *opts)
{
	(void)opts;
	*out = calloc(1, sizeof(**out));
	return *out ? BW_OK : bw_error__set(BW_ENOMEM, "out of memory");
}

void bw_rules_free(bw_rules *rules) { free(rules); }
size_t bw_rules_count(const bw_rules *rules) { (void)rules; return 0; }
const char *bw_rules_path(const bw_rules *rules) { (void)rules; return ""; }
const char *bw_rules_meta(const bw_rules *rules, const char *key) { (void)rules; (void)key; return ""; }

int bw_rules__match(const bw_rules *rules, const bw_match_input *in, bw_match_result *res)
{
	(void)rules; (void)in;
	res->rule_id = NULL;
	return 0;
}
