/* libFuzzer harness: the rules loader, on a fuzzed rules text overlay. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	bw_rules_options opts = BW_RULES_OPTIONS_INIT;
	const char *overlays[1];
	bw_rules *rules = NULL;
	FILE *f;

	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/bw-fuzz-rules-%ld.rules", (long)getpid());
	if (!(f = fopen(path, "wb")))
		return 0;
	if (size)
		fwrite(data, 1, size, f);
	fclose(f);
	/* No base database ("" opens none): the fuzzed text is the whole rule
	 * set, and each run stays fast. */
	opts.path = "";
	overlays[0] = path;
	opts.overlays = overlays;
	opts.n_overlays = 1;
	/* Small PCRE2 limits: a pathological pattern must fail, not hang. */
	opts.match_limit = 100000;
	opts.depth_limit = 1000;
	opts.heap_limit_kib = 1024;
	if (bw_rules_open(&rules, &opts) == BW_OK) {
		bw_report *r = NULL;
		(void)bw_rules_count(rules);
		(void)bw_rules_meta(rules, "rule_count");
		/* Use the rule set, so that compiled patterns run. */
		if (bw_classify_reply(&r, rules, "550 5.1.1 <a@example.org>: Recipient address rejected: User unknown",
		                      "mx.example.org", "RCPT") == BW_OK)
			fuzz_consume(r);
		if (bw_classify_reply(&r, rules, "421 4.7.0 [TSS04] Messages temporarily deferred",
		                      NULL, NULL) == BW_OK)
			fuzz_consume(r);
		bw_rules_free(rules);
	}
	unlink(path);
	return 0;
}
