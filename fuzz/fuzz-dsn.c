/* libFuzzer harness: RFC 3464 per-message and per-recipient field groups,
 * and the length-bounded SMTP recognisers. */
#include <stddef.h>
#include <stdint.h>

#include "dsn.h"
#include "fuzz-common.h"
#include "record.h"
#include "smtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bw_report *r = bw_report__new(100);

	if (!r)
		return 0;
	(void)bw_dsn__parse_fields(r, (const char *)data, size);
	(void)bw_smtp__status_valid((const char *)data, size);
	(void)bw_smtp__has_failure_code((const char *)data, size);
	(void)bw_smtp__stage_named((const char *)data, size);
	fuzz_consume(r);
	return 0;
}
