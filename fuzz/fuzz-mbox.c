/* libFuzzer harness: the streaming mbox reader, fed through a pipe-like
 * memory file, and each message it yields parsed as a message. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LIMIT 4096

/* How many messages (kept or over the limit) the reader must give for
 * data, worked out line by line without any buffer: lines end at LF, CRLF
 * or CR; a line starting "From " separates messages (the first one opens
 * the first message); a separator with nothing since the last one adds no
 * message; ">From " lines lose one '>'; a message over LIMIT is skipped but
 * still counts.  A separator missed at a buffer boundary merges two
 * messages, which this count catches. */
static size_t expected_messages(const uint8_t *d, size_t size)
{
	size_t i = 0, n = 0, bytes = 0;
	bool have_from = false, skipping = false;

	while (i < size) {
		size_t j = i, ll, q = 0;
		while (j < size && d[j] != '\n' && d[j] != '\r')
			j++;
		if (j < size && d[j] == '\r' && j + 1 < size && d[j + 1] == '\n')
			j++;
		ll = (j < size ? j + 1 : j) - i;
		if (ll > 5 && memcmp(d + i, "From ", 5) == 0) {
			if (!have_from) {
				have_from = true;
			} else if (bytes || skipping) {
				n++;
				bytes = 0;
				skipping = false;
			}
		} else {
			if (!have_from && bytes == 0 && d[i] != '\n')
				have_from = true;
			while (q < ll && d[i + q] == '>')
				q++;
			if (q && ll - q >= 5 && memcmp(d + i + q, "From ", 5) == 0)
				ll--;
			if (!skipping) {
				if (bytes + ll > LIMIT) {
					skipping = true;
					bytes = 0;
				} else {
					bytes += ll;
				}
			}
		}
		i += j < size ? j - i + 1 : j - i;
	}
	return n + (bytes || skipping ? 1 : 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-mbox", MFD_CLOEXEC);
	bw_mbox *mb = NULL;
	const char *msg;
	size_t len, count = 0, total = 0, records = 0;
	int rc;

	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size)
		goto out;
	lseek(fd, 0, SEEK_SET);
	/* A small limit so that skipping over-long messages is exercised. */
	if (bw_mbox_open_fd(&mb, fd, LIMIT) != BW_OK)
		goto out;
	while ((rc = bw_mbox_next(mb, &msg, &len)) != BW_ENOTFOUND) {
		bw_report *r = NULL;
		if (rc == BW_OK || rc == BW_ELIMIT)
			records++;
		if (rc == BW_ELIMIT)
			continue;
		if (rc != BW_OK)
			break;
		if (len > LIMIT || ++count > size + 1)
			abort(); /* over the limit, or more messages than lines */
		total += len;
		if (total > size)
			abort(); /* output larger than the input */
		if (bw_parse_buffer(&r, fuzz_rules(), msg, len, NULL) == BW_OK)
			fuzz_consume(r);
	}
	if (rc == BW_ENOTFOUND && records != expected_messages(data, size))
		abort(); /* a message lost or merged into its neighbour */
	bw_mbox_free(mb);
out:
	close(fd);
	return 0;
}
