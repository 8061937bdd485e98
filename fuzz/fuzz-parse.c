/* libFuzzer harness: whole messages through bw_parse_buffer(). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bw_parse_options opts = BW_PARSE_OPTIONS_INIT;
	bw_report *r = NULL;

	/* Tight limits so that the limit paths are exercised too. */
	opts.max_mime_depth = 12;
	opts.max_parts = 200;
	opts.max_recipients = 50;
	opts.max_line_length = 4096;
	if (bw_parse_buffer(&r, fuzz_rules(), (const char *)data, size, &opts) == BW_OK)
		fuzz_consume(r);
	else if (r)
		abort(); /* the contract: *out is NULL on failure */
	return 0;
}
