/* The streaming mbox reader: splitting, >From unquoting, size limits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bouncewhy.h"
#include "check.h"
#include "util.h"

/* One generated mbox and the messages it holds (their text as the reader
 * must return it: the envelope line removed, ">From " unquoted). */
typedef struct gen {
	bw_buf file;
	bw_buf want[1200];
	size_t n;
} gen;

static void gen_message(gen *g, size_t body_bytes, const char *eol, unsigned seed)
{
	bw_buf *w = &g->want[g->n];
	char line[256];
	size_t el = strlen(eol);

	snprintf(line, sizeof(line), "From MAILER-DAEMON Thu Sep 18 17:54:04 2008%s", eol);
	bw_buf__puts(&g->file, line);
	snprintf(line, sizeof(line), "Subject: message %zu%s%s", g->n, eol, eol);
	bw_buf__puts(&g->file, line);
	bw_buf__puts(w, line);
	/* Body: lines of varying length, some quoted "From " lines, and now
	 * and then a line longer than the reader's 64 KiB buffer. */
	while (body_bytes > 0) {
		size_t n = (seed = seed * 1103515245u + 12345u) >> 16 & 0xff;
		unsigned kind = (seed >> 8) % 16;
		if (kind == 0 && body_bytes > 12) {
			bw_buf__puts(&g->file, ">From the desk");
			bw_buf__puts(w, "From the desk");
			body_bytes -= 14 < body_bytes ? 14 : body_bytes;
			bw_buf__puts(&g->file, eol);
			bw_buf__puts(w, eol);
			body_bytes -= el < body_bytes ? el : body_bytes;
			continue;
		}
		if (kind == 1 && body_bytes > 70000)
			n = 70000;
		if (n + el > body_bytes)
			n = body_bytes > el ? body_bytes - el : 0;
		while (n--) {
			bw_buf__putc(&g->file, 'x');
			bw_buf__putc(w, 'x');
			body_bytes--;
		}
		if (body_bytes == 0)
			break;
		bw_buf__put(&g->file, eol, body_bytes < el ? body_bytes : el);
		bw_buf__put(w, eol, body_bytes < el ? body_bytes : el);
		body_bytes -= body_bytes < el ? body_bytes : el;
	}
	g->n++;
}

typedef enum { VIA_FILE, VIA_PIPE, VIA_PIPE_HEAD } via;

/* Reads g->file back through the reader (from a file, a pipe, or a pipe
 * whose first 5 bytes were read before, as the CLI does with standard
 * input) and checks every message. */
static void check_gen(const gen *g, via how, const char *what)
{
	bw_mbox *mb = NULL;
	const char *msg;
	size_t len, i = 0;
	int fd = -1, rc, bad = 0;
	pid_t writer = -1;

	if (how == VIA_FILE) {
		char path[] = "/tmp/bw-test-mbox-XXXXXX";
		fd = mkstemp(path);
		unlink(path);
		CHECK(write(fd, g->file.p, g->file.len) == (ssize_t)g->file.len);
		lseek(fd, 0, SEEK_SET);
		CHECK(bw_mbox_open_fd(&mb, fd, 0) == BW_OK);
	} else {
		int p[2];
		CHECK(pipe(p) == 0);
		writer = fork();
		if (writer == 0) {
			size_t off = 0;
			close(p[0]);
			/* Odd write sizes, so that reads end at odd places too. */
			while (off < g->file.len) {
				size_t k = g->file.len - off < 3001 ? g->file.len - off : 3001;
				if (write(p[1], g->file.p + off, k) != (ssize_t)k)
					_exit(1);
				off += k;
			}
			_exit(0);
		}
		close(p[1]);
		fd = p[0];
		if (how == VIA_PIPE) {
			CHECK(bw_mbox_open_fd(&mb, fd, 0) == BW_OK);
		} else {
			char head[5];
			CHECK(read(fd, head, 5) == 5);
			CHECK(bw_mbox_detect(head, 5) == 1);
			CHECK(bw_mbox_open_fd_head(&mb, fd, head, 5, 0) == BW_OK);
		}
	}
	while ((rc = bw_mbox_next(mb, &msg, &len)) == BW_OK) {
		if (i >= g->n || len != g->want[i].len || memcmp(msg, g->want[i].p, len) != 0) {
			if (!bad++) {
				size_t k = 0;
				while (i < g->n && k < len && k < g->want[i].len && msg[k] == g->want[i].p[k])
					k++;
				fprintf(stderr, "%s: message %zu differs at byte %zu [%.20s] want [%.20s] (%zu bytes, want %zu)\n", what, i, k, msg + (k > 10 ? k - 10 : 0), g->want[i].p + (k > 10 ? k - 10 : 0), len,
				        i < g->n ? g->want[i].len : 0);
			}
		}
		i++;
	}
	CHECK(rc == BW_ENOTFOUND);
	if (i != g->n)
		fprintf(stderr, "%s: %zu messages read, %zu written\n", what, i, g->n);
	CHECK(i == g->n);
	CHECK(bad == 0);
	bw_mbox_free(mb);
	close(fd);
	if (writer > 0)
		waitpid(writer, NULL, 0);
}

static void gen_free(gen *g)
{
	size_t i;

	bw_buf__free(&g->file);
	for (i = 0; i < sizeof(g->want) / sizeof(g->want[0]); i++)
		bw_buf__free(&g->want[i]);
	memset(g, 0, sizeof(*g));
}

/* Appends messages so that envelope lines start at every offset from
 * -9 to +9 around multiples of 4 KiB and of 64 KiB (the reader's buffer). */
static void test_separator_offsets(const char *eol)
{
	static gen g;
	size_t base, d, header;
	char line[128];
	via how;

	snprintf(line, sizeof(line), "From MAILER-DAEMON Thu Sep 18 17:54:04 2008%s", eol);
	header = strlen(line);
	for (base = 4096; base <= 6 * 65536; base += 4096) {
		if (base > 2 * 65536 && base % 65536)
			continue;
		for (d = 0; d <= 18; d++) {
			size_t at = base + d - 9, subj;
			snprintf(line, sizeof(line), "Subject: message %zu%s%s", g.n, eol, eol);
			subj = strlen(line);
			if (at <= g.file.len + header + subj + 2)
				continue;
			gen_message(&g, at - g.file.len - header - subj, eol, (unsigned)at);
			CHECK(g.file.len == at);
		}
	}
	gen_message(&g, 10, eol, 1);
	for (how = VIA_FILE; how <= VIA_PIPE_HEAD; how++)
		check_gen(&g, how, how == VIA_FILE ? "separators, file" : how == VIA_PIPE ? "separators, pipe" : "separators, pipe after head");
	gen_free(&g);
}

/* Property: random message sizes (and line endings); as many messages out
 * as went in, each byte for byte. */
static void test_random_sizes(void)
{
	static gen g;
	static const char *const eols[] = { "\n", "\r\n" };
	unsigned seed = 20261202u, round;

	for (round = 0; round < 4; round++) {
		const char *eol = eols[round % 2];
		size_t i, n = 50 + round * 40;
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			/* mostly small, sometimes beyond one buffer */
			gen_message(&g, (seed >> 4) % (seed % 7 == 0 ? 200000 : 9000), eol, seed);
		}
		check_gen(&g, round % 3 == 0 ? VIA_FILE : round % 3 == 1 ? VIA_PIPE : VIA_PIPE_HEAD, "random sizes");
		gen_free(&g);
	}
}

int main(void)
{
	const char *mbox =
		"From MAILER-DAEMON Thu Sep 18 17:54:04 2008\n"
		"Subject: one\n\nbody one\n>From here\n\n"
		"From MAILER-DAEMON Thu Sep 18 17:55:04 2008\n"
		"Subject: two\n\n"
		"0123456789012345678901234567890123456789012345678901234567890123456789\n"
		"0123456789012345678901234567890123456789012345678901234567890123456789\n\n"
		"From MAILER-DAEMON Thu Sep 18 17:56:04 2008\n"
		"Subject: three\n\nbody three\n";
	char path[] = "/tmp/bw-test-mbox-XXXXXX";
	bw_mbox *mb = NULL;
	const char *msg;
	size_t len;
	int fd;

	CHECK(bw_mbox_detect(mbox, strlen(mbox)) == 1);
	CHECK(bw_mbox_detect("Subject: x\n", 11) == 0);
	CHECK(bw_mbox_detect("\nFrom a@b Thu Dec  3 03:00:00 2026\n", 35) == 1);
	CHECK(bw_mbox_detect("\r\n\r\nFrom x", 11) == 1);
	CHECK(bw_mbox_detect("\n\nSubject: x\n", 13) == 0);
	CHECK(bw_mbox_detect("\n\n", 2) == 0);
	fd = mkstemp(path);
	CHECK(write(fd, mbox, strlen(mbox)) == (ssize_t)strlen(mbox));
	lseek(fd, 0, SEEK_SET);
	CHECK(bw_mbox_open_fd(&mb, fd, 120) == BW_OK);
	CHECK(bw_mbox_next(mb, &msg, &len) == BW_OK);
	CHECK(len == strlen("Subject: one\n\nbody one\nFrom here\n\n"));
	CHECK(strncmp(msg, "Subject: one\n\nbody one\nFrom here\n", len - 1) == 0);
	CHECK(bw_mbox_next(mb, &msg, &len) == BW_ELIMIT);   /* message two is too big */
	CHECK(bw_mbox_next(mb, &msg, &len) == BW_OK);
	CHECK(strncmp(msg, "Subject: three\n", 15) == 0);
	CHECK(bw_mbox_next(mb, &msg, &len) == BW_ENOTFOUND);
	bw_mbox_free(mb);
	CHECK(bw_mbox_open_fd(&mb, -1, 0) == BW_EINVALID);
	close(fd);
	unlink(path);

	/* Bare CR and CRLF line endings split the same way. */
	{
		const char *variants[] = {
			"From a Thu Sep 18 17:54:04 2008\rSubject: one\r\rbody\rFrom b Thu Sep 18 17:55:04 2008\rSubject: two\r\rbody\r",
			"From a Thu Sep 18 17:54:04 2008\r\nSubject: one\r\n\r\nbody\r\nFrom b Thu Sep 18 17:55:04 2008\r\nSubject: two\r\n\r\nbody\r\n",
		};
		size_t v;
		for (v = 0; v < 2; v++) {
			char p2[] = "/tmp/bw-test-mbox-XXXXXX";
			int fd2 = mkstemp(p2);
			CHECK(write(fd2, variants[v], strlen(variants[v])) == (ssize_t)strlen(variants[v]));
			lseek(fd2, 0, SEEK_SET);
			CHECK(bw_mbox_open_fd(&mb, fd2, 0) == BW_OK);
			CHECK(bw_mbox_next(mb, &msg, &len) == BW_OK);
			CHECK(len > 12 && strncmp(msg, "Subject: one", 12) == 0);
			CHECK(bw_mbox_next(mb, &msg, &len) == BW_OK);
			CHECK(len > 12 && strncmp(msg, "Subject: two", 12) == 0);
			CHECK(bw_mbox_next(mb, &msg, &len) == BW_ENOTFOUND);
			bw_mbox_free(mb);
			close(fd2);
			unlink(p2);
		}
	}
	test_separator_offsets("\n");
	test_separator_offsets("\r\n");
	test_random_sizes();
	return check_done();
}
