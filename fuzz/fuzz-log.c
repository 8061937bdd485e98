/* libFuzzer harness: the mail log reader (bouncewhy/log.h).  The input is
 * a log; its first byte picks where it is split in two pushed chunks and
 * how short the line limit is, so that lines cut by the limit and lines
 * split between chunks are both exercised.  Every attempt is serialised,
 * copied and summarised, and the summary rendered. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bouncewhy/log.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void drain(bw_log *log, bw_log_summary *s)
{
	const bw_log_attempt *a;
	bw_log_attempt *copy;
	char *json;

	while (bw_log_next(log, &a) == BW_OK) {
		if (bw_log_attempt_to_json(&json, a, "fuzz", BW_JSON_EVIDENCE) == BW_OK)
			bw_free(json);
		if (bw_log_attempt_failed(a) && !bw_log_attempt_report(a))
			abort();    /* documented: every failure carries its diagnosis */
		if (bw_log_attempt_dup(&copy, a) == BW_OK) {
			bw_log_summary_add(s, copy);
			bw_log_attempt_free(copy);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bw_log_options o = BW_LOG_OPTIONS_INIT;
	bw_log_summary *s = NULL;
	bw_log *log = NULL;
	char *out;
	size_t split;

	if (size < 1)
		return 0;
	split = size > 1 ? (data[0] * (size - 1)) / 255 : 0;
	o.reference_time = 1796116259;
	o.max_line_length = 64 + (size_t)(data[0] & 0x3f) * 16;
	data++;
	size--;
	if (split > size)
		split = size;
	if (bw_log_summary_new(&s, fuzz_rules()) != BW_OK)
		return 0;
	if (bw_log_open_push(&log, fuzz_rules(), &o) == BW_OK) {
		bw_log_feed(log, (const char *)data, split);
		drain(log, s);
		bw_log_feed(log, (const char *)data + split, size - split);
		drain(log, s);
		bw_log_feed_end(log);
		drain(log, s);
		bw_log_summary_add_stats(s, log);
		bw_log_free(log);
	}
	if (bw_log_summary_to_text(&out, s, 0) == BW_OK)
		bw_free(out);
	if (bw_log_summary_to_json(&out, s, BW_JSON_PRETTY) == BW_OK)
		bw_free(out);
	bw_log_summary_free(s);
	return 0;
}
