/* libFuzzer harness: the streaming mbox reader, fed through a pipe-like
 * memory file, and each message it yields parsed as a message. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-mbox", MFD_CLOEXEC);
	bw_mbox *mb = NULL;
	const char *msg;
	size_t len, count = 0, total = 0;
	int rc;

	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size)
		goto out;
	lseek(fd, 0, SEEK_SET);
	/* A small limit so that skipping over-long messages is exercised. */
	if (bw_mbox_open_fd(&mb, fd, 4096) != BW_OK)
		goto out;
	while ((rc = bw_mbox_next(mb, &msg, &len)) != BW_ENOTFOUND) {
		bw_report *r = NULL;
		if (rc == BW_ELIMIT)
			continue;
		if (rc != BW_OK)
			break;
		if (len > 4096 || ++count > size + 1)
			abort(); /* over the limit, or more messages than lines */
		total += len;
		if (total > size)
			abort(); /* output larger than the input */
		if (bw_parse_buffer(&r, fuzz_rules(), msg, len, NULL) == BW_OK)
			fuzz_consume(r);
	}
	bw_mbox_free(mb);
out:
	close(fd);
	return 0;
}
