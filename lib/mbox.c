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
	bool after_cr;      /* the last chunk ended with CR: skip a leading LF */
};

int bw_mbox_detect(const char *buf, size_t len)
{
	return len >= 5 && memcmp(buf, "From ", 5) == 0;
}

int bw_mbox_open_fd(bw_mbox **out, int fd, size_t max_message_size)
{
	bw_mbox *m;

	if (!out)
		return bw_error__set(BW_EINVALID, "bw_mbox_open_fd: out is NULL");
	*out = NULL;
	if (fd < 0)
		return bw_error__set(BW_EINVALID, "bw_mbox_open_fd: bad file descriptor");
	if (!(m = calloc(1, sizeof(*m))) || !(m->in = malloc(CHUNK))) {
		free(m);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	m->fd = fd;
	m->max = max_message_size ? max_message_size : ((size_t)64 << 20);
	*out = m;
	return BW_OK;
}

void bw_mbox_free(bw_mbox *m)
{
	if (!m)
		return;
	free(m->in);
	bw_buf__free(&m->msg);
	free(m);
}

/* Reads one line (with its LF) into line and len, refilling the buffer;
 * lines longer than the buffer come in pieces (only the first piece can be a
 * "From " line).  Returns 1, 0 at EOF, or a negative code. */
static int read_line(bw_mbox *m, const char **line, size_t *len, bool *line_start)
{
	char *nl;

	if (m->in_pos >= m->in_len) {
		ssize_t n;
		if (m->eof)
			return 0;
		do
			n = read(m->fd, m->in, CHUNK);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return bw_error__set(BW_EIO, "read failed: %s", strerror(errno));
		if (n == 0) {
			m->eof = true;
			return 0;
		}
		m->in_len = (size_t)n;
		m->in_pos = 0;
	}
	/* The LF of a CRLF whose CR ended the previous chunk. */
	if (m->after_cr && m->in[m->in_pos] == '\n') {
		m->after_cr = false;
		m->in_pos++;
		if (m->in_pos >= m->in_len)
			return read_line(m, line, len, line_start);
	}
	m->after_cr = false;
	*line = m->in + m->in_pos;
	/* A line ends at LF, CRLF or a bare CR (files written on old Macs). */
	for (nl = (char *)*line; nl < m->in + m->in_len && *nl != '\n' && *nl != '\r'; nl++)
		;
	if (nl == m->in + m->in_len) {
		nl = NULL;
	} else if (*nl == '\r') {
		if (nl + 1 < m->in + m->in_len) {
			if (nl[1] == '\n')
				nl++;
		} else {
			m->after_cr = true;
		}
	}
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
