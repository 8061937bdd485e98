/* libFuzzer harness: bare SMTP replies and log lines (bw_classify_reply).
 * The input is split at the first two NULs into reply, host and command. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 3);
	const char *reply, *host = NULL, *cmd = NULL;
	bw_report *r = NULL;
	size_t n;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = buf[size + 1] = buf[size + 2] = '\0';
	reply = buf;
	n = strlen(reply);
	if (n < size) {
		host = buf + n + 1;
		n += strlen(host) + 1;
		if (n < size)
			cmd = buf + n + 1;
	}
	if (bw_classify_reply(&r, fuzz_rules(), reply, host, cmd) == BW_OK) {
		if (bw_report_recipient_count(r) != 1)
			abort(); /* documented: exactly one recipient */
		fuzz_consume(r);
	}
	free(buf);
	return 0;
}
