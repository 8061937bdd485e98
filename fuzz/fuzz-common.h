/* Shared set-up for the libFuzzer harnesses: one rule set per process. */
#ifndef BW_FUZZ_COMMON_H
#define BW_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>

#include "bouncewhy.h"

static __attribute__((unused)) bw_rules *fuzz_rules(void)
{
	static bw_rules *rules;

	if (!rules && bw_rules_open(&rules, NULL) != BW_OK) {
		fprintf(stderr, "fuzz: cannot open rules: %s\n", bw_error_message());
		abort();
	}
	return rules;
}

/* Serialise every report so that the JSON side and every accessor run too. */
static __attribute__((unused)) void fuzz_consume(bw_report *r)
{
	char *json = NULL;
	size_t i, n;

	if (!r)
		return;
	if (bw_report_to_json(&json, r, "fuzz", BW_JSON_EVIDENCE) == BW_OK)
		bw_free(json);
	json = NULL;
	if (bw_report_to_text(&json, r, "fuzz", -1, BW_TEXT_EXPLAIN) == BW_OK)
		bw_free(json);
	n = bw_report_recipient_count(r);
	for (i = 0; i < n; i++) {
		const bw_recipient *rc = bw_report_recipient(r, i);
		int f;
		for (f = 0; f < BW_RCPT_FIELD_COUNT; f++)
			(void)bw_recipient_get(rc, (bw_recipient_field)f);
	}
	bw_report_free(r);
}

#endif
