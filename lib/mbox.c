/*
 * mbox.c - streaming messages out of an mbox file in bounded memory.
 *
 * A message starts at a line beginning "From " at the start of the file or
 * after a blank line; in practice many writers do not leave the blank line,
 * so any line starting "From " separates messages.  Lines may end in LF,
 * CRLF or a bare CR.  ">From " lines (mboxrd and
 * mboxo quoting) are unquoted by one level.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bouncewhy.h"
#include "error.h"
#include "util.h"

#define CHUNK 65536

struct bw_mbox {
	int fd;
	size_t max;
	char *in;           /* read buffer */
	size_t in_len, in_pos;
	bool eof;
	bw_buf msg;         /* message being assembled */
	bool have_from;     /* the next message's "From " line was consumed */
	bool skipping;      /* the current message is over the limit */
	bool mid_line;      /* the last piece read did not end a line */
};

int bw_mbox_detect(const char *buf, size_t len)
{
	size_t i = 0;

	/* blank lines before the first "From " line (a file saved with a
	 * leading newline) do not make it a single message: the reader skips
	 * them as it skips the blank line between messages */
	while (i < len && (buf[i] == '\n' || buf[i] == '\r'))
		i++;
	return len - i >= 5 && memcmp(buf + i, "From ", 5) == 0;
}

int bw_mbox_open_fd_head(bw_mbox **out, int fd, const char *head, size_t head_len,
                         size_t max_message_size)
{
	bw_mbox *m;

	if (!out)
		return bw_error__set(BW_EINVALID, "bw_mbox_open_fd: out is NULL");
	*out = NULL;
	if (fd < 0)
		return bw_error__set(BW_EINVALID, "bw_mbox_open_fd: bad file descriptor");
	if ((head_len && !head) || head_len > CHUNK)
		return bw_error__set(BW_EINVALID, "bw_mbox_open_fd_head: the head must be at most %d bytes", CHUNK);
	if (!(m = calloc(1, sizeof(*m))) || !(m->in = malloc(CHUNK))) {
		free(m);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	m->fd = fd;
	m->max = max_message_size ? max_message_size : ((size_t)64 << 20);
	if (head_len)
		memcpy(m->in, head, head_len);
	m->in_len = head_len;
	*out = m;
	return BW_OK;
}

int bw_mbox_open_fd(bw_mbox **out, int fd, size_t max_message_size)
{
	return bw_mbox_open_fd_head(out, fd, NULL, 0, max_message_size);
}

void bw_mbox_free(bw_mbox *m)
{
	if (!m)
		return;
	free(m->in);
	bw_buf__free(&m->msg);
	free(m);
}

/* Refills the buffer: keeps the unread bytes (moved to the front) and
 * reads more after them.  Returns 1 if bytes were added, 0 at EOF, or a
 * negative code. */
static int refill(bw_mbox *m)
{
	size_t keep = m->in_len - m->in_pos;
	ssize_t n;

	if (m->eof)
		return 0;
	if (keep && m->in_pos)
		memmove(m->in, m->in + m->in_pos, keep);
	m->in_pos = 0;
	m->in_len = keep;
	do
		n = read(m->fd, m->in + keep, CHUNK - keep);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return bw_error__set(BW_EIO, "read failed: %s", strerror(errno));
	if (n == 0) {
		m->eof = true;
		return 0;
	}
	m->in_len += (size_t)n;
	return 1;
}

static const char *line_end(const char *p, const char *end)
{
	for (; p < end && *p != '\n' && *p != '\r'; p++)
		;
	return p;
}

/* Reads one line (with its line end) into line and len, refilling the
 * buffer; lines longer than the buffer come in pieces.  A line is never
 * split near its start: the first piece holds the whole line or at least
 * PEEK bytes, so a "From " or ">From " line is recognised wherever it falls
 * in the file (separators straddling the buffer were missed once), and a
 * CRLF is never split.  Returns 1, 0 at EOF, or a negative code. */
#define PEEK 1024
static int read_line(bw_mbox *m, const char **line, size_t *len, bool *line_start)
{
	const char *nl, *end;
	int rc;

	for (;;) {
		if (m->in_pos >= m->in_len) {
			m->in_pos = m->in_len = 0;
			if ((rc = refill(m)) <= 0)
				return rc;
		}
		end = m->in + m->in_len;
		nl = line_end(m->in + m->in_pos, end);
		if (m->eof)
			break;
		if (nl == end && !m->mid_line && m->in_len - m->in_pos < PEEK) {
			if ((rc = refill(m)) < 0)
				return rc;
			continue;
		}
		if (nl + 1 == end && *nl == '\r') {
			/* Is it CRLF?  Read on to see the next byte. */
			if (m->in_pos > 0 || m->in_len < CHUNK) {
				if ((rc = refill(m)) < 0)
					return rc;
				continue;
			}
			/* A full buffer ending in CR: hand out what comes before it. */
			*line = m->in + m->in_pos;
			*len = (size_t)(nl - *line);
			m->in_pos += *len;
			*line_start = !m->mid_line;
			m->mid_line = true;
			return 1;
		}
		break;
	}
	*line = m->in + m->in_pos;
	/* A line ends at LF, CRLF or a bare CR (files written on old Macs). */
	if (nl == end)
		nl = NULL;
	else if (*nl == '\r' && nl + 1 < end && nl[1] == '\n')
		nl++;
	*len = nl ? (size_t)(nl - *line) + 1 : m->in_len - m->in_pos;
	m->in_pos += *len;
	*line_start = !m->mid_line;
	m->mid_line = !nl;
	return 1;
}

static bool envelope_line(const char *line, size_t len)
{
	return len > 5 && memcmp(line, "From ", 5) == 0;
}

static bool quoted_from(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && line[i] == '>')
		i++;
	return i > 0 && len - i >= 5 && memcmp(line + i, "From ", 5) == 0;
}

int bw_mbox_next(bw_mbox *m, const char **msg, size_t *len)
{
	const char *line = NULL;
	size_t ll = 0;
	bool start = false;
	int rc;

	if (!m || !msg || !len)
		return bw_error__set(BW_EINVALID, "bw_mbox_next: arguments are required");
	m->msg.len = 0;
	m->skipping = false;
	for (;;) {
		rc = read_line(m, &line, &ll, &start);
		if (rc < 0)
			return rc;
		if (rc == 0)
			break;
		if (start && envelope_line(line, ll)) {
			if (!m->have_from) {
				m->have_from = true;   /* the first message's separator */
				continue;
			}
			if (m->msg.len || m->skipping)
				break;         /* the separator of the next message */
			continue;
		}
		if (!m->have_from && m->msg.len == 0 && ll && line[0] != '\n')
			m->have_from = true;   /* no leading "From ": take it as one message */
		if (m->skipping)
			continue;
		if (start && quoted_from(line, ll))
			line++, ll--;
		if (m->msg.len + ll > m->max) {
			m->skipping = true;
			m->msg.len = 0;
			continue;
		}
		bw_buf__put(&m->msg, line, ll);
		if (m->msg.oom)
			return bw_error__set(BW_ENOMEM, "out of memory");
	}
	if (m->skipping)
		return bw_error__set(BW_ELIMIT, "an mbox message exceeds the limit of %zu bytes", m->max);
	if (!m->msg.len)
		return BW_ENOTFOUND;
	*msg = m->msg.p;
	*len = m->msg.len;
	return BW_OK;
}
